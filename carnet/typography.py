"""French typography, in one linear pass over the text of a page (Carnet's own).

What it does, on text only (never inside code, pre, kbd, samp, var, script, style, textarea,
svg or math, nor in an element in another language (lang="en"), never in a tag or its
attributes, never in a URL or an e-mail address):

- U+202F (narrow no-break space) before ; ! ?, replacing a plain space or a U+00A0;
  U+00A0 before : (never in 10:30, 10h30 or a URL, where no space follows the colon);
  none is added after ( [ { « “, nor at the start of a text node that follows a tag;
- U+00A0 inside « », after n°, N°, art., fig., p. before a number, after M., MM., Mme,
  Mmes, Mlle, Mlles and an initial (J. Dupont) before a word, after § before a number,
  in « p. ex. », and between a number and its unit (10 kg, 50 €, 20 %);
- ’ for an apostrophe inside, before or after a word (l’écoute, aujourd’hui, l’« autre »);
- … for three dots (and for « ?.. »), « — » for a spaced hyphen between words;
- straight double quotes around text become « » (“ ” inside « »), with their spaces;
- where one of these no-break spaces goes, a line break of the text (hard-wrapped
  Markdown: « M.⏎Dupont ») is the space it replaces, as a browser shows it as a space;
- repeated spaces become one, and a space before , . ; : ! ? or inside brackets goes
  (the no-break spaces above are then put back where French wants them).

Text already set this way comes back unchanged, and typesetting twice changes nothing.

How it stays linear: the HTML is cut into tags, entities and text with one compiled
regular expression that always matches what it starts (no pattern can run to the end of
the page and fail, to be tried again one character later; nested repetitions are
possessive, so none backtracks). The text nodes are then joined into one string, each gap
between them standing as edge characters the rules see as a tag, and each rule is one
compiled expression over that string; everything else is a look at one or two characters
around a match. Quotation marks are paired across the whole page with one stack, as the
reader reads them. `STATS` counts the matches each pass handled (the tests check that this
work grows in proportion to the text, whatever the text).

The rules follow polytypo 1.16 (the library Carnet used before, now the tests' oracle):
`tests/foundation/test_typography_oracle.py` lists where and why Carnet differs.
"""

import functools
import html as html_module
import html.entities as html_entities
import re
import unicodedata
from collections import Counter

from markupsafe import Markup

NBSP = "\u00a0"
NNBSP = "\u202f"
ELLIPSIS = "\u2026"
APOSTROPHE = "\u2019"
EM_DASH = "\u2014"

# Elements whose text is never typeset (what polytypo skips too).
SKIPPED = frozenset(
    {"code", "pre", "kbd", "samp", "var", "script", "style", "textarea", "svg", "math"}
)
# An element in another language (lang="en", written {: lang="en" } after a paragraph or as
# <span lang="en">): a quotation in English keeps its own punctuation, not « Really ? ».
_LANG = re.compile(r"""\slang\s*+=\s*+["']?+([A-Za-z]*+)""", re.IGNORECASE)
# Elements whose text the HTML parser reads raw, up to their end tag.
RAW_TEXT = frozenset({"script", "style"})
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
# Attributes a reader sees as text, per element.
TEXT_ATTRIBUTES = {"img": ("alt", "title")}

# The text around a text node, as one character: what the rules see there.
# Unicode noncharacters: reserved for a program's internal use, never in a text (a text node
# holding one is left as it is).
EDGE_NONE = "\ufdd0"  # the start or the end of the whole text
EDGE_TAG = "\ufdd1"  # a tag, an entity, an address: opaque, never a space
EDGE_LINE = "\ufdd2"  # a gap holding a line break (a <pre> block...): a line break
EDGES = frozenset(EDGE_NONE + EDGE_TAG + EDGE_LINE)
_HAS_EDGE = re.compile("[\ufdd0-\ufdd2]")

# One token of HTML: each alternative matches to its end or to the end of the input, so a
# broken tag never makes the scanner read the rest of the page again. In a tag, a quotation
# mark opens a value only right after = (as browsers read it): the stray ' of
# alt='l'hiver' does not run on through the page.
_TOKEN_SOURCE = (
    r"<!--(?:[^-]++|-(?!->))*+(?:-->|\Z)"  # comment
    r"|<[!?][^>]*+>?"  # doctype, CDATA, processing instruction
    r"|</?([A-Za-z][^\s/>]*+)(?:=\s*+(?:\"[^\"]*+(?:\"|\Z)|'[^']*+(?:'|\Z))?|[^=>]++)*+(?:>|\Z)"  # tag
    r"|&(?:#[0-9]++|#[xX][0-9a-fA-F]++|[A-Za-z][A-Za-z0-9]*+);?"  # character reference
)
_TOKEN = re.compile(_TOKEN_SOURCE)
# The same, cutting the HTML into [text, token, text, token, ..., text].
_TOKENS = re.compile("(" + _TOKEN_SOURCE.replace("</?([A-Za-z]", "</?(?:[A-Za-z]") + ")")
# The elements that need the walk through the tags (skipped text, typeset attributes).
_WALKED = re.compile(
    "<(?:" + "|".join(sorted(SKIPPED | set(TEXT_ATTRIBUTES))) + r")(?![^\s/>])|\slang\s*+=",
    re.IGNORECASE,
)
_RAW_TEXT_END = {name: re.compile(rf"</{name}\b", re.IGNORECASE) for name in RAW_TEXT}
_ATTRIBUTE = re.compile(
    r"""(\s)([A-Za-z_:][-A-Za-z0-9_:.]*+)(\s*+=\s*+)(?:"([^"]*+)"|'([^']*+)')"""
)

