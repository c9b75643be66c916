"""The content cache is on, and never shows stale output.

Real builds of small sites in temporary folders, each one after the previous: an edited,
added or deleted post, a changed template, setting or plugin shows in the next build.
"""

import os
import shutil
import sys

import pytest
from conftest import ROOT


def typesetting_counter(monkeypatch):
    """Counts the posts the build typesets (the work the cache saves), from now on."""
    module = sys.modules["french_typography.french_typography"]
    calls = []
    real = module.typeset_post

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(module, "typeset_post", counted)
    return calls


def two_posts(site):
    site.add_post("a.md", title="Premier billet", tags="écoute", body="Le texte d'origine.")
    site.add_post("b.md", title="Second billet", date="2020-10-01", body="Un autre texte.")


@pytest.mark.parametrize("production", [False, True], ids=["development", "production"])
def test_a_warm_build_reads_no_post_again_and_an_edited_one_shows(site, monkeypatch, production):
    two_posts(site)
    site.build(production)
    typeset = typesetting_counter(monkeypatch)
    site.build(production)
    assert typeset == [], "a build with nothing changed should take every post from the cache"

    site.add_post("a.md", title="Premier billet", tags="écoute", body="Le texte corrigé.")
    site.build(production)
    assert len(typeset) == 1
    page = site.read("premier-billet/index.html")
    assert "Le texte corrigé." in page and "d’origine" not in page


def test_an_edit_that_keeps_the_file_date_shows(site):
    """Copies and restores keep a file's date: the cache looks at the text itself."""
    two_posts(site)
    path = site.content / "posts" / "a.md"
    site.build(production=False)
    stamp = path.stat()
    site.add_post("a.md", title="Premier billet", tags="écoute", body="Le texte restauré.")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    site.build(production=False)
    assert "Le texte restauré." in site.read("premier-billet/index.html")


@pytest.mark.parametrize("production", [False, True], ids=["development", "production"])
def test_a_post_saved_again_while_the_build_reads_it_shows_in_the_next_build(
    site, monkeypatch, production
):
    """An editor that saves as the coach types, while livereload builds: the build read the
    post, then the file changed before the post went into the cache. Pelican stamped it
    then, after reading: the cache held the text read under the stamp of the new one, and
    every later build (another process too) showed the old text until the next edit."""
    two_posts(site)
    site.build(production)
    site.add_post("a.md", title="Premier billet", tags="écoute", body="Le texte relu.")
    typeset = sys.modules["french_typography.french_typography"].typeset_post

    def saved_again_while_read(*args):
        site.add_post("a.md", title="Premier billet", tags="écoute", body="Le texte final.")
        return typeset(*args)

    with monkeypatch.context() as patch:
        patch.setattr(
            sys.modules["french_typography.french_typography"],
            "typeset_post",
            saved_again_while_read,
        )
        site.build(production)
    site.build(production)
    assert "Le texte final." in site.read("premier-billet/index.html")


def test_an_added_post_shows(site):
    two_posts(site)
    site.build(production=False)
    site.add_post("c.md", title="Un nouveau billet", date="2021-01-05", body="Tout neuf.")
    site.build(production=False)
    assert "Tout neuf." in site.read("un-nouveau-billet/index.html")
    assert "Un nouveau billet" in site.read("index.html")


@pytest.mark.parametrize("production", [False, True], ids=["development", "production"])
def test_a_deleted_post_is_gone_everywhere(site, production):
    two_posts(site)
    site.build(production)
    assert (site.output / "second-billet" / "index.html").exists()
    (site.content / "posts" / "b.md").unlink()
    site.build(production)
    assert not (site.output / "second-billet").exists()
    assert "Second billet" not in site.all_text()


@pytest.mark.parametrize("production", [False, True], ids=["development", "production"])
def test_a_deleted_image_of_a_cached_post_stops_the_build(site, production):
    """The post is unchanged, so it comes from the cache: its `Image:` is still checked,
    as a cold build checks it (a warm build went on with a page showing no image)."""
    from carnet.build import BuildFailed

    image = site.content / "images" / "photo.png"
    shutil.copy(ROOT / "content" / "images" / "carnet-ouvert.png", image)
    site.add_post("a.md", title="Premier billet", image="images/photo.png", body="Un texte.")
    site.build(production)
    image.unlink()
    with pytest.raises(BuildFailed) as failure:
        site.build(production)
    assert failure.value.problems == [
        "content/posts/a.md: Image: images/photo.png is not in the content folder "
        "(content/images/photo.png does not exist)"
    ]


