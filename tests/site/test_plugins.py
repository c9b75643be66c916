"""Carnet's reader-experience plugins, each on a small real site built by the real Pelican:
reading_time, neighbours, related_posts, post_lists, backlinks, sitemap, newsletter_archive."""

import contextlib
import json
import re
import xml.etree.ElementTree as ElementTree
from types import SimpleNamespace

import pytest
from markupsafe import Markup
from pelican import signals

SITEURL = "https://carnet-de-coach.fr"  # publishconf.py's


@contextlib.contextmanager
def articles_of_the_build():
    """{slug: article} of every published article of the builds run inside the block."""
    found = {}

    def keep(generator):
        found.update({article.slug: article for article in generator.articles})

    signals.article_generator_finalized.connect(keep)
    try:
        yield found
    finally:
        signals.article_generator_finalized.disconnect(keep)


def build(site, production=True):
    with articles_of_the_build() as articles:
        site.build(production=production)
    return articles


def words(count):
    return " ".join(["mot"] * count)


# --- reading_time ----------------------------------------------------------------------


def test_reading_time_counts_words_at_230_a_minute(site):
    site.add_post("court.md", title="Court", body="Trois petits mots.")
    site.add_post("moyen.md", title="Moyen", date="2020-09-10", body=words(460))
    site.add_post("long.md", title="Long", date="2020-09-11", body=words(1150) + "\n\n<b>fin</b>")
    articles = build(site)
    assert articles["court"].reading_time == 1  # never 0 minutes
    assert articles["moyen"].reading_time == 2
    assert articles["long"].reading_time == 5
    assert "5 min de lecture" in site.read("long/index.html")


def test_reading_time_ignores_tags_and_french_punctuation():
    from reading_time.reading_time import count_words

    assert count_words("<p>Vraiment\u202f? Oui\u202f! <a href='x'>l’écoute</a> : bien.</p>") == 4


# --- neighbours ------------------------------------------------------------------------


def test_neighbours_skip_drafts_hidden_and_email_only_posts(site):
    site.add_post("a.md", title="Premier", date="2020-01-01")
    site.add_post("brouillon.md", title="Brouillon", date="2020-01-15", status="draft")
    site.add_post("cache.md", title="Caché", date="2020-01-20", status="hidden")
    site.add_post("lettre.md", title="Lettre", date="2020-01-25", newsletter="only")
    site.add_post("b.md", title="Deuxième", date="2020-02-01")
    site.add_post("c.md", title="Troisième", date="2020-03-01")
    articles = build(site)
    first, second, third = articles["premier"], articles["deuxieme"], articles["troisieme"]
    assert first.previous_article is None and first.next_article is second
    assert second.previous_article is first and second.next_article is third
    assert third.previous_article is second and third.next_article is None
    page = site.read("deuxieme/index.html")
    assert 'href="https://carnet-de-coach.fr/premier/" rel="prev"' in page
    assert 'href="https://carnet-de-coach.fr/troisieme/" rel="next"' in page


# --- related_posts ---------------------------------------------------------------------


def test_related_posts_share_tags_and_category_best_first(site):
    site.add_post(
        "a.md", title="A", date="2020-01-01", category="Journal intime", tags="écoute, silence"
    )
    site.add_post(
        "b.md", title="B", date="2020-06-01", category="Journal intime", tags="écoute, silence"
    )
    site.add_post(
        "c.md", title="C", date="2020-01-02", category="Lancer son business", tags="écoute"
    )
    site.add_post("d.md", title="D", date="2020-01-03", category="Journal intime", tags="tarifs")
    site.add_post(
        "e.md", title="E", date="2020-01-04", category="Lancer son business", tags="tarifs"
    )
    site.add_post(
        "f.md",
        title="F",
        date="2020-01-05",
        category="Journal intime",
        tags="écoute",
        status="draft",
    )
    articles = build(site)
    related = [article.slug for article in articles["a"].related_posts]
    # B shares two tags and the category; C one tag; D the category; E nothing.
    assert related[0] == "b"
    assert set(related) == {"b", "c", "d"}
    assert "f" not in related and "a" not in related
    assert "À lire aussi" in site.read("a/index.html")


def test_related_posts_at_most_three(site):
    for day in range(1, 7):
        site.add_post(f"p{day}.md", title=f"P{day}", date=f"2020-01-0{day}", tags="écoute")
    articles = build(site)
    assert all(len(article.related_posts) == 3 for article in articles.values())


