"""Where a coach's project lives: folders named as people name them (spaces, accents, an
apostrophe, « # » and « % »), and what the tasks say when the folder is not what they need."""

import os
import subprocess
import sys

import pytest
from conftest import make_site

# Folders coaches have: Nautilus's « Mes Documents », a first name, « l'atelier », a
# note-taking app's folder, guillemets, and braces (which format strings read).
ODD_FOLDERS = [
    "Mes Documents/Carnet de coach",
    "Élodie/carnet",
    "l'atelier/carnet",
    "notes #1 & 100% coach/carnet",
    "« Carnet »/carnet",
    "carnet {2024}/carnet",
]


def sample_site(root):
    site = make_site(root)
    site.add_post(
        "a.md",
        title="Premiers tarifs",
        date="2021-03-15 08:30",
        category="Lancer son business",
        body="Fixer son prix ? Voir [l’autre]({filename}/posts/b.md).",
    )
    site.add_post("b.md", title="La première séance", date="2021-09-30 08:30")
    return site


def output_files(site):
    return {
        str(path.relative_to(site.output)): path.read_bytes()
        for path in sorted(site.output.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def plain_output(tmp_path_factory):
    site = sample_site(tmp_path_factory.mktemp("plain") / "carnet")
    site.build()
    return output_files(site)


@pytest.mark.parametrize("folder", ODD_FOLDERS)
def test_a_production_build_in_an_odd_folder_is_the_plain_folders(tmp_path, folder, plain_output):
    # lxml gave the feeds' file names to libxml2, which reads a name as a URI: in « notes
    # #1 & 100% coach », « % c » is no escape, and the build stopped at the first feed.
    site = sample_site(tmp_path / folder)
    site.build()
    built = output_files(site)
    assert sorted(built) == sorted(plain_output)
    assert [name for name in built if built[name] != plain_output[name]] == []
    assert "feeds/all.atom.xml" in built


def test_the_tasks_speak_to_a_terminal_that_is_not_utf_8(site):
    # LANG=fr_FR@euro: the terminal's encoding is ISO-8859-15, which has « é » and « » »
    # but not « • », « ✓ » or « ’ »; Python stopped at the first line with a traceback.
    site.add_post("a.md", title="Un billet")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CARNET_")}
    environment["PYTHONIOENCODING"] = "iso8859-15"
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "build"],
        cwd=site.root,
        env=environment,
        capture_output=True,
        timeout=300,
    )
    said = done.stdout.decode("iso8859-15") + done.stderr.decode("iso8859-15")
    assert done.returncode == 0, said
    assert "Traceback" not in said
    assert "? Site construit dans output/\u00a0: 1 billet et 0 page" in said
    assert (site.output / "un-billet" / "index.html").exists()
