"""Parts of the build that once did work growing with the square of their input.

Each test counts the work (characters handed to a regular expression, matches read,
comparisons), never the time: doubling the input at most doubles the work. Where the work
is done inside C and counts nothing, a child runs it on megabytes of the input with a
deadline far above the linear time (runs_within_a_deadline).
"""

import subprocess
import sys
from pathlib import Path

import pytest
from backlinks import backlinks

PROJECT = Path(__file__).resolve().parents[2]


def runs_within_a_deadline(program, folder=PROJECT):
    """Run `program` in a child Python, in `folder`, with a deadline some hundred times what
    a linear scan takes: the work done inside C (regular expressions, str methods) counts
    nothing, so this guards against the hang rather than measuring it."""
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=folder, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr


class _Counted:
    """A compiled regular expression that counts what its sub and finditer go through."""

    def __init__(self, pattern, counter):
        self.pattern, self.counter = pattern, counter

    def sub(self, replacement, text):
        self.counter["characters folded"] += len(text)
        return self.pattern.sub(replacement, text)

    def finditer(self, text):
        for match in self.pattern.finditer(text):
            self.counter["sentence ends read"] += 1
            yield match


def _backlinks_work(html, monkeypatch):
    counter = {"characters folded": 0, "sentence ends read": 0}
    monkeypatch.setattr(backlinks, "SPACES", _Counted(backlinks.SPACES, counter))
    monkeypatch.setattr(backlinks, "SENTENCE_END", _Counted(backlinks.SENTENCE_END, counter))
    found = backlinks.links_in(html)
    return sum(counter.values()), found


PARAGRAPHS = {
    # Each link's excerpt read the paragraph's sentence ends from its start (2000 linked
    # sentences: 1.0 s; 1000: 0.21 s; 500: 0.06 s).
    "one paragraph of linked sentences": lambda count: (
        "<p>"
        + " ".join(f'Phrase {n} avec <a href="https://a.fr/{n}">un lien</a>.' for n in range(count))
        + "</p>"
    ),
    # Each link's excerpt folded the spaces of the whole sentence before it, and after it
    # (2000 links: 1.8 s; 1000: 0.35 s; 500: 0.09 s).
    "one sentence of many links": lambda count: (
        "<p>"
        + " ".join(f'mot {n} <a href="https://a.fr/{n}">lien</a>' for n in range(count))
        + "</p>"
    ),
    # Empty links at one place, after a long run of spaces.
    "empty links after many spaces": lambda count: (
        "<p>a" + " " * (100 * count) + '<a href="x"></a>' * count + "</p>"
    ),
}


@pytest.mark.parametrize("shape", sorted(PARAGRAPHS))
def test_backlinks_excerpts_do_work_in_proportion_to_the_paragraph(shape, monkeypatch):
    one, found = _backlinks_work(PARAGRAPHS[shape](1000), monkeypatch)
    two, _ = _backlinks_work(PARAGRAPHS[shape](2000), monkeypatch)
    assert len(found) == 1000
    assert two <= 2.1 * one


def test_a_sentence_end_is_only_tried_where_a_run_of_marks_starts():
    """Tried at each mark of a run, the expression read to the run's end each time: a
    linked paragraph holding 20 000 dots took 6.7 s (10 000: 1.7 s). Refused at once
    inside a run (the look-behind), it reads each run once."""
    text = "Fin" + "." * 1000 + " Début"
    assert backlinks.SENTENCE_END.match(text, 3).span() == (3, 1003)
    assert all(backlinks.SENTENCE_END.match(text, place) is None for place in range(4, 1003))
    assert [match.span() for match in backlinks.SENTENCE_END.finditer(text)] == [(3, 1003)]


def test_an_excerpt_in_a_long_sentence_is_unchanged():
    html = (
        "<p>Elle m’a dit\u00a0: «\u00a0Bonjour\u202f!\u00a0» puis est partie. "
        + "Un très long passage sans point " * 20
        + "puis <a href='x'>ce billet</a>, et "
        + "encore un long passage sans point " * 20
        + "jusqu’ici. Oui.</p>"
    )
    ((href, excerpt),) = backlinks.links_in(html)
    assert href == "x"
    # MAX_SIDE characters on each side, cut between words, as before.
    assert excerpt == (
        "…"
        + "Un très long passage sans point " * 6
        + "puis <em>ce billet</em>, et "
        + "encore un long passage sans point " * 5
        + "encore un long passage…"
    )