def test_the_page_shows_as_many_related_posts_as_the_setting_says(site):
    """The template cut the list at 3, whatever CARNET_RELATED_POSTS said."""
    for day in range(1, 8):
        site.add_post(f"p{day}.md", title=f"P{day}", date=f"2020-01-0{day}", tags="écoute")
    site.build(CARNET_RELATED_POSTS=5)
    related = site.read("p1/index.html").split('id="a-lire-aussi"', 1)[1].split("</section>")[0]
    assert re.findall(r'href="[^"]*/(p\d)/"', related) == ["p2", "p3", "p4", "p5", "p6"]


def test_related_posts_look_at_a_bounded_number_of_candidates(monkeypatch):
    """5,000 posts with one tag and one category: every pair would be 25 million scores."""
    import datetime

    from related_posts import related_posts

    tag, category = "écoute", "Journal intime"
    start = datetime.datetime(2020, 1, 1)
    articles = [
        SimpleNamespace(
            date=start + datetime.timedelta(hours=n),
            source_path=f"{n}.md",
            tags=[tag],
            category=category,
        )
        for n in range(5000)
    ]
    generator = SimpleNamespace(articles=articles, hidden_articles=[], settings={})
    calls = []
    real_score = related_posts._score
    monkeypatch.setattr(related_posts, "_score", lambda *args: calls.append(1) or real_score(*args))
    related_posts.set_related_posts(generator)
    assert len(calls) <= len(articles) * 2 * related_posts.WINDOW
    assert all(len(article.related_posts) == 3 for article in articles)
    middle = articles[2500]
    assert {a.source_path for a in middle.related_posts} <= {
        "2499.md",
        "2501.md",
        "2498.md",
        "2502.md",
    }


# --- backlinks -------------------------------------------------------------------------


def test_backlinks_show_who_links_here_with_the_sentence(site):
    site.add_post("cible.md", title="Qu’est-ce que l’écoute", date="2020-01-01", body="Se taire.")
    site.add_post(
        "source.md",
        title="Source",
        date="2020-02-01",
        body="""
        Une première phrase. Comme je le racontais dans [mon billet sur l’écoute]({filename}cible.md),
        tout commence par se taire. Une phrase après.

        Et [encore]({filename}/posts/cible.md) : le premier lien suffit.
        """,
    )
    site.add_post(
        "absolu.md",
        title="Absolu",
        date="2020-03-01",
        body=f"Julien en parle [ici]({SITEURL}/qu-est-ce-que-l-ecoute/#suite) & ailleurs < partout.",
    )
    site.add_post(
        "racine.md", title="Racine", date="2020-04-01", body="Voir [là](/qu-est-ce-que-l-ecoute/)."
    )
    site.add_post(
        "brouillon.md",
        title="Brouillon",
        date="2020-05-01",
        status="draft",
        body="Voir [là]({filename}cible.md).",
    )
    site.add_post(
        "soi.md",
        title="Soi",
        date="2020-06-01",
        body="Moi-même [ici]({filename}soi.md), et [ailleurs](https://example.org/qu-est-ce-que-l-ecoute/).",
    )
    articles = build(site)
    target = articles["qu-est-ce-que-l-ecoute"]
    assert [link.article.slug for link in target.backlinks] == ["racine", "absolu", "source"]
    by_slug = {link.article.slug: link.excerpt for link in target.backlinks}
    assert isinstance(by_slug["source"], Markup)
    assert by_slug["source"] == (
        "Comme je le racontais dans <em>mon billet sur l’écoute</em>, tout commence par se taire."
    )
    assert by_slug["absolu"] == "Julien en parle <em>ici</em> &amp; ailleurs &lt; partout."
    assert articles["soi"].backlinks == []
    assert articles["source"].backlinks == []
    page = site.read("qu-est-ce-que-l-ecoute/index.html")
    assert "Ces articles en parlent" in page
    assert "Comme je le racontais dans <em>mon billet sur l’écoute</em>" in page
    assert "ailleurs &lt; partout" in page


