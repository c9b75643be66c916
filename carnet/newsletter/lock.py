"""One run at a time: a second one waits, then gives up clearly.

An flock on a file under .carnet/ (newsletter.lock for the newsletter, publish.lock for
the whole of `invoke publish`). The kernel releases it when the process ends, even
when it is killed, so a crash never leaves a stale lock behind.
"""

import fcntl
import os
import time
from contextlib import contextmanager

from carnet import console
from carnet.i18n import N_, _
from carnet.newsletter.errors import NewsletterError


class Busy(NewsletterError):
    """Another run held the lock for longer than we were willing to wait."""


NEWSLETTER_WAITING = N_("Another publish ({holder}) is sending the newsletter; waiting for it…")
NEWSLETTER_BUSY = N_(
    "Another publish ({holder}) is still sending the newsletter; this one sent nothing. "
    "Publish again when it has finished."
)


@contextmanager
def hold(path, wait, waiting=NEWSLETTER_WAITING, busy=NEWSLETTER_BUSY):
    """Hold the lock at `path` for the `with` block; wait at most `wait` seconds for it.

    `waiting` is said once when another process holds it, `busy` is the Busy error's
    message when the wait is over; {holder} in them names that process."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        _acquire(handle, wait, waiting, busy)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _acquire(handle, wait, waiting, busy):
    deadline = time.monotonic() + wait
    said_so = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = _holder(handle)
            if time.monotonic() >= deadline:
                raise Busy(_(busy).format(holder=holder)) from None
            if not said_so:
                console.step(_(waiting).format(holder=holder))
                said_so = True
            time.sleep(0.2)


def _holder(handle):
    handle.seek(0)
    pid = handle.read().strip()
    return _("process {pid}").format(pid=pid) if pid else _("another process")