class _MeasuringFace:
    """A font that counts the characters it measures."""

    def __init__(self, face):
        self.face, self.measured = face, 0

    def getlength(self, text):
        self.measured += len(text)
        return self.face.getlength(text)


def _shortened(line):
    from carnet import share_card

    face = _MeasuringFace(share_card.font("text", 28))
    return share_card._shorten(line, face, 600), face.measured


@pytest.mark.parametrize("word", ["Claire ", "Dumas-", "x"])
def test_a_long_name_is_shortened_with_work_in_proportion_to_it(word):
    # An author's or the site's name on the share image, one word or letter dropped at a
    # time and the whole name measured again after each: 2000 words took 1.2 s.
    short, work = _shortened(word * 1000)
    _, double_work = _shortened(word * 2000)
    assert short.endswith("…") and len(short) < 100
    assert double_work <= 2.5 * work, (work, double_work)


def _shortened_one_cut_at_a_time(line, face, width):
    """The way names were shortened before (the oracle): quadratic, and the same cut."""
    while line and face.getlength(line + "…") > width:
        cut = line.rsplit(" ", 1)[0] if " " in line else line[:-1]
        line = cut.rstrip(" ,;:")
    return line + "…"


def test_a_shortened_name_is_the_cut_it_was_before():
    from carnet import share_card

    face = share_card.font("text", 28)
    lines = ["Claire Dumas, coach de dirigeants ; Lyon", "Anticonstitutionnellement " * 3, ""]
    for line in lines:
        for width in (0, 40, 150, 300, 2000):
            expected = _shortened_one_cut_at_a_time(line, face, width)
            assert share_card._shorten(line, face, width) == expected, (line, width)


def _related_posts_work(tags_per_post, monkeypatch):
    """The tags compared to choose related posts, for 400 posts each with `tags_per_post`
    tags, each tag shared by some 25 posts, each post looking in 4 of its lists at most
    (MOST_LISTS_LOOKED_IN made small, so that small posts show how it grows)."""
    from datetime import UTC, datetime, timedelta
    from types import SimpleNamespace

    from related_posts import related_posts

    compared = [0]
    score = related_posts._score

    def counted(keys, other_keys):
        compared[0] += min(len(keys), len(other_keys))
        return score(keys, other_keys)

    monkeypatch.setattr(related_posts, "_score", counted)
    monkeypatch.setattr(related_posts, "MOST_LISTS_LOOKED_IN", 4, raising=False)
    count, first = 400, datetime(2021, 1, 1, tzinfo=UTC)
    articles = [
        SimpleNamespace(
            date=first + timedelta(hours=n),
            source_path=f"posts/{n}.md",
            tags=[
                SimpleNamespace(slug=f"{j}-{n * (2 * j + 1) % count // 25}")
                for j in range(tags_per_post)
            ],
            category=None,
            status="published",
            metadata={},
        )
        for n in range(count)
    ]
    generator = SimpleNamespace(
        articles=articles, hidden_articles=[], settings={"CARNET_RELATED_POSTS": 3}
    )
    related_posts.set_related_posts(generator)
    return compared[0]


def test_related_posts_compare_tags_in_proportion_to_the_tags(monkeypatch):
    # Each post looked in all its lists and scored each candidate on all its tags: twice
    # the tags made four times the work (100 tags a post: 2400 candidates, 100 tags each).
    work = _related_posts_work(8, monkeypatch)
    assert _related_posts_work(16, monkeypatch) <= 2.5 * work


