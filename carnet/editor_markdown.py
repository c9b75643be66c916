"""A Markdown extension (pelicanconf.py's MARKDOWN): Markdown as the coach's editor shows it.

Obsidian, Typora, iA Writer and Notion read Markdown as CommonMark does; Python-Markdown,
which reads the posts, reads some of what they write otherwise, and the page showed what
the coach had not seen in her editor:

- a list right under a paragraph's line, with no blank line between (« Mes trois
  conseils : » then « - un »), was one paragraph with its dashes as typed.

Each processor here does one line's or one element's work, nothing for a post without
what it looks for.
"""

import re

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

# A line that starts a list item for Python-Markdown (« - », « * », « + », « 1. »), and
# the one that CommonMark lets start a list under a paragraph's line (a bullet, or « 1. »).
LIST_ITEM = re.compile(r"( {0,3})(?:[-*+]|\d+\.) +\S")
STARTS_A_LIST_UNDER_TEXT = re.compile(r" {0,3}(?:[-*+]|1\.) +\S")


class ListsUnderAParagraph(Preprocessor):
    """A blank line before a list written right under a paragraph's line."""

    def run(self, lines):
        result = []
        in_list = False  # the current block (since the last blank line) is a list
        block_start = None  # the first line of the current block
        for line in lines:
            if not line.strip():
                block_start = None
            elif block_start is None:
                block_start = line
                in_list = bool(LIST_ITEM.match(line)) or line.startswith(" ")
            elif (
                not in_list
                and STARTS_A_LIST_UNDER_TEXT.match(line)
                # Raw HTML and tables are left as written.
                and not block_start.startswith(("<", "|"))
            ):
                result.append("")
                block_start = line
                in_list = True
            result.append(line)
        return result


class EditorMarkdownExtension(Extension):
    def extendMarkdown(self, md):
        # After the metadata (27) and the fenced code blocks (25) are taken out of the
        # text, before raw HTML (20): neither a field nor code is read as a list.
        md.preprocessors.register(ListsUnderAParagraph(md), "carnet_lists_under_text", 22)


def makeExtension(**kwargs):  # noqa: N802 (the name Markdown looks for)
    return EditorMarkdownExtension(**kwargs)
