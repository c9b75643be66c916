"""Titles are plain text, in feeds too.

Pages escape titles through Jinja's autoescape (JINJA_ENVIRONMENT in pelicanconf.py).
Pelican's feed writer, though, treats a title as HTML and strips anything like a tag, so
« Le <body> & moi » would lose its <body>. This writer escapes the title first; Pelican's
strip-and-unescape then gives back the exact text, which the feed library escapes as XML.
No-break spaces travel as character references, since the strip step folds every Unicode
space into a plain one and French typography would be lost.
"""

from markupsafe import escape
from pelican import signals
from pelican.writers import Writer

from carnet.dates import long_date
from carnet.feeds import writes_feeds

KEEP_SPACES = str.maketrans({"\u202f": "&#8239;", "\u00a0": "&#160;"})


class PlainTitleWriter(Writer):
    def _add_item_to_the_feed(self, feed, item):
        # The article itself, its title swapped for the time of the call, not a copy of
        # it: Pelican memoizes get_content and get_summary per object for the whole build,
        # so each copy kept a second copy of its post's HTML (700 feed items: over 7 MB).
        title = item.title
        item.title = str(escape(title)).translate(KEEP_SPACES)
        # The post's date heads its text in the feed, in the site's words (carnet.dates).
        dated = f'<p><time datetime="{item.date:%Y-%m-%d}">{long_date(item.date, self.settings)}</time></p>\n'
        get_content = item.get_content
        item.get_content = lambda siteurl: dated + get_content(siteurl)
        try:
            return super()._add_item_to_the_feed(feed, item)
        finally:
            item.title = title
            del item.get_content


def use_plain_title_writer(pelican_object):
    # Pelican uses one writer: with no feed to write, leave the place to plugin page_reuse.
    return PlainTitleWriter if writes_feeds(pelican_object.settings) else None


def register():
    signals.get_writer.connect(use_plain_title_writer)
