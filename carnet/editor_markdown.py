"""A Markdown extension (pelicanconf.py's MARKDOWN): Markdown as the coach's editor shows it.

Obsidian, Typora, iA Writer and Notion read Markdown as CommonMark does; Python-Markdown,
which reads the posts, reads some of what they write otherwise, and the page showed what
the coach had not seen in her editor:

- a list right under a paragraph's line, with no blank line between (« Mes trois
  conseils : » then « - un »), was one paragraph with its dashes as typed;
- a list nested by 2 spaces (or 3 under « 1. »), as these editors indent it, was flat:
  Python-Markdown nests by 4. Each item is given 4 spaces a level, and a paragraph of an
  item (after a blank line) its item's indentation;
- « ~~barré~~ » was shown as typed: it is struck through (<del>);
- « ==surligné== » (Obsidian, Typora, iA Writer) was shown as typed: it is highlighted
  (<mark>);
- an address typed or pasted as it is (« https://exemple.fr/atelier »), a link in these
  editors, was text on the page: it is a link, without the punctuation that follows it;
- a task list's boxes (« - [ ] à faire », « - [x] fait »), which these editors show as
  boxes, were shown as typed: they are the characters ☐ and ☑ (the same in a feed reader
  and an e-mail, where a form's box would not show);
- a numbered list starting at another number than 1 (« 3. », a list taken up after a
  paragraph) was numbered from 1: it starts at its first number;
- a line starting with « # » and a word (« #confiance #écoute », Obsidian's tags, or
  « #1 des conseils ») was a heading: a heading's « # » is followed by a space (« # Titre »)
  in these editors, and the line is text;
- a line ending with a backslash, CommonMark's line break, kept it: it ends the line, as
  two spaces do;
- an Obsidian callout (« > [!note] Le titre », then its lines) showed « [!note] »: it is
  a quote whose first line, in bold, is its title (or its kind, as Obsidian shows one
  without a title, in French: « > [!warning] » is « Attention »).

Each processor here does one line's or one element's work, nothing for a post without
what it looks for.
"""

import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import HashHeaderProcessor, OListProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# A line that starts a list item for Python-Markdown (« - », « * », « + », « 1. »), and
# the one that CommonMark lets start a list under a paragraph's line (a bullet, or « 1. »).
LIST_ITEM = re.compile(r"( *)(?:[-*+]|\d+\.) +(?=\S)")
STARTS_A_LIST_UNDER_TEXT = re.compile(r" {0,3}(?:[-*+]|1\.) +\S")
# The spaces of one level of a list for Python-Markdown (its tab_length).
LEVEL = 4


class ListsAsWritten(Preprocessor):
    """A blank line before a list written right under a paragraph's line; a list's items
    and their paragraphs indented by 4 spaces a level."""

    def run(self, lines):
        result = []
        # The open items of the current list, outermost first: the column where each
        # one's text starts, as written. A line indented that far or more belongs to it.
        items = []
        block_start = None  # the first line of the current block (since a blank line)
        for line in lines:
            if not line.strip():
                block_start = None
                result.append(line)
                continue
            after_blank = block_start is None
            if after_blank:
                block_start = line
            item = LIST_ITEM.match(line)
            indent = len(line) - len(line.lstrip(" "))
            if item and not items:
                if indent >= LEVEL:
                    pass  # a code block
                elif after_blank:
                    items.append(item.end())
                elif STARTS_A_LIST_UNDER_TEXT.match(line) and not (
                    # Raw HTML, tables and code are left as written.
                    block_start.startswith(("<", "|", " ")) or LIST_ITEM.match(block_start)
                ):
                    result.append("")
                    block_start = line
                    items.append(item.end())
            elif item or (items and after_blank):
                while items and indent < items[-1]:
                    items.pop()  # the line is not in this item: the item is over
                if item:
                    line = " " * (LEVEL * len(items)) + line[indent:]
                    items.append(item.end())
                elif items and indent < LEVEL * len(items):
                    line = " " * (LEVEL * len(items)) + line[indent:]
            result.append(line)
        return result


