"""French typography on titles, summaries and content; never in code, URLs or attributes."""

import pytest

NNBSP, NBSP = "\u202f", "\u00a0"


def build_one(site, body, title="Un titre", **fields):
    site.add_post("p.md", title=title, body=body, **fields)
    site.build()
    return site.read("un-titre/index.html") if title == "Un titre" else None


@pytest.mark.parametrize(
    "typed, typeset",
    [
        ("Vraiment ? Oui ! Bon ; voilà", f"Vraiment{NNBSP}? Oui{NNBSP}! Bon{NNBSP}; voilà"),
        ("Note : ceci", f"Note{NBSP}: ceci"),
        ("« Bonjour »", f"«{NBSP}Bonjour{NBSP}»"),
        ("l'écoute", "l’écoute"),
        ("Et puis...", "Et puis…"),
    ],
)
def test_content_rules(site, typed, typeset):
    assert typeset in build_one(site, typed)


def test_code_pre_urls_and_attributes_are_left_alone(site):
    body = (
        'Voir [la page ?](https://exemple.fr/recherche?q=a:b&x=1 "Titre : là ?") ici.\n\n'
        "Du code `a ? b : c` en ligne.\n\n"
        "    bloc ; de code ?\n"
    )
    page = build_one(site, body)
    assert 'href="https://exemple.fr/recherche?q=a:b&amp;x=1"' in page
    assert 'title="Titre : là ?"' in page
    assert "<code>a ? b : c</code>" in page
    assert "bloc ; de code ?" in page
    assert f"la page{NNBSP}?" in page


def test_times_and_correct_text_stay_unchanged(site):
    already = f"Rendez-vous à 10h30 ou 14:45{NNBSP}? Oui{NNBSP}!"
    page = build_one(site, already)
    assert already in page


def test_title_and_summary_are_typeset(site):
    site.add_post(
        "p.md", title="Pourquoi moi ?", summary="Une question : la mienne !", body="Texte."
    )
    site.build()
    page = site.read("pourquoi-moi/index.html")
    assert f"Pourquoi moi{NNBSP}?" in page
    home = site.read("index.html")
    assert f"question{NBSP}: la mienne{NNBSP}!" in home
    assert f"Pourquoi moi{NNBSP}?" in site.read("feeds/all.atom.xml")
