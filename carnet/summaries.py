"""Summaries that end where a reader expects: after a sentence when one ends late enough in
the cut, else after a whole word with « … » attached (Pelican writes « mot … », with a
space, and may end on a comma)."""

import re

from pelican.utils import truncate_html_words

# A tag, or a sentence's last character outside any tag (followed by a space, a tag or the end).
_TAG_OR_SENTENCE_END = re.compile(r"<[^>]*>|[.!?…](?:\u00a0?»)?(?=[\s\u00a0\u202f]|<|$)")
_CLOSING_TAGS = re.compile(r"(?:\s*</[^>]+>)*\s*$")
# Never left before the ellipsis: a comma, a colon, an opening quote, a dash, a space.
_DANGLING = " \t\n\u00a0\u202f,;:«(–—-"
# A sentence ending in the first half of the cut would make the summary too short.
SENTENCE_MIN_SHARE = 0.5
# Markdown's footnotes: a call in the text, the notes in one block at its end. A list page
# shows several summaries: their ids (fnref:1, fn:1) would repeat, and a call would lead to
# another post's note, or to none.
_FOOTNOTE_CALL = re.compile(r'<sup id="fnref[^"]*"><a class="footnote-ref"[^>]*>[^<]*</a></sup>')
_FOOTNOTES = '<div class="footnote">'
# A heading of the text: in a list, where each post's title is a heading, it would read as
# one more post (or a second <h1>): its words stay, in bold.
_HEADING = re.compile(r"<(/?)h[1-6]\b[^>]*>")


def truncate(html, words, end_text="…"):
    """`html` cut after `words` words, as Pelican's truncate_html_words, at a boundary,
    without its footnotes, its headings made paragraphs."""
    html = _FOOTNOTE_CALL.sub("", html.split(_FOOTNOTES, 1)[0])
    html = _HEADING.sub(lambda tag: "</strong></p>" if tag[1] else "<p><strong>", html)
    cut = truncate_html_words(html, words, "")
    if cut == html:
        return html
    closing = _CLOSING_TAGS.search(cut)
    body, tail = cut[: closing.start()], cut[closing.start() :]
    sentence_end = None
    for match in _TAG_OR_SENTENCE_END.finditer(body):
        if match[0].startswith("<"):
            if sentence_end is not None and not match[0].startswith("</"):
                sentence_end = None  # a tag opened after it would be left unclosed
            continue
        sentence_end = match.end()
    if sentence_end is not None and sentence_end >= SENTENCE_MIN_SHARE * len(body):
        return body[:sentence_end] + tail
    return body.rstrip(_DANGLING) + end_text + tail


def shortened(text, length, leeway=0, end_text="…"):
    """Plain `text` cut to at most `length` characters when it is longer than `length` +
    `leeway`: between two words (at a plain space, never a no-break one), with nothing
    dangling before « … » (a description, an e-mail's preheader)."""
    if len(text) <= length + leeway:
        return text
    cut = text[:length]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(_DANGLING) + end_text
