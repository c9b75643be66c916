"""French typography on titles, summaries and content, with polytypo.

Narrow no-break space before ; ! ?, no-break space before : and inside « », typographic
apostrophe, ellipsis; polytypo leaves code, pre, script, attributes and URLs alone.

The readers are wrapped (rather than the finished articles changed) so that Pelican's
content cache stores the typeset text: a warm build does not pay for it again. Text is
also put in Unicode NFC first, so a title typed in NFD (as macOS writes it) is the same
text, with the same slug, as one typed in NFC.

polytypo costs about 25 ms per post, some fifteen times what Markdown costs: on a cold
build it is most of the build. So when many posts are not in the cache, they are typeset
ahead, in worker processes (one per CPU, CARNET_TYPOGRAPHY_WORKERS): a few posts ahead of
Pelican's reading, each one is converted to HTML once here and sent to a worker; when
Pelican then reads it, the reader uses the worker's result if it typeset exactly the text
the reader produced, and typesets it itself otherwise. Pelican's reading (and every warning
or error a reader logs) happens as it always does, in order; only the typesetting moves.
Only a few posts ahead, not all of them at once: the build process would hold every post
sent and every result at the same time (some 12 MB at 1000 posts).
"""

import collections
import gc
import logging
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor

from pelican import signals
from pelican.utils import file_suffix

from carnet.defaults import setting
from carnet.readers import wrap_reader_classes
from carnet.typography import typeset_html, typeset_post, typeset_text  # noqa: F401

PLAIN_TEXT_FIELDS = ("title",)
HTML_FIELDS = ("summary",)

# Below this many posts to typeset, starting the workers (~0.2 s) costs more than it saves.
MIN_POSTS_FOR_WORKERS = 16

# Posts under way in the workers, per worker: enough to keep them busy while Pelican
# reads (it converts a post to HTML some ten times faster than a worker typesets one).
POSTS_AHEAD_PER_WORKER = 4

_ahead = None  # the Ahead of the articles Pelican is reading, if workers typeset them


def _fields(metadata):
    plain = {key: metadata[key] for key in PLAIN_TEXT_FIELDS if isinstance(metadata.get(key), str)}
    html = {key: metadata[key] for key in HTML_FIELDS if isinstance(metadata.get(key), str)}
    return plain, html


def _typeset(source_path, content, metadata, locale):
    plain, html = _fields(metadata)
    result = _ahead.result(source_path, (content, plain, html)) if _ahead else None
    if result is None:
        result = typeset_post(content, plain, html, locale)
    content, plain, html = result
    metadata.update(plain)
    metadata.update(html)
    return content, metadata


def french_reader(reader_class):
    """A subclass of reader_class whose output is typeset in French."""

    class FrenchReader(reader_class):
        typesets_french = True
        untypeset_reader_class = reader_class

        def read(self, source_path):
            content, metadata = super().read(source_path)
            return _typeset(source_path, content, metadata, setting(self.settings, "CARNET_LOCALE"))

    return FrenchReader


def wrap_readers(readers):
    if setting(readers.settings, "CARNET_TYPOGRAPHY"):
        wrap_reader_classes(readers, french_reader)


def _worker_count(settings):
    wanted = setting(settings, "CARNET_TYPOGRAPHY_WORKERS")
    if wanted:
        return wanted
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _worker_context():
    # fork on Linux: a worker starts in milliseconds and, unlike spawn and forkserver (the
    # default from Python 3.14), does not import the main script again (an unguarded
    # script calling carnet.build would build once more in each worker). Elsewhere (macOS,
    # Windows), the platform's default.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _french_reader_class(reader):
    return next((c for c in type(reader).__mro__ if getattr(c, "typesets_french", False)), None)


def _posts_to_typeset(generator):
    """(path, FrenchReader class) of each post the reader cache cannot answer for."""
    settings = generator.settings
    readers = generator.readers
    found = []
    for name in generator.get_files(
        settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"]
    ):
        path = os.path.abspath(os.path.join(generator.path, name))
        french_class = _french_reader_class(readers.readers.get(file_suffix(path)))
        if french_class and readers.get_cached_data(path, (None, None))[0] is None:
            found.append((path, french_class))
    return found


class Ahead:
    """Worker processes typesetting, in order, the posts Pelican is about to read."""

    def __init__(self, settings, posts, workers):
        self.settings = settings
        self.locale = setting(settings, "CARNET_LOCALE")
        self.waiting = collections.deque(posts)  # (path, FrenchReader class), not sent yet
        self.jobs = {}  # source path -> (what was sent, future result)
        self.window = POSTS_AHEAD_PER_WORKER * workers
        self.untypeset_readers = {}
        self.pool = ProcessPoolExecutor(workers, mp_context=_worker_context())
        # The workers are forked (on the first send): the objects the build process has
        # then are shared with them until written to, and its garbage collector writes to
        # every object it examines. Frozen (as the gc documentation advises before a
        # fork), they stay shared: 9 MB less in all at 1000 posts.
        gc.freeze()

    def send(self):
        """Send posts to the workers until `window` of them are under way."""
        if not self.waiting:  # called after every read: usually nothing left to do
            return
        # The real read logs whatever is wrong with a post; this early read must not say it twice.
        logging_was_disabled = logging.root.manager.disable
        logging.disable(logging.CRITICAL)
        try:
            while self.waiting and len(self.jobs) < self.window:
                path, french_class = self.waiting.popleft()
                reader_class = french_class.untypeset_reader_class
                if reader_class not in self.untypeset_readers:
                    self.untypeset_readers[reader_class] = reader_class(self.settings)
                try:
                    content, metadata = self.untypeset_readers[reader_class].read(path)
                except Exception:  # a broken post: Pelican's own read reports it
                    continue
                sent = (content, *_fields(metadata))
                self.jobs[path] = (sent, self.pool.submit(typeset_post, *sent, self.locale))
        except Exception:  # no worker could start (e.g. inside a daemon process): typeset in line
            self.stop()
        finally:
            logging.disable(logging_was_disabled)

    def result(self, path, sent):
        """The workers' (content, plain, html) for `path` if they typeset exactly `sent`."""
        job = self.jobs.pop(path, None)
        self.send()  # the next post goes to a worker before this one is waited for
        if job is None or job[0] != sent:
            return None
        try:
            return job[1].result()
        except Exception:  # a worker died: typeset here (a polytypo error will show again)
            return None

    def stop(self):
        self.waiting.clear()
        self.jobs.clear()
        self.pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


def typeset_ahead(generator):
    """Start typesetting, in worker processes, the posts Pelican is about to read."""
    stop_workers()
    settings = generator.settings
    workers = _worker_count(settings)
    if not setting(settings, "CARNET_TYPOGRAPHY") or workers < 2:
        return
    posts = _posts_to_typeset(generator)
    if len(posts) < MIN_POSTS_FOR_WORKERS:
        return
    global _ahead
    _ahead = Ahead(settings, posts, workers)
    _ahead.send()


def stop_workers(*_signal_args):
    global _ahead
    if _ahead is not None:
        _ahead.stop()
        _ahead = None


def register():
    signals.readers_init.connect(wrap_readers)
    signals.article_generator_init.connect(typeset_ahead)
    # Every post is read by then: the workers' memory goes before the rest of the build's.
    signals.article_generator_pretaxonomy.connect(stop_workers)
    signals.article_generator_finalized.connect(stop_workers)
    signals.finalized.connect(stop_workers)
