"""A cold build reads its posts in two processes: a forked child (carnet/forked.py) reads
the last part of the list while the build reads the first.

Reading (Markdown, YAML, the checks of plugin content_checks, French typography, word
counts) is more than half of a cold build. When Pelican asks for the first post to read,
this plugin lists the posts as Pelican will read them, keeps those the readers' cache does
not have (a warm build with one edited post starts nothing; a post the cache has in an
older version is not looked at, so as to hash no file here: the build reads it itself),
and, when there are enough,
forks a child that reads the last part of the list (about half of the bytes) exactly as
Pelican reads a post missing from its cache (carnet/pelican_private.py). When Pelican
reaches the first of those posts, the build takes the child's result and serves each post
from it through the readers' get_cached_data, the point where Pelican would otherwise
read the file: the rest of read_file (metadata, signals, the post itself) runs in the
build as usual, and the post goes into the readers' cache as if read here.

Nothing logged in the child while reading a post is said by the child: the lines come
back with the post, and are said when Pelican reaches it, between the same get_cached_data
and cache_data as in a one-process build (so plugin content_cache keeps them with the post
for warm builds). A post the child could not read (an error) is not in its result: the
build reads it itself and reports it as a one-process build does. If the child fails as a
whole (forked.ChildFailed), the build reads every post itself.
"""

import io
import logging
import os
import pickle
import time

from pelican import signals

from carnet import forked
from carnet.pelican_private import (
    article_files,
    cache_as_read,
    file_stamp,
    full_path,
    in_readers_cache,
    read_like_read_file,
    reader_of,
)

logger = logging.getLogger(__name__)

# Below this many posts per process, the fork and the result's trip cost more than the
# reading they would save (reading a post takes a few milliseconds).
MIN_POSTS_PER_PROCESS = 20
# The part of the bytes to read the build keeps: besides reading, it makes each post
# (metadata, signals, Content) for both parts, and takes in the child's result.
BUILD_SHARE = 0.47

# An attribute of the readers (Pelican's Readers) of the articles generator: this
# plugin's state for one build.
STATE = "carnet_parallel_reading"


class _PerPost(logging.Filter):
    """In the child, on the handler forked.py keeps the records with: what is logged while
    a post is read goes with the post instead. A record with a traceback (its exception
    is gone) or in one of Pelican's groups of limited messages (counted in the child)
    cannot be said again as it was: the post is then left to the build."""

    def __init__(self):
        super().__init__()
        self.records = None  # a list while a post is read
        self.exact = True

    def filter(self, record):
        if self.records is None:
            return True
        if record.exc_info or record.stack_info or "limit_msg" in record.__dict__:
            self.exact = False
        self.records.append((record.name, record.levelno, record.getMessage()))
        return False


def _read_in_child(readers, paths):
    """Run in the child: {path: (content, metadata, lines logged, the file's stamp before
    it was read)} for each post read without an error, pickled with the build's settings
    left out (the build puts its own back: categories, tags and authors keep the settings
    object of a one-process build)."""
    per_post = _PerPost()
    for handler in logging.getLogger().handlers:
        handler.addFilter(per_post)
    read = {}
    for path in paths:
        per_post.records, per_post.exact = [], True
        try:
            # Taken first: the build caches the post under it, so a file saved again
            # while it was read is read again by the next build.
            stamp = file_stamp(readers, path)
            content, metadata = read_like_read_file(readers, path)
        except Exception:  # the build reads it again, and says what is wrong
            continue
        finally:
            records, per_post.records = per_post.records, None
        if content is not None and per_post.exact:
            read[path] = (content, metadata, records, stamp)
    logger.debug(
        "parallel_reading: the second process (pid %d) read %d posts of %d",
        os.getpid(),
        len(read),
        len(paths),
    )
    return _dumps(read, readers.settings)


def _dumps(value, settings):
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, forked.PROTOCOL)
    pickler.persistent_id = lambda obj: "settings" if obj is settings else None
    pickler.dump(value)
    return buffer.getvalue()


def _loads(data, settings):
    unpickler = pickle.Unpickler(io.BytesIO(data))
    unpickler.persistent_load = lambda key: settings
    return unpickler.load()


class _Reading:
    """One build's child and what it read, served to Pelican through get_cached_data."""

    def __init__(self, readers, child, paths):
        self.readers = readers
        self.child = child
        self.paths = set(paths)
        self.read = None  # the child's result, once taken
        self.get_cached_data = readers.get_cached_data  # the plugins' wrappers (content_cache)
        readers.get_cached_data = self.get_cached_data_or_child_read

    def take_result(self):
        if self.read is None:
            started = time.perf_counter()
            try:
                self.read = _loads(self.child.result(), self.readers.settings)
                logger.debug(
                    "parallel_reading: the build waited %.3f s for the second process",
                    time.perf_counter() - started,
                )
            except forked.ChildFailed as failure:
                logger.debug("parallel_reading: the build reads every post itself: %s", failure)
                self.read = {}
            self.child = None
            forked.second_cpu_free.send(self.readers.settings)
        return self.read

    def get_cached_data_or_child_read(self, filename, default=None):
        if filename not in self.paths:
            return self.get_cached_data(filename, default)
        self.paths.discard(filename)
        entry = self.take_result().pop(filename, None)
        found = self.get_cached_data(filename, default)
        if entry is None or found is not default:
            return found
        # As if Pelican read the file now: what reading it logged, then cache_data (the
        # plugins' wrappers included: content_cache keeps the warnings with the post).
        content, metadata, records, stamp = entry
        logger.debug("parallel_reading: %s read by the second process", filename)
        for name, level, message in records:
            logging.getLogger(name).log(level, "%s", message)
        cache_as_read(self.readers, filename, (content, metadata), stamp)
        return content, metadata

    def stop(self):
        if self.child is not None:
            self.child.stop()
            self.child = None
        self.read = {}


def _split(paths):
    """The build's part and the child's: the child's part, at the end, has about
    1 - BUILD_SHARE of the bytes."""
    sizes = [os.path.getsize(path) for path in paths]
    target = sum(sizes) * BUILD_SHARE
    total = 0
    for index, size in enumerate(sizes):
        total += size
        if total >= target:
            cut = max(index + 1, MIN_POSTS_PER_PROCESS)
            return paths[:cut], paths[cut:]
    return paths, []


def start_reading_ahead(generator):
    """At Pelican's first article_generator_preread (before it reads the first post)."""
    readers = generator.readers
    if hasattr(readers, STATE):
        return
    setattr(readers, STATE, None)
    settings = generator.settings
    if forked.processes(settings) < 2 or settings.get("CONTENT_CACHING_LAYER") != "reader":
        return
    unread = []
    for path in article_files(generator):
        path = full_path(generator, path)
        if reader_of(readers, path) is not None and not in_readers_cache(readers, path):
            unread.append(path)
    if len(unread) < 2 * MIN_POSTS_PER_PROCESS:
        return
    _mine, childs = _split(unread)
    if len(childs) < MIN_POSTS_PER_PROCESS:
        return
    child = forked.Child(_read_in_child, readers, childs)
    setattr(readers, STATE, _Reading(readers, child, childs))
    logger.debug(
        "parallel_reading: a second process reads %d posts of %d", len(childs), len(unread)
    )


def stop_reading_ahead(generator):
    """Every post is read: a child whose result was not needed is ended."""
    reading = getattr(generator.readers, STATE, None)
    if reading is not None:
        reading.stop()


def register():
    signals.article_generator_preread.connect(start_reading_ahead)
    signals.article_generator_finalized.connect(stop_reading_ahead)
