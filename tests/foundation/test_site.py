"""The site a reader sees: pages, French dates, categories, drafts, escaping."""

import json
import re
import subprocess
import sys

import lxml.html
import pytest
from conftest import ROOT, post_text
from pelican.generators import ArticlesGenerator


def text_of(html, part="/*"):
    """Visible text of a page (or of its first `part`, an XPath), whitespace folded."""
    tree = lxml.html.fromstring(html).xpath(part)[0]
    for node in tree.xpath("//script|//style"):
        node.drop_tree()
    return re.sub(r"[ \t\r\n]+", " ", tree.text_content())


def three_posts(site):
    site.add_post(
        "a.md",
        title="Fin par SMS",
        date="2020-09-09 08:30",
        category="Journal intime",
        tags="clients, fin",
        author="Claire Dumas",
        body="Elle a mis fin au coaching par un simple message.",
    )
    site.add_post(
        "b.md",
        title="Premiers tarifs",
        date="2021-03-15",
        category="Lancer son business",
        tags="tarifs",
        author="Julien Moreau",
        body="Fixer son premier prix.",
    )
    site.add_post(
        "c.md",
        title="Gratitude",
        date="2021-04-02",
        category="Journal Intime",
        tags="clients",
        author="Claire Dumas",
        body="Un merci reçu un mardi soir.",
    )


def test_article_shows_french_long_date_author_category_and_tags(site):
    three_posts(site)
    site.build()
    page = text_of(site.read("fin-par-sms/index.html"))
    assert "9 septembre 2020" in page
    assert "Claire Dumas" in page
    assert "Journal intime" in page
    assert "clients" in page and "fin" in page


def test_recent_posts_carry_short_dates(site):
    three_posts(site)
    site.build()
    page = text_of(site.read("index.html"))
    for date in ("9 sept. 2020", "15 mars 2021", "2 avr. 2021"):
        assert date in page