# What one inline processor finds (one for all, as each processor is one more pass over
# every text of every post): « ~~barré~~ » and « ==surligné== », whose text starts and
# ends with something other than a space, « ~ » or « = » (« a == b » and a line of
# « ===== » are left as written); a backslash ending a line (not the post's last one).
# (Three alternatives each starting with its own characters: Python's search skips what
# cannot start one; a group around « ~~|== » made it five times slower.)
STRUCK_HIGHLIGHTED_OR_LINE_BREAK = (
    r"~~(?=[^\s~=])(.+?)(?<=[^\s~=])~~|==(?=[^\s~=])(.+?)(?<=[^\s~=])==|\\\n"
)


# Where one may start: a « ~~ » or « == » before its text, a backslash ending a line.
MAY_START = re.compile(r"~~(?=[^\s~=])|==(?=[^\s~=])|\\\n")
# The last « ~~ » (or « == ») of a text that may end one: the text before it ends with
# something other than a space, « ~ » or « = ».
LAST_END = {mark: re.compile(rf".*(?<=[^\s~=]){mark}{mark}", re.DOTALL) for mark in "~="}


class FoundWithoutReadingTwice:
    """The matches of STRUCK_HIGHLIGHTED_OR_LINE_BREAK, as its own finditer finds them.

    Searched for as it is, the expression read, from each « ~~ » never closed (a « ~~ »
    before a space), the rest of the text to find its end, and each next one again: 20 000
    « ~~a » took 9.5 s (10 000: 2.8 s). A « ~~ » is closed if and only if a « ~~ » that may
    end it comes later in the text: here the last such one is found once, and a « ~~ »
    after it is skipped. Python-Markdown searches again after each match, from the end
    of the match, the rest of the text unchanged: the last end of that rest, found once,
    is kept as long as the rest is the same (in « ==a== ~~b » written 10 000 times, each
    search found the next « ~~b » and read to the end again: 6.9 s)."""

    def __init__(self, compiled):
        self.compiled = compiled
        # For « ~ » and « = »: the end of a text looked at, and the place in it of its
        # last mark that may end one (not counting one at its very start), or -1.
        self.looked_at = {}

    def finditer(self, text, position=0):
        # Most texts hold none of these (a generator for each cost 2% of Markdown's time).
        if "~~" not in text and "==" not in text and "\\\n" not in text:
            return iter(())
        return self._found(text, position)

    def _found(self, text, position):
        last_end = {}  # in this text, for « ~ » and « = »
        while found := MAY_START.search(text, position):
            at = found.start()
            mark = text[at]
            if mark != "\\" and mark not in last_end:
                last_end[mark] = self._last_end(mark, text, at + 2)
            if mark == "\\" or last_end[mark] > at + 2:
                match = self.compiled.match(text, at)
                yield match
                position = match.end()
            else:
                position = at + 1

    def _last_end(self, mark, text, start):
        """The place in `text` of its last « ~~ » (or « == ») after `start` that may end
        one, or -1. (Telling the rest is the one looked at compares as many characters as
        Python-Markdown copies, after each match, to put its placeholder in the text.)"""
        rest = text[start:]
        seen, last = self.looked_at.get(mark, ("", -1))
        skipped = len(seen) - len(rest)
        if skipped < 0 or not seen.endswith(rest):
            found = LAST_END[mark].match(rest, 1)
            seen, last, skipped = rest, found.end() - 2 if found else -1, 0
            self.looked_at[mark] = (seen, last)
        return start + last - skipped if last - skipped >= 1 else -1


class StruckHighlightedOrLineBreak(InlineProcessor):
    def __init__(self, md):
        super().__init__(STRUCK_HIGHLIGHTED_OR_LINE_BREAK, md)
        self.found = FoundWithoutReadingTwice(self.compiled_re)

    def getCompiledRegExp(self):  # noqa: N802 (Python-Markdown's name)
        return self.found

    def handleMatch(self, match, data):
        if match[1] is not None:
            element = etree.Element("del")
        elif match[2] is not None:
            element = etree.Element("mark")
        else:
            return etree.Element("br"), match.start(), match.end()
        # Formatting in it (« ==**très**== ») is read after.
        element.text = match[1] if match[1] is not None else match[2]
        return element, match.start(), match.end()


