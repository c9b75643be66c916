"""French typography does work in proportion to the text, whatever the text.

polytypo's time grew with the square of the text when « and » were scattered through it
(a 100 KB post took 54 s to build). These tests count the work Carnet's typography does
(the matches each of its passes handles: carnet.typography.STATS), not the time it takes:
doubling the text at most doubles the work, and the work stays under a few operations per
character. Its regular expressions are written so that none can fail after reading to the
end of the text and be tried again one character further (the other way a scan turns
quadratic); the shapes below include the inputs that would show it.
"""

import pytest

from bench.step import _scattered_marks
from carnet import typography

MEGABYTE = 1_000_000


def _repeated(unit, size):
    return unit * (size // len(unit))


SHAPES = {
    "scattered « » ? ! :": _scattered_marks,
    "straight quotes": lambda size: "<p>" + _repeated('"a "b" c" ', size) + "</p>",
    "unclosed tags and quotes": lambda size: _repeated('<a title="x ? <b ', size),
    "open elements never closed, then closed": lambda size: (
        _repeated("<b><i>", size // 2) + _repeated("</u>", size // 2)
    ),
    "digits before a unit": lambda size: "<p>" + _repeated("123456789 kg 1234 ", size) + "</p>",
    "apostrophes and dots": lambda size: "<p>" + _repeated("l'a.. b'' ... '", size) + "</p>",
    "entities and addresses": lambda size: (
        "<p>" + _repeated("&amp; a@b.fr https://x.fr/?a ", size) + "</p>"
    ),
    "spaces and brackets": lambda size: "<p>" + _repeated("(  [ a ]  ) , ", size) + "</p>",
}


def _work(html):
    typography.STATS.clear()
    typeset = typography.typeset_html(html)
    return sum(typography.STATS.values()), typeset


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_doubling_the_text_at_most_doubles_the_work(shape):
    one, _ = _work(SHAPES[shape](MEGABYTE // 4))
    two, _ = _work(SHAPES[shape](MEGABYTE // 2))
    assert one > 0
    assert two <= 2.1 * one


def test_a_2_mb_post_of_scattered_marks_is_typeset_with_linear_work(site):
    """The real build of a post just under the 2 MB limit, and the work counted."""
    one_megabyte, typeset = _work(_scattered_marks(MEGABYTE))
    assert (
        "«\u00a0bon l’autre l’autre note\u00a0: vraiment\u202f! vraiment\u202f! non\u202f?"
        in typeset
    )
    assert typography.typeset_html(typeset) == typeset

    body = _scattered_marks(int(1.8 * MEGABYTE))[len("<p>") : -len("</p>")]
    assert 1.9 * MEGABYTE < len(body.encode("utf-8")) < 2 * MEGABYTE - 1000
    site.add_post("long.md", title="Un très long billet", body=body)
    typography.STATS.clear()
    site.build()
    two_megabytes = sum(typography.STATS.values())
    # The whole build (the post, its summary, the listing pages' titles...) does at most
    # twice the work of the one-megabyte text, and less than one operation per character.
    assert two_megabytes <= 2.1 * one_megabyte
    assert two_megabytes < 2 * MEGABYTE
    page = site.read("un-tres-long-billet/index.html")
    assert (
        "«\u00a0bon l’autre l’autre note\u00a0: vraiment\u202f! vraiment\u202f! non\u202f?" in page
    )