# Tags and comments never closed, 2 MB of them: each was read to the end of the post by
# the check of links written as a path (20 000 « <a x »: 9 s, 10 000: 2.4 s); images, by
# the search for images' addresses (checks of formats, widths for the e-mail). The regular
# expressions count nothing, so this runs them in a child with a deadline some hundred
# times what the linear scan takes (0.1 s): a guard against the hang, not a measure.
@pytest.mark.parametrize("unit", ["<a x", "<!-- x ", "<img x"])
def test_links_written_as_paths_are_found_in_one_scan_of_unclosed_tags(unit):
    program = (
        "from carnet.links import from_the_root, image_addresses, paths_in\n"
        f"text = {unit!r} * (2_000_000 // {len(unit)})\n"
        "assert list(paths_in(text)) == []\n"
        "assert list(image_addresses(text)) == []\n"
        "assert from_the_root(text, '/mon-billet/') is text\n"
    )
    runs_within_a_deadline(program, PROJECT / "plugins")


# Words struck through never closed, 2 MB of them: a post's description looked for the end
# of each to the end of the text (20 000 « <s> »: 7.6 s, 10 000: 2.0 s). Run as above.
@pytest.mark.parametrize("unit", ["<s>mot ", "<del>mot ", "<del>a</s> "])
def test_a_description_leaves_out_words_struck_through_in_one_scan(unit):
    program = (
        "from carnet.typography import plain_text\n"
        f"text = {unit!r} * (2_000_000 // {len(unit)})\n"
        "assert plain_text(text)\n"
        "assert plain_text('a <s>b</s> c <del>d <s>e</s></del> f') == 'a c f'\n"
    )
    runs_within_a_deadline(program)


class _Reading:
    """A compiled regular expression that counts the characters its search and match go
    through: from where they start to where they stop (the end of the text, for one that
    reads to the end to look back from there)."""

    def __init__(self, pattern, counter, to_the_end=False):
        self.pattern, self.counter, self.to_the_end = pattern, counter, to_the_end

    def _read(self, found, text, position):
        stop = len(text) if self.to_the_end or found is None else found.end()
        self.counter[0] += stop - position
        return found

    def search(self, text, position=0):
        return self._read(self.pattern.search(text, position), text, position)

    def match(self, text, position=0):
        return self._read(self.pattern.match(text, position), text, position)


def _struck_and_highlighted_work(text, monkeypatch):
    import markdown

    from carnet import editor_markdown

    read = [0]
    monkeypatch.setattr(editor_markdown, "MAY_START", _Reading(editor_markdown.MAY_START, read))
    monkeypatch.setattr(
        editor_markdown,
        "LAST_END",
        {mark: _Reading(found, read, True) for mark, found in editor_markdown.LAST_END.items()},
    )
    converter = markdown.Markdown(extensions=["carnet.editor_markdown"])
    processor = converter.inlinePatterns["carnet_struck_highlighted_line_break"]
    processor.found.compiled = _Reading(processor.found.compiled, read)
    html = converter.convert(text)
    return read[0], html


STRUCK_OR_HIGHLIGHTED = {
    # Each « ~~ » never closed was read to the end of the text by the search for its end
    # (20 000: 9.5 s; 10 000: 2.8 s; 5000: 0.77 s).
    "« ~~ » never closed": lambda count: "~~a " * count,
    "« == » never closed": lambda count: "==a " * count,
    # After each match, the search from its end read the next « ~~ » to the end again
    # (10 000: 6.9 s; 5000: 1.9 s; 2500: 0.69 s).
    "« ~~ » never closed after each highlight": lambda count: "==b== ~~a " * count,
    "« ~~ » never closed after each line break": lambda count: "a\\\n~~a " * count,
    "« ~~ » closed, after ones never closed": lambda count: "~~a " * count + "b~~ ==c==",
}


@pytest.mark.parametrize("shape", sorted(STRUCK_OR_HIGHLIGHTED))
def test_struck_and_highlighted_words_are_found_reading_the_text_once(shape, monkeypatch):
    one, html = _struck_and_highlighted_work(STRUCK_OR_HIGHLIGHTED[shape](1000), monkeypatch)
    two, _ = _struck_and_highlighted_work(STRUCK_OR_HIGHLIGHTED[shape](2000), monkeypatch)
    assert two <= 2.1 * one, (one, two)
    assert one <= 4 * len(STRUCK_OR_HIGHLIGHTED[shape](1000))
    assert ("<del>" in html) == shape.startswith("« ~~ » closed")