# What the rules ask of a character.
_SPACES = (
    " \t\u00a0\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u205f\u3000"
)
_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029" + EDGE_LINE
SPACELIKE = frozenset(_SPACES + _BREAKS)
INLINE_SPACE = frozenset(" \t\u00a0\u202f\u2007\u2009\u200a")
BREAK = frozenset(_BREAKS)
OTHER_SPACE = frozenset(
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u205f\u3000"
)
DIGITS = frozenset("0123456789")
OPEN_BRACKETS = frozenset("([{")
# Before ; ! ? : nothing is added after these (nor after one of them and a space).
OPENERS = frozenset("([{«“")
# After ; ! ? : the space goes in only if one of these (or a space, or the end) follows.
CLOSERS = frozenset(")]}»”" + EDGE_TAG)
WIDE_QUOTES = frozenset('"«»“”„‟〝〞〟')
NARROW_QUOTES = frozenset("'‘’‚‛‹›")
QUOTEMARKS = WIDE_QUOTES | NARROW_QUOTES
DASHISH = frozenset("-\u2011\u2013\u2014")
SENTENCE_DASHES = frozenset("\u2013\u2014")
# Around an apostrophe (polytypo's sets, the tag boundary counting as both).
APOSTROPHE_OPENISH = frozenset("([{«‘‚‛“„‟‹-\u2011\u2013\u2014" + EDGE_TAG)
APOSTROPHE_CLOSEISH = frozenset(")]}»’”›,.;:!?…-\u2011\u2013\u2014" + EDGE_TAG)
APOSTROPHE_OPENQUOTE = frozenset("«‘‚‛“„‟‹")
APOSTROPHE_CLOSEDELIM = frozenset(")]}»’”›")
# Around a double quotation mark.
QUOTE_OPENISH = frozenset("([{" + EDGE_TAG) | QUOTEMARKS
QUOTE_CLOSEISH = frozenset(")]},.;:!?…\u2013\u2014" + EDGE_TAG) | QUOTEMARKS

# The counts of what each pass handled, for the tests (time-independent work).
STATS = Counter()


def _is_letter(char):
    return char.isalpha() or (char > "\x7f" and unicodedata.category(char)[0] == "M")


def _is_alnum(char):
    return char in DIGITS or _is_letter(char)


def _is_upper(char):
    return char.isupper() and unicodedata.category(char) in ("Lu", "Lt")


class Edits:
    """Changes to the joined text. Within a group of rules, the first claim on a position
    wins (polytypo's own way of merging its no-break space rules)."""

    def __init__(self, text):
        self.text = text
        self.changes = {}  # (start, end) -> replacement
        self.claimed = set()  # (group, start)

    def add(self, start, end, replacement, group="nbsp"):
        if (group, start) in self.claimed:
            return
        # Nothing grows at a tag: no character is added at either end of a text node (a
        # space at its start or end stays, a U+00A0 may replace it).
        if len(replacement) > end - start and (
            self.text[start - 1] in EDGES or self.text[end] in EDGES
        ):
            return
        self.claimed.add((group, start))
        self.changes[(start, end)] = replacement

    def apply(self):
        return _replace(
            self.text,
            [(start, end, self.changes[(start, end)]) for start, end in sorted(self.changes)],
        )


# ---------------------------------------------------------------- spaces and dots

# A run of spaces that may have to shrink: two or more, or before , . ; : ! ? ) ] }, or after
# ( [ {. Each alternative starts with a space, so the scan jumps from space to space.
_SPACE_RUN = re.compile(r" (?: ++|(?=[,.;:!?)\]}])|(?<=[(\[{] ))")
_EMOTICON_AFTER = re.compile(r"[:;][-^]?[()\[\]DdPpOo/\\|*](?![^\W_])")
_EMOTICON_BEFORE = re.compile(r"[:;][-^]?[()\[\]DdPpOo/\\|*]\Z")


