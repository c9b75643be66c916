"""The search index: Pagefind run over the built site, offline, in French.

Pagefind (the binary shipped in the pagefind_bin wheel) reads the article pages of the
output and writes output/pagefind/: the index and the small scripts the search page loads
when the reader uses it. The language is forced (CARNET_SEARCH_LANGUAGE, "fr") so that
French stemming applies everywhere: « clientes » finds « cliente ».

Pagefind splits words at spaces (and - . , / :) only: « l’écoute » was one word, which
« écoute » did not find, nor « argent » « L’argent ». So Pagefind reads a copy of the
article pages, in a temporary folder, where each elided word (l’, d’, qu’, jusqu’…) is
followed by ELISION_MARK, a space that splits the words, after letters that no French
word starts with: the search page removes the mark from the excerpts and titles it
shows, and the elided word from what the reader types. Of each article page, the copy
has what Pagefind reads: the <article> and the <title>, a third of the page
(what_pagefind_reads).
"""

import glob
import json
import os
import re
import subprocess
import tempfile

from carnet.defaults import setting
from carnet.i18n import _


class SearchIndexFailed(Exception):
    pass


def pagefind_command():
    from pagefind_bin import get_executable

    return [str(get_executable())]


# The apostrophe of an elided word (l’, d’, qu’, jusqu’…) at the start of a word (not
# « aujourd’hui »), before a letter or tags then a letter (« l’*écoute* »). The pattern
# starts with the apostrophe, and looks behind it for the word: one starting with the word
# was tried at every position of the page, 1 s for 1000 posts. The search page
# (theme/templates/search.html) takes the same words out of what the reader types.
ELIDED_WORD_APOSTROPHE = re.compile(
    r"’(?:(?<=\W[ldjmnstc]’)|(?<=\Wqu’)|(?<=\Wjusqu’)|(?<=\W(?:lorsqu|puisqu|quoiqu|presqu)’))"
    r"(?=(?:<[^<>]*>)*\w)",
    re.IGNORECASE,
)
# Pagefind indexes the elided word with the letters of the mark (« dqzx »; word joiners,
# U+2060, are not letters): alone, « d » or « j » would be a word of every post, and
# Pagefind answers a word it does not know (« dauphin ») with the longest word of the index
# its start is (« d »), every post.
ELISION_MARK = "\u2060qzx\u2060 "
# Words struck through (« Je ~~vends~~ donne »), left out of the index: a result's excerpt
# read « Je vends donne », the opposite of the post, and « vends » found it. Pagefind leaves
# them out as it reads the page: nothing more is done to each page's copy.
STRUCK_THROUGH = "del, s"


def article_patterns(settings):
    """The glob patterns of the article pages, from ARTICLE_SAVE_AS (and its translations'
    ARTICLE_LANG_SAVE_AS); [] without them: the whole site.

    Only articles carry data-pagefind-body, so Pagefind would index nothing else anyway,
    but it reads and parses every page to find out: listing, tag, category and archive
    pages are 45 % of the files. Each {field} becomes "*", which does not cross "/": one
    "*" per path segment the field spans ({date:%Y/%m} is two).
    """
    patterns = [settings.get(name) for name in ("ARTICLE_SAVE_AS", "ARTICLE_LANG_SAVE_AS")]
    return [
        re.sub(r"\{[^}]*\}", lambda field: "/".join("*" for _ in field[0].split("/")), pattern)
        for pattern in patterns
        if pattern
    ]


# What Pagefind reads of a page outside its data-pagefind-body element: data-pagefind-*
# attributes (meta, filters, sort; an ignore="all" around the element leaves it out), the
# first <h1> and the first <img> after a title (for a title or an image the element does
# not give), and <title>. Before the element, an <img> comes after a title only if an <h1>
# or a data-pagefind-meta does; after it, data-pagefind-ignore changes nothing.
READ_BEFORE = ("data-pagefind-", "<h1")
READ_AFTER = ("<h1", "<img")
TAG_NAME = re.compile(r"<(\w+)")


