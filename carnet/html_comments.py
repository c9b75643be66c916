"""A Markdown extension (pelicanconf.py's MARKDOWN): a post's HTML comments are not published.

A note a coach leaves herself in a post (« <!-- prix à revoir --> »), which her Markdown
editor's preview hides, as the site's page does, was in the page's source, the summaries of
the lists, the feeds and the e-mail, for anyone to read. Each comment is left out of the HTML
Markdown writes; a comment in code is text (« &lt;!-- »), and stays. A comment left open
(no « --> ») is left as it is: it hides the rest of the post, and only the coach can say
where it was meant to end.
"""

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor

from carnet.links import HTML_COMMENT


def _closed_comment_left_out(match):
    return "" if match[0].endswith("-->") else match[0]


class CommentsLeftOut(Postprocessor):
    def run(self, text):
        if "<!--" not in text:
            return text
        return HTML_COMMENT.sub(_closed_comment_left_out, text)


class HtmlCommentsExtension(Extension):
    def extendMarkdown(self, md):
        # After raw HTML is put back in the text (30): the comments are there by then.
        md.postprocessors.register(CommentsLeftOut(md), "carnet_html_comments", 5)


def makeExtension(**kwargs):  # noqa: N802 (the name Markdown looks for)
    return HtmlCommentsExtension(**kwargs)
