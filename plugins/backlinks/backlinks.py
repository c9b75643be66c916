"""`article.backlinks`: the other articles that link to this one, with the sentence around
each link — what a WordPress pingback shows, built at build time.

Each post's links are found as it is read (a reader layer, carnet/readers.py): in
whichever process reads it (plugin parallel_reading), and kept with its text in Pelican's
content cache, so that a build parses only the posts it reads, and not on the one CPU the
build has between reading the posts and rendering the pages. Every link is then resolved
to the article it points to (through `{filename}` paths or the article's URL, relative or
absolute) with one dict look-up, so the cost is linear in the size of the site. A
Backlink has `.article` (the article that links here) and `.excerpt` (markupsafe.Markup:
the sentence, escaped, with the link's text in <em>). Newest linking article first; one
entry per linking article.
"""

import bisect
import posixpath
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from markupsafe import Markup
from pelican import signals

from carnet import readers
from carnet.listing import listed_articles
from carnet.pelican_private import html_before_links

# Elements whose text makes up one run of prose: a sentence never crosses their edge.
BLOCKS = {
    "p",
    "li",
    "blockquote",
    "dd",
    "dt",
    "td",
    "th",
    "caption",
    "figcaption",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "div",
    "section",
    "table",
    "ul",
    "ol",
}
SKIPPED = {"script", "style", "template"}
# Words struck through (« Je ~~déteste~~ adore [ce billet] »): kept, the excerpt said the
# opposite (« Je déteste adore »); it says what the text says now, as a description does.
# A link within them is struck too: not one shown here.
STRUCK = {"del", "s"}
# Markdown's footnotes: a call's number and a note's way back (« ↩ ») are links, but not
# words of the sentence (« une note1 avec… », « pour plus. ↩ »).
FOOTNOTE_LINKS = {"footnote-ref", "footnote-backref"}
# The end of a sentence: . ! ? or … (with any closing » ” " ) after it), then a space and
# a capital or a digit. « Bonjour ! » dit-elle stays one sentence.
# Tried only where a run of . ! ? … starts (the look-behind): tried at each of its marks,
# a run of 20 000 dots took 6.7 s, each try reading to the run's end. A try inside a run
# could only end where the try at its start ends, so the matches are the same.
SENTENCE_END = re.compile(
    r"(?<![.!?…])[.!?…]+(?:[\u00a0\u202f ]?[»”\")])*(?=\s+[«“\"(]?[\u00a0\u202f ]?[A-ZÀ-ÖØ-Ý0-9])"
)
SPACES = re.compile(r"[ \t\r\n]+")
# Longest text kept on each side of the link, in characters, when a sentence runs long.
MAX_SIDE = 200
# Any absolute base works to resolve relative links when SITEURL is empty (development).
PLACEHOLDER_BASE = "http://site.invalid/"


@dataclass
class Backlink:
    article: object
    excerpt: Markup


@dataclass
class Link:
    href: str
    block_text: str
    start: int
    end: int


class LinkCollector(HTMLParser):
    """Every <a href> of an HTML fragment, with the text of the block it sits in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self._pieces = []
        self._length = 0
        self._open_link = None  # (href, start offset in the block's text)
        self._block_links = []
        self._skipping = 0
        self._struck = 0  # within <del> or <s>, to the block's end at most
        self._in_footnote_link = False

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self._skipping += 1
        elif tag in BLOCKS:
            self._end_block()
        elif tag in STRUCK:
            self._struck += 1
        elif tag == "a" and not self._struck:
            attributes = dict(attrs)
            if attributes.get("class") in FOOTNOTE_LINKS:
                self._in_footnote_link = True
                self._skipping += 1
            elif attributes.get("href"):
                self._open_link = (attributes["href"], self._length)
        elif tag == "br":
            self.handle_data(" ")

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in BLOCKS:
            self._end_block()
        elif tag in STRUCK:
            self._struck = max(0, self._struck - 1)
        elif tag == "a" and self._in_footnote_link:
            self._in_footnote_link = False
            self._skipping = max(0, self._skipping - 1)
        elif tag == "a":
            self._close_link()

    def handle_data(self, data):
        if not self._skipping and not self._struck:
            self._pieces.append(data)
            self._length += len(data)

    def close(self):
        super().close()
        self._end_block()

    def _close_link(self):
        if self._open_link:
            href, start = self._open_link
            self._block_links.append((href, start, self._length))
            self._open_link = None

    def _end_block(self):
        self._close_link()
        text = "".join(self._pieces)
        for href, start, end in self._block_links:
            self.links.append(Link(href, text, start, end))
        self._pieces, self._length, self._block_links = [], 0, []
        self._struck = 0


def sentence_ends(text):
    """(starts, ends) of the sentence ends of a block's text, in order."""
    starts, ends = [], []
    for match in SENTENCE_END.finditer(text):
        starts.append(match.start())
        ends.append(match.end())
    return starts, ends


