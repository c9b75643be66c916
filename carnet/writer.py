"""The one writer of every Carnet build.

Pelican takes a single writer class (signal get_writer, connected once, by plugin
carnet_wiring). Two plugins need to change how files are written, so both live in this
one class instead of competing for the slot:

- feeds: `write_feed`, a public method of Pelican's Writer, is written with feedgen
  (carnet/feeds.py: plain-text titles, full content, absolute URLs);
- page reuse: plugin page_reuse, in development builds, sets `CarnetWriter.pages` for the
  length of a build; a page it keeps is neither rendered nor written
  (carnet.pelican_private.WriterKeepingFiles).
"""

from carnet import feeds
from carnet.pelican_private import WriterKeepingFiles


class CarnetWriter(WriterKeepingFiles):
    # Plugin page_reuse's PageReuse for the current build, or None: `render(template,
    # localcontext, site_context)` and `kept_paths`.
    pages = None

    def keeps(self, path):
        return self.pages is not None and path in self.pages.kept_paths

    def write_file(self, name, template, context, *args, **kwargs):
        if self.pages is not None:
            template = _ReusableTemplate(template, self.pages, context)
        return super().write_file(name, template, context, *args, **kwargs)

    def write_feed(
        self,
        elements,
        context,
        path=None,
        url=None,
        feed_type="atom",
        override_output=False,
        feed_title=None,
    ):
        if not path:  # Pelican's writer returns the feed object without writing it
            return super().write_feed(
                elements, context, path, url, feed_type, override_output, feed_title
            )
        return feeds.write_feed(self, elements, context, path, url, feed_type, feed_title)


class _ReusableTemplate:
    """Stands in for a Jinja template in Pelican's Writer: render() may keep the old page."""

    def __init__(self, template, pages, site_context):
        self.template = template
        self.pages = pages
        self.site_context = site_context

    def render(self, localcontext):
        return self.pages.render(self.template, localcontext, self.site_context)