def _spaces(text):
    """Repeated spaces, spaces before , . ; : ! ? and inside brackets (not at a tag)."""
    edits = []
    for match in _SPACE_RUN.finditer(text):
        STATS["spaces"] += 1
        start, end = match.span()
        left, right = text[start - 1], text[end]
        if (
            left in (EDGE_NONE, EDGE_TAG)
            or right in (EDGE_NONE, EDGE_TAG)
            or left in BREAK
            or right in BREAK
        ):
            continue
        keep = 1
        if left in OPEN_BRACKETS and {"(": ")", "[": "]", "{": "}"}[left] == right:
            keep = 1
        elif (
            left in OPEN_BRACKETS and not _EMOTICON_BEFORE.search(text, max(0, start - 3), start)
        ) or right in ")]}":
            keep = 0
        elif (
            right in ",.;:!?"
            and _lone_dot(text, end)
            and not (right in ":;" and _EMOTICON_AFTER.match(text, end))
        ):
            keep = 0
        if keep != end - start:
            edits.append((start, end, " " * keep))
    return _replace(text, edits)


def _lone_dot(text, at):
    if text[at] != ".":
        return True
    return text[at + 1] not in ".…" and not (text[at + 1] in DIGITS or _is_letter(text[at + 1]))


_DOTS = re.compile(r"[.…]{2,}")


def _ellipsis(text):
    if ".." not in text and "…" not in text:
        return text
    edits = []
    for match in _DOTS.finditer(text):
        STATS["ellipsis"] += 1
        start, end = match.span()
        dots = match.group()
        if dots == "..":
            if text[start - 1] in "!?":
                edits.append((start, end, ELLIPSIS))
        else:
            edits.append((start, end, ELLIPSIS))
    return _replace(text, edits)


_SPACED_HYPHEN = re.compile(r"(?<= )-{1,3}(?= )")


def _dashes(text):
    """A hyphen (or two, or three) with a space each side, between words: « — »."""
    if " -" not in text:
        return text
    edits = []
    for match in _SPACED_HYPHEN.finditer(text):
        STATS["dashes"] += 1
        start, end = match.span()
        left, right = text[start - 2], text[end + 1]
        # Any double quotation mark on either side, straight or not: this pass comes
        # before the quotes are paired, and must decide the same way once they are.
        if not (_is_letter(left) or left in ".,;:!?…)'’" or left in WIDE_QUOTES) or not (
            _is_letter(right) or right in "('’" or right in WIDE_QUOTES
        ):
            continue
        edits.append((start, end, EM_DASH))
    return _replace(text, edits)


def _replace(text, edits):
    """`text` with (start, end, replacement) edits in order; one overlapping an earlier one is dropped."""
    if not edits:
        return text
    out = []
    cursor = 0
    for start, end, replacement in edits:
        if start < cursor:
            continue
        out.append(text[cursor:start])
        out.append(replacement)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


# ---------------------------------------------------------------- quotation marks

_WIDE = re.compile('["«»“”„‟〝〞〟]')
# A straight quote paired with a typed “ or ” becomes its other half (a pair with « or »
# is made « » as any other).
_OTHER_HALF = {"“": "”", "”": "“", "„": "“", "‟": "”"}


def _skip_left(text, at):
    at -= 1
    while text[at] in INLINE_SPACE:
        at -= 1
    return text[at]


def _skip_right(text, at):
    at += 1
    while text[at] in INLINE_SPACE:
        at += 1
    return text[at]


def _quote_candidate(text, at):
    """(can open, can close) for the double quotation mark at `at` of the joined text."""
    mark = text[at]
    literal_left, literal_right = text[at - 1], text[at + 1]
    left, right = _skip_left(text, at), _skip_right(text, at)
    open_left = left if mark == "»" else literal_left
    close_right = right if mark == "«" else literal_right
    can_open = (
        open_left == EDGE_NONE
        or open_left in SPACELIKE
        or open_left in QUOTE_OPENISH
        or open_left in DASHISH
    ) and (
        right != EDGE_NONE
        and right not in SPACELIKE
        and (right not in QUOTE_CLOSEISH or right in QUOTEMARKS or right == EDGE_TAG)
    )
    can_close = (left != EDGE_NONE and left not in SPACELIKE) and (
        close_right == EDGE_NONE
        or close_right in SPACELIKE
        or close_right in QUOTE_CLOSEISH
        or close_right in DASHISH
    )
    if literal_left == mark or literal_right == mark:  # "" or »»: neither opens nor closes
        return False, False
    gap = mark in "«»"
    if gap and (
        (literal_left in INLINE_SPACE and left == mark)
        or (literal_right in INLINE_SPACE and right == mark)
    ):
        return False, False
    return can_open, can_close