def what_pagefind_reads(html):
    """Of a page, its <title> and its data-pagefind-body element, in a page of their own;
    the whole page when Pagefind would read more of it (READ_BEFORE, READ_AFTER), or when
    it has no such element (Pagefind then indexes all of it, if no page of the site has one).

    An article is a third of its page: Pagefind parses a third of the HTML, and the copy
    is a third as big. The element ends at the last end tag of its name in the page, which
    an element of that name inside it (an <article> in a post) cannot come after."""
    attribute = html.find("data-pagefind-body")
    if attribute < 0:
        return html
    start = html.rfind("<", 0, attribute)
    tag = TAG_NAME.match(html, start) if start >= 0 else None
    # Not in a tag: the words are in the text, or in a comment (the theme writes none).
    if not tag or html.find(">", start, attribute) >= 0 or html.find("<!--", 0, attribute) >= 0:
        return html
    end_tag = f"</{tag[1]}>"
    end = html.rfind(end_tag)
    if end < attribute:
        return html
    end += len(end_tag)
    if (
        any(html.find(mark, 0, start) >= 0 for mark in READ_BEFORE)
        or any(html.find(mark, end) >= 0 for mark in READ_AFTER)
        or html.count("data-pagefind-", end) != html.count("data-pagefind-ignore", end)
    ):
        return html
    title_start = html.find("<title", 0, start)
    title_end = html.find("</title>", title_start, start)
    title = html[title_start : title_end + len("</title>")] if 0 <= title_start < title_end else ""
    return f"<html><head>{title}</head><body>{html[start:end]}</body></html>"


def copy_with_elisions_split(output_path, copy_path, settings):
    """Copy what Pagefind reads of each page into copy_path (what_pagefind_reads), each
    elided word followed by ELISION_MARK; one read and one write a page. Return how many
    pages were copied."""
    names = set()
    for pattern in article_patterns(settings) or ["**/*.html"]:
        names.update(glob.glob(pattern, root_dir=output_path, recursive=True))
    copied = 0
    for name in names:
        source = os.path.join(output_path, name)
        if not os.path.isfile(source):
            continue
        with open(source, encoding="utf-8", errors="surrogateescape") as file:
            html = file.read()
        copy = os.path.join(copy_path, name)
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        with open(copy, "w", encoding="utf-8", errors="surrogateescape") as file:
            file.write(ELIDED_WORD_APOSTROPHE.sub("’" + ELISION_MARK, what_pagefind_reads(html)))
        copied += 1
    return copied


# What Rust adds under a panic: how to see more of it, not why Pagefind stopped.
BACKTRACE_LINES = ("stack backtrace:", "note: ")


def one_line(said):
    """What Pagefind said, in one line: it says why over several, some twice, and adds a
    backtrace when it panics."""
    lines = {}  # each once, in the order said (a list looked through for each line took
    # the square of the lines: 20 000 took 1.7 s)
    for line in said.splitlines():
        line = line.strip()
        if line and not line.startswith(BACKTRACE_LINES):
            lines[line] = True
    return " ".join(lines)


def build_index(output_path, settings=None):
    """Index output_path into output_path/pagefind/; return the number of pages indexed:
    0, and no index, when there is no article page to read (a site before its first post,
    its articles saved in a folder of their own), which Pagefind refuses to index."""
    settings = settings or {}
    language = setting(settings, "CARNET_SEARCH_LANGUAGE")
    if not os.path.isdir(output_path):
        raise SearchIndexFailed(
            _("nothing to index: {path} does not exist").format(path=output_path)
        )
    try:
        command = pagefind_command()
    except (ImportError, FileNotFoundError):
        raise SearchIndexFailed(
            _("Pagefind is not installed (pip install 'pagefind[bin]')")
        ) from None
    bundle = os.path.join(output_path, "pagefind")
    with tempfile.TemporaryDirectory(prefix="carnet-search-") as copy_path:
        if not copy_with_elisions_split(output_path, copy_path, settings):
            return 0
        command += ["--site", copy_path, "--output-path", bundle]
        command += ["--force-language", language, "--quiet"]
        command += ["--exclude-selectors", STRUCK_THROUGH]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            raise SearchIndexFailed(_("Pagefind did not finish in 10 minutes")) from None
    if done.returncode != 0:
        reason = one_line(done.stderr or done.stdout) or _("exit code {code}").format(
            code=done.returncode
        )
        raise SearchIndexFailed(_("Pagefind failed: {reason}").format(reason=reason))
    entry = os.path.join(bundle, "pagefind-entry.json")
    if not os.path.exists(entry):
        raise SearchIndexFailed(_("Pagefind ran but wrote no pagefind/pagefind-entry.json"))
    with open(entry, encoding="utf-8") as file:
        languages = json.load(file)["languages"]
    return sum(language["page_count"] for language in languages.values())