# An address written as it is in the text; Python-Markdown's placeholders (\x02…\x03, for
# raw HTML) end it.
BARE_ADDRESS = r"https?://[^\s<>\"\x02\x03]+"
# What may not come right before it: a word's letter (« xhttps:// ») or what puts it in
# HTML (« ="https:// », « <a href=…>https:// »). Looked at in handleMatch: the
# same test in the pattern, before the letters it starts with, made Python search four
# times slower.
NOT_BEFORE_AN_ADDRESS = "/\"'=&>"
# What ends a sentence, not the address: « (voir https://exemple.fr). »
AFTER_AN_ADDRESS = ".,;:!?»’'*_"


ADDRESS_AS_TYPED = "address-as-typed"


class BareAddress(InlineProcessor):
    """« https://exemple.fr/atelier » as a link to itself."""

    # Not inside a link's text (« [https://exemple.fr](https://exemple.fr) »).
    ANCESTOR_EXCLUDES = ("a",)

    def handleMatch(self, match, data):
        start = match.start()
        if start and (data[start - 1].isalnum() or data[start - 1] in NOT_BEFORE_AN_ADDRESS):
            return None, None, None
        address = match[0]
        end = len(address)
        # « (https://fr.wikipedia.org/wiki/Coaching_(sport)) »: one « ) » is its own. The
        # brackets counted once (counted again for each « ) » let go, an address ending
        # with 20 000 took 0.13 s, 80 000 2 s).
        opened, closed = address.count("("), address.count(")")
        while end:
            if address[end - 1] == ")" and opened < closed:
                closed -= 1
            elif address[end - 1] not in AFTER_AN_ADDRESS:
                break
            end -= 1
        # Its class: paper shows each link's address after its text (the theme's print
        # rules), which this link's text is already.
        link = etree.Element("a", {"href": address[:end], "class": ADDRESS_AS_TYPED})
        link.text = AtomicString(address[:end])
        return link, start, start + end


# A task's box at the start of a list item, and what shows it.
TASK_BOX = re.compile(r"\[([ xX])\] ")
BOXES = {" ": "\u2610 ", "x": "\u2611 ", "X": "\u2611 "}


class TaskBoxes(Treeprocessor):
    """« [ ] » and « [x] » at the start of a list item as ☐ and ☑."""

    def run(self, root):
        for item in root.iter("li"):
            # An item of a list with blank lines between its items has its text in a <p>.
            holder = item[0] if not item.text and len(item) and item[0].tag == "p" else item
            box = TASK_BOX.match(holder.text or "")
            if box:
                holder.text = BOXES[box[1]] + holder.text[box.end() :]


class NumberedFromItsFirstNumber(OListProcessor):
    """A numbered list starts at the number of its first item (<ol start="3">)."""

    LAZY_OL = False


class HeadingsWithASpace(HashHeaderProcessor):
    """A « # » heading has a space (or nothing) after its « # »: « #confiance » is text."""

    RE = re.compile(
        r"(?:^|\n)(?P<level>#{1,6})(?=[ \t\n]|$)(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)"
    )


# The first line of an Obsidian callout: its kind, whether it folds (+ or -), its title.
CALLOUT = re.compile(r"\[!([\w-]+)\][+-]?[ \t]*([^\n]*)(\n|$)")
# The title of a callout that has none: its kind, as the site's readers read it (the
# editors show Obsidian's and GitHub's kinds in English: « Warning » on a French page).
# Another kind is shown as written, capitalised.
KIND_TITLES = {
    "note": "Note",
    "info": "Info",
    "tip": "Astuce",
    "hint": "Astuce",
    "important": "Important",
    "warning": "Attention",
    "attention": "Attention",
    "caution": "Prudence",
    "danger": "Danger",
    "error": "Erreur",
    "bug": "Bogue",
    "example": "Exemple",
    "quote": "Citation",
    "cite": "Citation",
    "abstract": "Résumé",
    "summary": "Résumé",
    "tldr": "Résumé",
    "todo": "À faire",
    "question": "Question",
    "help": "Aide",
    "faq": "Questions",
    "success": "Réussite",
    "check": "Réussite",
    "done": "Fait",
    "failure": "Échec",
    "fail": "Échec",
    "missing": "Manquant",
}