def test_french_dates_need_no_french_os_locale(site):
    """Build in a separate process whose only locale is C: dates are still French."""
    three_posts(site)
    code = "import sys; from carnet.build import build; build(sys.argv[1], output_path=sys.argv[2])"
    env = {"LC_ALL": "C", "LANG": "C", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code, site.settings_file(), str(site.output)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "ERROR" not in done.stdout + done.stderr
    assert "9 septembre 2020" in text_of(site.read("fin-par-sms/index.html"))
    assert "avril 2021" in text_of(site.read("archives/index.html"))


def test_categories_match_case_insensitively_with_configured_spelling(site):
    three_posts(site)
    site.build()
    categories = text_of(site.read("categories/index.html"))
    assert re.search(r"Journal intime\s*\(2\)", categories)
    assert re.search(r"Lancer son business\s*\(1\)", categories)
    assert "Journal Intime" not in site.all_text()
    listed = text_of(site.read("categorie/journal-intime/index.html"))
    assert "Fin par SMS" in listed and "Gratitude" in listed


@pytest.mark.parametrize("read_order", [sorted, lambda paths: sorted(paths, reverse=True)])
def test_without_configured_categories_one_is_spelled_as_its_oldest_post(
    site, monkeypatch, read_order
):
    """Pelican reads the posts in no fixed order (a set of paths): the category took the
    spelling of whichever post was read first, and changed from one build to the next."""
    site.add_post("a.md", post_text(title="Premier", date="2021-01-01", category="Bien-être"))
    site.add_post("b.md", post_text(title="Deuxième", date="2021-02-01", category="bien être"))
    site.add_post("c.md", post_text(title="Troisième", date="2021-03-01", category="BIEN-ETRE"))
    get_files = ArticlesGenerator.get_files
    monkeypatch.setattr(
        ArticlesGenerator,
        "get_files",
        lambda *args, **kwargs: read_order(get_files(*args, **kwargs)),
    )
    site.build(CARNET_CATEGORIES=[])
    assert re.search(r"Bien-être\s*\(3\)", text_of(site.read("categories/index.html")))
    for slug in ("premier", "deuxieme", "troisieme"):
        assert "Bien-être" in text_of(site.read(f"{slug}/index.html"), "//*[@class='meta']")
    everything = site.all_text()
    assert "bien être" not in everything and "BIEN-ETRE" not in everything


def test_sidebar_lists_categories_with_counts(site):
    three_posts(site)
    site.build()
    assert re.search(r"Journal intime\s*\(2\)", text_of(site.read("index.html")))


def test_every_page_is_french_with_feed_autodiscovery(site):
    three_posts(site)
    site.build()
    pages = site.html_files()
    assert len(pages) > 10
    for path in pages:
        if "pagefind" in path.parts:
            continue
        tree = lxml.html.fromstring(path.read_bytes())
        assert tree.get("lang") == "fr", path
        feeds = tree.xpath('//link[@rel="alternate"]/@type')
        assert "application/atom+xml" in feeds and "application/rss+xml" in feeds, path


def test_tag_author_archive_and_404_pages_exist(site):
    three_posts(site)
    site.build()
    assert "Fin par SMS" in text_of(site.read("etiquette/clients/index.html"))
    assert "Premiers tarifs" in text_of(site.read("auteur/julien-moreau/index.html"))
    assert "Premiers tarifs" in text_of(site.read("archives/2021/03/index.html"))
    assert "Premiers tarifs" in text_of(site.read("archives/2021/index.html"))
    assert "introuvable" in text_of(site.read("404.html")).lower()


def test_a_site_with_no_post_yet_says_so_on_every_list_page(site):
    """The categories' and authors' pages of a new site were an empty list."""
    site.build()
    for path, words in [
        ("index.html", "Aucun article pour l’instant."),
        ("archives/index.html", "Aucun article pour l’instant."),
        ("categories/index.html", "Aucune catégorie pour l’instant."),
        ("etiquettes/index.html", "Aucune étiquette pour l’instant."),
        ("auteurs/index.html", "Aucun auteur pour l’instant."),
    ]:
        page = lxml.html.fromstring(site.read(path))
        assert words in text_of(site.read(path), "//main"), path
        assert not [ul for ul in page.xpath("//main//ul") if not len(ul)], path


def test_home_is_paginated_with_summaries(site):
    for day in range(1, 13):
        site.add_post(
            f"p{day}.md",
            title=f"Billet numéro {day}",
            date=f"2021-01-{day:02d}",
            category="Journal intime",
            body=f"Résumé du billet {day}. " * 5,
        )
    site.build()
    first = text_of(site.read("index.html"), "//main")
    second = text_of(site.read("page/2/index.html"), "//main")
    assert "Billet numéro 12" in first and "Billet numéro 5" in first
    assert "Billet numéro 4" not in first
    assert "Billet numéro 4" in second and "Billet numéro 12" not in second
    assert "Résumé du billet 12" in first


def test_drafts_and_future_posts_appear_nowhere(site):
    three_posts(site)
    site.add_post("draft.md", title="Brouillon secret", status="draft", body="Mot-draftmark.")
    site.add_post("future.md", title="Billet du futur", date="2031-05-01", body="Mot-futuremark.")
    site.build()
    everything = site.all_text()
    for mark in (
        "Brouillon secret",
        "Mot-draftmark",
        "Billet du futur",
        "Mot-futuremark",
        "brouillon-secret",
        "billet-du-futur",
    ):
        assert mark not in everything
    assert not any("draft" in str(p.relative_to(site.output)) for p in site.output.rglob("*"))


def test_a_draft_with_an_address_of_its_own_is_not_written_there(site):
    """A `Save_as:` line won over DRAFT_SAVE_AS: Pelican wrote the draft (a post dated
    later, a draft page) at that address, for the search index to find and publish to
    deploy."""
    three_posts(site)
    own_address = "Save_as: {slug}/index.html\nUrl: {slug}/\n"
    site.add_post(
        "draft.md",
        post_text(title="Brouillon secret", status="draft", body="Mot-draftmark.").replace(
            "Date:", own_address.format(slug="brouillon") + "Date:"
        ),
    )
    site.add_post(
        "future.md",
        post_text(title="Billet du futur", date="2031-05-01", body="Mot-futuremark.").replace(
            "Date:", own_address.format(slug="futur") + "Date:"
        ),
    )
    site.add_page(
        "draft-page.md",
        post_text(title="Page en travaux", status="draft", body="Mot-pagemark.").replace(
            "Date:", own_address.format(slug="travaux") + "Date:"
        ),
    )
    site.build()
    for folder in ("brouillon", "futur", "travaux"):
        assert not (site.output / folder).exists(), folder
    everything = site.all_text()
    assert "mark." not in everything and "Brouillon secret" not in everything


def test_titles_are_plain_text_escaped_in_pages(site):
    # A tag « <script> » alone has no letter to make an address of (content_checks says so).
    site.add_post("x.md", title="Le <body> & moi", tags="<script>alert, a&b", body="Texte.")
    site.build()
    for path in site.html_files():
        html = path.read_text(encoding="utf-8")
        assert "<body> &" not in html and "<script>alert" not in html
    article = [p for p in site.html_files() if "Le &lt;body&gt; &amp; moi" in p.read_text()]
    assert article, "the escaped title should appear"
    assert "Le <body> & moi" in text_of(article[0].read_text())


def test_json_ld_is_json_of_plain_text_and_addresses(site):
    """Every JSON-LD block parses, stays one <script>, and holds text: a title and an author
    made to break it, and an address with « & », which the macros write for HTML
    (« &amp; »): the JSON-LD said https://…/toi&amp;moi/."""
    title = 'Le "vrai" </script><script>alert(1)</script> \\ l\'été 🎉\u2028fin'
    site.add_post(
        "a.md",
        post_text(title=title, author='Jo "O\'Brien" & <Co>', body="Texte.").replace(
            "Date:", "Url: toi&moi/\nSave_as: toi&moi/index.html\nDate:"
        ),
    )
    site.build()
    page = site.read("toi&moi/index.html")
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(block)
    assert "<" not in block  # nothing in it can end the <script> early
    assert data["url"] == data["mainEntityOfPage"] == "https://carnet-de-coach.fr/toi&moi/"
    assert (
        data["headline"]
        == "Le «\u00a0vrai\u00a0» </script><script>alert(1)</script> \\ l’été 🎉\u2028fin"
    )
    assert data["author"][0]["name"] == "Jo «\u00a0O’Brien\u00a0» & <Co>"  # typeset
    for path in site.html_files():
        for block in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', path.read_text()
        ):
            json.loads(block)


