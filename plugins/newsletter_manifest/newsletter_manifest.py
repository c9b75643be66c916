"""The newsletter's view of the site: the manifest, and email-only posts.

- A post with `Newsletter: only` is emailed but not on the site: it is taken out of the
  articles before Pelican lists anything, so no page is written for it and no index,
  category, tag, author, archive, feed, sitemap or search index mentions it.
- After the articles are written, every published post (email-only ones included) goes
  into the manifest (carnet.newsletter.manifest) with what its email needs.
- `Newsletter` must be yes, no or only, and `Newsletter-Segment` must name a segment of
  CARNET_NEWSLETTER_SEGMENTS; anything else is an error naming the file (the build fails
  before anything is deployed or sent).
"""

import dataclasses
import logging
from urllib.parse import unquote, urljoin

from pelican import signals

from carnet import posts
from carnet.defaults import setting
from carnet.i18n import _
from carnet.links import image_addresses
from carnet.listing import oldest_first
from carnet.newsletter import manifest
from carnet.photo_metadata import shown_width
from carnet.posts import is_email_only
from carnet.sources import source_name

logger = logging.getLogger(__name__)


def hide_email_only_posts(generator):
    """Check the newsletter metadata, and take email-only posts out of the site."""
    for article in generator.articles + generator.translations:
        _check(article, generator.settings)
    email_only = [a for a in generator.articles if is_email_only(a)]
    generator.articles = [a for a in generator.articles if not is_email_only(a)]
    generator.translations = [a for a in generator.translations if not is_email_only(a)]
    for article in email_only:
        # Links to it from site pages would lead nowhere: let Pelican report them.
        generator.context["generated_content"].pop(article.get_relative_source_path(), None)
    generator.newsletter_only_articles = email_only
    # Their links go out by e-mail: plugin content_checks checks them with the site's.
    generator.context["email_only_articles"] = email_only


def write_manifest(generator, writer=None):
    settings = generator.settings
    if not settings.get("SITEURL", "").startswith(("http://", "https://")):
        return  # a development build: emails need the production build's absolute links
    articles = generator.articles + getattr(generator, "newsletter_only_articles", [])
    # One post at a time: manifest.write serialises each as it comes (memory).
    # Oldest first: the order the e-mails go out in, that of the site's lists reversed.
    chosen = oldest_first(articles)
    widths = _ImageWidths(generator.context, settings)
    manifest.write(settings, (widths.added(posts.Post.from_article(a, settings)) for a in chosen))


class _ImageWidths:
    """The widths of the site's images each post shows (Post.image_widths), each file's
    header read once per build, and only for a post whose HTML has an image."""

    def __init__(self, context, settings):
        self._siteurl = settings["SITEURL"].rstrip("/") + "/"
        statics = context.get("static_content", {}).values()
        self._files = {static.url: static.source_path for static in statics}
        self._widths = {}

    def added(self, post):
        found = {}
        for html in (post.summary, post.content):
            for written in image_addresses(html):
                address = urljoin(post.url, written)  # as the e-mail's renderer makes it
                width = self._width(address)
                if width:
                    found[address] = width
        return dataclasses.replace(post, image_widths=found) if found else post

    def _width(self, address):
        if not address.startswith(self._siteurl):
            return None  # an image of another site: its width is not known here
        path = unquote(address[len(self._siteurl) :].split("#")[0].split("?")[0])
        if path not in self._widths:
            source = self._files.get(path)
            self._widths[path] = shown_width(source) if source else None
        return self._widths[path]


def _check(article, settings):
    # The path the coach opens it by, from the project folder (content/posts/x.md).
    source = source_name(settings, article.source_path)
    if posts.switch(article.metadata.get("newsletter")) not in posts.SWITCHES:
        logger.error(
            "%s",
            _("{path}: Newsletter must be yes, no or only, not {value!r}").format(
                path=source, value=article.metadata["newsletter"]
            ),
        )
    segment = article.metadata.get("newsletter-segment")
    known = setting(settings, "CARNET_NEWSLETTER_SEGMENTS")
    if segment and segment.strip() not in known:
        names = ", ".join(sorted(known)) or _("none is set")
        logger.error(
            "%s",
            _(
                "{path}: Newsletter-Segment {segment!r} is not in CARNET_NEWSLETTER_SEGMENTS ({names})"
            ).format(path=source, segment=segment, names=names),
        )


def register():
    signals.article_generator_pretaxonomy.connect(hide_email_only_posts)
    signals.article_writer_finalized.connect(write_manifest)
