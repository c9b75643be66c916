"""What Carnet wrote in output/, so that no task deletes a file there Carnet did not write.

A production build empties output/ first (Pelican's DELETE_OUTPUT_DIRECTORY), a
development build removes the files it did not write (plugin page_reuse), `invoke publish`
without a deploy target replaces output/ with the site it built, `invoke clean` deletes it:
a file the coach put there herself (a CNAME, notes) was lost without a word. The tasks now
record, in RECORD under .carnet/, every file output/ holds once they have written it; before
they write output/ again, a file missing from the record stops them with one line.

Known without a record: what OUTPUT_RETENTION keeps (Pelican's setting: names directly in
output/, kept by every build), and pagefind/, the search index, which Pagefind writes
afresh whenever `serve` finds it older than the site.

While a task writes output/, the record says so (`complete` false): a task stopped half-way
(an error, Ctrl-C) leaves files of its own the record does not list yet, and the next task
trusts what it finds, as it does in a project whose output/ was built before Carnet kept a
record.
"""

import json
import math
import os
from contextlib import contextmanager

from carnet.files import write_atomically
from carnet.i18n import N_
from carnet.newsletter import lock

RECORD = "output-record.json"
# Held by whichever task writes output/ (a build, `clean`, publish moving its site there).
LOCK = "output.lock"
WAITING = N_("Another task ({holder}) is writing output/; waiting for it to finish…")
SEARCH_INDEX = "pagefind"


def _record_path(carnet_folder):
    return os.path.join(carnet_folder, RECORD)


def files_in(folder):
    """The path of every file (or link) under `folder`, relative to it, with « / »; links
    to folders are not followed."""
    found = set()
    pending = [""]
    while pending:
        relative = pending.pop()
        try:
            entries = list(os.scandir(os.path.join(folder, relative)))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            path = f"{relative}/{entry.name}" if relative else entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append(path)
            else:
                found.add(path)
    return found


def _recorded(carnet_folder):
    """The files recorded, or None when the record does not vouch for output/ (none yet,
    a task stopped while writing it, a record that cannot be read)."""
    try:
        with open(_record_path(carnet_folder), encoding="utf-8") as handle:
            record = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("complete") is not True:
        return None
    return set(record.get("files") or ())


def not_written_by_carnet(output, carnet_folder, retention=()):
    """The files in `output` no task of Carnet wrote, sorted; [] when there is no complete
    record to compare with."""
    recorded = _recorded(carnet_folder)
    if recorded is None:
        return []
    kept = {SEARCH_INDEX, *(retention or ())}
    return sorted(path for path in files_in(output) - recorded if not _under(path, kept))


def _under(path, names):
    """Whether `path` is one of `names` (directly in output/) or inside one."""
    return path.split("/", 1)[0] in names


@contextmanager
def only_writer(carnet_folder):
    """Hold output/'s lock for the `with` block, waiting (said once) for as long as another
    task holds it: two tasks writing output/ at once (`invoke preview` while livereload
    built) left it a mix of both sites, production pages beside development ones. A
    build takes seconds, so a task waits for it rather than stopping."""
    with lock.hold(os.path.join(carnet_folder, LOCK), math.inf, waiting=WAITING, busy=WAITING):
        yield


def writing(carnet_folder):
    """Before a task writes output/: until `written`, the record vouches for nothing."""
    write_atomically(_record_path(carnet_folder), json.dumps({"complete": False}), durable=False)


def written(output, carnet_folder, retention=()):
    """Once a task has written output/: every file it holds now is Carnet's, but for what
    `retention` keeps (the coach's: `clean` deletes it, so it must not be vouched for)."""
    files = {path for path in files_in(output) if not _under(path, retention or ())}
    record = {"complete": True, "files": sorted(files)}
    write_atomically(_record_path(carnet_folder), json.dumps(record), durable=False)


def forget(carnet_folder):
    """Once output/ is deleted: nothing to vouch for."""
    try:
        os.remove(_record_path(carnet_folder))
    except FileNotFoundError:
        pass