def test_share_links_carry_the_title_escaped_once(site):
    site.add_post("x.md", title="Toi & moi", body="Texte.")
    site.build()
    page = site.read("toi-moi/index.html")
    # Encoded for a URL (& as %26), then for HTML: never &amp; inside the URL's text.
    assert 'href="https://wa.me/?text=Toi%20%26%20moi%20http' in page
    assert 'href="mailto:?subject=Toi%20%26%20moi&amp;body=' in page


def test_pages_about_and_newsletter(site):
    site.add_post("a.md", title="Un billet", body="Texte.")
    site.add_page("a-propos.md", title="À propos", body="Je suis coach.")
    site.build()
    assert "Je suis coach" in text_of(site.read("a-propos/index.html"))


@pytest.mark.parametrize("production", [True, False])
def test_menuitems_social_and_links_are_shown(site, production):
    """Pelican's settings for a site's own links: in the main menu and the footer (they
    were set and shown nowhere), their names typeset, an address of the site written from
    its root put after SITEURL, the author's profiles marked rel="me"."""
    conf = site.root / "pelicanconf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8")
        + 'MENUITEMS = [("Ateliers", "/ateliers/")]\n'
        + 'SOCIAL = [("L\'Instagram", "https://instagram.com/claire.coach")]\n'
        + 'LINKS = [("Un ami", "https://exemple.fr/")]\n',
        encoding="utf-8",
    )
    site.add_post("a.md", title="Un titre")
    site.build(production=production)
    page = lxml.html.fromstring(site.read("un-titre/index.html"))
    menu = page.xpath("//nav[@class='site-nav']//a[text()='Ateliers']/@href")
    assert menu == (["https://carnet-de-coach.fr/ateliers/"] if production else ["../ateliers/"])
    elsewhere = page.xpath("//nav[@aria-label='Ailleurs']//a")
    assert [(a.text, a.get("href"), a.get("rel")) for a in elsewhere] == [
        ("L’Instagram", "https://instagram.com/claire.coach", "me"),
        ("Un ami", "https://exemple.fr/", None),
    ]


