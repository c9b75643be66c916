"""The one writer of every Carnet build.

Pelican takes a single writer class (signal get_writer, connected once, by plugin
carnet_wiring). Several needs change how files are written, so they all live in this one
class instead of competing for the slot:

- feeds: `write_feed`, a public method of Pelican's Writer, is written with feedgen
  (carnet/feeds.py: plain-text titles, full content, absolute URLs);
- page reuse: plugin page_reuse, in development builds, sets `CarnetWriter.pages` for the
  length of a build; a page it keeps is neither rendered nor written
  (carnet.pelican_private.WriterKeepingFiles);
- pages rendered in two processes: in a build without page reuse that may use two
  processes (carnet.forked.processes), the pages a generator asks for are recorded, and
  rendered when its generate_output returns (`pages_rendered_at_end`, put around each
  generator by plugin carnet_wiring), half of them in a forked child.

Recording a page keeps everything else where Pelican has it: the page's context is made
by Pelican's own write_file, pagination included; Pelican's rule of one page per file is
applied when the page is asked for (carnet.pelican_private.claim_output_file), so a second
page for one file is refused exactly where Pelican refuses it; the « Writing » log line and
signal content_written come at the same moment as in a one-process build (no Carnet plugin
receives content_written). Only the rendering and the file's writing come later, before
the next generator starts and before signal finalized, whose receivers read the output.
Nothing between the two changes what a page reads: its context is Pelican's copy of the
site's context, and Carnet's plugins change the posts and lists before the output starts.
"""

import contextlib
import logging
import os

from carnet import feeds, files, forked
from carnet.pelican_private import WriterKeepingFiles, claim_output_file

logger = logging.getLogger(__name__)


# Fewer pages than this (a site's few pages, a plugin's page or two) are rendered in the
# build's process: not worth a second process (a page takes about 1.5 ms to render).
FORK_FROM = 16


class CarnetWriter(WriterKeepingFiles):
    # Plugin page_reuse's PageReuse for the current build, or None: `render(template,
    # localcontext, site_context)` and `kept_paths`.
    pages = None

    # While a generator's output is made in a build rendering in two processes: the
    # pages it asked for, in order (RecordedPage), else None.
    recorded = None
    recorded_paths = None  # the RecordedPage last asked for each file
    last_context_copy = None  # (a context write_file was given, a copy of it)
    # The page write_file is making between its template's render and its _open_w.
    asked_page = None

    def context_copy(self, context):
        """A copy of `context` as it is now: the last one made, if it is still equal
        (value for value, the same objects), else a new one."""
        kept = self.last_context_copy
        if kept is not None and kept[0] is context:
            copy = kept[1]
            if len(copy) == len(context) and all(
                copy.get(key, _MISSING) is value for key, value in context.items()
            ):
                return copy
        copy = context.copy()
        self.last_context_copy = (context, copy)
        return copy

    def keeps(self, path):
        return self.pages is not None and path in self.pages.kept_paths

    def write_file(self, name, template, context, *args, **kwargs):
        if self.pages is not None:
            template = _ReusableTemplate(template, self.pages, context)
        elif self.recorded is not None:
            self.asked_page = None
            template = _RecordingTemplate(self, template, context, name, kwargs)
        return super().write_file(name, template, context, *args, **kwargs)

    def _open_w(self, filename, encoding, override=False):
        asked, self.asked_page = self.asked_page, None
        if asked is None and self.pages is not None and not self.keeps(filename):
            # A build reusing pages writes on top of the site `invoke serve` may be
            # serving: each page is replaced once written, never served half-written.
            path = claim_output_file(self, filename, override)
            if path == os.devnull:  # a page that loses to an overriding one
                return open(path, "w", encoding=encoding)
            return files.replaced_when_written(path, encoding)
        if asked is None:
            return super()._open_w(filename, encoding, override)
        asked.path = claim_output_file(self, filename, override)
        earlier = self.recorded_paths.get(asked.path)
        if earlier is not None and asked.path != os.devnull:
            # A page overriding an earlier one (Pelican writes both, the last one stays):
            # the earlier one is rendered but not written, as the two are written in no
            # set order by two processes.
            earlier.path = os.devnull
        self.recorded_paths[asked.path] = asked
        self.recorded.append(asked)
        return _Recorder(asked)

    @contextlib.contextmanager
    def pages_rendered_at_end(self):
        """Around a generator's generate_output: its pages are recorded, then rendered when
        it returns. If it fails, the pages it asked for before are rendered first, in
        order: a broken page among them is what a one-process build would have met first."""
        if self.pages is not None or self.recorded is not None:
            yield
            return
        if forked.processes(self.settings) < 2:
            yield
            return
        self.recorded, self.recorded_paths = [], {}
        self.last_context_copy = None
        try:
            yield
        except Exception:
            asked, self.recorded = self.recorded, None
            for page in asked:
                page.write_file()
            raise
        except BaseException:  # interrupted: nothing more is written
            self.recorded = None
            raise
        asked, self.recorded = self.recorded, None
        _render_keeping_site_address(asked)

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


