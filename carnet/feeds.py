"""Carnet's Atom and RSS feeds, written with feedgen.

Pelican decides which feeds exist and which posts each holds (FEED_ALL_ATOM,
CATEGORY_FEED_RSS...: all posts, and one feed per category) and calls the writer's public
`write_feed` for each; carnet.writer.CarnetWriter hands those calls to `write_feed` here.
What Carnet's feeds are, compared with Pelican's own:

- titles are plain text, the posts' and the feed's own (the site's name, a category's):
  Pelican's writer treats a title as HTML and strips anything like a tag, so « Le <body> &
  moi » lost its <body>, and folded the no-break spaces of French typography; feedgen
  escapes them as XML;
- the full content of each post, links made absolute (Content.get_content(SITEURL)),
  headed by the post's date in the site's words (carnet.dates: « 1er octobre 2021 »);
- the feed says it is French (DEFAULT_LANG), and every address in it is absolute: a link
  to a place in a post (a footnote), an image or link a post writes as a path
  (carnet/links.py: a feed reader shows the text away from the site);
- the site a feed reader opens from a feed (its alternate link) is the page listing the
  same posts: the category's page for a category's feed (Pelican's writer gave the home
  page to every feed), and so for an author's or a tag's.
"""

import os
from urllib.parse import urljoin

from markupsafe import escape
from pelican.utils import sanitised_join, set_date_tzinfo

from carnet.dates import long_date
from carnet.links import made_absolute


def writes_feeds(settings):
    """True when any of Pelican's *_ATOM or *_RSS feed settings names a file."""
    return any(
        value
        for name, value in settings.items()
        if "FEED" in name and name.endswith(("_ATOM", "_RSS"))
    )


def _absolute(base, url):
    return urljoin(base.rstrip("/") + "/", str(url))


def _aware(moment, settings):
    return set_date_tzinfo(moment, settings.get("TIMEZONE"))


def feed(posts, settings, context, feed_url, page_url, feed_title=None, feed_type="atom"):
    """A feedgen FeedGenerator for `posts` (newest first, as Pelican gives them), whose
    site is `page_url`."""
    # Imported here: feedgen brings lxml (5 MB), which builds without feeds (development,
    # the warm rebuild) have no use for.
    from feedgen.feed import FeedGenerator

    site_url = context.get("SITEURL", "")
    title = context["SITENAME"] + (" - " + feed_title if feed_title else "")
    generator = FeedGenerator()
    generator.id(feed_url)
    generator.title(title)
    generator.link(href=feed_url, rel="self")
    # Last: RSS's channel link is the last one given.
    generator.link(href=page_url, rel="alternate")
    generator.generator("Carnet")
    generator.description(context.get("SITESUBTITLE") or context["SITENAME"])
    generator.language(settings.get("DEFAULT_LANG", "fr"))
    chosen = posts[: settings.get("FEED_MAX_ITEMS")]
    if chosen:
        generator.updated(max(_aware(getattr(p, "modified", p.date), settings) for p in chosen))
    for post in chosen:
        _add(generator, post, settings, site_url, feed_type)
    return generator


def _add(generator, post, settings, site_url, feed_type):
    link = _absolute(site_url, post.url)
    if settings.get("FEED_APPEND_REF"):
        link += "?ref=feed"
    entry = generator.add_entry(order="append")
    entry.id(link)
    entry.guid(link, permalink=True)
    entry.title(post.title)
    entry.link(href=link)
    # The post's date heads its text, as the site and the e-mail write it (carnet.dates).
    dated = (
        f'<p><time datetime="{post.date:%Y-%m-%d}">'
        f"{escape(long_date(post.date, settings))}</time></p>\n"
    )
    page = _absolute(site_url, post.url)
    content = made_absolute(dated + post.get_content(site_url), page)
    if feed_type == "rss":
        # RSS has one element for the text: the summary only if the site asks for it.
        summary_only = settings.get("RSS_FEED_SUMMARY_ONLY")
        entry.description(made_absolute(post.summary, page) if summary_only else content)
    else:
        entry.content(content, type="html")
    if getattr(post, "author", None):
        entry.author(name=str(post.author))
    entry.published(_aware(post.date, settings))
    entry.updated(_aware(getattr(post, "modified", post.date), settings))
    for term in [getattr(post, "category", None), *getattr(post, "tags", [])]:
        if term is not None:
            entry.category(term=str(term))


def _whose_feed(posts, settings, path, feed_type, feed_title):
    """The category, author or tag whose feed is `path`, or None for the site's feeds.

    Pelican tells the writer the file and the title only (the name, for one category's,
    author's or tag's feed; none for the others). Every post of such a feed has that
    category, author or tag: it is the one of the first post's whose slug makes `path`."""
    if feed_title is None or not posts:
        return None
    first = posts[0]
    for kind, names in (
        ("CATEGORY", [getattr(first, "category", None)]),
        ("AUTHOR", getattr(first, "authors", None) or []),
        ("TAG", getattr(first, "tags", None) or []),
    ):
        pattern = settings.get(f"{kind}_FEED_{feed_type.upper()}")
        if not pattern:
            continue
        for name in names:
            if name is not None and str(pattern).format(slug=name.slug) == path:
                return name
    return None


def write_feed(writer, posts, context, path, url, feed_type, feed_title=None):
    """Write the feed `path` (under the writer's output folder) as Atom or RSS."""
    settings = writer.settings
    site_url = context.get("SITEURL", "")
    feed_url = _absolute(context.get("FEED_DOMAIN") or site_url, url or path)
    # The page that lists the feed's posts; the home page when there is none (a site
    # may make tag feeds without tag pages: TAG_SAVE_AS = "").
    owner = _whose_feed(posts, settings, path, feed_type, feed_title)
    if owner is not None and owner.save_as:
        page_url = _absolute(site_url, owner.url)
    else:
        page_url = site_url + "/"
    generator = feed(posts, settings, context, feed_url, page_url, feed_title, feed_type)
    complete_path = sanitised_join(writer.output_path, path)
    os.makedirs(os.path.dirname(complete_path), exist_ok=True)
    # An open file, not its name: lxml hands a name to libxml2, which reads it as a URI, so
    # a project in « Notes 100% coach/ » had no feed (« % c » is no escape).
    with open(complete_path, "wb") as file:
        if feed_type == "rss":
            generator.rss_file(file, pretty=False)
        else:
            generator.atom_file(file, pretty=False)
    return generator
