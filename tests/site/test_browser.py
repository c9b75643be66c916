"""The built site in headless Chromium at 360 px and 1280 px: pages render, search finds a
French word by its stem, share links carry the right URL and title, keyboard focus shows,
nothing scrolls sideways on a phone, and an article weighs at most 40 KB before any
interaction. Screenshots go to tests/artifacts/."""

import functools
import http.server
import re
import threading
from urllib.parse import quote, urlsplit

import pytest

from carnet.search import build_index

pytestmark = pytest.mark.browser

ARTICLE_WEIGHT_LIMIT = 40 * 1024
# What a reader's browser loads for an article before they do anything (images aside).
WEIGHED_TYPES = {"document", "stylesheet", "font", "script"}


def sample_pages(site):
    article = site.showcase_article
    return {
        "accueil": "",
        "article": article.url,
        "categorie": article.category.url,
        "etiquette": article.tags[0].url,
        "auteur": article.authors[0].url,
        "archives": "archives/",
        "a-propos": "a-propos/",
        "recherche": "recherche/",
        "newsletter-archives": "newsletter/archives/",
    }


def open_page(page, site, path, outside_requests=None):
    """Go to PATH on the local server; record any request that leaves 127.0.0.1."""
    if outside_requests is not None:
        page.on(
            "request",
            lambda request: (
                urlsplit(request.url).hostname not in (None, "127.0.0.1")
                and request.url.startswith("http")
                and outside_requests.append(request.url)
            ),
        )
    response = page.goto(site.url(path), wait_until="load")
    assert response is not None and response.status == 200, (
        f"{path}: HTTP {response and response.status}"
    )
    return response


@pytest.mark.parametrize(
    "name",
    [
        "accueil",
        "article",
        "categorie",
        "etiquette",
        "auteur",
        "archives",
        "a-propos",
        "recherche",
        "newsletter-archives",
    ],
)
def test_page_renders_without_error_or_outside_request_or_sideways_scroll(
    page, built_site, artifacts, name
):
    errors, outside = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    open_page(page, built_site, sample_pages(built_site)[name], outside)
    width = page.viewport_size["width"]
    page.screenshot(path=str(artifacts / f"{name}-{width}px.png"), full_page=True)
    assert page.locator("h1").first.is_visible()
    assert page.locator("main").count() == 1
    assert not errors, f"errors in the console: {errors}"
    assert not outside, f"requests to other sites: {outside}"
    if width == 360:
        assert_no_horizontal_scroll(page, name)


def assert_no_horizontal_scroll(page, name):
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )
    assert overflow <= 0, f"{name} scrolls {overflow} px sideways at 360 px; too wide: {too_wide}"


def article_saying_only(site, singular, plural):
    """An article whose text has the word SINGULAR but never PLURAL."""
    for article in site.articles:
        text = article.content.lower()
        if re.search(rf"\b{singular}\b", text) and not re.search(rf"\b{plural}\b", text):
            return article
    raise AssertionError(f"no sample article says « {singular} » without « {plural} »")


PAGEFIND_SEARCH = """async (word) => {
  const pagefind = await import(new URL("/pagefind/pagefind.js", location.href).href);
  const found = await pagefind.search(word);
  const pages = await Promise.all(found.results.map(result => result.data()));
  return pages.map(page => page.url);
}"""


def test_search_finds_a_french_word_by_its_stem(page, built_site, artifacts):
    only_singular = article_saying_only(built_site, "cliente", "clientes")
    open_page(page, built_site, "recherche/?q=clientes")
    # The search page shows results for ?q=…
    page.locator("main .pagefind-ui__result-link").first.wait_for(timeout=10_000)
    width = page.viewport_size["width"]
    page.screenshot(path=str(artifacts / f"recherche-clientes-{width}px.png"), full_page=True)
    # …and the index, stemmed in French, has the post that only says « cliente ».
    urls = page.evaluate(PAGEFIND_SEARCH, "clientes")
    assert f"/{only_singular.url}" in urls, urls


