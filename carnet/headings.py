"""A Markdown extension (pelicanconf.py's MARKDOWN): a post's headings under its title.

The page's one <h1> is the post's title. A text written with `#` headings (as Obsidian or
Typora write a note) has each heading moved one level down: `#` is an <h2>, `##` an
<h3>… (an <h6> stays one). A text whose headings start at `##` is left as it is."""

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

LEVELS = ("h1", "h2", "h3", "h4", "h5", "h6")


class HeadingsUnderTheTitle(Treeprocessor):
    def run(self, root):
        headings = [element for element in root.iter() if element.tag in LEVELS]
        if any(heading.tag == "h1" for heading in headings):
            for heading in headings:
                heading.tag = LEVELS[min(LEVELS.index(heading.tag) + 1, len(LEVELS) - 1)]


class HeadingsExtension(Extension):
    def extendMarkdown(self, md):
        # After the inline patterns (20): the tree holds every heading by then.
        md.treeprocessors.register(HeadingsUnderTheTitle(md), "carnet_headings", 5)


def makeExtension(**kwargs):  # noqa: N802 (the name Markdown looks for)
    return HeadingsExtension(**kwargs)
