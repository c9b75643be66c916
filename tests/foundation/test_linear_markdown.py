"""Python-Markdown in time proportional to the text (carnet/linear_markdown.py): its pages
are those Python-Markdown makes without it. (That it takes linear time: tests/hardening/
test_linear_work.py.)"""

import random
import runpy
from pathlib import Path

import markdown
import pytest

ROOT = Path(__file__).resolve().parents[2]
MARKDOWN = runpy.run_path(str(ROOT / "pelicanconf.py"))["MARKDOWN"]

# What the extension touches (« [ » and « ] » of links, images, references and footnotes;
# « < » before a tag's name, with or without a « > » after it) and what is read around it
# (code, raw HTML blocks left open, comments, entities, escapes, lists, quotes).
PIECES = {
    "everything": [
        "[",
        "]",
        "![",
        "(u)",
        "(",
        ")",
        "[a]",
        "[b]: /x\n",
        "<a",
        "<a x",
        ">",
        "<",
        "</a>",
        "<div>",
        "</div>",
        '<div markdown="1">',
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<?",
        "?>",
        "<!x",
        " ",
        "\n",
        "\n\n",
        "x",
        "mot",
        "`",
        "``",
        "*",
        "_",
        "&",
        "&amp;",
        '"',
        "'",
        "=",
        "/",
        "!",
        "[^1]",
        "[^1]: note\n",
        "    code\n",
        "```\n",
        "- ",
        "1. ",
        "> ",
        "\\[",
        "\\<",
        "https://a.b/[c]",
        "<https://a.b>",
        "~~",
        "==",
        "# ",
        "é",
    ],
    "brackets": [
        "[",
        "]",
        "(u)",
        "(",
        ")",
        "![",
        "[a]",
        "[b]",
        "[b]: /x\n",
        "x",
        " ",
        "\n",
        "\n\n",
        "\\[",
        "`",
        "[^1]",
        "[^1]: n\n",
        "<a",
        "<a x",
        ">",
        "<div>",
        "&amp;",
        "*",
        "[a](u)",
        "![i](u)",
    ],
}


def convert(texts, linear):
    """Each text as one Markdown object with Carnet's extensions makes it (the reader's:
    one object for every post, reset between them), with or without linear_markdown."""
    configs = dict(MARKDOWN["extension_configs"])
    if not linear:
        del configs["carnet.linear_markdown"]
    converter = markdown.Markdown(
        extensions=list(configs), extension_configs=configs, output_format="html5"
    )
    pages = []
    for text in texts:
        converter.reset()
        pages.append(converter.convert(text))
    return pages


@pytest.mark.parametrize("pieces, longest", [("everything", 40), ("brackets", 300)])
def test_the_pages_are_those_python_markdown_makes(pieces, longest):
    rng = random.Random(13)
    texts = [
        "".join(rng.choice(PIECES[pieces]) for _ in range(rng.randint(1, longest)))
        for _ in range(1500)
    ]
    made = convert(texts, linear=True)
    assert made == convert(texts, linear=False)
    # Not a test of nothing: the texts have links, and « < » Markdown kept as text.
    assert sum('<a href="u">' in page for page in made) > 20
    assert sum("&lt;a" in page for page in made) > 20


def test_a_raw_html_block_left_open_keeps_its_unclosed_tags():
    texts = [
        "<div>\nmot <a x &amp; <b y",
        '<div markdown="1">\nmot <a x\n\n*z* <b',
        "a\n\n<div>\n<a x",
    ]
    made = convert(texts, linear=True)
    assert made == convert(texts, linear=False)
    assert made[0] == "<div>\nmot <a x &amp; <b y"