# The same shapes as a post of 2 MB, Carnet's own Markdown, in a child with a deadline
# some hundred times what it takes (0.3 s): before, the first took hours.
@pytest.mark.parametrize("unit", ["~~a ", "==a ", "a ~~b"])
def test_markdown_reads_two_megabytes_of_marks_never_closed_in_one_scan(unit):
    program = (
        "import markdown\n"
        f"text = {unit!r} * (2_000_000 // {len(unit)})\n"
        "html = markdown.markdown(text, extensions=['carnet.editor_markdown'])\n"
        "assert '<del>' not in html and '<mark>' not in html\n"
    )
    runs_within_a_deadline(program)


# « [ » never closed (a link's, an image's or a reference's text, maybe) and « <a » never
# closed (a tag), as a post of 2 MB with Carnet's Markdown settings, in a child with a
# deadline (it takes 1 to 2 s): Python-Markdown read the rest of the text for each, and
# 64 KB of « <![CDATA[ » lines took 47 s, 2 MB hours.
@pytest.mark.parametrize("unit", ["mot [ x\n", "mot ![ x\n", "mot <![CDATA[ x\n", "mot <a x\n"])
def test_markdown_reads_two_megabytes_of_brackets_and_tags_never_closed_in_one_scan(unit):
    program = (
        "import runpy, markdown\n"
        "configs = runpy.run_path('pelicanconf.py')['MARKDOWN']['extension_configs']\n"
        f"text = {unit!r} * (2_000_000 // {len(unit)})\n"
        "html = markdown.markdown(text, extensions=list(configs), extension_configs=configs)\n"
        f"assert html.count('[') + html.count('&lt;a') >= len(text) // {len(unit)}\n"
    )
    runs_within_a_deadline(program)


# A reader's reaction is Markdown too, up to MAX_REACTION_CHARACTERS: three of « [ » made
# the build 20 s longer each (a reader could send many), some 0.1 s now.
def test_a_readers_reactions_of_brackets_never_closed_are_read_in_one_scan():
    program = (
        "from carnet.reactions import MAX_REACTION_CHARACTERS, plain_text, render_markdown\n"
        "for _ in range(3):\n"
        "    text = '[' * MAX_REACTION_CHARACTERS\n"
        "    assert render_markdown(text).count('[') == plain_text(text).count('[') == len(text)\n"
    )
    runs_within_a_deadline(program)


# An address typed as it is, followed by a million « ) » (or « ). »): each « ) » let go
# counted the address's brackets again (80 000: 3.6 s; 40 000: 0.96 s; 20 000: 0.29 s).
# Str.count counts nothing for a test: a child with a deadline, as above (it takes 0.5 s).
@pytest.mark.parametrize("after", [")", ").", "(("])
def test_an_address_followed_by_brackets_is_cut_in_one_pass(after):
    program = (
        "import markdown\n"
        f"text = 'Voir https://exemple.fr/a' + {after!r} * (1_000_000 // {len(after)})\n"
        "text += ')' * 2 * text.count('(')\n"
        "html = markdown.markdown(text, extensions=['carnet.editor_markdown'])\n"
        'assert html.startswith(\'<p>Voir <a class="address-as-typed" href="https://exemple.fr/a\')\n'
    )
    runs_within_a_deadline(program)


class _ComparedAddress(str):
    """An image's address that counts how often it is compared with another."""

    compared = 0

    def __eq__(self, other):
        _ComparedAddress.compared += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def test_images_without_a_description_are_told_with_work_in_proportion_to_them(monkeypatch, caplog):
    """Each image with no description was looked for among those found before it (20 000
    in a post: 2.7 s; 10 000: 0.67 s): a comparison with each."""
    from content_checks import content_checks

    from carnet import links

    count = 2000
    shown = [(_ComparedAddress(f"/images/photo-{n % (count // 2)}.jpg"), "") for n in range(count)]
    monkeypatch.setattr(links, "images", lambda text: iter(shown if text else []))
    monkeypatch.setattr(_ComparedAddress, "compared", 0)
    content_checks._check_images("<img>", {}, "content/posts/photos.md")
    assert _ComparedAddress.compared <= count
    told = [record.getMessage() for record in caplog.records]
    assert len(told) == count // 2
    assert "photo-0.jpg" in told[0] and "photo-999.jpg" in told[-1]