def excerpt(link, sentences=None):
    """The sentence around the link, escaped, with the link's text in <em>.

    `sentences`: sentence_ends(link.block_text), found once for all the links of a block:
    found again for each link, a paragraph of 2000 linked sentences took 1 s."""
    text = link.block_text
    starts, ends = sentences or sentence_ends(text)
    # The sentence starts after the last sentence end before the link, and ends with the
    # first one after it (bisect: both lists are in order).
    before_link = bisect.bisect_right(ends, link.start)
    sentence_start = ends[before_link - 1] if before_link else 0
    after_link = bisect.bisect_left(starts, link.end)
    sentence_end = ends[after_link] if after_link < len(ends) else len(text)
    before = _folded(text, sentence_start, link.start, from_end=True).lstrip()
    linked = SPACES.sub(" ", text[link.start : link.end]).strip()
    after = _folded(text, link.end, sentence_end, from_end=False).rstrip()
    if len(before) > MAX_SIDE:
        before = "…" + before[-MAX_SIDE:].split(" ", 1)[-1]
    if len(after) > MAX_SIDE:
        after = after[:MAX_SIDE].rsplit(" ", 1)[0] + "…"
    return Markup("{}<em>{}</em>{}").format(before, linked, after)


def _folded(text, start, end, from_end):
    """text[start:end] with its spaces folded, or the part of it next to the link (its end,
    or its start) that is enough: more than MAX_SIDE characters once stripped, of which
    excerpt keeps MAX_SIDE. A sentence may run through a whole paragraph: folding all of
    it for each of its links made the work grow with the square of the paragraph.

    Folding a part gives a part of the whole folded (a cut run of spaces folds to the
    same one space), and stripping it, a part of the whole stripped."""
    size = 4 * MAX_SIDE
    while True:
        if from_end:
            part_start, part_end = max(start, end - size), end
            folded = SPACES.sub(" ", text[part_start:part_end])
            enough = len(folded.lstrip()) > MAX_SIDE
        else:
            part_start, part_end = start, min(end, start + size)
            folded = SPACES.sub(" ", text[part_start:part_end])
            enough = len(folded.rstrip()) > MAX_SIDE
        if (part_start, part_end) == (start, end) or enough:
            return folded
        size *= 2


class LinkResolver:
    """Finds the article an href points to, with dict look-ups only."""

    def __init__(self, articles, settings):
        self.base = (settings.get("SITEURL") or "").rstrip("/") + "/"
        if self.base == "/":
            self.base = PLACEHOLDER_BASE
        self.intrasite = re.compile(settings["INTRASITE_LINK_REGEX"] + r"(?P<value>.*)")
        self.by_source = {}
        self.by_url = {}
        for article in articles:
            self.by_source[article.relative_source_path.replace("\\", "/")] = article
            self.by_url[self._url_key(article.url)] = article

    @staticmethod
    def _url_key(path):
        path = unquote(path).lstrip("/")
        if path.endswith("index.html"):
            path = path[: -len("index.html")]
        return path

    def target(self, href, source_article):
        href = href.strip()
        intrasite = self.intrasite.match(href)
        if intrasite:
            if intrasite.group("what") != "filename":
                return None
            path = urlsplit(intrasite.group("value")).path
            if path.startswith("/"):
                path = path[1:]
            else:
                path = posixpath.join(source_article.relative_dir.replace("\\", "/"), path)
            path = posixpath.normpath(path)
            return self.by_source.get(path) or self.by_source.get(unquote(path))
        absolute = urljoin(self.base + source_article.url, href)
        parts = urlsplit(absolute)
        absolute = f"{parts.scheme}://{parts.netloc}{parts.path}"
        if not absolute.startswith(self.base):
            return None
        return self.by_url.get(self._url_key(absolute[len(self.base) :]))