def _pair_quotes(text):
    """Straight double quotes to « » (“ ” inside « »), paired over the whole text in one pass.

    Typographic marks typed by the author take part in the pairing (a straight quote
    inside « » is an inner one) and stay as typed.
    """
    stack = []  # the marks that may still open
    pairs = []  # (opening, closing), in the order they close
    for match in _WIDE.finditer(text):
        STATS["quotes"] += 1
        at = match.start()
        can_open, can_close = _quote_candidate(text, at)
        if can_close and stack and not _vacuous(text, stack[-1], at):
            pairs.append((stack.pop(), at))
        elif can_open:
            stack.append(at)
    if not any(text[at] == '"' for pair in pairs for at in pair):
        return text
    # Depths: the pairs are nested (a stack made them); walk their ends in reading order.
    ends = sorted(
        [(opening, False) for opening, _ in pairs] + [(closing, True) for _, closing in pairs]
    )
    partner = {opening: closing for opening, closing in pairs}
    partner.update({closing: opening for opening, closing in pairs})
    characters = list(text)
    depth = 0
    for at, is_close in ends:
        if not is_close:
            depth += 1
        if text[at] == '"' and text[partner[at]] in _OTHER_HALF:
            # “oui" or "oui”: one pair of marks, not “oui » or « oui”.
            characters[at] = _OTHER_HALF[text[partner[at]]]
        elif text[at] == '"':
            inner = depth % 2 == 0
            characters[at] = ("”" if inner else "»") if is_close else ("“" if inner else "«")
        if is_close:
            depth -= 1
    return "".join(characters)


def _vacuous(text, opening, closing):
    """Only inline spaces between the two marks."""
    at = closing - 1
    while at > opening and text[at] in INLINE_SPACE:
        at -= 1
    return at == opening


# ---------------------------------------------------------------- apostrophes and spaces

_APOSTROPHE = re.compile("'")
_PUNCTUATION = re.compile("[:;!?]")
_GUILLEMET = re.compile("[«»]")
_UNIT = re.compile(r"[0-9][ \u00a0\n](?=km/h|kWh|°C|km|cm|mm|kg|%|‰|€)")
_UNITS = ("km/h", "kWh", "°C", "km", "cm", "mm", "kg", "%", "‰", "€")
# Each pattern starts with a character that is rare in prose (a space before a digit, a
# capital M, a dot), so that the scan jumps from one candidate to the next.
# A space here is a plain space, a U+00A0, or a line break in the text (hard-wrapped Markdown).
_BEFORE_NUMBER = re.compile(
    r"[ \u00a0\n](?:(?<=art\.[ \u00a0\n])|(?<=fig\.[ \u00a0\n])|(?<=[nN]°[ \u00a0\n])"
    r"|(?<=p\.[ \u00a0\n])|(?<=§[ \u00a0\n]))(?=[0-9])"
)
_BEFORE_WORD = re.compile(r"(?:Mmes|Mme|Mlles|Mlle|MM\.|M\.)([ \u00a0\n])(?=[^\W\d_])")
_INITIAL = re.compile(r"\.(?<=(?<![^\W_])[^\W\d_]\.)([ \u00a0\n])(?=[^\W\d_])")
_P_EX = re.compile(r"p\.([ \u00a0\u202f\n])ex\.")
_CHARACTER_REFERENCE = re.compile(r"&#?[A-Za-z0-9]{1,32}\Z")
_NUMBERED_REFERENCE = re.compile(r"#(?:[0-9]{1,7}|[xX][0-9A-Fa-f]{1,6})")


def _ends_reference(text, at):
    """Whether the ; at `at` closes a character reference typed in plain text (&amp;,
    &#8239;): only a name HTML knows, so that the D of « R&D ; » is not taken for one."""
    match = _CHARACTER_REFERENCE.search(text, max(0, at - 34), at)
    if match is None:
        return False
    name = match.group()[1:]
    return bool(_NUMBERED_REFERENCE.fullmatch(name)) or f"{name};" in html_entities.html5


def _apostrophes(text):
    """Straight apostrophes to ’ (none of the later rules reads an apostrophe)."""
    if "'" not in text:
        return text
    return _APOSTROPHE.sub(_apostrophe, text)


def _apostrophe(match):
    STATS["apostrophes"] += 1
    text = match.string
    at = match.start()
    left, right = text[at - 1], text[at + 1]
    letter_left = _is_letter(left)
    if letter_left and _is_alnum(right):
        return APOSTROPHE  # l’écoute, aujourd’hui: most of them
    if left in DIGITS and not _is_letter(right):
        return "'"  # a prime: 5'
    if (
        (_is_alnum(left) and _is_alnum(right))
        or (left in APOSTROPHE_CLOSEDELIM and _is_alnum(right))
        or (
            letter_left
            and (right == EDGE_NONE or right in SPACELIKE or right in APOSTROPHE_CLOSEISH)
        )
        or (letter_left and right in APOSTROPHE_OPENQUOTE)
        or (
            (left == EDGE_NONE or left in SPACELIKE or left in APOSTROPHE_OPENISH)
            and _is_alnum(right)
        )
    ):
        return APOSTROPHE
    return "'"