def test_sample_site_builds_without_errors_or_warnings(tmp_path):
    from carnet.build import build

    result = build(str(ROOT / "publishconf.py"), output_path=tmp_path / "out")
    assert result.warnings == []
    articles = list((tmp_path / "out").glob("*/index.html"))
    assert len(articles) >= 8
    everything = "".join(p.read_text() for p in (tmp_path / "out").rglob("*.html"))
    assert "Brouillon" not in everything and "Article futur" not in everything


def test_first_of_the_month_is_an_ordinal(site):
    site.add_post("a.md", title="Poisson", date="2021-04-01")
    site.build()
    page = text_of(site.read("poisson/index.html"), "//main")
    assert "1er avril 2021" in page and "01/04/2021" not in page


def test_one_french_date_formatter_for_the_site_the_feed_and_the_email(site):
    from carnet.newsletter import manifest, render

    site.add_post("a.md", title="Poisson", date="2021-04-01", category="Journal intime")
    site.add_post("b.md", title="Suite", date="2021-04-05", category="Journal intime")
    settings = site.build().settings
    assert "1er avril 2021" in text_of(site.read("poisson/index.html"), "//main")
    for atom in ("feeds/all.atom.xml", "feeds/all.rss.xml"):
        assert "1er avril 2021" in site.read(atom)
    post = next(p for p in manifest.read(settings) if p.id == "poisson")
    assert "1er avril 2021" in render.render(post, settings).html
    # Lists (home, archives, category, letters page, the sidebar) use one short form.
    for page in ("index.html", "archives/index.html", "categorie/journal-intime/index.html"):
        text = text_of(site.read(page))
        assert "1er avr. 2021" in text and "5 avr. 2021" in text, page
    assert not re.search(r"\b\d\d/\d\d/\d{4}\b", site.all_text())


def test_summaries_end_at_a_sentence_or_a_word_with_the_ellipsis_attached(site):
    words = " ".join(f"mot{n}" for n in range(60))
    site.add_post("a.md", title="Long", date="2021-04-01", category="Journal intime", body=words)
    sentences = "Une phrase. " * 20
    site.add_post(
        "b.md", title="Phrases", date="2021-04-02", category="Journal intime", body=sentences
    )
    site.build()
    home = site.read("index.html")
    assert re.search(r"mot\d+…</p>", home) and " …" not in home
    assert re.search(r"Une phrase\.</p>", home)  # 45 words end after a whole sentence


def test_a_post_written_with_hash_headings_has_one_h1_the_title(site):
    # « # Partie » made a second <h1> under the title's: two page titles for a screen reader.
    site.add_post("a.md", title="Le titre", body="# Partie\n\nTexte.\n\n## Sous-partie\n\nTexte.")
    site.add_post("b.md", title="Autre", body="## Section\n\nTexte.\n\n### Détail\n\nTexte.")
    site.build()
    page = lxml.html.fromstring(site.read("le-titre/index.html"))
    assert [h.text_content() for h in page.xpath("//h1")] == ["Le titre"]
    assert page.xpath("//main//h2[.='Partie']") and page.xpath("//main//h3[.='Sous-partie']")
    other = lxml.html.fromstring(site.read("autre/index.html"))
    assert other.xpath("//main//h2[.='Section']") and other.xpath("//main//h3[.='Détail']")