def test_backlink_excerpts_leave_out_footnote_numbers_and_ways_back(site):
    # A footnote's number was glued to its word (« Une phrase1 avec… »), and a link in a
    # note ended with the note's way back to the text (« pour plus. ↩ »).
    site.add_post("cible.md", title="La cible", date="2020-01-01", body="Le texte.")
    site.add_post(
        "appel.md",
        title="Appel",
        date="2020-02-01",
        body="""
        Une phrase[^1] avec [la cible]({filename}cible.md) et une note[^1].

        [^1]: Une note.
        """,
    )
    site.add_post(
        "note.md",
        title="Note",
        date="2020-03-01",
        body="""
        Une phrase[^1].

        [^1]: Voir [la cible]({filename}cible.md) pour plus.
        """,
    )
    articles = build(site)
    by_slug = {link.article.slug: link.excerpt for link in articles["la-cible"].backlinks}
    assert by_slug == {
        "appel": "Une phrase avec <em>la cible</em> et une note.",
        "note": "Voir <em>la cible</em> pour plus.",
    }


def test_backlink_excerpt_is_the_sentence_around_the_link():
    from backlinks.backlinks import LinkCollector, excerpt

    collector = LinkCollector()
    collector.feed(
        "<p>Elle m’a dit\u00a0: «\u00a0Bonjour\u202f!\u00a0» puis est partie. "
        "Relisez <a href='x'>ce billet</a>, vraiment\u202f? "
        "Oui.</p><ul><li>Un point sur <a href='y'>la suite</a></li></ul>"
    )
    collector.close()
    first, second = collector.links
    assert excerpt(first) == "Relisez <em>ce billet</em>, vraiment\u202f?"
    assert excerpt(second) == "Un point sur <em>la suite</em>"


def test_a_backlink_excerpt_leaves_out_the_words_struck_through():
    # Kept, they said the opposite: « Je déteste adore ce billet ».
    from backlinks.backlinks import LinkCollector, excerpt

    collector = LinkCollector()
    collector.feed(
        "<p>Je <del>déteste</del> adore <a href='x'>ce billet</a>, <s>pas</s> vraiment.</p>"
        "<p><del>Voir <a href='y'>l’ancien</a>.</del> Lire <a href='z'>le nouveau</a>.</p>"
    )
    collector.close()
    assert [(link.href, excerpt(link)) for link in collector.links] == [
        ("x", "Je adore <em>ce billet</em>, vraiment."),
        ("z", "Lire <em>le nouveau</em>."),
    ]


def test_backlinks_find_a_posts_links_once_as_it_is_read(site, monkeypatch):
    """The links are found by the post's reader and kept with its text in the content
    cache: a rebuild parses only the post that changed."""
    from backlinks import backlinks

    parsed = []
    real_feed = backlinks.LinkCollector.feed
    counted_feed = lambda self, html: parsed.append(html) or real_feed(self, html)  # noqa: E731
    monkeypatch.setattr(backlinks.LinkCollector, "feed", counted_feed)
    site.add_post("cible.md", title="Cible", date="2020-01-01", body="Se taire.")
    for number in range(3):
        site.add_post(
            f"source{number}.md",
            title=f"Source {number}",
            date=f"2020-02-0{number + 1}",
            body=f"Lire [la cible]({{filename}}cible.md), une fois ({number}).",
        )
    # One process: a post read by parallel_reading's child is parsed there.
    cached = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CARNET_BUILD_PROCESSES": 1}

    def backlinks_of_target():
        with articles_of_the_build() as articles:
            site.build(production=False, **cached)
        return {link.article.slug: link.excerpt for link in articles["cible"].backlinks}

    first = backlinks_of_target()
    assert list(first) == ["source-2", "source-1", "source-0"]
    assert len(parsed) == 3  # the three links; a post without one is not parsed
    assert backlinks_of_target() == first
    assert len(parsed) == 3  # from the cache
    site.add_post(
        "source1.md", title="Source 1", date="2020-02-02", body="Relire [ceci]({filename}cible.md)."
    )
    again = backlinks_of_target()
    assert len(parsed) == 4  # the edited post only
    assert again["source-1"] == "Relire <em>ceci</em>."
    assert again["source-0"] == first["source-0"]