def _before_punctuation(text, edits):
    """U+202F before ; ! ?, U+00A0 before :."""
    for match in _PUNCTUATION.finditer(text):
        STATS["punctuation"] += 1
        at = match.start()
        mark = text[at]
        wanted = NBSP if mark == ":" else NNBSP
        before, after = text[at - 1], text[at + 1]
        if before in ":;!?":
            continue  # ?! : only the first mark
        if not (after == EDGE_NONE or after in SPACELIKE or after in CLOSERS or after in "…:;!?"):
            continue  # 10:30, https://, a?b
        if before in OPENERS or (before in SPACELIKE and text[at - 2] in OPENERS):
            continue
        if mark == ";" and _ends_reference(text, at):
            continue  # the end of &amp; in plain text
        if before == wanted:
            continue
        if before in (" ", "\n", NBSP, NNBSP):
            edits.add(at - 1, at, wanted)
        elif before in OTHER_SPACE or before in BREAK or before in (EDGE_NONE, EDGE_TAG, "\t"):
            continue
        else:
            edits.add(at, at, wanted)


def _inside_guillemets(text, edits):
    for match in _GUILLEMET.finditer(text):
        STATS["guillemets"] += 1
        at = match.start()
        if text[at] == "«":
            space, where = text[at + 1], at + 1
        else:
            space, where = text[at - 1], at - 1
        if space == NBSP or (space in BREAK and space != "\n") or space == EDGE_NONE:
            continue
        if space in (" ", "\n", NNBSP):
            edits.add(where, where + 1, NBSP)
        elif text[at] == "«":
            edits.add(at + 1, at + 1, NBSP)
        else:
            edits.add(at, at, NBSP)


def _units(text, edits):
    for match in _UNIT.finditer(text):
        STATS["units"] += 1
        at = match.start() + 1
        unit_end = at + 1 + next(len(unit) for unit in _UNITS if text.startswith(unit, at + 1))
        if _is_alnum(text[unit_end]):
            continue
        start = at - 1
        while text[start - 1] in DIGITS:
            start -= 1
        if _is_letter(text[start - 1]):
            continue  # A4 kg
        if text[at] != NBSP:
            edits.add(at, at + 1, NBSP)


def _word_start(text, at):
    """May a word begin at `at` (for n°, M., art. ...): after a space, a bracket, a dash."""
    left = text[at - 1]
    return (
        left in (EDGE_NONE, EDGE_TAG)
        or left in SPACELIKE
        or left in OPENERS
        or left in SENTENCE_DASHES
    )


def _no_break_after_words(text, edits):
    if text.find("ex.") != -1:
        for match in _P_EX.finditer(text):
            STATS["abbreviations"] += 1
            if not (_is_alnum(text[match.start() - 1]) or _is_alnum(text[match.end()])):
                _no_break(text, edits, match.start(1))
    abbreviations = any(text.find(a) != -1 for a in ("art.", "fig.", "n°", "N°", "p.", "§"))
    for match in _BEFORE_NUMBER.finditer(text) if abbreviations else ():
        STATS["abbreviations"] += 1
        space = match.start()
        if text[space - 1] == "§":
            if not _is_alnum(text[space - 2]):
                _no_break(text, edits, space)
            continue
        length = 4 if text[space - 1] == "." and text[space - 2] != "p" else 2  # art. fig. / n° p.
        if _word_start(text, space - length):
            _no_break(text, edits, space)
    for match in _BEFORE_WORD.finditer(text):
        STATS["abbreviations"] += 1
        if _word_start(text, match.start()):
            _no_break(text, edits, match.start(1))
    for match in _INITIAL.finditer(text):
        STATS["initials"] += 1
        dot = match.start()
        initial = dot - 1
        if not _is_upper(text[initial]) or not _is_upper(text[dot + 2]):
            continue
        left = text[initial - 1]
        if not (left == EDGE_NONE or left in SPACELIKE or left in OPENERS):
            continue
        if left in SPACELIKE and text[initial - 2] == "." and text[initial - 3].islower():
            continue  # « il est parti. A. Dupont »: the end of a sentence
        _no_break(text, edits, match.start(1))


def _no_break(text, edits, space):
    if text[space] != NBSP:
        edits.add(space, space + 1, NBSP)


# ---------------------------------------------------------------- URLs and e-mail addresses

_URL = re.compile(r"(?<![\w/.])(?:(?:https?|ftp)://|www\.|mailto:)[^\s<>\"«»\ufdd0-\ufdd2]*+")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++")


def _text_pieces(text, start, end):
    """(start, end) of the parts of text[start:end] that are not URLs or e-mail addresses.

    An address is left out of the text like a tag (polytypo's `protect` does the same):
    nothing in it changes, and nothing is added next to it.
    """
    addresses = []
    if text.find("@", start, end) != -1:
        addresses += [match.span() for match in _EMAIL.finditer(text, start, end)]
    if any(text.find(mark, start, end) != -1 for mark in ("://", "www.", "mailto:")):
        addresses += [match.span() for match in _URL.finditer(text, start, end)]
    if not addresses:
        return [(start, end)]
    pieces = []
    for address_start, address_end in sorted(addresses):
        STATS["addresses"] += 1
        if address_start < start:
            continue  # inside the one before (an e-mail address in a URL)
        while address_end > address_start and text[address_end - 1] in ".,;:!?)]}'’":
            address_end -= 1  # the sentence's punctuation, not the address's
        if address_start > start:
            pieces.append((start, address_start))
        start = address_end
    if start < end:
        pieces.append((start, end))
    return pieces