def test_a_note_left_in_an_html_comment_is_not_published(site):
    # Hidden by the editor's preview and by the page, the note was in the page's source,
    # the home page's summary and the feed, for anyone to read.
    site.add_post(
        "a.md",
        title="Mes tarifs",
        body="""
        <!-- Note pour moi : augmenter le prix en janvier -->

        Un texte <!-- secret aussi --> qui continue.

        Du code : `<!-- ceci reste -->`
        """,
    )
    site.build()
    for path in ("mes-tarifs/index.html", "index.html", "feeds/all.atom.xml"):
        text = site.read(path)
        assert "augmenter le prix" not in text and "secret aussi" not in text, path
    page = site.read("mes-tarifs/index.html")
    assert re.search(r"<p>Un texte +qui continue.</p>", page)
    assert "<code>&lt;!-- ceci reste --&gt;</code>" in page


def test_lists_name_every_author_of_a_post(site):
    # A post by two: the lists named the first author only, on the second's own page too.
    site.add_post("a.md", title="À deux", authors="Julien Moreau, Claire Dumas, Léa Martin")
    site.build()
    for page in ("index.html", "auteur/claire-dumas/index.html"):
        meta = text_of(site.read(page), "//main//p[@class='meta']")
        assert "Julien Moreau, Claire Dumas et Léa Martin" in meta, page


def test_summaries_leave_out_footnotes(site):
    # Two short posts with a footnote each: the home page showed both calls and notes, the
    # same ids twice (invalid HTML), and the second call led to the first post's note.
    for name, day in (("a", 1), ("b", 2)):
        site.add_post(
            f"{name}.md",
            title=f"Billet {name}",
            date=f"2021-04-0{day}",
            body=f"Une phrase avec une note[^1].\n\n[^1]: La note du billet {name}.",
        )
    site.build()
    home = site.read("index.html")
    ids = re.findall(r'\bid="([^"]+)"', home)
    assert len(ids) == len(set(ids)), sorted(ids)
    assert "footnote" not in home and "La note du billet" not in home
    assert "Une phrase avec une note.</p>" in home
    assert 'href="#fn:1"' in site.read("billet-a/index.html")


def test_summaries_make_no_headings_in_the_lists(site):
    # A post opening on « ## Introduction »: the home page listed « Introduction » as an
    # <h2> beside the posts' titles, one more post for who browses by headings.
    site.add_post("a.md", title="Le billet", body="## Introduction\n\nLe début du texte.")
    site.build()
    home = lxml.html.fromstring(site.read("index.html"))
    headings = [h.text_content() for h in home.xpath("//main//*[self::h1 or self::h2]")]
    assert headings == ["Les derniers articles du carnet", "Le billet"]
    assert "Introduction Le début du texte." in text_of(site.read("index.html"), "//main")


def test_the_404_page_has_one_search_landmark(site):
    # Its text offers a search box, and the header had another: two « recherche »
    # landmarks of the same name in a screen reader's list (axe: landmark-unique).
    three_posts(site)
    site.build()
    page = lxml.html.fromstring(site.read("404.html"))
    assert len(page.xpath("//*[@role='search']")) == 1
    assert page.xpath("//main//*[@role='search']")