class Callouts(Treeprocessor):
    """« > [!note] Le titre » as a quote whose first line is its title, in bold."""

    def run(self, root):
        # Python-Markdown makes one quote of two with only a blank line between: each
        # callout after the first starts a quote of its own, put after it.
        callouts_after = {}
        for quote in list(root.iter("blockquote")):
            callouts = self._split(quote)
            if callouts:
                callouts_after[quote] = callouts
        if callouts_after:
            self._put_after(root, callouts_after)

    def _split(self, quote):
        """The callouts of `quote` after its first child, taken out of it, in order; each
        callout titled."""
        starts = [
            index
            for index, child in enumerate(quote)
            if child.tag == "p" and CALLOUT.match(child.text or "")
        ]
        callouts = []
        for start in reversed([index for index in starts if index > 0]):
            callout = quote.makeelement("blockquote", {})
            callout.extend(quote[start:])
            del quote[start:]
            callouts.append(callout)
            self._title(callout[0])
        if starts and starts[0] == 0:
            self._title(quote[0])
        return callouts[::-1]

    def _put_after(self, root, callouts_after):
        """Each quote's callouts after it, in its parent: each parent's children written
        once (a quote's place looked for among them, and each callout put in, made the
        work grow with the square of the quotes: 8000 took 1.4 s more than Markdown), and
        a quote in a callout put in its new parent (it was looked for in the quote it had
        left, and the build stopped: « is not in list »)."""
        parents = [root]
        while parents:
            parent = parents.pop()
            children = []
            for child in parent:
                children.append(child)
                children += callouts_after.get(child, ())
            if len(children) > len(parent):
                parent[:] = children
            parents += children

    def _title(self, first):
        found = CALLOUT.match(first.text)
        if len(first) and not found[3]:
            # A title with formatting (« [!tip] Un **vrai** titre »): shown as written.
            first.text = found[2]
            return
        rest = first.text[found.end() :]
        strong = first.makeelement("strong", {})
        kind = found[1].casefold()
        strong.text = found[2].strip() or KIND_TITLES.get(kind, kind.capitalize())
        first.text = ""
        first.insert(0, strong)
        if rest or len(first) > 1:
            line_break = first.makeelement("br", {})
            line_break.tail = rest
            first.insert(1, line_break)


class EditorMarkdownExtension(Extension):
    def extendMarkdown(self, md):
        # After the metadata (27) and the fenced code blocks (25) are taken out of the
        # text, before raw HTML (20): neither a field nor code is read as a list.
        md.preprocessors.register(ListsAsWritten(md), "carnet_lists", 22)
        # In place of Python-Markdown's own, at its priority.
        md.parser.blockprocessors.register(NumberedFromItsFirstNumber(md.parser), "olist", 40)
        md.parser.blockprocessors.register(HeadingsWithASpace(md.parser), "hashheader", 70)
        # After code (190), backslash escapes (180), links (160) and raw HTML (90):
        # « `~~` », « \\~~ », an address or a tag's attribute with « == » are left as
        # written. (Python-Markdown's escapes leave a backslash ending a line alone.)
        md.ESCAPED_CHARS.extend(["~", "="])
        md.inlinePatterns.register(
            StruckHighlightedOrLineBreak(md),
            "carnet_struck_highlighted_line_break",
            85,
        )
        # After links (160) and « <https://…> » (120).
        md.inlinePatterns.register(BareAddress(BARE_ADDRESS, md), "carnet_bare_address", 115)
        # After the inline patterns (20), which leave « [ ] » and « [x] » as text.
        md.treeprocessors.register(TaskBoxes(md), "carnet_task_boxes", 15)
        md.treeprocessors.register(Callouts(md), "carnet_callouts", 14)


def makeExtension(**kwargs):  # noqa: N802 (the name Markdown looks for)
    return EditorMarkdownExtension(**kwargs)