class RecordedPage:
    """A page Pelican's write_file asked for: what rendering and writing it needs.

    Its context is kept as the site's context (`shared`, one copy for many pages) and what
    this page's differs in (`own`: its post, its page of a list, its address): a full copy
    per page would hold some 20 MB at 1000 posts."""

    def __init__(self, number, template, shared, own, context, name, kwargs):
        self.number = number  # its place among the pages asked for
        self.template = template
        self.shared = shared
        self.own = own
        self.context = context
        self.name = name
        self.kwargs = kwargs
        self.path = None  # set when Pelican opens it (claim_output_file)

    def write_file(self):
        # Named like Pelican's write_file, with its `name` and `kwargs` locals: a crash in a
        # template is reported with the post or file it was rendering (carnet/build.py
        # looks for them in the traceback's frames).
        name, kwargs = self.name, self.kwargs  # noqa: F841 (read from the traceback)
        localcontext = self.shared.copy()
        localcontext.update(self.own)
        # What Pelican's _write_file does right before rendering (relative URLs).
        if localcontext["localsiteurl"]:
            self.context["localsiteurl"] = localcontext["localsiteurl"]
        output = self.template.render(localcontext)
        with open(self.path, "w", encoding="utf-8") as file:
            file.write(output)


_MISSING = object()


class _RecordingTemplate:
    """Stands in for a Jinja template in Pelican's write_file: render() records the page
    (the writer's _open_w, called next, adds it to the writer's list)."""

    def __init__(self, writer, template, context, name, kwargs):
        self.writer = writer
        self.template = template
        self.context = context
        self.name = name
        self.kwargs = kwargs

    def render(self, localcontext):
        # Pelican made `localcontext` as a copy of `context` plus the page's own values.
        shared = self.writer.context_copy(self.context)
        own = {
            key: value
            for key, value in localcontext.items()
            if shared.get(key, _MISSING) is not value
        }
        number = len(self.writer.recorded)
        page = RecordedPage(
            number, self.template, shared, own, self.context, self.name, self.kwargs
        )
        self.writer.asked_page = page
        return page


class _Recorder:
    """What Pelican's write_file writes the rendered page to, while it is only recorded."""

    def __init__(self, page):
        self.page = page

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def write(self, output):
        if output is not self.page:
            raise RuntimeError("a recorded page was written something else")


def _write_in_order(pages, stop_after=None):
    """Write `pages` in order, up to number `stop_after`; the first failure is returned as
    (number, exception), not raised."""
    for page in pages:
        if stop_after is not None and page.number > stop_after:
            break
        try:
            page.write_file()
        except Exception as error:  # raised by _render, once the other half is known
            return page.number, error
    return None


def _write_share(pages):
    """In the child: its share of the pages. A failure is raised (ChildFailed in the
    build's process, which then writes these pages itself)."""
    for page in pages:
        page.write_file()
    logger.debug("%d pages rendered in a second process (%d)", len(pages), os.getpid())


def _render_keeping_site_address(pages):
    """_render, then the site address each page's context had when the last page was
    asked for: Pelican changes it page by page (relative URLs), and a post's text read
    afterwards uses it, as after a one-process build's last page."""
    addresses = {id(page.context): page.context for page in pages}
    addresses = [(context, context.get("localsiteurl", _MISSING)) for context in addresses.values()]
    try:
        _render(pages)
    finally:
        for context, address in addresses:
            if address is not _MISSING:
                context["localsiteurl"] = address


def _render(pages):
    """Render and write `pages`: every other one in a forked child, the rest here. A page
    that fails is reported as in a one-process build: the first one, in order, raises.

    While another child of the build is at work (plugin share_cards draws images ahead),
    the second CPU is taken: the build renders the first pages itself, in order, and forks
    when that child is done (three processes would share two CPUs, and hold more memory)."""
    first = 0
    while first < len(pages) and forked.another_child_working():
        pages[first].write_file()
        first += 1
    pages = pages[first:]
    if len(pages) < FORK_FROM:
        for page in pages:
            page.write_file()
        return
    child_share, own_share = pages[0::2], pages[1::2]
    child = forked.Child(_write_share, child_share)
    try:
        failure = _write_in_order(own_share)
    except BaseException:
        child.stop()
        raise
    logger.debug("%d pages rendered in the build's process", len(own_share))
    try:
        child.result()
    except forked.ChildFailed as reason:
        logger.debug("The second process did not render its pages, rendering them here: %s", reason)
        child_failure = _write_in_order(child_share, stop_after=failure and failure[0])
        if child_failure:
            failure = child_failure
    if failure:
        raise failure[1]


class _ReusableTemplate:
    """Stands in for a Jinja template in Pelican's Writer: render() may keep the old page."""

    def __init__(self, template, pages, site_context):
        self.template = template
        self.pages = pages
        self.site_context = site_context

    def render(self, localcontext):
        return self.pages.render(self.template, localcontext, self.site_context)