def test_a_hidden_post_links_no_tag_category_author_or_feed_without_a_page(site):
    # Pelican lists a hidden post nowhere: its own tag, category and author had no page,
    # and its page linked them (and the category's feeds), 404 for a reader.
    site.add_post("public.md", title="Publié", tags="écoute", author="Claire Dumas")
    site.add_post(
        "cache.md",
        title="Caché",
        status="hidden",
        tags="écoute, secret",
        category="Lancer son business",
        author="Personne Ailleurs",
    )
    site.build()
    page = lxml.html.fromstring(site.read("cache/index.html"))
    links = {*page.xpath("//a/@href"), *page.xpath("//link/@href")}
    local = {link.removeprefix("https://carnet-de-coach.fr/") for link in links}
    local = {link for link in local if not link.startswith(("http", "mailto:", "#"))}
    dead = {
        link
        for link in local
        if not (site.output / link).is_file() and not (site.output / link / "index.html").is_file()
    }
    assert "etiquette/ecoute/" in local
    assert not dead, dead
    assert "Personne Ailleurs" in text_of(site.read("cache/index.html"))


def test_tags_making_one_address_are_shown_once_the_first_spelling(site):
    # « Été », « ete » and « été » are one tag page (etiquette/ete/): the post's page
    # showed three links to it, and the tag's page listed the post three times.
    site.add_post("a.md", title="Un été", tags="Été, ete, été, Silence, SILENCE")
    site.add_post(
        "b.md",
        "---\ntitle: Un autre été\ndate: 2020-09-10\ntags: [ÉTÉ, Ete]\n---\n\nUn texte.\n",
    )
    site.build()
    page = site.read("un-ete/index.html")
    tree = lxml.html.fromstring(page)
    assert tree.xpath("//a[@rel='tag']/text()") == ["Été", "Silence"]
    assert tree.xpath("//meta[@property='article:tag']/@content") == ["Été", "Silence"]
    assert '"keywords": "\\u00c9t\\u00e9, Silence"' in page
    other = lxml.html.fromstring(site.read("un-autre-ete/index.html"))
    assert other.xpath("//a[@rel='tag']/text()") == ["ÉTÉ"]
    listed = lxml.html.fromstring(site.read("etiquette/ete/index.html"))
    assert sorted(listed.xpath("//h2[@class='entry__title']/a/text()")) == [
        "Un autre été",
        "Un été",
    ]
    assert "(2)" in text_of(site.read("etiquettes/index.html"), "//ul[@class='tags tags--all']")
    terms = re.findall(r'<category term="([^"]*)"', site.read("feeds/all.atom.xml"))
    assert terms == ["Journal intime", "ÉTÉ", "Journal intime", "Été", "Silence"]


def test_authors_making_one_address_are_shown_once_the_first_spelling(site):
    # « Claire Dumas » and « claire dumas » are one author page (auteur/claire-dumas/).
    site.add_post("a.md", title="À deux", authors="Claire Dumas; claire dumas; Julien Moreau")
    site.build()
    page = lxml.html.fromstring(site.read("a-deux/index.html"))
    assert page.xpath("count(//a[contains(@href, 'auteur/claire-dumas/')])") == page.xpath(
        "count(//a[contains(@href, 'auteur/julien-moreau/')])"
    )
    listed = lxml.html.fromstring(site.read("auteur/claire-dumas/index.html"))
    assert listed.xpath("//h2[@class='entry__title']/a/text()") == ["À deux"]


@pytest.mark.parametrize("written", ["claire dumas", "CLAIRE  DUMAS", "Clàire Dumas"])
def test_an_author_written_another_way_is_the_one_of_carnet_authors(site, written):
    """Its bio and photo are found by CARNET_AUTHORS's own name: « Author: claire dumas »
    showed none, under the post and on its author page."""
    site.add_post("a.md", title="Un billet", author=written)
    site.add_post("b.md", title="Un autre", authors=f"Julien Moreau; {written}")
    site.build()
    for page in ("un-billet/index.html", "un-autre/index.html", "auteur/claire-dumas/index.html"):
        text = site.read(page)
        assert "Coach professionnelle à Nantes" in text, page
        assert "images/claire-dumas.svg" in text, page
        assert written not in text, page
