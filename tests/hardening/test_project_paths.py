"""Where a coach's project lives: folders named as people name them (spaces, accents, an
apostrophe, « # » and « % »), and what the tasks say when the folder is not what they need."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, make_site

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


# --- folders Carnet may not write in -----------------------------------------------------

NOBODY = 65534
EMAILS = ROOT / "tests" / "reactions" / "emails"
CANNOT_WRITE = (
    "{folder}/ cannot be written: Carnet is not allowed to write there; give yourself the "
    "right to write in it (for a folder made with sudo: sudo chown -R $USER {folder}), then "
    "run this again"
)


@pytest.fixture
def nobodys_site():
    """A site of the user nobody's, in a folder others may enter, with the sample post
    the Gmail reply answers; the tests give some of its folders to root, as a `sudo invoke`
    leaves them (root ignores a folder's rights: the tasks run as nobody)."""
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to run as another user")
    if os.geteuid() != 0:
        pytest.skip("must run as root to switch to the user nobody")
    base = Path(tempfile.mkdtemp(prefix="carnet-paths-"))
    base.chmod(0o755)
    site = make_site(base / "site")
    site.speak("en")
    post = "2020-11-12-qu-est-ce-que-l-ecoute.md"
    shutil.copy(ROOT / "content" / "posts" / post, site.content / "posts" / post)
    shutil.copy(EMAILS / "gmail.eml", base / "reply.eml")
    for path in [base, *base.rglob("*")]:
        os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    yield site
    shutil.rmtree(base)


def as_nobody(site, *args):
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(site.root)}
    return subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        + [sys.executable, "-m", "invoke", *args],
        cwd=site.root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def roots(folder, *inside):
    """`folder` (made when missing) becomes root's, and the empty files `inside` it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in inside:
        (folder / name).touch()
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, 0, 0)


def test_a_build_into_an_output_folder_of_roots_says_so(nobodys_site):
    roots(nobodys_site.output)  # a `sudo invoke build`
    done = as_nobody(nobodys_site, "build")
    assert done.returncode == 1
    assert done.stderr == f"✗ {CANNOT_WRITE.format(folder='output')}\n"
    assert list(nobodys_site.output.iterdir()) == []


def test_a_folder_of_roots_in_output_is_said_before_the_build_empties_output(nobodys_site):
    # `sudo invoke serve --port 80` indexed output/ as root: its pagefind/ is root's, and
    # the next preview logged Pelican's « Unable to delete directory output/pagefind »
    # once it had emptied the rest of output/; a development build stopped on the first
    # file it could not replace.
    assert as_nobody(nobodys_site, "build").returncode == 0
    roots(nobodys_site.output / "pagefind", "pagefind-entry.json")
    for task in ("build", "preview"):
        done = as_nobody(nobodys_site, task)
        assert done.returncode == 1
        assert done.stderr == f"✗ {CANNOT_WRITE.format(folder='output/pagefind')}\n"
        assert (nobodys_site.output / "qu-est-ce-que-l-ecoute" / "index.html").exists()


def test_publish_with_a_carnet_folder_of_roots_stops_before_building(nobodys_site):
    # It stopped with a traceback taking its lock in .carnet/.
    roots(nobodys_site.root / ".carnet")
    done = as_nobody(nobodys_site, "publish")
    assert done.returncode == 1
    assert done.stderr == f"✗ {CANNOT_WRITE.format(folder='.carnet')}\n"
    assert not (nobodys_site.root / "outbox").exists()


def test_publish_in_a_project_folder_of_roots_names_the_folder(nobodys_site):
    os.chown(nobodys_site.root, 0, 0)
    done = as_nobody(nobodys_site, "publish")
    assert done.returncode == 1
    assert done.stderr == f"✗ {CANNOT_WRITE.format(folder=nobodys_site.root)}\n"


def test_publish_says_when_output_cannot_be_emptied_for_the_new_site(nobodys_site):
    # A folder of root's two levels down in output/, where publish looks before building
    # (a page of Carnet's: a file it did not write would stop publish before the build):
    # the site it built could not be moved in, and it stopped with a traceback.
    assert as_nobody(nobodys_site, "build").returncode == 0
    roots(nobodys_site.output / "categorie" / "journal-intime", "index.html")
    done = as_nobody(nobodys_site, "publish")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.endswith(
        "✗ output/ could not be emptied to receive the site just built: give yourself the "
        "right to write in every folder of it (for folders made with sudo: sudo chown -R "
        "$USER output), then publish again\n"
    )
    assert not (nobodys_site.root / "outbox").exists()


def test_clean_says_when_it_could_not_remove_output(nobodys_site):
    # It said « Removed output/ and .carnet/cache/ » with output/pagefind/ still there.
    assert as_nobody(nobodys_site, "build").returncode == 0
    roots(nobodys_site.output / "pagefind", "pagefind-entry.json")
    done = as_nobody(nobodys_site, "clean")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        "✗ output/ could not be removed entirely: give yourself the right to write in every "
        "folder of it (for folders made with sudo: sudo chown -R $USER output), then run this "
        "again\n"
    )


def test_clean_with_a_carnet_folder_of_roots_stops_before_deleting_anything(nobodys_site):
    # It deleted output/, then stopped with a traceback removing .carnet/output-record.json.
    assert as_nobody(nobodys_site, "build").returncode == 0
    os.chown(nobodys_site.root / ".carnet", 0, 0)
    done = as_nobody(nobodys_site, "clean")
    assert done.returncode == 1
    assert done.stderr == f"✗ {CANNOT_WRITE.format(folder='.carnet')}\n"
    assert (nobodys_site.output / "qu-est-ce-que-l-ecoute" / "index.html").exists()


def test_newsletter_preview_into_a_folder_of_roots_is_one_line(nobodys_site):
    # It stopped with a traceback making .carnet/newsletter-preview/.
    assert as_nobody(nobodys_site, "preview").returncode == 0
    roots(nobodys_site.root / ".carnet" / "newsletter-preview")
    done = as_nobody(nobodys_site, "newsletter-preview")
    assert done.returncode == 1
    folder = os.path.join(".carnet", "newsletter-preview")
    assert done.stderr == f"✗ Newsletter: {CANNOT_WRITE.format(folder=folder)}\n"
    assert list((nobodys_site.root / ".carnet" / "newsletter-preview").iterdir()) == []


def test_publish_with_an_outbox_of_roots_stops_before_the_deploy(nobodys_site):
    # The site went online, then the newsletter stopped on the outbox it could not write.
    target = nobodys_site.root.parent / "www"
    with open(nobodys_site.root / "publishconf.py", "a", encoding="utf-8") as settings:
        settings.write(f"\nCARNET_DEPLOY_TARGET = {str(target)!r}\n")
    nobodys_site.add_post("new.md", title="Un billet à envoyer", date="2021-10-01 08:00")
    os.chown(nobodys_site.content / "posts" / "new.md", NOBODY, NOBODY)
    roots(nobodys_site.root / "outbox")
    done = as_nobody(nobodys_site, "publish")
    assert done.returncode == 1
    assert done.stderr.endswith(
        f"✗ Newsletter: {CANNOT_WRITE.format(folder='outbox')}; nothing was deployed or sent\n"
    )
    assert not target.exists()
    assert not (nobodys_site.root / "newsletter-ledger.json").exists()


def test_an_outbox_of_roots_is_named_with_what_to_do_without_a_deploy_target(nobodys_site):
    # Without a target (the site stays in output/), the newsletter said the outbox's first
    # file by its full path, with the system's English « Permission denied ».
    nobodys_site.add_post("new.md", title="Un billet à envoyer", date="2021-10-01 08:00")
    os.chown(nobodys_site.content / "posts" / "new.md", NOBODY, NOBODY)
    roots(nobodys_site.root / "outbox")
    done = as_nobody(nobodys_site, "publish")
    assert done.returncode == 1
    assert done.stderr.endswith(f"✗ Newsletter: {CANNOT_WRITE.format(folder='outbox')}\n")
    assert list((nobodys_site.root / "outbox").iterdir()) == []


def test_serve_says_when_it_cannot_write_the_search_index(nobodys_site):
    # Pagefind said « the directory passed to Pagefind was empty or did not contain any
    # html files », on four lines.
    assert as_nobody(nobodys_site, "build").returncode == 0
    os.chown(nobodys_site.output, 0, 0)
    done = as_nobody(nobodys_site, "serve", "--port", "1")
    assert done.returncode == 1
    assert done.stderr == f"✗ {CANNOT_WRITE.format(folder='output')}\n"


def test_a_reaction_for_a_folder_of_roots_is_one_line_and_nothing_written(nobodys_site):
    folder = nobodys_site.content / "reactions" / "qu-est-ce-que-l-ecoute"
    roots(folder)
    reply = str(nobodys_site.root.parent / "reply.eml")
    done = as_nobody(nobodys_site, "reaction-add", "--slug", "qu-est-ce-que-l-ecoute", reply)
    assert done.returncode == 1
    assert done.stderr == (
        f"✗ {CANNOT_WRITE.format(folder='content/reactions/qu-est-ce-que-l-ecoute')}\n"
        "✗ No reaction written.\n"
    )
    assert list(folder.iterdir()) == []


def test_stress_runs_in_a_project_folder_with_a_space_and_an_apostrophe(tmp_path):
    # The command was one string for the shell, its paths unquoted: pytest was asked for
    # « /…/Mes » and « Documents/…/test_stress.py », and found neither.
    site = make_site(tmp_path / "Mes Documents" / "l'atelier")
    stress_test = site.root / "tests" / "newsletter" / "test_stress.py"
    stress_test.parent.mkdir(parents=True)
    stress_test.write_text(
        "import os\n\n\ndef test_rounds():\n    assert os.environ['CARNET_STRESS_ROUNDS'] == '3'\n",
        encoding="utf-8",
    )
    done = site.invoke("stress", "--rounds", "3")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_a_project_folder_named_on_another_system_is_one_line(tmp_path):
    # « Élodie » in Latin-1, from an old disk: its name is no UTF-8 text, and the build
    # stopped with « 'utf-8' codec can't encode character '\udcc9' … surrogates not allowed ».
    site = make_site(tmp_path / os.fsdecode(b"\xc9lodie") / "carnet")
    site.speak("en")
    site.add_post("a.md", title="Un billet")
    shown = str(site.root).replace("\udcc9", "\ufffd")
    for task in ("build", "publish"):
        done = site.invoke(task)
        assert done.returncode == 1
        assert done.stderr == (
            f"✗ {shown}: the project folder's path is not UTF-8 text (a folder named on "
            "another system?): rename the folder whose name shows « \ufffd » by typing its "
            "name, then run this again\n"
        )
    assert not site.output.exists()


def test_a_project_folder_too_deep_for_the_sites_files_is_one_line(tmp_path):
    # 4000 characters, the longest path Linux takes less 96: the posts « cannot be read (a
    # link to a file that no longer exists?) », Pelican's English about its cache, and
    # reaction-add found no post with that slug.
    root = tmp_path
    while len(str(root)) < 3800:
        root = root / ("x" * 200)
    root = root / ("y" * (4000 - len(str(root)) - 1))
    site = make_site(root)
    site.speak("en")
    site.add_post("a.md", title="Un billet")
    for task in ("build", "preview"):
        done = site.invoke(task)
        assert done.returncode == 1
        assert done.stderr == (
            "✗ the project folder's path is 4000 characters long, too long for the site's "
            "files (the system takes paths of 4096 at most): move the project to a folder "
            "with a shorter path, then run this again\n"
        )