# ---------------------------------------------------------------- the passes


def _typeset_texts(texts, edges):
    """Typeset text nodes in reading order: they are one text, cut by tags.

    `edges[i]` is what stands before `texts[i]` (an EDGE_* character), `edges[-1]` what
    stands after the last. The nodes are joined, each edge written twice (no rule looks
    further than two characters past a match), every pass runs once over the whole, and
    the result is cut again at the edges, which no pass changes.
    """
    parts = [edges[0] * 2]
    for number, text in enumerate(texts):
        parts.append(text)
        parts.append(edges[number + 1] * (4 if number + 1 < len(texts) else 2))
    joined = "".join(parts)
    text = _every_pass(joined)
    if '"' in text and text != joined:
        # A straight quote left unpaired may pair once the marks beside it are typeset
        # ("«"a" gave "« « a », then « « « a »): a second run, so that typesetting twice
        # changes nothing. Only text that keeps a straight quote pays for it.
        text = _every_pass(text)
    # Cut at the separators (four edge characters; a line break's made a tag's first).
    text = text[2:-2]
    if EDGE_LINE * 4 in text:
        text = text.replace(EDGE_LINE * 4, EDGE_TAG * 4)
    return text.split(EDGE_TAG * 4)


def _every_pass(text):
    """The joined text nodes (edges included) through every pass, once."""
    text = _spaces(text)
    text = _ellipsis(text)
    text = _dashes(text)
    text = _pair_quotes(text)
    text = _apostrophes(text)
    edits = Edits(text)
    _before_punctuation(text, edits)
    _units(text, edits)
    _no_break_after_words(text, edits)
    _inside_guillemets(text, edits)
    return edits.apply()


def typeset_text(text, locale="fr"):
    """Plain text (a title, a subject), typeset. `locale` is kept for the callers: French."""
    if not text or _HAS_EDGE.search(text):
        return text
    text = unicodedata.normalize("NFC", text)
    pieces = _text_pieces(text, 0, len(text))
    if not pieces:  # nothing but a URL or an e-mail address
        return text
    edges = [EDGE_NONE if start == 0 else EDGE_TAG for start, _ in pieces]
    edges.append(EDGE_NONE if pieces and pieces[-1][1] == len(text) else EDGE_TAG)
    typeset = _typeset_texts([text[start:end] for start, end in pieces], edges)
    return _join(
        text, [(start, end, new) for (start, end), new in zip(pieces, typeset, strict=True)]
    )


def typeset_html(html, locale="fr"):
    """HTML (a post, a summary, a page), its text typeset; tags and skipped elements as they are."""
    if not html:
        return html
    if not unicodedata.is_normalized("NFC", html):
        # The text in NFC, not the tags: a link or an image's address keeps the characters
        # of the file it names (macOS may name it in NFD).
        parts = _TOKENS.split(html)
        parts[::2] = [unicodedata.normalize("NFC", part) for part in parts[::2]]
        html = "".join(parts)
    if not _WALKED.search(html):
        return _typeset_plain_html(html)
    pieces = []  # the HTML, cut: strings as they are, and the index of each text node
    texts = []  # (start, end) of each text node in `html`
    gap_has_line = False
    skip_depth = 0
    open_counts = Counter()  # open elements by name (a name not open is not closed)
    stack = []
    position = 0
    length = len(html)
    while position < length:
        match = _TOKEN.search(html, position)
        STATS["tokens"] += 1
        token_start = match.start() if match else length
        if token_start > position:  # text
            if skip_depth:
                gap_has_line = gap_has_line or "\n" in html[position:token_start]
            elif _HAS_EDGE.search(html, position, token_start):
                pass  # a noncharacter, never in text: this text node is left as it is
            else:
                for piece_start, piece_end in _text_pieces(html, position, token_start):
                    texts.append((piece_start, piece_end, gap_has_line))
                    gap_has_line = False
        if not match:
            break
        token = match.group()
        name = match.group(1)
        end = match.end()
        if name:
            name = name.lower()
            foreign = False
            if token[1] == "/":
                if open_counts[name]:
                    while stack:
                        popped, skipped = stack.pop()
                        open_counts[popped] -= 1
                        skip_depth -= skipped
                        if popped == name:
                            break
            else:
                language = _LANG.search(token)
                foreign = bool(language and language.group(1).lower() not in ("", "fr"))
                if token.endswith("/>") or name in VOID:
                    pass
                elif name in RAW_TEXT:
                    closing = _RAW_TEXT_END[name].search(html, end)
                    end = closing.start() if closing else length
                    gap_has_line = gap_has_line or "\n" in html[match.end() : end]
                else:
                    skipped = name in SKIPPED or foreign
                    stack.append((name, skipped))
                    open_counts[name] += 1
                    skip_depth += skipped
            if name in TEXT_ATTRIBUTES and not skip_depth and not foreign:
                pieces.append(
                    (match.start(), match.end(), _typeset_attributes(token, TEXT_ATTRIBUTES[name]))
                )
        gap_has_line = gap_has_line or "\n" in token
        position = end
    if not texts and not pieces:
        return html
    # Like polytypo: nothing before the first text node, nothing after the last; between
    # two, a tag (or a line break, if the gap holds one).
    edges = [EDGE_LINE if line_before else EDGE_TAG for _, _, line_before in texts] + [EDGE_NONE]
    if texts:
        edges[0] = EDGE_NONE
    typeset = _typeset_texts([html[start:end] for start, end, _ in texts], edges) if texts else []
    return _join(
        html,
        sorted(
            [(start, end, new) for (start, end, _), new in zip(texts, typeset, strict=True)]
            + pieces
        ),
    )