def _callouts_work(count):
    """The children of elements read to put the callouts of `count` quotes (side by side,
    a paragraph between) each after its quote. Python's own ElementTree elements, which a
    test can count, in place of the C ones Markdown makes."""
    from xml.etree import ElementTree

    from carnet.editor_markdown import Callouts

    read = [0]

    class Counted(ElementTree._Element_Py):
        def __getitem__(self, index):
            read[0] += 1
            return super().__getitem__(index)

    def element(tag, text=None):
        made = Counted(tag)
        made.text = text
        return made

    root = element("div")
    for n in range(count):
        quote = element("blockquote")
        quote.extend([element("p", "Avant."), element("p", f"[!note] Note {n}")])
        root.extend([quote, element("p", "Entre.")])
    Callouts().run(root)
    assert len(root) == 3 * count
    assert [child.tag for child in root[:3]] == ["blockquote", "blockquote", "p"]
    return read[0]


def test_callouts_are_put_after_their_quotes_with_work_in_proportion_to_them():
    # Each quote's place was looked for among its parent's children (16 000 quotes:
    # 11 s; 8000: 2.6 s; 4000: 0.44 s).
    one = _callouts_work(500)
    assert _callouts_work(1000) <= 2.1 * one


# A YAML `status: true` (Pelican's « Unknown status » quotes it as written) followed by a
# million spaces and a comment: the lazy value read the spaces to the comment from each
# of them (80 000: 19 s; 40 000: 6.2 s; 20 000: 1.4 s). A child with a deadline, as above.
def test_a_yaml_value_as_written_is_read_in_one_scan_of_its_line():
    program = (
        "from content_checks.content_checks import _raw_yaml_value\n"
        "spaces = ' ' * 1_000_000\n"
        "text = f'title: Un\\nstatus: true{spaces}# à revoir\\ndate: 2022-01-01\\n'\n"
        "assert _raw_yaml_value(text, 'status') == f'true{spaces}# à revoir'\n"
        "assert _raw_yaml_value('status: true  \\n', 'Status') == 'true'\n"
    )
    runs_within_a_deadline(program, PROJECT / "plugins")


def test_links_that_run_a_script_are_taken_out_of_the_email_in_one_pass(monkeypatch):
    """Each such link's tag was taken off by lxml's drop_tag, which looks for its place
    among its parent's children (20 000 in a paragraph: 22 s; 10 000: 7.0 s; 5000: 1.3 s):
    counted here, the children each look goes through."""
    from types import SimpleNamespace

    import lxml.html

    from carnet.newsletter import render

    looked_through = [0]
    index = lxml.html.HtmlElement.index

    def counted(self, child, *limits):
        place = index(self, child, *limits)
        looked_through[0] += place + 1
        return place

    monkeypatch.setattr(lxml.html.HtmlElement, "index", counted)
    count = 2000
    html = "<p>" + "<b>gras</b> <a href='javascript:envoyer()'>lien</a>" * count + "</p>"
    post = SimpleNamespace(url="https://exemple.fr/a/", email_only=False, image_widths={})
    warnings = []
    email = render._email_ready(html, post, "content/posts/a.md", warnings)
    assert looked_through[0] <= count
    assert email == "<p>" + "<b>gras</b> lien" * count + "</p>"
    assert warnings == [
        "content/posts/a.md: e-mail programs block javascript:; the e-mail leaves them out"
    ]


def test_a_photo_of_many_tiff_headers_is_read_by_pillow_in_proportion_to_it(monkeypatch):
    """Pillow read the EXIF of each TIFF header of a PNG, from the header to the file's
    end (a file of them, 160 KB: 268 s; 80 KB: 74 s; 40 KB: 22 s): counted here, the bytes
    handed to it. A PNG whose EXIF has a GPS position is still found out."""
    import io

    from PIL import Image

    from carnet import photo_metadata

    handed = [0]
    load = Image.Exif.load

    def counted(self, data):
        handed[0] += len(data)
        return load(self, data)

    monkeypatch.setattr(Image.Exif, "load", counted)
    # Each header's list of fields is the next header, read as 18 761 fields.
    decoys = b"\x89PNG\r\n\x1a\n" + b"II*\x00\x08\x00\x00\x00" * 2000
    assert not photo_metadata.gps_position_outside_jpeg(decoys)
    assert handed[0] <= len(decoys)

    exif = Image.Exif()
    exif.get_ifd(photo_metadata.GPS)[1] = "N"
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG", exif=exif.tobytes())
    assert photo_metadata.gps_position_outside_jpeg(decoys + png.getvalue())


