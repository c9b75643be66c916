"""Slugs: lowercase ASCII from French titles, apostrophes split words, NFD = NFC."""

import unicodedata

import pytest


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Qu’est-ce que l’écoute ?", "qu-est-ce-que-l-ecoute"),
        ("Qu'est-ce que l'écoute ?", "qu-est-ce-que-l-ecoute"),
        (
            "Les 5 plus beaux mots de la langue française",
            "les-5-plus-beaux-mots-de-la-langue-francaise",
        ),
        ("Œuvre, cœur & âme : l’été !", "oeuvre-coeur-ame-l-ete"),
    ],
)
def test_slug_from_french_title(site, title, slug):
    site.add_post("p.md", title=title)
    site.build()
    assert (site.output / slug / "index.html").exists(), sorted(
        p.name for p in site.output.iterdir()
    )


def test_nfd_title_gives_the_same_slug_and_text_as_nfc(site):
    title = "Éloge de la lenteur à l’été"
    site.add_post("nfd.md", title=unicodedata.normalize("NFD", title), date="2020-01-01")
    site.build()
    page = site.read("eloge-de-la-lenteur-a-l-ete/index.html")
    assert unicodedata.normalize("NFC", title) in page
    assert unicodedata.normalize("NFD", "Éloge") not in page