def _typeset_plain_html(html):
    """typeset_html for HTML with no element to skip and no attribute to typeset (most
    posts): every text between two tokens is text to typeset, found with one split."""
    parts = _TOKENS.split(html)
    STATS["tokens"] += len(parts) // 2
    texts, edges, where = [], [], []  # the text pieces, the edge before each, (part, start, end)
    gap_has_line = False
    for number in range(0, len(parts), 2):
        part = parts[number]
        if part and not _HAS_EDGE.search(part):
            for start, end in _text_pieces(part, 0, len(part)):
                texts.append(part[start:end])
                edges.append(EDGE_LINE if gap_has_line else EDGE_TAG)
                where.append((number, start, end))
                gap_has_line = False
        if number + 1 < len(parts) and "\n" in parts[number + 1]:
            gap_has_line = True
    if not texts:
        return html
    edges[0] = EDGE_NONE
    edges.append(EDGE_NONE)
    typeset = _typeset_texts(texts, edges)
    by_part = {}
    for (number, start, end), new in zip(where, typeset, strict=True):
        by_part.setdefault(number, []).append((start, end, new))
    for number, replacements in by_part.items():
        parts[number] = _join(parts[number], replacements)
    return "".join(parts)


def _join(text, replacements):
    """`text` with each (start, end, new) of `replacements` (in order, disjoint) applied."""
    out = []
    cursor = 0
    for start, end, new in replacements:
        out.append(text[cursor:start])
        out.append(new)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _typeset_attributes(tag, names):
    def typeset_value(match):
        if match.group(2).lower() not in names:
            return match.group()
        quote = '"' if match.group(4) is not None else "'"
        value = match.group(4) if match.group(4) is not None else match.group(5)
        text = typeset_text(html_module.unescape(value))
        new = html_module.escape(text, quote=True)
        if new == html_module.escape(html_module.unescape(value), quote=True):
            return match.group()  # unchanged: keep the author's spelling of it
        return f"{match.group(1)}{match.group(2)}{match.group(3)}{quote}{new}{quote}"

    return _ATTRIBUTE.sub(typeset_value, tag)


def typeset_post(content, plain_fields, html_fields, locale="fr"):
    """Typeset one post: its HTML content and its metadata fields ({name: text}).

    Returns (content, plain_fields, html_fields), typeset; None content stays None.
    """
    return (
        typeset_html(content, locale) if content else content,
        {name: typeset_text(text, locale) for name, text in plain_fields.items()},
        {name: typeset_html(text, locale) for name, text in html_fields.items()},
    )


# ---------------------------------------------------------------- for templates

_TAG_OR_COMMENT = re.compile(r"<!--(?:[^-]++|-(?!->))*+(?:-->|\Z)|<[^>]*+>?")
_ASCII_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")


# The elements whose tags part words, standing for a space in plain text; any other tag
# (em, a, code, span…) joins the text on either side as it is: « l’<em>écoute</em> ».
_PARTING_TAG = re.compile(
    r"</?(?:address|article|aside|blockquote|br|dd|details|div|dl|dt|figcaption|figure"
    r"|footer|h[1-6]|header|hr|li|nav|ol|p|pre|section|summary|table|td|th|tr|ul)\b",
    re.IGNORECASE,
)


def _tag_in_plain_text(match):
    return " " if _PARTING_TAG.match(match.group()) else ""


# A footnote's number in the text (Markdown's footnotes): « la note1 » without it.
_FOOTNOTE_REFERENCE = re.compile(r'<sup id="fnref[^"]*">.*?</sup>', re.DOTALL)


_RAW_TEXT_START = re.compile(r"<(script|style)(?![^\s/>])", re.IGNORECASE)