def _hidden_post_comparisons(root, count, monkeypatch):
    """The comparisons of tags, authors and categories in a build of one hidden post with
    `count` tags that no published post has (so none has a page of its own)."""
    from conftest import make_site
    from pelican.urlwrappers import URLWrapper

    site = make_site(root)
    site.add_post("visible.md", title="Un billet", tags="publiée")
    tags = ", ".join(f"mot{n}" for n in range(count))
    site.add_post("hidden.md", title="Un billet caché", status="hidden", tags=tags)
    compared = [0]
    equal = URLWrapper.__eq__

    def counted(self, other):
        compared[0] += 1
        return equal(self, other)

    with monkeypatch.context() as patched:
        patched.setattr(URLWrapper, "__eq__", counted)
        site.build()
    page = site.read("un-billet-cache/index.html")
    assert f"mot{count - 1}" in page and 'etiquette/mot0/"' not in page
    return compared[0]


def test_a_hidden_posts_tags_without_a_page_are_shown_with_work_in_proportion_to_them(
    tmp_path, monkeypatch
):
    # The theme looked for each of the post's tags in the list of those without a page
    # (a hidden post's page with 4000 such tags: 1.8 s in that list; 2000: 0.43 s).
    one = _hidden_post_comparisons(tmp_path / "one", 200, monkeypatch)
    two = _hidden_post_comparisons(tmp_path / "two", 400, monkeypatch)
    assert two <= 2.5 * one, (one, two)


# What Pagefind says when it fails, in one line, each line once: each line was looked for
# among those kept (20 000 lines: 1.7 s; 10 000: 0.40 s). Comparisons of strings count
# nothing: a child with a deadline, as above (200 000 lines: 0.2 s).
def test_what_pagefind_said_is_put_in_one_line_in_one_pass():
    program = (
        "from carnet.search import one_line\n"
        "said = '\\n'.join(f'page {n} failed' for n in range(200_000))\n"
        "said += '\\npage 0 failed\\nstack backtrace:\\n  note: run with RUST_BACKTRACE'\n"
        "line = one_line(said)\n"
        "assert line == ' '.join(f'page {n} failed' for n in range(200_000))\n"
    )
    runs_within_a_deadline(program)


# A reader's reply (invoke reaction-add) holding a word of a million letters, or of « a. »
# before a « @ » with no domain: the search for e-mail addresses read the rest of the word
# from each of its letters (40 000: 5.4 s; 20 000: 1.4 s). A child with a deadline.
@pytest.mark.parametrize("word", ["a", "a.", "a@b.fr+"])
def test_addresses_in_a_reply_are_found_reading_each_word_once(word):
    program = (
        "from carnet.reactions import private_details\n"
        f"text = 'Merci ' + {word!r} * (1_000_000 // {len(word)}) + '@ et a@b.fr+c@d.fr'\n"
        "found = private_details(text)\n"
        "assert found[-2:] == ['a@b.fr', '+c@d.fr'], found[-2:]\n"
    )
    runs_within_a_deadline(program)


# A reply's subject « Re » then a million spaces: the two runs of spaces of the reply
# prefix's pattern (« \s*(\[\d+\])?\s*: ») shared them in every way (40 000: 2.4 s;
# 20 000: 0.62 s). A child with a deadline.
def test_a_reply_prefix_is_read_in_one_scan_of_the_subject():
    program = (
        "from carnet.reactions import REPLY_PREFIX\n"
        "assert REPLY_PREFIX.match('Re' + ' ' * 1_000_000 + 'x') is None\n"
        "assert REPLY_PREFIX.sub('', 'RE [2] :  Re:Fwd :Le billet') == 'Le billet'\n"
    )
    runs_within_a_deadline(program)
