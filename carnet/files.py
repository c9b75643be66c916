"""Carnet's one way to write a file: a crash leaves either the old file or the new one,
never half of it (the ledger, the manifest, the outbox, the caches). And the one line
saying which folder it may not write in, before it starts."""

import contextlib
import os
import pwd
import tempfile

from carnet.i18n import _

TEMPORARY_SUFFIX = ".carnet-tmp"
# What Carnet adds under the project folder's path, at most: a page of the site under
# .carnet/publish/run-…/site/, a share image's name in the cache, a temporary file's name.
PATH_ROOM = 512
# How much of the file's name its temporary file's keeps: with the dots, mkstemp's eight
# random characters and the suffix, at most 221 of the 255 bytes a name may have.
NAME_KEPT_BYTES = 200


def _temporary_name(path):
    """The start of the name of `path`'s temporary file, beside it: hidden, ending (with
    TEMPORARY_SUFFIX) so that git ignores one a killed process leaves (.gitignore:
    *.carnet-tmp), and no longer than a file name may be: a photo named with 240
    characters stopped the build."""
    return "." + os.path.basename(path).encode("utf-8")[:NAME_KEPT_BYTES].decode("utf-8", "ignore")


def write_atomically(path, data, durable=True):
    """Write `data` to `path`: str, bytes, or an iterable of either written one after the
    other (str as UTF-8). A temporary file beside it, then os.replace. durable: also fsync
    the file and the rename (the ledger and the e-mails; a cache, which the next build can
    make again, does without)."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    pieces = [data] if isinstance(data, (str, bytes)) else data
    descriptor, temporary = tempfile.mkstemp(
        dir=folder, prefix=_temporary_name(path) + ".", suffix=TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for piece in pieces:
                handle.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    if durable:
        # The rename itself must reach the disk too, or a power cut could undo it.
        folder_descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(folder_descriptor)
        finally:
            os.close(folder_descriptor)


@contextlib.contextmanager
def replaced_when_written(path, encoding):
    """open(path, "w") for a `with` block, except that `path` is replaced only once the
    block has written it all (a temporary file beside it, then os.replace): a reader of
    `path` meanwhile (`invoke serve`, while a development build rewrites the site it
    serves) gets the old file or the new one, never an empty or half-written one."""
    temporary = os.path.join(os.path.dirname(path), _temporary_name(path) + TEMPORARY_SUFFIX)
    try:
        with open(temporary, "w", encoding=encoding) as handle:
            yield handle
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise


def unwritable_folder_problem(path, project):
    """The line saying that `path`, a folder Carnet writes in (made when missing), cannot
    be written, naming the folder in the way: `path` itself or one of the folders in it
    (they are emptied or replaced: a `sudo invoke serve` leaves root's pagefind/ in
    output/, a `sudo invoke preview` root's folders in it), else the nearest folder above
    it that exists (a project folder of root's); None when this user may write there.
    One look at each folder directly in `path`: one per post in output/, a few
    microseconds each. `project`: where the folder is named from."""
    existing = os.path.abspath(path)
    while not os.path.lexists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        return None  # a file in the way is the caller's to say (and a build fails on it)
    blocking = None if _writable(existing) else existing
    if blocking is None and existing == os.path.abspath(path):
        with os.scandir(existing) as entries:
            blocking = next(
                (
                    entry.path
                    for entry in entries
                    if entry.is_dir(follow_symlinks=False) and not _writable(entry.path)
                ),
                None,
            )
    if blocking is None:
        return None
    shown = os.path.relpath(blocking, project)
    if shown == os.curdir or shown.startswith(os.pardir):
        shown = blocking
    return _(
        "{folder}/ cannot be written: Carnet is not allowed to write there; give yourself the "
        "right to write in it (for a folder made with sudo: sudo chown -R $USER {folder}), "
        "then run this again"
    ).format(folder=shown.rstrip(os.sep))


def _writable(folder):
    return os.access(folder, os.W_OK | os.X_OK)


def project_folder_problem(project):
    """The line saying that the project folder's path cannot hold the site's files, or
    None: a path that is not UTF-8 text (a folder named on another system: the build,
    whose caches and manifest are UTF-8, stopped on it with « surrogates not allowed »),
    or one so long that a file of the site would pass the longest path the system takes
    (posts said « cannot be read », a reply's post was « not found »)."""
    try:
        size = len(project.encode("utf-8"))
    except UnicodeEncodeError:
        shown = project.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return _(
            "{path}: the project folder's path is not UTF-8 text (a folder named on another "
            "system?): rename the folder whose name shows « \ufffd » by typing its name, then "
            "run this again"
        ).format(path=shown)
    try:
        limit = os.pathconf(project, "PC_PATH_MAX")
    except (OSError, ValueError):
        limit = 4096  # Linux's
    if size > limit - PATH_ROOM:
        return _(
            "the project folder's path is {length} characters long, too long for the site's "
            "files (the system takes paths of {limit} at most): move the project to a folder "
            "with a shorter path, then run this again"
        ).format(length=len(project), limit=limit)
    return None


def home_folder():
    """This user's home folder: HOME, else the system's record of the user; None without
    one. An empty or relative HOME (a cron job's, a service's) is none: ~ read through it
    was the root folder (a deploy target ~/www was /www)."""
    home = os.environ.get("HOME", "")
    if os.path.isabs(home):
        return home
    try:
        return pwd.getpwuid(os.getuid()).pw_dir
    except KeyError:  # a user the system does not list (a container's)
        return None


def expand_home(path):
    """os.path.expanduser, with the home folder of home_folder()."""
    home = home_folder()
    if home and (path == "~" or path.startswith("~" + os.sep)):
        return home + path[1:]
    return os.path.expanduser(path)