def _without_raw_text(html):
    """The HTML without its <script> and <style> elements: their text is code, which a
    description showed (« Avant. alert("bonjour") p { color: red; } »). One scan forward:
    an element left open runs to the end, as in a browser."""
    if "<s" not in html and "<S" not in html:
        return html
    kept, position = [], 0
    while (start := _RAW_TEXT_START.search(html, position)) is not None:
        kept.append(html[position : start.start()])
        end = _RAW_TEXT_END[start.group(1).lower()].search(html, start.end())
        if end is None:
            return " ".join(kept)
        position = html.find(">", end.end())
        position = len(html) if position == -1 else position + 1
        kept.append(" ")
    kept.append(html[position:])
    return "".join(kept)


# Words struck through (« ~~je vends~~ je donne », <del>; <s> written in HTML): the page
# shows them crossed out, which plain text cannot, and kept they said the opposite of the
# text (« je vends je donne »). A description says what the text says now.
_STRUCK_START = re.compile(r"<(del|s)(?![^\s/>])[^>]*+>", re.IGNORECASE)
_STRUCK_END = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("del", "s")}


def _without_struck(html):
    """`html` without its <del>…</del> and <s>…</s> (each to the first end of its name),
    in one pass: an element never closed stays, and so does every later one of its name,
    as none has an end after it (looking for it from each took the square of the text:
    20 000 « <s> » never closed, 7.6 s)."""
    kept, position, unclosed = [], 0, set()
    for start in _STRUCK_START.finditer(html):
        name = start[1].lower()
        if start.start() < position or name in unclosed:
            continue
        end = _STRUCK_END[name].search(html, start.end())
        if end is None:
            unclosed.add(name)
            continue
        kept.append(html[position : start.start()])
        position = end.end()
    kept.append(html[position:])
    return "".join(kept)


def plain_text(html):
    """The text of some HTML on one line, its no-break spaces kept (Jinja's striptags
    folds them into plain spaces, undoing the typography); scripts, styles and words
    struck through left out."""
    text = _without_raw_text(str(html))
    if "<del" in text or "<s" in text or "<S" in text or "<D" in text:
        text = _without_struck(text)
    if "fnref" in text:
        text = _FOOTNOTE_REFERENCE.sub("", text)
    text = _TAG_OR_COMMENT.sub(_tag_in_plain_text, text)
    return _ASCII_WHITESPACE.sub(" ", html_module.unescape(text)).strip()


def typeset_filter(value):
    """Jinja filter `typeset`: plain text (or Markup, whose text is typeset) in French."""
    if isinstance(value, Markup):
        return Markup(typeset_html(str(value)))
    if value is None:
        return value
    return typeset_text_once(str(value))


@functools.lru_cache(maxsize=4096)
def typeset_text_once(text):
    """typeset_text, remembered: many pages share a description (the site's subtitle, a
    tag's pages), many posts a tag's or a category's name."""
    return typeset_text(text)


# The settings whose text readers see: the site's name and subtitle (every page's header,
# titles, feeds, share images, the e-mail's sender), the site's author and default
# category, the sender's name and postal address (every e-mail), the names of the links of
# the menu and the footer, the categories' and the authors' names and each author's bio.
# The names are those the posts' are typeset to (plugin french_typography), so that a
# post's « L'art de dire non » is still one of CARNET_CATEGORIES, and an author still
# finds her bio.
READER_TEXT_SETTINGS = (
    "SITENAME",
    "SITESUBTITLE",
    "AUTHOR",
    "CARNET_DEFAULT_CATEGORY",
    "CARNET_NEWSLETTER_FROM_NAME",
    "CARNET_NEWSLETTER_POSTAL_ADDRESS",
)
READER_LINK_SETTINGS = ("MENUITEMS", "SOCIAL", "LINKS")


def typeset_settings(settings):
    """The reader's text of `settings` typeset in place, as a post's title (plugin
    french_typography, as the build starts; the checks of the settings have quoted them as
    the coach typed them)."""
    for name in READER_TEXT_SETTINGS:
        if isinstance(settings.get(name), str):
            settings[name] = typeset_text_once(settings[name])
    for name in READER_LINK_SETTINGS:  # (name, address) pairs: the name is read
        links = settings.get(name)
        if isinstance(links, (list, tuple)):
            settings[name] = [(typeset_text_once(str(text)), address) for text, address in links]
    categories = settings.get("CARNET_CATEGORIES")
    if isinstance(categories, (list, tuple)):
        settings["CARNET_CATEGORIES"] = [typeset_text_once(str(name)) for name in categories]
    authors = settings.get("CARNET_AUTHORS")
    if isinstance(authors, dict):
        settings["CARNET_AUTHORS"] = {
            typeset_text_once(str(name)): {**details, "bio": typeset_text(details["bio"])}
            if isinstance(details, dict) and isinstance(details.get("bio"), str)
            else details
            for name, details in authors.items()
        }
