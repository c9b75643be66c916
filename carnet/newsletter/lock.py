"""One newsletter run at a time: a second `invoke publish` waits, then gives up clearly.

An flock on .carnet/newsletter.lock. The kernel releases it when the process ends, even
when it is killed, so a crash never leaves a stale lock behind.
"""

import fcntl
import os
import time
from contextlib import contextmanager

from carnet import console
from carnet.i18n import _
from carnet.newsletter.errors import NewsletterError


class Busy(NewsletterError):
    """Another run held the lock for longer than we were willing to wait."""


@contextmanager
def hold(path, wait):
    """Hold the lock at `path` for the `with` block; wait at most `wait` seconds for it."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        _acquire(handle, wait)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _acquire(handle, wait):
    deadline = time.monotonic() + wait
    said_so = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = _holder(handle)
            if time.monotonic() >= deadline:
                raise Busy(
                    _(
                        "Another publish ({holder}) is still sending the newsletter; this one "
                        "sent nothing. Publish again when it has finished."
                    ).format(holder=holder)
                ) from None
            if not said_so:
                console.step(
                    _(
                        "Another publish ({holder}) is sending the newsletter; waiting for it…"
                    ).format(holder=holder)
                )
                said_so = True
            time.sleep(0.2)


def _holder(handle):
    handle.seek(0)
    pid = handle.read().strip()
    return f"process {pid}" if pid else "another process"