def test_backlinks_of_a_post_read_without_the_plugins_reader():
    from backlinks import backlinks

    settings = {"SITEURL": SITEURL, "INTRASITE_LINK_REGEX": "[{|](?P<what>.*?)[|}]"}
    articles = [
        SimpleNamespace(
            slug=f"p{n}",
            url=f"p{n}/",
            relative_source_path=f"posts/p{n}.md",
            relative_dir="posts",
            _content=f'<p>Lire <a href="{{filename}}p{n - 1}.md">la veille</a>.</p>',
        )
        for n in range(200)
    ]
    found = backlinks.collect_backlinks(articles, settings)
    assert len(found) == len(articles) - 1
    (backlink,) = found[id(articles[41])].values()
    assert backlink.article is articles[42]
    assert backlink.excerpt == "Lire <em>la veille</em>."


# --- post_lists ------------------------------------------------------------------------


def test_post_lists_answer_membership_like_plain_lists(site):
    site.add_post(
        "a.md", title="A", date="2020-01-01", category="Journal intime", tags="écoute, silence"
    )
    site.add_post(
        "b.md", title="B", date="2020-01-02", category="Lancer son business", tags="écoute"
    )
    site.add_post("c.md", title="C", date="2020-01-03", category="Journal intime", tags="tarifs")
    generators = []

    def keep(generator):
        generators.append(generator)

    signals.article_generator_finalized.connect(keep)
    try:
        site.build()
    finally:
        signals.article_generator_finalized.disconnect(keep)
    generator = generators[0]
    lists = [
        *generator.tags.values(),
        *(posts for _, posts in generator.categories),
        *(posts for _, posts in generator.authors),
    ]
    assert lists and all(type(posts).__name__ == "PostList" for posts in lists)
    for posts in lists:
        plain = list(posts)
        assert [post in posts for post in generator.dates] == [
            post in plain for post in generator.dates
        ]


def test_posts_share_one_object_per_tag_category_and_author_name(site):
    site.add_post("a.md", title="A", date="2020-01-01", category="Journal intime", tags="écoute")
    site.add_post("b.md", title="B", date="2020-01-02", category="Journal intime", tags="écoute")
    site.add_post("c.md", title="C", date="2020-01-03", category="Journal intime", tags="Écoute")
    site.add_post("d.md", title="D", date="2020-01-04", tags="écoute", status="hidden")
    found = {}

    def keep(generator):
        posts = generator.articles + generator.hidden_articles
        found.update({post.slug: post for post in posts})

    signals.article_generator_finalized.connect(keep)
    try:
        site.build()
    finally:
        signals.article_generator_finalized.disconnect(keep)
    a, b, c, d = (found[slug] for slug in "abcd")
    assert a.tags[0] is b.tags[0] is d.tags[0] is a.metadata["tags"][0]
    assert a.category is b.category is c.category is d.metadata["category"]
    assert a.author is b.author is c.authors[0] is d.author
    # Equal to « écoute » (one slug, one page), but written otherwise: C shows its own.
    assert c.tags[0] == a.tags[0] and c.tags[0] is not a.tags[0]
    assert str(c.tags[0]) == "Écoute"
    assert ">Écoute<" in site.read("c/index.html")


def test_a_post_list_notices_a_post_added_or_removed():
    from post_lists.post_lists import PostList

    first, second = object(), object()
    posts = PostList([first])
    assert first in posts and second not in posts
    posts.append(second)
    assert second in posts
    posts.remove(first)
    assert first not in posts


# --- sitemap ---------------------------------------------------------------------------


def test_sitemap_and_robots_list_only_what_readers_can_reach(site):
    site.add_post(
        "a.md", title="Visible", date="2020-01-01", category="Journal intime", tags="écoute"
    )
    site.add_post("b.md", title="Modifié", date="2020-01-02", modified="2020-03-04 10:00")
    site.add_post("brouillon.md", title="Brouillon", date="2020-01-03", status="draft")
    site.add_post("cache.md", title="Caché", date="2020-01-04", status="hidden")
    site.add_post("lettre.md", title="Lettre privée", date="2020-01-05", newsletter="only")
    site.add_page("a-propos.md", title="À propos", body="Qui je suis.")
    build(site)
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ElementTree.fromstring(site.read("sitemap.xml"))
    entries = {
        url.findtext("s:loc", namespaces=namespace): url.findtext("s:lastmod", namespaces=namespace)
        for url in root.findall("s:url", namespace)
    }
    for path in (
        "",
        "visible/",
        "modifie/",
        "a-propos/",
        "categorie/journal-intime/",
        "etiquette/ecoute/",
        "auteur/claire-dumas/",
    ):
        assert f"{SITEURL}/{path}" in entries, path
    assert entries[f"{SITEURL}/modifie/"] == "2020-03-04T10:00:00+01:00"
    assert entries[f"{SITEURL}/visible/"] == "2020-01-01T00:00:00+01:00"
    assert all(entries.values()), "every URL has a lastmod"
    assert all(loc.startswith(SITEURL + "/") for loc in entries)
    text = site.read("sitemap.xml")
    assert "brouillon" not in text and "cache" not in text and "lettre" not in text
    robots = site.read("robots.txt")
    assert robots.startswith("User-agent: *\n")
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots


def test_development_build_writes_robots_but_no_sitemap(site):
    site.add_post("a.md", title="Visible")
    build(site, production=False)
    assert not (site.output / "sitemap.xml").exists()
    assert "Sitemap" not in site.read("robots.txt")


# --- newsletter_archive ----------------------------------------------------------------


def test_newsletter_archive_says_nothing_was_sent_without_a_ledger(site):
    site.add_post("a.md", title="Visible")
    build(site)
    page = site.read("newsletter/archives/index.html")
    assert "Aucune lettre n’a encore été envoyée" in page


def sent(provider, sent_at, slug, filename):
    """A ledger entry as carnet.newsletter.ledger writes it."""
    return {
        "provider": provider,
        "campaign_id": None if provider == "baseline" else f"campagne-{slug}",
        "sent_at": sent_at,
        "title": slug,
        "url": f"{SITEURL}/{slug}/",
        "source": f"posts/{filename}",
    }


def test_newsletter_archive_lists_sent_posts_newest_first(site):
    site.add_post("a.md", title="Ancien", date="2020-01-01")
    site.add_post("b.md", title="Envoyé en premier", date="2020-02-01")
    site.add_post("c.md", title="Envoyé ensuite", date="2020-03-01")
    ledger = {
        "version": 1,
        "posts": {
            "ancien": sent("baseline", "2020-04-01T08:00:00+00:00", "ancien", "a.md"),
            "envoye-en-premier": sent(
                "outbox", "2020-02-01T23:30:00+00:00", "envoye-en-premier", "b.md"
            ),
            "envoye-ensuite": sent(
                "mailchimp", "2020-03-01T07:00:00+00:00", "envoye-ensuite", "c.md"
            ),
            "supprime": sent("outbox", "2020-03-02T07:00:00+00:00", "supprime", "z.md"),
        },
    }
    (site.root / "newsletter-ledger.json").write_text(json.dumps(ledger), encoding="utf-8")
    build(site)
    page = site.read("newsletter/archives/index.html")
    issues = page[page.index('class="issues"') :].split("</ol>")[0]
    assert re.findall(r'<a href="[^"]*/([a-z-]+)/">', issues) == [
        "envoye-ensuite",
        "envoye-en-premier",
    ]
    assert "supprime" not in page
    # 23:30 UTC on 1 February is 2 February in Paris, the site's time zone.
    assert "2 févr. 2020" in page


def test_newsletter_archive_says_a_scheduled_letter_is_scheduled_not_sent(site):
    """CARNET_NEWSLETTER_SCHEDULE: the ledger records the letter when Mailchimp takes it,
    at the time it goes out, still to come when the site is built after the newsletter."""
    from datetime import UTC, datetime, timedelta

    site.add_post("a.md", title="Parti", date="2020-01-01")
    site.add_post("b.md", title="Programme", date="2020-02-01")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat(timespec="seconds")
    ledger = {
        "version": 1,
        "posts": {
            "parti": sent("mailchimp", "2020-01-01T07:00:00+00:00", "parti", "a.md"),
            "programme": sent("mailchimp", tomorrow, "programme", "b.md"),
        },
    }
    (site.root / "newsletter-ledger.json").write_text(json.dumps(ledger), encoding="utf-8")
    build(site)
    page = site.read("newsletter/archives/index.html")
    scheduled, gone = page[page.index('class="issues"') :].split("</ol>")[0].split("</li>")[:2]
    assert "/programme/" in scheduled and "programmée pour le <time" in scheduled
    assert "envoyée" not in scheduled
    assert "/parti/" in gone and "envoyée le <time" in gone


def test_a_corrupt_ledger_stops_the_build(site):
    from carnet.build import BuildFailed

    site.add_post("a.md", title="Visible")
    (site.root / "newsletter-ledger.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(BuildFailed, match="newsletter-ledger.json"):
        site.build()
