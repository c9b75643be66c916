"""A post as the build hands it to the newsletter: one schema, and the one reading of the
`Newsletter:` switch.

The build (plugin newsletter_manifest) makes a Post of each published article with
`Post.from_article` and writes them to the manifest with `Post.to_json`; the newsletter
reads them back with `Post.from_json`. The site (carnet/listing.py), the build's checks and
the newsletter's choice of posts all read `Newsletter: yes/no/only` through `switch`.
"""

import os
import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from urllib.parse import urljoin

# `Newsletter:` in a post's metadata: emailed and on the site (the default), on the site
# only, or emailed only (never listed on the site).
SWITCHES = ("yes", "no", "only")
DEFAULT_SWITCH = "yes"
# The longest address made of a title: the rest of the title is cut at a word boundary.
MAX_SLUG_LENGTH = 80


def cut_slug(slug):
    """A slug cut to MAX_SLUG_LENGTH (plugin content_checks cuts posts' and tags' slugs with
    it; `invoke reaction-add` finds posts by it)."""
    if len(slug) <= MAX_SLUG_LENGTH:
        return slug
    cut = slug[: MAX_SLUG_LENGTH + 1].rsplit("-", 1)[0]
    return (cut if cut else slug[:MAX_SLUG_LENGTH]).strip("-")


def as_typed(name):
    """A post's tag, category or author (Pelican's Tag, Category, Author) as the post writes
    it: plugin french_typography typesets the name (« l’estime ») and keeps this one."""
    return getattr(name, "as_typed", name.name)


def image_in_content(value):
    """The path inside content/ that an `Image:` field names, written as a link to it is or
    not: « {static}/images/x.jpg », « /images/x.jpg » and « images/x.jpg?v=2 » all name
    images/x.jpg. An address (https://…) comes back as it is written."""
    text = str(value or "").strip().replace("{static}", "").replace("{attach}", "")
    if "://" in text or text.startswith("//"):
        return text
    return text.split("#", 1)[0].split("?", 1)[0].lstrip("/")


# What an address cannot hold as it is (RFC 3986): a space and the other characters of
# ASCII no part of it may hold, « % » (which starts a code), « # » and « ? » (which end
# a path). Letters with accents stay: browsers and mail programs read them in an address.
NOT_IN_AN_ADDRESS = re.compile(r'[\x00-\x20\x7f"#%<>?\\^`{|}]')


def quoted_address(path):
    """`path` (a file's, from the output folder) as it is written in an address:
    « images/mon bureau.jpg » is images/mon%20bureau.jpg."""
    return NOT_IN_AN_ADDRESS.sub(lambda found: f"%{ord(found.group()):02X}", path)


def switch(value):
    """The `Newsletter:` value (None when the post has none) as one of SWITCHES when it is
    one; anything else, an empty value included, comes back stripped and lowercased, for
    the build's check to name."""
    if value is None:
        return DEFAULT_SWITCH
    return str(value).strip().casefold()


def switch_of(article):
    """The switch of a Pelican article (its metadata `newsletter`)."""
    return switch(getattr(article, "newsletter", None))


def is_email_only(article):
    return switch_of(article) == "only"


@dataclass(frozen=True)
class Post:
    id: str  # the slug
    source: str  # relative to content/, e.g. "posts/2021-10-05-chiffres.md"
    title: str  # plain text (already French typography)
    url: str  # absolute
    date: datetime  # aware
    summary: str  # HTML
    content: str  # HTML, links absolute
    author: str
    category: str
    tags: tuple
    newsletter: str  # one of SWITCHES
    segment: str | None  # a name from CARNET_NEWSLETTER_SEGMENTS
    image: str | None  # absolute URL of the post's image
    save_as: str = ""  # its page, relative to the output folder (Pelican's save_as)
    # {absolute address: width in pixels} of the site's images the post shows (the e-mail
    # shows one narrower than its column at its own width, not stretched to the column).
    image_widths: dict = field(default_factory=dict, hash=False)

    @property
    def email_only(self):
        return self.newsletter == "only"

    @property
    def site_only(self):
        return self.newsletter == "no"

    @classmethod
    def from_article(cls, article, settings):
        """The Post of a Pelican article of a production build (absolute SITEURL)."""
        image = article.metadata.get("image")
        if image:
            # Metadata is not run through Pelican's link replacement: {static}/x and x alike;
            # a file's name written as an address (« mon bureau.jpg »: mon%20bureau.jpg).
            path = image_in_content(image)
            is_address = "://" in path or path.startswith("//")
            image = _absolute(settings, path if is_address else quoted_address(path))
        segment = article.metadata.get("newsletter-segment")
        return cls(
            id=article.slug,
            source=article.get_relative_source_path().replace(os.sep, "/"),
            title=article.title,
            url=_absolute(settings, article.url),
            date=article.date,
            summary=article.summary,
            content=article.content,
            author=article.author.name
            if hasattr(article, "author")
            else settings.get("AUTHOR", ""),
            category=article.category.name if hasattr(article, "category") else "",
            tags=tuple(tag.name for tag in getattr(article, "tags", [])),
            newsletter=switch(article.metadata.get("newsletter")),
            segment=segment.strip() if segment else None,
            image=image or None,
            save_as=article.save_as,
        )

    def to_json(self):
        """A dict of JSON types (the date as ISO text, the tags as a list). Every field is
        a str, None, the date or the tags: a shallow dict (dataclasses.asdict copies each
        value deeply: a sixth of the time writing the manifest took, profiled)."""
        values = {field.name: getattr(self, field.name) for field in fields(self)}
        return dict(values, date=self.date.isoformat(), tags=list(self.tags))

    @classmethod
    def from_json(cls, item):
        return cls(
            **dict(item, date=datetime.fromisoformat(item["date"]), tags=tuple(item["tags"]))
        )


def _absolute(settings, url):
    return urljoin(settings.get("SITEURL", "").rstrip("/") + "/", url)
