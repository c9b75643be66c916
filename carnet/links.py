"""Links in a post's HTML written as a path, not with Pelican's forms ({static}, {filename}…).

Pelican replaces its own forms only. A link written as a path (« ../images/bureau.jpg »,
which a Markdown editor's preview reads from the .md file's folder, « images/bureau.jpg »,
« /pdf/programme.pdf ») is published as it is written, and the reader's browser reads it
from the address of the page showing it. Plugin content_checks says each one that leads
nowhere from the post's own page (`paths_in`); plugin frozen_urls then writes the others
from the site's root (`from_the_root`), so that they lead to the same place from every
page that shows the text (a category's page showing its summary); the feeds make every
address of the site absolute (`made_absolute`).
"""

import html
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from carnet.i18n import N_

# A tag with an attribute holding an address (found first: a scan for « < » is five times
# quicker than for each attribute's name), then each such attribute in it, its value quoted
# either way, or not quoted. A tag ends at the next « < » too: else each of many « <a »
# never closed was read to the end of the post (quadratic: 20 000 took 9 s).
TAG_WITH_ADDRESS = re.compile(r"<[a-zA-Z][^<>]*?\s(?:href|src|poster)\s*=[^<>]*", re.I)
ADDRESS_ATTRIBUTE = re.compile(
    r"""\s(?:href|src|poster)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I
)
# An image's tag (it ends at « < » too), and its address and description attributes in it
# (« <img alt src> »: an alt with no value is an empty one).
IMAGE_TAG = re.compile(r"<img\b[^<>]*", re.I)
IMAGE_SRC_OR_ALT = re.compile(
    r"""\s(src|alt)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+)))?""", re.I
)
# A comment left open runs to the end, in one match (as « <!--.*?--> » did not: each of
# many open comments was read to the end of the post).
HTML_COMMENT = re.compile(r"<!--(?:[^-]++|-(?!->))*+(?:-->|\Z)")
# « https: », « mailto: », « tel: », « data: »: not a file of the site. « file: » and
# « C:\ » are files of the coach's computer, which readers do not have.
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
ON_THIS_COMPUTER = re.compile(r"^(?:file:|[a-zA-Z]:[\\/])", re.I)
TABS_AND_LINE_BREAKS = str.maketrans("", "", "\t\n\r")
# Not a path: the page itself (« #note », « ?page=2 »), another host (« //… »), Pelican's
# forms, which it replaces itself.
NOT_A_PATH = ("#", "?", "//", "{", "|")


def _addresses(html_text):
    """(start, end, link) for each address attribute's value in `html_text`, as a browser
    reads it: character references read, without tabs and line breaks."""
    for tag in TAG_WITH_ADDRESS.finditer(html_text):
        for attribute in ADDRESS_ATTRIBUTE.finditer(tag.group()):
            group = next(index for index in (1, 2, 3) if attribute.group(index) is not None)
            # Markdown writes « mailto: » as character references; a browser reads an
            # address without its tabs and line breaks (« java\tscript: » is a scheme).
            link = html.unescape(attribute.group(group))
            link = link.translate(TABS_AND_LINE_BREAKS).strip()
            start = tag.start() + attribute.start(group)
            yield start, tag.start() + attribute.end(group), link


def paths_in(html_text):
    """The addresses in the tags of `html_text` that may be paths: none of NOT_A_PATH, and
    none in a comment (a commented-out image is not published)."""
    if "<!--" in html_text:
        html_text = HTML_COMMENT.sub("", html_text)
    for _start, _end, link in _addresses(html_text):
        if link and not link.startswith(NOT_A_PATH):
            yield link


def images(html_text):
    """(address, description) of each image `html_text` shows (« <img src alt> »), as a
    browser reads them; the description is "" when the tag has none."""
    if "<img" not in html_text and "<IMG" not in html_text:
        return
    for tag in IMAGE_TAG.finditer(html_text):
        attributes = {}
        for found in IMAGE_SRC_OR_ALT.finditer(tag.group()):
            value = found.group(2) or found.group(3) or found.group(4) or ""
            attributes.setdefault(found.group(1).lower(), html.unescape(value))
        if "src" in attributes:
            address = attributes["src"].translate(TABS_AND_LINE_BREAKS).strip()
            yield address, attributes.get("alt", "")


def image_addresses(html_text):
    """The address of each image `html_text` shows (« <img src> »), as a browser reads it."""
    return (address for address, _description in images(html_text))


# Said by the build (plugin content_checks) and by the e-mail, in the same words.
NO_DESCRIPTION = N_(
    "{path}: image {image} has no description, so readers who cannot see it get nothing: "
    "write what it shows in ![…](…)"
)


def page_address(content):
    """The address a browser shows a post's or page's own page at: SITEURL (which may have a
    path, or be empty in development) and its URL."""
    return (content.settings.get("SITEURL") or "").rstrip("/") + "/" + content.url


def as_read_from(page, link):
    """`link` as a browser reads it on the page at `page`, which reads « \\ » as « / »."""
    return urljoin(page, link.replace("\\", "/"))


def is_relative_path(link):
    """Whether a browser reads `link` from the address of the page showing it."""
    return bool(link) and not link.startswith(("/", "\\", *NOT_A_PATH)) and not SCHEME.match(link)


def from_the_root(html_text, page):
    """`html_text` with each address written as a relative path (« ../images/x.jpg »)
    written as the path a browser reads it as on `page` (the post's own address):
    « /images/x.jpg »; the text itself when it has none (most posts)."""

    def rooted(link):
        if not is_relative_path(link):
            return None
        parts = urlsplit(as_read_from(page, link))
        return urlunsplit(("", "", parts.path, parts.query, parts.fragment))

    return _rewritten(html_text, rooted)


def made_absolute(html_text, page):
    """`html_text` with each address on the site (« /images/x.jpg », « #note ») made
    absolute from `page`, the address of the post's page: for a feed reader or a mail
    program, which show the text away from the site."""

    def absolute(link):
        if not link or link.startswith("//") or SCHEME.match(link):
            return None
        return as_read_from(page, link)

    return _rewritten(html_text, absolute)


def _rewritten(html_text, new_address):
    """`html_text` with each address for which `new_address(link)` gives another one
    written as that one, quoted with « " » as Markdown writes them; the rest unchanged.
    The text itself when no address changes."""
    pieces = []
    done = 0
    for start, end, link in _addresses(html_text):
        new = new_address(link)
        if new is None or new == link:
            continue
        quoted = html_text[start - 1] in "\"'"
        pieces += [html_text[done : start - quoted], '"', html.escape(new), '"']
        done = end + quoted
    if not pieces:
        return html_text
    pieces.append(html_text[done:])
    return "".join(pieces)
