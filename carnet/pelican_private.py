"""Every use Carnet makes of Pelican's private API (issue 15 gathers them all here).

This branch needs one: a post's HTML before Pelican resolves its links.
"""


def html_before_links(content):
    """The HTML the reader produced for `content` (Content._content): `{static}` links
    still name the file they point to."""
    return content._content or ""
