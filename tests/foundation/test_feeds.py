"""Atom and RSS feeds: all posts and per category, full content, absolute URLs."""

import feedparser

LONG_BODY = "Premier paragraphe.\n\n" + "Phrase du milieu. " * 80 + "\n\nDernière phrase-témoin."


def build_with_posts(site):
    site.add_post(
        "a.md",
        title="Le <body> & moi",
        date="2020-09-09",
        category="Journal intime",
        body=LONG_BODY + " Voir [l’autre]({filename}/posts/b.md).",
    )
    site.add_post(
        "b.md",
        title="Premiers tarifs",
        date="2021-03-15",
        category="Lancer son business",
        body="Fixer son prix ?",
    )
    site.build()


def parse(site, name):
    feed = feedparser.parse(site.read(f"feeds/{name}"))
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_all_posts_feeds_parse_with_full_content_and_absolute_urls(site):
    build_with_posts(site)
    for name in ("all.atom.xml", "all.rss.xml"):
        feed = parse(site, name)
        assert len(feed.entries) == 2
        entry = next(e for e in feed.entries if "body" in e.title)
        assert entry.title == "Le <body> & moi"
        assert entry.link.startswith("https://")
        body = entry.content[0].value if "content" in entry else entry.summary
        assert "Dernière phrase-témoin" in body
        assert 'href="https://' in body


def test_category_feeds(site):
    build_with_posts(site)
    for name in ("journal-intime.atom.xml", "journal-intime.rss.xml"):
        feed = parse(site, name)
        assert [e.title for e in feed.entries] == ["Le <body> & moi"]
    assert [e.title for e in parse(site, "lancer-son-business.atom.xml").entries] == [
        "Premiers tarifs"
    ]


def test_feed_titles_and_content_are_typeset(site):
    build_with_posts(site)
    entry = next(e for e in parse(site, "all.atom.xml").entries if e.title == "Premiers tarifs")
    assert "prix\u202f?" in entry.content[0].value


def test_a_footnote_links_to_its_place_on_the_post_page(site):
    site.add_post("a.md", title="Une note", body="Voir la note[^1].\n\n[^1]: La note ici.")
    site.build()
    for name in ("all.atom.xml", "all.rss.xml"):
        raw = site.read(f"feeds/{name}")
        assert "fn:1" in raw and 'href="#' not in raw, name
        assert '/une-note/#fn:1"' in raw
    page = site.read("une-note/index.html")
    assert 'title="Revenir à l’appel de la note 1"' in page


def test_each_feeds_site_link_is_the_page_listing_its_posts(site):
    # A feed reader's « visit site » opens the feed's alternate link (Atom) or channel link
    # (RSS): a category's feed leads to the category's page, not the home page.
    site.add_post(
        "a.md",
        title="Écouter",
        date="2020-09-09",
        category="Lancer son business",
        tags="Écoute",
        author="Julien Moreau",
    )
    site.add_post("b.md", title="Autre", date="2021-03-15", author="Claire Dumas")
    site.build(
        TAG_FEED_ATOM="feeds/etiquette/{slug}.atom.xml",
        TAG_FEED_RSS="feeds/etiquette/{slug}.rss.xml",
        AUTHOR_FEED_ATOM="feeds/auteur/{slug}.atom.xml",
        AUTHOR_FEED_RSS="feeds/auteur/{slug}.rss.xml",
    )
    home = "https://carnet-de-coach.fr/"
    pages = {
        "all": "",
        "lancer-son-business": "categorie/lancer-son-business/",
        "journal-intime": "categorie/journal-intime/",
        "etiquette/ecoute": "etiquette/ecoute/",
        "auteur/julien-moreau": "auteur/julien-moreau/",
    }
    for name, page in pages.items():
        assert (site.output / page / "index.html").exists(), page
        for kind in ("atom", "rss"):
            feed = parse(site, f"{name}.{kind}.xml")
            assert feed.feed.link == home + page, f"{name}.{kind}.xml"


def test_a_feed_whose_posts_have_no_page_of_their_own_leads_home(site):
    site.add_post("a.md", title="Écouter", date="2020-09-09", tags="Écoute")
    site.build(TAG_FEED_ATOM="feeds/etiquette/{slug}.atom.xml", TAG_SAVE_AS="")
    assert not (site.output / "etiquette").exists()
    assert parse(site, "etiquette/ecoute.atom.xml").feed.link == "https://carnet-de-coach.fr/"


def test_a_feeds_title_is_the_site_and_category_names_as_written(site):
    """Plain text, as the entries' titles: Pelican's way (read as HTML, tags stripped,
    spaces folded) lost « <corps> » and the no-break space before « ! » (the site's name
    typeset as the settings are read)."""
    site.add_post("a.md", title="Un billet", category="Le <corps> & moi")
    site.build(SITENAME="Carnet de coach\u202f!", CARNET_CATEGORIES=["Le <corps> & moi"])
    for kind in ("atom", "rss"):
        assert parse(site, f"all.{kind}.xml").feed.title == "Carnet de coach\u202f!"
        assert (
            parse(site, f"le-moi.{kind}.xml").feed.title
            == "Carnet de coach\u202f! - Le <corps> & moi"
        )
