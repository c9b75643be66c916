"""content/extra/: files published as they are at the site's root (a verification file,
CNAME, favicon.ico, .well-known/security.txt), never over something the site writes."""

import gzip
import json

import pytest
from conftest import post_text

from carnet.build import BuildFailed
from carnet.search import build_index

FAVICON = bytes(range(256))  # not text: copied byte for byte
VERIFICATION = "google-site-verification: google1234abcd.html"
EXTRA_FILES = {
    "google1234abcd.html": VERIFICATION,
    "BingSiteAuth.xml": '<?xml version="1.0"?><users><user>ABC</user></users>',
    "CNAME": "carnet-de-coach.fr",
    "ads.txt": "google.com, pub-0000, DIRECT",
    ".well-known/security.txt": "Contact: mailto:bonjour@carnet-de-coach.fr",
    "documents/programme.pdf": "%PDF-1.4 le programme",
    # A Markdown or HTML file is a file to copy, not a post or a page to make.
    "notes.md": "Title: Des notes\nDate: 2021-01-01\n\nPas un billet.",
    "documents/index.html": "<p>Rien que ceci.</p>",
}
NOT_PUBLISHED = {  # hidden files, as everywhere in content/ (pelicanconf.py's IGNORE_FILES)
    ".DS_Store": "Finder",
    ".git/HEAD": "ref: refs/heads/main",
    ".well-known/.DS_Store": "Finder",
    "documents/.~lock.programme.odt#": "LibreOffice",
}


def write_extra(site, files):
    for name, text in files.items():
        path = site.content / "extra" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def output_files(site):
    return {str(p.relative_to(site.output)) for p in site.output.rglob("*") if p.is_file()}


@pytest.mark.parametrize("production", [False, True], ids=["development", "production"])
def test_the_files_of_content_extra_are_published_at_the_root_as_they_are(site, production):
    write_extra(site, EXTRA_FILES | NOT_PUBLISHED)
    (site.content / "extra" / "favicon.ico").write_bytes(FAVICON)
    site.add_post(
        "a.md",
        post_text(title="Un billet", body="[Le programme]({static}/extra/documents/programme.pdf)"),
    )
    site.build(production=production)
    for name, text in EXTRA_FILES.items():
        assert site.read(name) == text, name  # no layout around the verification file
    assert (site.output / "favicon.ico").read_bytes() == FAVICON
    published = output_files(site)
    assert not {name for name in NOT_PUBLISHED if name in published}
    assert not [name for name in published if name.startswith(("extra/", "notes/", "des-notes/"))]
    link = {True: "https://carnet-de-coach.fr/documents/", False: "../documents/"}[production]
    assert f'href="{link}programme.pdf"' in site.read("un-billet/index.html")


def test_the_files_of_content_extra_are_in_neither_the_sitemap_nor_the_search_index(site):
    write_extra(site, EXTRA_FILES)
    site.add_post("a.md", post_text(title="Une cliente", body="Ma cliente est partie."))
    result = site.build()
    assert site.read("google1234abcd.html") == VERIFICATION  # on the site, all the same
    assert (site.output / "documents" / "index.html").is_file()
    sitemap = site.read("sitemap.xml")
    assert "https://carnet-de-coach.fr/une-cliente/" in sitemap
    assert "google1234abcd" not in sitemap and "documents" not in sitemap
    assert build_index(str(site.output), result.settings) == 1
    urls = set()
    for fragment in (site.output / "pagefind" / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        urls.add(json.loads(data)["url"])
    assert urls == {"/une-cliente/"}


def test_a_development_build_removes_an_extra_file_taken_out_of_content_extra(site):
    write_extra(site, {"CNAME": "carnet-de-coach.fr", "ads.txt": "x"})
    site.add_post("a.md", post_text(title="Un billet"))
    site.build(production=False)
    (site.content / "extra" / "ads.txt").unlink()
    site.build(production=False)
    assert (site.output / "CNAME").is_file()
    assert not (site.output / "ads.txt").exists()


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("index.html", "/, which is the address of the home page"),
        ("robots.txt", "/robots.txt, which is the address of robots.txt"),
        ("sitemap.xml", "/sitemap.xml, which is the address of the sitemap"),
        ("404.html", "/404.html, which is the address of the « page not found » page"),
        ("feeds/all.atom.xml", "/feeds/all.atom.xml, which is the address of the feed"),
        (
            "un-billet/index.html",
            "/un-billet/, which is the address of the page of content/posts/a.md",
        ),
        (
            "a-propos/index.html",
            "/a-propos/, which is the address of the page of content/pages/a.md",
        ),
        (
            "images/photo.png",
            "/images/photo.png, which is the address of the file content/images/photo.png",
        ),
        ("theme/css/style.css", "/theme/css/style.css, in the way of the theme's files at /theme/"),
        ("theme", "/theme, in the way of the theme's files at /theme/"),
        ("pagefind/pagefind.js", "/pagefind/pagefind.js, in the way of the search index"),
        ("partage/un-billet.jpg", "/partage/un-billet.jpg, in the way of the share images"),
        ("un-billet", "/un-billet, in the way of the page of content/posts/a.md at /un-billet/"),
    ],
)
def test_an_extra_file_where_the_site_writes_something_stops_the_build(site, name, said):
    site.add_post("a.md", post_text(title="Un billet"))
    site.add_page("a.md", post_text(title="À propos"))
    (site.content / "images" / "photo.png").write_text("une image", encoding="utf-8")
    write_extra(site, {name: "le fichier de la coach"})
    with pytest.raises(BuildFailed) as failure:
        site.build()
    [line] = failure.value.problems
    assert line.startswith(f"content/extra/{name}: would be copied to {said}"), line
    assert line.endswith(": rename the file, or remove it"), line
    assert not (site.output / "index.html").exists()  # nothing written


def test_publish_deploys_the_extra_files_with_the_site(site, tmp_path):
    site.speak("en")
    write_extra(site, {"CNAME": "carnet-de-coach.fr", ".well-known/security.txt": "Contact: x"})
    site.add_post("a.md", post_text(title="Un billet"))
    target = tmp_path / "www"
    done = site.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(target)})
    assert done.returncode == 0, done.stderr
    assert (target / "CNAME").read_text() == "carnet-de-coach.fr"
    assert (target / ".well-known" / "security.txt").read_text() == "Contact: x"
    # No deploy target: the site, its extra files with it, stays in output/.
    done = site.invoke("publish")
    assert done.returncode == 0, done.stderr
    assert (site.output / "CNAME").read_text() == "carnet-de-coach.fr"
    assert (site.output / ".well-known" / "security.txt").read_text() == "Contact: x"


def test_a_link_in_well_known_to_a_file_outside_the_content_folder_is_said_once(site, tmp_path):
    # extra/.well-known/ is a STATIC_PATHS folder of its own, inside extra/.
    secret = tmp_path / "cle-privee.txt"
    secret.write_text("une clé", encoding="utf-8")
    (site.content / "extra" / ".well-known").mkdir(parents=True)
    (site.content / "extra" / ".well-known" / "security.txt").symlink_to(secret)
    site.add_post("a.md", post_text(title="Un billet"))
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert failure.value.problems == [
        f"content/extra/.well-known/security.txt: a symbolic link to {secret}, outside "
        "content/extra/.well-known: the site would publish what it points to; copy the file "
        "into content/extra/.well-known, or remove the link"
    ]