def test_search_box_leads_to_results(browser, built_site):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    open_page(page, built_site, "")
    search = page.locator("input[type=search]").first
    search.fill("écoute")
    search.press("Enter")
    page.wait_for_url(re.compile(r"recherche/\?q="))
    page.locator(
        "main a.pagefind-ui__result-link[href*='/qu-est-ce-que-l-ecoute/']"
    ).first.wait_for(timeout=10_000)
    context.close()


def test_the_address_keeps_the_search_typed_on_the_search_page(browser, built_site):
    """The reader searches again in the page's field, then copies the address to share it
    or bookmarks it: it must say the search shown, not the one she arrived with."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    open_page(page, built_site, "recherche/?q=clientes")
    field = page.locator("main .pagefind-ui__search-input")
    field.fill("écoute")
    page.wait_for_url(re.compile(r"recherche/\?q=%C3%A9coute$"))
    page.reload()
    page.locator(
        "main a.pagefind-ui__result-link[href*='/qu-est-ce-que-l-ecoute/']"
    ).first.wait_for(timeout=10_000)
    page.locator("main .pagefind-ui__search-clear").click()
    page.wait_for_url(re.compile(r"recherche/$"))
    context.close()


def test_search_finds_a_word_after_an_elided_article_and_shows_it_as_written(browser, site):
    """Pagefind splits words at spaces: « l’écoute » was one word, which « écoute » did not
    find, nor « argent » « d’argent ». The index splits them; the reader sees them whole,
    and what she types with an apostrophe of her keyboard (« l'écoute ») finds them too."""
    site.add_post(
        "a.md", title="Le prix de l’écoute", body="Après un billet sur l’écoute, parlons d’argent."
    )
    site.add_post("b.md", title="Un autre billet", date="2020-09-10", body="Rien à voir.")
    site.output.mkdir()
    handler = functools.partial(_Quiet, directory=str(site.output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    result = site.build(SITEURL=base, FEED_DOMAIN=base)
    build_index(str(site.output), result.settings)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    try:
        tab = context.new_page()
        tab.goto(f"{base}/recherche/?q=argent")
        for word in ("écoute", "argent"):
            assert tab.evaluate(PAGEFIND_SEARCH, word) == ["/le-prix-de-l-ecoute/"], word
        # Pagefind answers a word it does not know with the longest indexed word it starts
        # with: an elided « d » indexed alone made « dauphin » find every post.
        assert tab.evaluate(PAGEFIND_SEARCH, "dauphin") == []
        tab.goto(f"{base}/recherche/?q=l'écoute")
        link = tab.locator("main a.pagefind-ui__result-link")
        link.first.wait_for(timeout=10_000)
        assert link.all_inner_texts() == ["Le prix de l’écoute"]
        excerpt = tab.locator("main .pagefind-ui__result-excerpt").inner_text()
        assert "sur l’écoute, parlons d’argent" in excerpt, excerpt
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def test_share_links_carry_the_encoded_url_and_title(page, built_site):
    article = built_site.first_article(lambda a: "’" in a.title or " " in a.title)
    open_page(page, built_site, article.url)
    links = page.locator(".share a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    article_url = built_site.url(article.url)
    encoded_url = quote(article_url, safe="")
    encoded_title = quote(article.title, safe="")
    expected = {
        "mailto:": [encoded_url, encoded_title],
        "https://www.linkedin.com/": [encoded_url],
        "https://www.facebook.com/": [encoded_url],
        "https://wa.me/": [encoded_title, encoded_url],
        "https://x.com/": [encoded_url, encoded_title],
    }
    for prefix, parts in expected.items():
        matching = [href for href in links if href.startswith(prefix)]
        assert matching, f"no share link starting with {prefix}: {links}"
        for part in parts:
            assert part in matching[0], f"{matching[0]} lacks {part}"
    assert not page.locator(".share script[src], .share iframe").count()


# The focus indicator Chromium draws from CSS: an outline or a box-shadow.
REMEMBER_RESTING_STYLES = """() => {
  const style = e => { const s = getComputedStyle(e);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow]; };
  window.carnetStyle = style;
  window.carnetResting = new Map();
  document.querySelectorAll('a[href], button, input, select, textarea, summary')
    .forEach(e => window.carnetResting.set(e, style(e)));
}"""
FOCUSED = """() => { const e = document.activeElement;
  return {tag: e.tagName, html: e.outerHTML.slice(0, 90),
          focused: window.carnetStyle(e), resting: window.carnetResting.get(e) || null}; }"""


def test_keyboard_focus_is_visible(page, built_site, artifacts):
    open_page(page, built_site, built_site.showcase_article.url)
    page.evaluate(REMEMBER_RESTING_STYLES)
    for step in range(1, 5):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["tag"] in {"A", "BUTTON", "INPUT"}, f"Tab {step} focused {focused['html']}"
        if step == 2:
            width = page.viewport_size["width"]
            page.screenshot(path=str(artifacts / f"focus-{width}px.png"))
        outline_style, outline_width, _, box_shadow = focused["focused"]
        drawn = (outline_style != "none" and outline_width != "0px") or box_shadow != "none"
        assert drawn and focused["focused"] != focused["resting"], (
            f"Tab {step}: no visible focus on {focused['html']}: "
            f"focused {focused['focused']}, at rest {focused['resting']}"
        )


def test_article_weighs_at_most_40_kb_before_interaction(browser, built_site, artifacts):
    report = []
    heaviest = (0, None)
    # Articles share their CSS and scripts: the largest HTML files make the heaviest pages.
    by_html_size = sorted(
        built_site.articles,
        key=lambda a: (built_site.output / a.save_as).stat().st_size,
        reverse=True,
    )
    for article in by_html_size[:3]:
        # A new context each time: an empty cache, as for a first visit.
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        loaded = []
        page.on("response", lambda response, loaded=loaded: loaded.append(response))
        open_page(page, built_site, article.url)
        page.wait_for_load_state("networkidle")
        weighed = [(r, len(r.body())) for r in loaded if r.request.resource_type in WEIGHED_TYPES]
        context.close()
        total = sum(size for _, size in weighed)
        report.append(f"{total:>7} B  {article.url}")
        report.extend(f"{size:>15} B  {r.request.resource_type} {r.url}" for r, size in weighed)
        heaviest = max(heaviest, (total, article.url), key=lambda pair: pair[0])
    (artifacts / "article-weight.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
    total, url = heaviest
    assert total <= ARTICLE_WEIGHT_LIMIT, (
        f"{url} loads {total} B of HTML, CSS, fonts and JS (limit {ARTICLE_WEIGHT_LIMIT} B):\n"
        + "\n".join(report)
    )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def assert_no_page_scrolls_sideways_at_360(browser, site, paths, also=lambda tab, path: None):
    """Build SITE for a local server, serve it, open each of PATHS at 360 px wide (and
    check `also` there)."""
    site.output.mkdir()
    handler = functools.partial(_Quiet, directory=str(site.output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    site.build(SITEURL=base, FEED_DOMAIN=base)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    try:
        tab = context.new_page()
        for path in paths:
            response = tab.goto(f"{base}/{path}", wait_until="load")
            assert response.status == 200, path
            assert_no_horizontal_scroll(tab, path or "accueil")
            also(tab, path)
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def test_a_word_wider_than_a_phone_scrolls_no_page_sideways(browser, site):
    # The newest posts are in every page's margin: one long word there (a URL in a title)
    # made every page of the site as wide as the word.
    word = "Anticonstitutionnellement" * 4
    site.add_post("long.md", title=f"{word} et https://exemple.fr/{'a' * 80}", body=word)
    site.add_post("court.md", title="Un billet", date="2020-09-10")
    assert_no_page_scrolls_sideways_at_360(browser, site, ["", "archives/", "un-billet/"])


def test_a_long_category_or_author_name_scrolls_no_page_sideways(browser, site):
    # The line under a title kept each of its parts on one line: a long category on a
    # post's page, long author names in every list, made the page wider than a phone.
    category = "Développement personnel et transitions professionnelles en milieu hospitalier"
    author = "Marie-Bérénice de La Rochefoucauld-Montmorency"
    with open(site.root / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write("\nCARNET_CATEGORIES = []\n")
    site.add_post("long.md", title="Un billet", category=category, author=author)
    assert_no_page_scrolls_sideways_at_360(browser, site, ["", "un-billet/"])


def test_a_table_wider_than_a_phone_scrolls_by_itself_not_the_page(browser, site):
    row = " | ".join(f"colonne{n}" for n in range(12))
    site.add_post("table.md", title="Un tableau", body=f"| {row} |\n|{'---|' * 12}\n| {row} |")

    def words_whole(tab, path):
        # Squeezed into 320 px, each cell read « co / lo / nn / e1 ».
        cell = tab.locator("td").first
        assert cell.evaluate("td => td.scrollWidth <= td.clientWidth"), path
        assert cell.bounding_box()["height"] < 60, f"{path}: « colonne0 » broken over lines"

    assert_no_page_scrolls_sideways_at_360(browser, site, ["", "un-tableau/"], words_whole)


def test_a_video_pasted_into_a_post_fits_a_phone(browser, site):
    # YouTube's « Intégrer » code, as a coach pastes it: 560 px wide, the page scrolled
    # sideways on a phone. A <video> written with its own width alike.
    site.add_post(
        "video.md",
        title="Une vidéo",
        body="""
        Regardez :

        <iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/abc"
        title="Ma vidéo" allowfullscreen></iframe>

        <video width="640" height="360" controls></video>
        """,
    )
    assert_no_page_scrolls_sideways_at_360(browser, site, ["", "une-video/"])


def test_an_email_fits_a_phone_whatever_the_post_holds(browser, site):
    # E-mail programs show the letter as its HTML is: one address pasted as text, one line
    # of code or one table of prices made the whole letter wider than a phone, to be read
    # zoomed out or scrolled sideways.
    from newsletter.conftest import Blog

    from carnet.newsletter import manifest, render

    blog = Blog(site)
    address = "https://www.linkedin.com/in/claire-dumas-coach-professionnelle-nantes/?originalSubdomain=fr"
    code = "pip install carnet && invoke build && invoke publish --strict && echo " + "x" * 40
    columns = " | ".join(f"Colonne{n}" for n in range(7))
    blog.post(
        "long.md",
        title="Un billet",
        body=f"""
        Mon profil : {address}

        Anticonstitutionnellement{"ment" * 20}.

            {code}

        | {columns} |
        |{"---|" * 7}
        | {columns} |
        """,
    )
    settings = blog.build()
    email = render.render(manifest.read(settings)[0], settings)
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    try:
        tab = context.new_page()
        tab.set_content(email.html, wait_until="load")
        assert_no_horizontal_scroll(tab, "the email")
    finally:
        context.close()


def relative_luminance(rgb):
    """WCAG 2's relative luminance of an (r, g, b) colour, 0-255 each."""
    linear = [
        c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground, background):
    lighter, darker = sorted(map(relative_luminance, (foreground, background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# Each empty field's hint as drawn: its colour at its opacity over the field's background.
PLACEHOLDERS = """() => [...document.querySelectorAll('input[placeholder]')]
  .filter(input => input.offsetParent)
  .map(input => {
    const hint = getComputedStyle(input, '::placeholder');
    const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
    return {field: input.id || input.className, color: rgb(hint.color),
            opacity: Number(hint.opacity), background: rgb(getComputedStyle(input).backgroundColor)};
  })"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_hint_in_an_empty_field_is_readable(browser, built_site, scheme):
    # The header's search box shows no label but its hint (« Un mot, une idée »), the search
    # page's field none but Pagefind's « Rechercher »: Chromium drew them in a grey of 4.2:1
    # on the light background and 3.8:1 on the dark one, Pagefind at a fifth of that.
    context = browser.new_context(color_scheme=scheme, locale="fr-FR")
    try:
        page = context.new_page()
        hints = []
        for path in ["", "recherche/"]:
            open_page(page, built_site, path)
            if path:
                page.locator(".pagefind-ui__search-input").wait_for(timeout=10_000)
            hints += page.evaluate(PLACEHOLDERS)
    finally:
        context.close()
    assert {"recherche-entete", "abonnement-marge"} <= {hint["field"] for hint in hints}
    assert any("pagefind" in hint["field"] for hint in hints), hints
    for hint in hints:
        drawn = [
            hint["opacity"] * c + (1 - hint["opacity"]) * b
            for c, b in zip(hint["color"], hint["background"], strict=True)
        ]
        ratio = contrast(drawn, hint["background"])
        assert ratio >= 4.5, (
            f"{scheme}: the hint of {hint['field']} is at {ratio:.2f}:1 (4.5 at least)"
        )


def test_a_printed_post_keeps_its_long_code_lines_and_wide_tables_whole(browser, site):
    # On paper nothing scrolls: a line of code or a table wider than the page was cut at
    # its edge, the rest of the command or the last columns lost.
    code = "pip install carnet && invoke build && invoke publish --strict && echo " + "x" * 60
    row = " | ".join(f"colonne{n}" for n in range(12))
    site.add_post(
        "imprime.md",
        title="Un billet imprimé",
        body=f"""
        Une commande :

            {code}

        | {row} |
        |{"---|" * 12}
        | {row} |
        """,
    )
    # Relative addresses: the page opened from its file finds its stylesheet.
    site.build(production=False)
    # A4 paper's width, its margins taken off, at 96 px to the inch.
    context = browser.new_context(viewport={"width": 700, "height": 1000})
    try:
        page = context.new_page()
        page.goto((site.output / "un-billet-imprime" / "index.html").as_uri(), wait_until="load")
        page.emulate_media(media="print")
        assert page.locator(".site-nav").is_hidden()  # the theme's print rules apply
        cut = page.evaluate(
            """() => [...document.querySelectorAll('pre, table')]
                .filter(e => e.scrollWidth > e.clientWidth + 1
                             || e.getBoundingClientRect().right > innerWidth)
                .map(e => `${e.tagName}: ${e.scrollWidth} px of ${e.clientWidth} shown`)"""
        )
    finally:
        context.close()
    assert not cut, f"cut on paper: {cut}"


def evaluated_on_post(browser, site, folder, script, print_media=False, **context_options):
    """`script` evaluated in Chromium on the page output/FOLDER/ of a development build
    (relative addresses: the page finds its stylesheet), as printed if `print_media`."""
    context = browser.new_context(**context_options)
    try:
        page = context.new_page()
        page.goto((site.output / folder / "index.html").as_uri(), wait_until="load")
        if print_media:
            page.emulate_media(media="print")
        return page.evaluate(script)
    finally:
        context.close()


def test_a_printed_address_typed_as_it_is_is_printed_once(browser, site):
    # Paper shows each link's address after its text: an address typed as it is, its own
    # text, was printed twice, « https://exemple.fr/atelier (https://exemple.fr/atelier) ».
    site.add_post(
        "imprime.md",
        title="Un billet imprimé",
        body="Voir https://exemple.fr/atelier et [l’atelier](https://exemple.fr/atelier).",
    )
    site.build(production=False)
    after = evaluated_on_post(
        browser,
        site,
        "un-billet-imprime",
        """() => [...document.querySelectorAll('.post__body a')]
            .map(a => [a.textContent, getComputedStyle(a, '::after').content])""",
        print_media=True,
    )
    assert after == [
        ["https://exemple.fr/atelier", "none"],
        ["l’atelier", '" (https://exemple.fr/atelier)"'],
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_link_in_words_highlighted_is_readable(browser, site, scheme):
    # The browser's highlight is yellow in both schemes: the dark theme's light orange
    # links were at 1.7:1 on it.
    site.add_post("a.md", title="Un billet", body="Un ==mot et [un lien](https://exemple.fr)==.")
    site.build(production=False)
    colours = evaluated_on_post(
        browser,
        site,
        "un-billet",
        """() => {
          const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
          const mark = document.querySelector('.post__body mark');
          return [rgb(getComputedStyle(mark.querySelector('a')).color),
                  rgb(getComputedStyle(mark).backgroundColor)];
        }""",
        color_scheme=scheme,
    )
    assert contrast(*colours) >= 4.5, colours


def test_words_highlighted_are_highlighted_on_paper(browser, site):
    # Browsers print no background unless told: « ==Apportez une gourde== » was printed as
    # any other words.
    site.add_post("a.md", title="Un billet", body="Et ==apportez une gourde==.")
    site.build(production=False)
    printed = evaluated_on_post(
        browser,
        site,
        "un-billet",
        "() => getComputedStyle(document.querySelector('.post__body mark')).printColorAdjust",
        print_media=True,
    )
    assert printed == "exact"


# The « # » before the first tag of a page as drawn: colour and opacity over the link's
# background.
HASH_BEFORE_THE_FIRST_TAG = """() => {
  const link = document.querySelector('.tags a');
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const mark = getComputedStyle(link, '::before');
  return {color: rgb(mark.color), opacity: Number(mark.opacity),
          background: rgb(getComputedStyle(link).backgroundColor)};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_hash_before_a_tag_is_readable_and_not_read_out(browser, built_site, scheme):
    # Drawn at 70 % opacity, the « # » was at 3.6:1 on the light background; screen readers
    # said « dièse écoute » for the link to the tag « écoute ».
    context = browser.new_context(color_scheme=scheme, locale="fr-FR")
    try:
        page = context.new_page()
        open_page(page, built_site, built_site.showcase_article.url)
        tag = page.evaluate(HASH_BEFORE_THE_FIRST_TAG)
        link = page.locator(".tags a").first
        name = link.evaluate("a => a.textContent.trim()")
        assert page.get_by_role("link", name=name, exact=True).count() >= 1, (
            f"{scheme}: the link to the tag {name} is not named « {name} »: {link.aria_snapshot()}"
        )
    finally:
        context.close()
    drawn = [
        tag["opacity"] * c + (1 - tag["opacity"]) * b
        for c, b in zip(tag["color"], tag["background"], strict=True)
    ]
    ratio = contrast(drawn, tag["background"])
    assert ratio >= 4.5, f"{scheme}: the « # » before a tag is at {ratio:.2f}:1 (4.5 at least)"


# Each visible field's hint: how wide it is drawn, and the room the field leaves it.
HINT_ROOM = """() => [...document.querySelectorAll('input[placeholder]')]
  .filter(input => input.offsetParent)
  .map(input => {
    const style = getComputedStyle(input);
    const pen = document.createElement('canvas').getContext('2d');
    pen.font = style.font;
    return {field: input.id || input.className, hint: input.placeholder,
            width: pen.measureText(input.placeholder).width,
            room: input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)};
  })"""


def test_the_search_fields_say_their_whole_hint_and_clear_button_on_a_small_phone(
    browser, built_site
):
    # At 320 px the header's search box showed « Un mot, une », the rest cut by its button;
    # Pagefind's French button that empties the search page's field said « Nettoyer ».
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="fr-FR")
    try:
        page = context.new_page()
        hints = []
        for path in ["", "recherche/?q=clientes"]:
            open_page(page, built_site, path)
            if path:
                page.locator("main .pagefind-ui__result-link").first.wait_for(timeout=10_000)
                clear = page.locator("main .pagefind-ui__search-clear").inner_text().strip()
            hints += page.evaluate(HINT_ROOM)
    finally:
        context.close()
    assert "recherche-entete" in {hint["field"] for hint in hints}, hints
    cut = [hint for hint in hints if hint["width"] > hint["room"]]
    assert not cut, f"hints cut at 320 px: {cut}"
    assert clear == "Effacer"
