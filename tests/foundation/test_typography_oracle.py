"""Carnet's French typography against polytypo 1.16, the library it replaced (the oracle).

On the sample content, on a corpus of synthetic posts and on a fixture of hard cases, Carnet
gives exactly polytypo's output, except for the classes listed in DIFFERENCES, each with the
reason French typography sides with Carnet and an example where the two differ.
"""

import glob

import markdown
import pytest
from conftest import ROOT

import carnet.typography
from bench.corpus import post_text
from carnet.typography import typeset_html

polytypo = pytest.importorskip("polytypo")

NBSP, NNBSP = "\u00a0", "\u202f"

# class: (why Carnet differs, typed HTML, Carnet's output)
DIFFERENCES = {
    "image alt and title": (
        "a reader (and a screen reader) sees them as text; polytypo leaves every attribute alone",
        '<p><img src="a.png" alt="l\'hiver ?"></p>',
        '<p><img src="a.png" alt="l’hiver\u202f?"></p>',
    ),
    "n°, art., fig. at the start of a text node": (
        "the number belongs to its abbreviation wherever the line starts; polytypo binds them "
        "only after a space, never right after a tag",
        "<p><em>vu</em>n° 5</p>",
        f"<p><em>vu</em>n°{NBSP}5</p>",
    ),
    "p. before a page number": (
        "« p. 42 » must not break either; polytypo binds only n°, art. and fig.",
        "<p>voir p. 42</p>",
        f"<p>voir p.{NBSP}42</p>",
    ),
    "M. before a word in lower case": (
        "« M. le maire »: the abbreviation stays with what follows; polytypo binds M. only "
        "before a capital (as an initial)",
        "<p>M. le maire</p>",
        f"<p>M.{NBSP}le maire</p>",
    ),
    "a mark right after a URL or an e-mail address": (
        "the address is left out of the text like a tag: a space added after it would look "
        "like part of it, or break a copied link",
        "<p>Voir https://exemple.fr/page?</p>",
        "<p>Voir https://exemple.fr/page?</p>",
    ),
    "(c), (r), (tm) and 3x4": (
        "not French typography: left as typed (a « 3x4 » may be a name); polytypo makes © and ×",
        "<p>(c) 3x4</p>",
        "<p>(c) 3x4</p>",
    ),
    "single straight quotes": (
        "in French ' is an apostrophe, and quotations take « »: Carnet makes it ’ everywhere; "
        "polytypo pairs 'mot' into « mot »",
        "<p>dit 'non' hier</p>",
        "<p>dit ’non’ hier</p>",
    ),
    "a straight quote paired with a typed “ or ”": (
        "the marks the author typed stay, and the straight one becomes their other half (one "
        "pair, not “oui »); polytypo makes the pair « »",
        '<p>Il dit “oui" hier</p>',
        "<p>Il dit “oui” hier</p>",
    ),
    "a line break where a no-break space goes": (
        "hard-wrapped Markdown keeps its line breaks, which a browser shows as spaces it may "
        "break at: « M. » at the end of one line and « Dupont » on the next; polytypo keeps them",
        "<p>à M.\nDupont, «\nbonjour\n» vraiment\n?</p>",
        f"<p>à M.{NBSP}Dupont, «{NBSP}bonjour{NBSP}» vraiment{NNBSP}?</p>",
    ),
    "author-typed « » inside « »": (
        "Carnet keeps the marks the author typed; polytypo turns an inner « » into “ ”",
        "<p>« a « b » c »</p>",
        f"<p>«{NBSP}a «{NBSP}b{NBSP}» c{NBSP}»</p>",
    ),
}


def _documents():
    converter = markdown.Markdown(extensions=["extra", "toc"], output_format="html")
    for path in sorted(glob.glob(str(ROOT / "content" / "**" / "*.md"), recursive=True)):
        text = open(path, encoding="utf-8").read()
        yield path, converter.reset().convert(text.split("\n\n", 1)[1])
    for index in range(120):  # polytypo takes some 25 ms a post
        yield f"corpus post {index}", converter.reset().convert(post_text(index, 1000))
    fixture = (ROOT / "tests" / "fixtures" / "typography" / "hard_cases.html").read_text()
    for number, paragraph in enumerate(fixture.split("\n\n")):
        yield f"hard_cases.html, paragraph {number + 1}", paragraph


# Fixture paragraphs that show a listed class (and so differ from polytypo).
LISTED = {
    "hard_cases.html, paragraph 11": "p. before a page number",
    "hard_cases.html, paragraph 16": "(c), (r), (tm) and 3x4",
}


def _oracle(html):
    return polytypo.transform(html, locale="fr", mode="html")


def test_carnet_gives_polytypos_output_on_the_sample_content_and_a_corpus(monkeypatch):
    # Attributes are compared as polytypo sees them (it leaves them all alone).
    monkeypatch.setattr(carnet.typography, "TEXT_ATTRIBUTES", {})
    compared, differing = 0, []
    for name, html in _documents():
        if name in LISTED:
            continue
        compared += 1
        if typeset_html(html) != _oracle(html):
            differing.append(name)
    assert compared > 120
    assert differing == []


@pytest.mark.parametrize("name", sorted(DIFFERENCES))
def test_each_listed_difference(name):
    reason, typed, carnets = DIFFERENCES[name]
    assert reason
    assert typeset_html(typed) == carnets
    assert _oracle(typed) != carnets, "not a difference any more: take it off the list"


def test_the_listed_fixture_paragraphs_differ_only_there():
    documents = dict(_documents())
    for name, difference in LISTED.items():
        assert difference in DIFFERENCES
        assert typeset_html(documents[name]) != _oracle(documents[name])