# A block's start or end tag: the text between two of them is one run of prose.
BLOCK_TAG = re.compile(r"</?(?:" + "|".join(sorted(BLOCKS)) + r")(?![^\s/>])[^>]*+>", re.IGNORECASE)
# Where the parser reads differently from a plain search for tags.
RAW_OR_COMMENT = re.compile(r"<(?:script|style|template|!)", re.IGNORECASE)


def links_in(html):
    """[(href, excerpt)] of every link of the HTML fragment.

    Only the runs of prose that hold a link are parsed (a post has a few links in many
    paragraphs): the parser starts afresh at every block tag anyway. HTML with a script,
    a style, a template or a comment, where a tag may not be one, is parsed whole.
    """
    if "<a" not in html and "<A" not in html:
        return []
    if RAW_OR_COMMENT.search(html):
        return _links_in(html)
    found = []
    for run in BLOCK_TAG.split(html):
        if "<a" in run or "<A" in run:
            found += _links_in(run)
    return found


def _links_in(html):
    collector = LinkCollector()
    collector.feed(html)
    collector.close()
    found = []
    sentences = {}  # each block's sentence ends, by its text: found once for its links
    excerpts = {}  # links at one place of one block (empty ones) share their excerpt
    for link in collector.links:
        block = id(link.block_text)  # the links of a block hold the same text
        if block not in sentences:
            sentences[block] = sentence_ends(link.block_text)
        place = (block, link.start, link.end)
        if place not in excerpts:
            excerpts[place] = excerpt(link, sentences[block])
        found.append((link.href, excerpts[place]))
    return found


# The metadata field a post's links are kept in: [(href, excerpt)], from its reader.
LINKS_FIELD = "outgoing_links"


def link_finding_reader(reader_class):
    """A subclass of reader_class that adds the links of the HTML it reads to the metadata."""

    class LinkFindingReader(reader_class):
        def read(self, source_path):
            content, metadata = super().read(source_path)
            metadata[LINKS_FIELD] = links_in(content or "")
            return content, metadata

    return LinkFindingReader


def links_of(article):
    """[(href, excerpt)] of the article's text: found by its reader, else now (a reader
    this plugin did not wrap)."""
    links = getattr(article, LINKS_FIELD, None)
    if links is None:
        links = links_in(html_before_links(article))
    return links


def collect_backlinks(articles, settings):
    """{target article id: [Backlink, ...]} for the given (listed) articles."""
    resolver = LinkResolver(articles, settings)
    found = {}
    for source in articles:
        for href, sentence in links_of(source):
            target = resolver.target(href, source)
            if target is None or target is source:
                continue
            # The first link from each article is the one shown.
            found.setdefault(id(target), {}).setdefault(id(source), Backlink(source, sentence))
    return found


def set_backlinks(generator):
    articles = listed_articles(generator.articles)
    found = collect_backlinks(articles, generator.settings)
    for article in generator.articles + generator.hidden_articles:
        backlinks = found.get(id(article), {}).values()
        article.backlinks = sorted(backlinks, key=lambda b: b.article.date, reverse=True)


def register():
    # After plugin french_typography in PLUGINS: the excerpts are of the typeset text.
    readers.add_layer("backlinks", link_finding_reader, wraps_static=False)
    signals.article_generator_finalized.connect(set_backlinks)
