"""French webmails (SFR, La Poste) drop <style>: every rule the e-mail needs is inline too.
The preheader is hidden by every fallback inboxes know; summaries end at a boundary."""

import re
from pathlib import Path

import lxml.html
import pytest
from conftest import make_site

from carnet.newsletter import manifest, render
from newsletter.conftest import Blog

LAYOUT = Path(__file__).parents[2] / "theme" / "templates" / "email" / "layout.html"
PREHEADER_HIDING = {
    "display": "none",
    "font-size": "0",
    "opacity": "0",
    "visibility": "hidden",
    "max-height": "0",
    "overflow": "hidden",
    "mso-hide": "all",
}


@pytest.fixture(scope="module")
def emails(tmp_path_factory):
    blog = Blog(make_site(tmp_path_factory.mktemp("inline") / "site"))
    words = " ".join(f"mot{n}" for n in range(80))
    blog.post(
        "a.md",
        title="Un billet",
        date="2021-01-05 08:30",
        body=(
            "Un *texte* avec un [lien](https://example.org/), ~~à vendre~~ ==à donner==."
            f"\n\n> Une citation.\n\n## Titre\n\n{words}, fin."
        ),
    )
    settings = blog.build()
    posts = manifest.read(settings)
    return {
        "full": render.render(posts[0], settings),
        "summary": render.render(posts[0], dict(settings, CARNET_NEWSLETTER_FULL_POST=False)),
    }


def declarations(style):
    pairs = (part.split(":", 1) for part in style.split(";") if ":" in part)
    return {name.strip().lower(): value.strip() for name, value in pairs}


def xpath_of(selector):
    """XPath for the simple selectors the e-mail's CSS uses: tag, .class, tag.class, descendants."""
    steps = []
    for part in selector.split():
        tag, _, css_class = part.partition(".")
        test = f"[contains(concat(' ', normalize-space(@class), ' '), ' {css_class} ')]"
        steps.append("//" + (tag or "*") + (test if css_class else ""))
    return "".join(steps)


def style_rules(html):
    """(selector, {property: value}) for every rule of the <style> outside @media."""
    css = "".join(re.findall(r"<style[^>]*>(.*?)</style>", html, re.S))
    css = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", css)
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        for selector in selectors.split(","):
            yield selector.strip(), declarations(body)


@pytest.mark.parametrize("kind", ["full", "summary"])
def test_every_style_rule_is_also_inline(emails, kind):
    html = emails[kind].html
    document = lxml.html.document_fromstring(html)
    # The rules as the theme writes them (css-inline keeps only the @media block).
    rules = list(style_rules(LAYOUT.read_text(encoding="utf-8")))
    assert len(rules) > 10
    checked = 0
    for selector, wanted in rules:
        for element in document.xpath(xpath_of(selector)):
            inline = declarations(element.get("style", ""))
            missing = set(wanted) - set(inline)
            assert not missing, f"{selector}: {missing} only in <style> ({element.tag})"
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("kind", ["full", "summary"])
def test_the_email_reads_the_same_without_its_style_element(emails, kind):
    html = emails[kind].html
    without = re.sub(r"<style[^>]*>.*?</style>", "", html, flags=re.S)
    document = lxml.html.document_fromstring(without)
    page = document.xpath("//table[contains(@class, 'page')]")[0]
    assert {"max-width", "font-family", "color", "background-color"} <= set(
        declarations(page.get("style"))
    )
    footer = document.xpath("//td[@class='footer']")[0]
    assert {"font-size", "color"} <= set(declarations(footer.get("style")))
    preheader = document.xpath("//div[@class='preheader']")[0]
    assert declarations(preheader.get("style"))["display"] == "none"


@pytest.mark.parametrize("kind", ["full", "summary"])
def test_words_struck_through_and_highlighted_show_without_the_style_element(emails, kind):
    # Some programs know neither <del> nor <mark> (the Gmail app with another address
    # drops <del>'s line): « ~~à vendre~~ » read as « à vendre », the opposite.
    without = re.sub(r"<style[^>]*>.*?</style>", "", emails[kind].html, flags=re.S)
    document = lxml.html.document_fromstring(without)
    [struck] = document.xpath("//del")
    assert declarations(struck.get("style", ""))["text-decoration"] == "line-through"
    [highlighted] = document.xpath("//mark")
    style = declarations(highlighted.get("style", ""))
    # Its own text colour too: on the dark page, the page's light text on its yellow.
    assert style["background-color"] and style["color"]


def test_the_preheader_uses_every_hiding_fallback(emails):
    document = lxml.html.document_fromstring(emails["full"].html)
    style = declarations(document.xpath("//div[@class='preheader']")[0].get("style"))
    for name, value in PREHEADER_HIDING.items():
        assert style.get(name, "").replace("px", "").replace("!important", "").strip() == value, (
            name
        )


def test_the_summary_ends_at_a_word_with_the_ellipsis_attached(emails):
    text = emails["summary"].text
    assert "mot" in text and " …" not in text and ",…" not in text
    assert re.search(r"mot\d+…", text)
    assert emails["summary"].preheader.endswith("…") or len(emails["summary"].preheader) < 140
