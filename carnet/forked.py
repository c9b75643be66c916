"""Part of a build done in a second process: a forked copy of the build, whose result and
log lines come back to the build process.

A cold build spreads its heavy parts over two CPUs this way: reading the posts (plugin
parallel_reading) and rendering the pages (carnet/writer.py); the share images are drawn
by a fresh Python instead (carnet/card_drawer.py: it needs none of the build's memory),
which is watched here as a child (watch). The child starts as
an exact copy of the build (fork, so nothing is pickled on the way in), does its share,
and its result comes back pickled through a temporary file. What it logs is kept, not
printed, and said again by the build process when it takes the result: every warning is
reported once, by the process that reports everything else (carnet/build.py).

Only on Linux (fork), and only when the build may use two CPUs (CARNET_BUILD_PROCESSES,
and the CPUs this process may run on). Anything that goes wrong in the child comes back
as ChildFailed: the caller then does the child's share itself, so a failure reads exactly
as in a one-process build.
"""

import atexit
import gc
import logging
import os
import pickle
import sys
import tempfile
import traceback

import blinker

from carnet import libc
from carnet.defaults import setting

PROTOCOL = pickle.HIGHEST_PROTOCOL

# The children of this process whose result is not taken yet.
_children = set()

# Sent by the build process, with the build's settings, when it goes on alone on one CPU
# for a while: plugin parallel_reading sends it once the child that read the last posts has
# ended (the build then makes those posts' objects, and gets to the pages, by itself), and
# plugin share_cards starts drawing the images of the posts made so far on the other CPU.
second_cpu_free = blinker.signal("carnet.second_cpu_free")


class ChildFailed(Exception):
    """The child stopped without a result (an exception, a signal, a result that could not
    be pickled). The message says why, for a debug log: the caller redoes the work."""


def processes(settings):
    """How many processes this build may use: CARNET_BUILD_PROCESSES, at most the CPUs
    available, 1 where fork is not safe (outside Linux)."""
    if not sys.platform.startswith("linux"):
        return 1
    wanted = setting(settings, "CARNET_BUILD_PROCESSES")
    return max(1, min(wanted, len(os.sched_getaffinity(0))))


class _KeepRecords(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.NOTSET)
        self.records = []

    def emit(self, record):
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
        self.records.append((record.name, record.levelno, message))


def _keep_logs_in_child():
    """In the child: every handler of every logger removed, one that keeps the records
    added at the root (nothing is printed, nothing is written to another process's
    handlers' files)."""
    kept = _KeepRecords()
    loggers = [logging.getLogger()]
    loggers += [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
    logging.getLogger().addHandler(kept)
    return kept


class Child:
    """`work(*args)` running in a forked child; `result()` waits for it and returns what
    it returned, after logging again what it logged."""

    def __init__(self, work, *args):
        # A file without a name (deleted as soon as made, kept open by both processes): a
        # build killed with kill -9 leaves nothing behind (its child dies with it).
        self._file = tempfile.TemporaryFile(prefix="carnet-child-", suffix=".pickle")
        # The build's objects are moved out of the garbage collector's reach while a
        # child lives: its collections would otherwise touch (and so copy) every page of
        # memory the processes share.
        gc.freeze()
        libc.free_pages_back()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        parent = os.getpid()
        self._pid = os.fork()
        if self._pid == 0:  # the child
            self._run(work, args, parent)
        self._waited = False
        self._status = None  # its exit status, once it has ended
        _children.add(self)

    def _run(self, work, args, parent):
        status = 1
        try:
            libc.end_with(parent)
            kept = _keep_logs_in_child()
            try:
                payload = pickle.dumps((("done", work(*args)), kept.records), PROTOCOL)
            except BaseException:  # everything comes back to the parent as ChildFailed
                failed = ("failed", traceback.format_exc())
                payload = pickle.dumps((failed, kept.records), PROTOCOL)
            self._file.write(payload)
            self._file.flush()
            status = 0
        finally:
            # No atexit handler, no flush of buffers the parent owns, no finally clause of
            # the parent's frames: the child leaves here.
            os._exit(status)

    def done(self):
        """Whether the child has ended (its result is still to be taken), without waiting."""
        if self._status is None and not self._waited:
            try:
                pid, status = os.waitpid(self._pid, os.WNOHANG)
            except ChildProcessError:  # not this process's child: result() will say so
                return True
            if pid:
                self._status = status
        return self._status is not None

    def result(self):
        try:
            if self._status is None:
                _pid, self._status = os.waitpid(self._pid, 0)
            self._waited = True
            status = self._status
            if status != 0:
                raise ChildFailed(f"the child process ended with status {status}")
            self._file.seek(0)  # where the child's writing left the file's shared offset
            (kind, value), records = pickle.load(self._file)
        except (OSError, EOFError, pickle.UnpicklingError) as error:
            raise ChildFailed(f"the child's result could not be read: {error}") from error
        finally:
            self._clean_up()
        for name, level, message in records:
            logging.getLogger(name).log(level, "%s", message)
        if kind == "failed":
            raise ChildFailed(value)
        return value

    def stop(self):
        """End the child without its result (the build failed before it needed it)."""
        if not self._waited:
            try:
                if self._status is None:
                    os.kill(self._pid, 9)
                    os.waitpid(self._pid, 0)
            except OSError:
                pass
            self._waited = True
        self._clean_up()

    def _clean_up(self):
        forget(self)
        self._file.close()


def watch(helper):
    """Count `helper`, a process of the build's that is not a fork of it (plugin
    share_cards' drawer), among its children: at work (another_child_working), stopped with
    them (stop_unfinished). It has done(), stop(), and calls forget() once ended."""
    _children.add(helper)


def forget(child):
    """`child` has ended (Child._clean_up, and a watched helper's)."""
    _children.discard(child)
    if not _children:  # the last child of those alive together (see Child.__init__)
        gc.unfreeze()


def stop_unfinished():
    """End every child of this process whose result was not taken: the children of a build
    that stopped half-way (an error), when the next build starts or the process ends."""
    for child in list(_children):
        child.stop()


atexit.register(stop_unfinished)


def another_child_working():
    """Whether a child of this process is still at work: its CPU is taken (the build renders
    pages itself meanwhile, instead of forking a third process)."""
    return any(not child.done() for child in list(_children))