def test_a_changed_template_and_stylesheet_show(site):
    (site.root / "theme").unlink()
    shutil.copytree(ROOT / "theme", site.root / "theme")
    two_posts(site)
    site.build(production=False)
    base = site.root / "theme" / "templates" / "base.html"
    base.write_text(base.read_text().replace("</body>", "<p>gabarit-retouché</p></body>", 1))
    stylesheet = site.root / "theme" / "static" / "css" / "carnet.css"
    stylesheet.write_text(stylesheet.read_text() + "\n/* feuille-retouchée */\n")
    site.build(production=False)
    assert "gabarit-retouché" in site.read("premier-billet/index.html")
    assert "feuille-retouchée" in site.read("theme/css/carnet.css")


def test_a_changed_url_setting_shows(site):
    """Cached tags carry the settings they were read with: a new TAG_URL must still win."""
    two_posts(site)
    site.build(production=False)
    assert (site.output / "etiquette" / "ecoute" / "index.html").exists()
    settings = site.root / "pelicanconf.py"
    original = settings.read_text()
    settings.write_text(
        original + '\nTAG_URL = "mot-cle/{slug}/"\nTAG_SAVE_AS = "mot-cle/{slug}/index.html"\n'
    )
    site.build(production=False)
    assert (site.output / "mot-cle" / "ecoute" / "index.html").exists()
    assert "mot-cle/ecoute/" in site.read("premier-billet/index.html")
    settings.write_text(original)  # and back: the first configuration's cache serves again
    site.build(production=False)
    assert "etiquette/ecoute/" in site.read("premier-billet/index.html")
    assert not (site.output / "mot-cle").exists()


def test_turning_typography_off_shows(site):
    two_posts(site)
    site.build(production=False)
    assert "d’origine" in site.read("premier-billet/index.html")
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text() + "\nCARNET_TYPOGRAPHY = False\n")
    site.build(production=False)
    assert "d'origine" in site.read("premier-billet/index.html")


SIGNATURE_PLUGIN = """
from pelican import signals


def signed(reader_class):
    class Signed(reader_class):
        def read(self, path):
            content, metadata = super().read(path)
            return content + "<p>{signature}</p>", metadata
    return Signed


def sign(readers):
    for extension, reader_class in list(readers.reader_classes.items()):
        if extension != "static":  # an image (the authors' photos) has no text to sign
            readers.reader_classes[extension] = signed(reader_class)


def register():
    signals.readers_init.connect(sign)
"""


def test_a_changed_plugin_shows_in_the_next_build(site):
    """A plugin whose work the cache keeps (it changes what the readers return), edited
    between two `invoke build`, each its own process as when the author runs them."""
    plugin = site.root / "more_plugins" / "signature"
    plugin.mkdir(parents=True)
    (plugin / "__init__.py").write_text(SIGNATURE_PLUGIN.replace("{signature}", "signature-v1"))
    settings = site.root / "pelicanconf.py"
    settings.write_text(
        settings.read_text() + '\nPLUGIN_PATHS += ["more_plugins"]\nPLUGINS += ["signature"]\n'
    )
    two_posts(site)
    done = site.invoke("build")
    assert done.returncode == 0, done.stderr
    assert "signature-v1" in site.read("premier-billet/index.html")

    (plugin / "__init__.py").write_text(SIGNATURE_PLUGIN.replace("{signature}", "signature-v2"))
    done = site.invoke("build")
    assert done.returncode == 0, done.stderr
    page = site.read("premier-billet/index.html")
    assert "signature-v2" in page and "signature-v1" not in page


def test_old_caches_are_forgotten(site):
    two_posts(site)
    settings = site.root / "pelicanconf.py"
    original = settings.read_text()
    for number in range(6):
        settings.write_text(original + f'\nSITESUBTITLE = "Essai {number}"\n')
        site.build(production=False)
    # One folder per configuration (named by its fingerprint); share-cards/ is shared by all.
    caches = [
        p
        for p in (site.root / ".carnet" / "cache").iterdir()
        if p.is_dir() and p.name != "share-cards"
    ]
    assert len(caches) == 4


def test_the_versions_in_the_fingerprint_are_the_installed_packages(site):
    """A library already imported gives its __version__, another its package's metadata:
    both what is installed."""
    from importlib import metadata

    site.build(production=False)  # imports the plugin
    versions = sys.modules["content_cache.content_cache"]._library_versions()
    for name in sys.modules["content_cache.content_cache"].LIBRARIES:
        assert versions[name] == metadata.version(name), name
