"""A Markdown extension (pelicanconf.py's MARKDOWN): Python-Markdown in time proportional to
the text, on two kinds of text it took the square of.

- « [ » never closed. Every « [ » may start a link, an image or a reference, and
  Python-Markdown looked for the « ] » closing it character by character up to the end of
  the paragraph, once for each kind; a « [ » never closed read the whole rest of it. 64 KB
  of lines « mot [ x » took 10 s, of « <![CDATA[ » lines 47 s, and a post of 2 MB hours.
  Here, the first « [ » found never closed (or closing far away) has the rest of the text
  read once: where each « [ » after it closes is kept, for the calls that follow on the
  same text (LinkInlineProcessor.getText, replaced on each of Markdown's link patterns).
- « < » and a letter (a tag's name) with no « > » after it. Python's HTML parser
  (Python-Markdown's raw HTML reader) read each such tag to the end of the text to find
  out that it never ends, then took its « < » for a character: 36 KB of lines « mot <a x »
  took 2.5 s. Such a « < » can start no tag (each ends with « > »): it is hidden from the
  parser (UNCLOSED_MARK for the time the raw HTML is read), and the page is the same.

The pages are those Python-Markdown makes (a test compares both on texts made of every
piece these two touch).
"""

import re

from markdown.extensions import Extension
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.preprocessors import Preprocessor

BRACKET = re.compile(r"[\[\]]")
# Brackets read from a « [ » before the rest of the text is read once for all of them: a
# link's text has one or two.
NEAR = 16
# Stands for a « < » the raw HTML reader must not read: a character no text has (one that
# has it is left as it is).
UNCLOSED_MARK = "\x01"
# What Python's HTML parser reads as the start of a tag.
TAG_START = re.compile("<(?=[A-Za-z])")


class Closings:
    """Where the « [ » of a text close, for one Markdown conversion.

    `closing` maps the place of a « [ »'s text to the place of its « ] » (None: never
    closed), both counted from the end of the text: a link made before a place (the
    patterns go from the start of the text to its end) leaves what comes after it as it
    was, and so where each « [ » there closes. `text` is the text they were found in, the
    same as the one asked about for its last `known` characters."""

    def __init__(self):
        self.forget()

    def forget(self):
        self.text, self.known, self.closing = "", 0, {}

    def get_text(self, data, index):
        """As LinkInlineProcessor.getText: (the text from `index` to the « ] » that closes
        the « [ » before it, where that « ] » ends, whether there is one)."""
        from_end = len(data) - index
        if not self._knows(data, from_end):
            end = self._near_closing(data, index)
            if end is not False:
                return self._answer(data, index, end)
            self._read_the_rest(data, index)
        end = self.closing[from_end]
        return self._answer(data, index, None if end is None else len(data) - end)

    def _knows(self, data, from_end):
        if from_end > self.known or from_end not in self.closing:
            return False
        if data is not self.text:
            # Another text (a link was made before `index`): the same closings if what
            # comes after `index` is the same. Compared once a link is made, as Markdown
            # itself copies the text then.
            if not self.text.endswith(data[len(data) - from_end :]):
                return False
            self.text, self.known = data, from_end
        return True

    @staticmethod
    def _near_closing(data, index):
        """The « ] » closing the « [ » before `index` among the NEAR brackets after it
        (None: the text ends first), or False when it is farther."""
        depth = 1
        for count, bracket in enumerate(BRACKET.finditer(data, index)):
            if count == NEAR:
                return False
            depth += 1 if bracket[0] == "[" else -1
            if depth == 0:
                return bracket.start()
        return None

    def _read_the_rest(self, data, index):
        size = len(data)
        opened = [size - index]  # the « [ » before `index`
        closing = {}
        for bracket in BRACKET.finditer(data, index):
            if bracket[0] == "[":
                opened.append(size - bracket.end())
            elif opened:  # else a « ] » closing a « [ » before `index`'s: none of these
                closing[opened.pop()] = size - bracket.start()
        for place in opened:
            closing[place] = None
        self.text, self.known, self.closing = data, size - index, closing

    @staticmethod
    def _answer(data, index, end):
        if end is None:
            # Markdown's gave the rest of the text, which no pattern reads when there is no
            # « ] » (a copy of it for each « [ » was the square of the text again).
            return "", len(data), False
        return data[index:end], end + 1, True


class HideUnclosed(Preprocessor):
    """Each « < » starting a tag (a letter after it) with no « > » after it becomes
    UNCLOSED_MARK, until ShowUnclosed. The parser gave that « < » as a character and went
    on reading after it: the same as it does with the mark. (A comment, « <!-- », never
    closed is read to the end once: Python-Markdown remembers it.)"""

    hidden = False

    def run(self, lines):
        text = "\n".join(lines)
        start = text.find("<", text.rfind(">") + 1)
        if start < 0 or UNCLOSED_MARK in text:
            return lines
        self.hidden = True
        return (text[:start] + TAG_START.sub(UNCLOSED_MARK, text[start:])).split("\n")


class ShowUnclosed(Preprocessor):
    """Each UNCLOSED_MARK a « < » again: in the text, and in the raw HTML the reader kept
    aside (a block left open: « <div> » then the rest of the text)."""

    def __init__(self, md, hiding):
        super().__init__(md)
        self.hiding = hiding

    def run(self, lines):
        if not self.hiding.hidden:
            return lines
        self.hiding.hidden = False
        stash = self.md.htmlStash.rawHtmlBlocks
        for number, block in enumerate(stash):
            if isinstance(block, str):
                stash[number] = block.replace(UNCLOSED_MARK, "<")
            else:  # an element (md_in_html): its texts and attributes
                for element in block.iter():
                    for name, value in element.attrib.items():
                        element.set(name, value.replace(UNCLOSED_MARK, "<"))
                    if element.text:
                        element.text = element.text.replace(UNCLOSED_MARK, "<")
                    if element.tail:
                        element.tail = element.tail.replace(UNCLOSED_MARK, "<")
        return [line.replace(UNCLOSED_MARK, "<") for line in lines]


class LinearMarkdownExtension(Extension):
    def extendMarkdown(self, md):
        self.closings = Closings()
        for pattern in md.inlinePatterns:
            if isinstance(pattern, LinkInlineProcessor):
                pattern.getText = self.closings.get_text
        # Around the raw HTML reader (html_block, 20).
        self.hiding = HideUnclosed(md)
        md.preprocessors.register(self.hiding, "carnet_hide_unclosed", 20.5)
        md.preprocessors.register(ShowUnclosed(md, self.hiding), "carnet_show_unclosed", 19.5)
        md.registerExtension(self)  # for reset()

    def reset(self):
        # One Markdown object converts many texts (Pelican's reader: every post).
        self.closings.forget()
        self.hiding.hidden = False


def makeExtension(**kwargs):  # noqa: N802 (the name Markdown looks for)
    return LinearMarkdownExtension(**kwargs)
