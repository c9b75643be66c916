"""Put the built site online: a local folder, or an rsync destination.

The target is checked before anything is built (`check_target`), and a local deploy is
all or nothing (`deploy`): the new site is copied into a release folder of its own, then
one atomic rename of a symbolic link switches readers from the old site to the new one.
Where that link lives depends on whether the target's parent folder is writable:

- parent writable (the usual case): TARGET itself is the link, to
  TARGET.carnet-releases/RELEASE/; the web server serves TARGET as before.
- parent not writable (a coach's /var/www/carnet inside a root-owned /var/www), or the
  target is a mount point (which no rename can move): the releases are kept inside the
  target, TARGET/.carnet-releases/RELEASE/, and the link is
  TARGET/current; the web server must serve TARGET/current (said on every deploy).

Every folder Carnet deploys to gets a marker file, MARKER: a folder that exists, is not
empty and has no marker is somebody else's, and is never written to. Carnet removes only
releases it made (the current one and the one before it are kept), renamed first and their
marker last, so that a removal cut short by a kill is finished by the next deploy. Beside
each release it records the files it put in it: a file the coach copied into the site
online (TARGET/google1234.html) stops the next publish before it builds, instead of going
offline with the old release and being deleted with it two publishes later.

An rsync target (`[user@]host:path`) is given to rsync after `--`, with --protect-args, so
that it is never read as an option; --delay-updates puts every changed file in place at
the end of the transfer, so readers see a mixed site only for that short moment (a transfer
cut short leaves files in rsync's holding folders .~tmp~, which the next deploy removes).
"""

import contextlib
import ctypes
import ctypes.util
import errno
import fnmatch
import json
import os
import re
import shutil
import stat
import subprocess
import time
from dataclasses import dataclass

from carnet.files import expand_home, write_atomically
from carnet.i18n import N_, _
from carnet.output_record import files_in
from carnet.settings_check import QUOTES

MARKER = ".carnet-deploy"
MARKER_TEXT = "This folder is written by Carnet's `invoke publish`.\n"
RELEASES = ".carnet-releases"  # TARGET.carnet-releases/ beside, or TARGET/.carnet-releases/
CURRENT = "current"
# A release being removed is first renamed RELEASES/.carnet-removing-NAME (see _prune).
BEING_REMOVED = ".carnet-removing-"
KEEP_RELEASES = 2
# RELEASES/NAME + FILES, beside each release: the files Carnet put in it (see
# _check_release_online).
FILES = ".carnet-files.json"
# In the project's .carnet/: the files the last publish put online at each rsync target (a
# list of them online would show the addresses of hidden posts), see _check_remote_folder.
REMOTE_FILES = "deployed-files.json"
# [user@]host:path; the host is a name or an address, never an option.
REMOTE = re.compile(
    r"(?:(?P<user>[A-Za-z0-9._][A-Za-z0-9._-]*)@)?(?P<host>[A-Za-z0-9][A-Za-z0-9.-]*):(?P<path>.+)"
)
# Carnet's own folders in the project: never a deploy target.
PROJECT_FOLDERS = ("content", "theme", "plugins", "carnet", "output", ".carnet", ".git")


class DeployRefused(Exception):
    """The target is not a place Carnet may deploy to; str() says why and what to do."""


class DeployFailed(Exception):
    """The deploy did not go through; the old site is still the one online."""


@dataclass(frozen=True)
class Target:
    text: str  # as the coach wrote it
    remote: bool
    path: str  # absolute, for a local target
    inside: bool = False  # releases inside the target, served from TARGET/current

    @property
    def served(self):
        """The folder the web server must serve."""
        return os.path.join(self.path, CURRENT) if self.inside else self.path or self.text


def deploy_target(settings):
    """The target from the environment, else from the settings; '' when none is set."""
    from carnet.defaults import setting

    return os.environ.get("CARNET_DEPLOY_TARGET") or setting(settings, "CARNET_DEPLOY_TARGET")


def is_remote(target):
    # rsync's remote syntax: [user@]host:path (a Windows drive letter is not a host).
    head = target.split("/", 1)[0]
    return ":" in head and len(head.split(":", 1)[0]) > 1


# --- the checks, before anything is built ------------------------------------------------


def check_target(text, project):
    """The Target that `text` names, or DeployRefused saying why it may not be used."""
    pasted = text != text.strip() or text != text.strip(QUOTES) or re.search(r"[\r\n]", text)
    if pasted or not text:
        # Shown escaped: a line break pasted with it (export CARNET_DEPLOY_TARGET="…⏎")
        # split the line in two. Quotes kept around it (a .env file's '"/srv/carnet"') were
        # read as a folder named « "/srv » inside the project, and refused as that.
        raise DeployRefused(
            _(
                "{target} starts or ends with a space or a quote, or holds a line break; "
                "write the target alone, on one line"
            ).format(target=json.dumps(text, ensure_ascii=False))
        )
    if text.startswith("-"):
        raise DeployRefused(
            _(
                "{target} starts with « - », so rsync would read it as an option; put ssh "
                "options (a port, a key) in ~/.ssh/config under a Host name and write "
                "CARNET_DEPLOY_TARGET as host:/path"
            ).format(target=text)
        )
    if is_remote(text):
        return _remote_target(text)
    return _local_target(text, os.path.realpath(project))


def _remote_target(text):
    match = REMOTE.fullmatch(text)
    if not match or match["path"].startswith("-") or "::" in text:
        raise DeployRefused(
            _(
                "{target} is not an rsync destination of the form [user@]host:path "
                "(for example claire@carnet-de-coach.fr:/var/www/carnet)"
            ).format(target=text)
        )
    return Target(text, remote=True, path="")


def _local_target(text, project):
    path = os.path.abspath(os.path.join(project, expand_home(text)))
    # Folders above it may be links (to the project, to home): judge where it really is.
    # Its own last part may be Carnet's link to a release, judged as itself below.
    real = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
    problem = _forbidden(path, project, text) or _forbidden(real, project, text)
    if problem:
        raise DeployRefused(problem)
    if os.path.islink(path):
        if not _is_our_link(path):
            raise DeployRefused(
                _(
                    "{target} is a symbolic link Carnet did not make; set "
                    "CARNET_DEPLOY_TARGET to the folder itself"
                ).format(target=text)
            )
        _check_releases(path + RELEASES, text)
        _check_release_online(path, path + RELEASES, text)
        return Target(text, remote=False, path=path)
    if os.path.exists(path) and not os.path.isdir(path):
        raise DeployRefused(
            _("{target} is a file, not a folder; choose a folder to deploy to").format(target=text)
        )
    if os.path.isdir(path) and not _ours_or_empty(path):
        raise DeployRefused(
            _(
                "{target} is not empty and was not made by Carnet (it has no {marker} "
                "file); nothing in it was touched. Choose an empty or new folder"
            ).format(target=text, marker=MARKER)
        )
    parent = os.path.dirname(path)
    if not os.path.lexists(parent):
        # Most often a typo (/var/wwww/carnet): said as such, not as a folder to ask for.
        raise DeployRefused(
            _(
                "{target}: its folder {parent} does not exist; correct CARNET_DEPLOY_TARGET, "
                "or make the folder (mkdir -p {parent}), then publish again"
            ).format(target=text, parent=parent)
        )
    # A mount point cannot be renamed, so it cannot become the link: keep the releases
    # inside it, as when its parent folder is not writable.
    inside = (
        os.path.islink(os.path.join(path, CURRENT))
        or not _writable(os.path.dirname(path))
        or os.path.ismount(path)
    )
    _check_releases(os.path.join(path, RELEASES) if inside else path + RELEASES, text)
    if inside and not os.path.isdir(path):
        raise DeployRefused(
            _(
                "{target} does not exist and its folder {parent} is not writable: ask for "
                "{target} to be created for you, then publish again"
            ).format(target=text, parent=os.path.dirname(path))
        )
    if inside and not _inside_layout_or_empty(path):
        raise DeployRefused(
            _(
                "{target} holds an earlier Carnet deploy and its folder {parent} is not "
                "writable, so it cannot be switched atomically; empty it, then publish "
                "again (the site will be served from {target}/current)"
            ).format(target=text, parent=os.path.dirname(path))
        )
    if inside:
        _check_release_online(
            os.path.join(path, CURRENT), os.path.join(path, RELEASES), os.path.join(text, CURRENT)
        )
    return Target(text, remote=False, path=path, inside=inside)


def _check_release_online(link, releases, shown):
    """Refused when the release `link` points to holds a file Carnet did not put there
    (the coach copied it into the site online, `shown`): the new release would not have
    it, and the old one is removed two publishes later, the file with it. A release
    made before Carnet recorded its files is not checked."""
    if not os.path.islink(link):
        return
    name = os.path.basename(os.readlink(link))
    put_there = _recorded_files(releases, name)
    if put_there is None:
        return
    added = sorted(files_in(os.path.join(releases, name)) - put_there)
    if added:
        raise DeployRefused(
            _(
                "{path}: Carnet did not put this file online, and publishing would take it "
                "off the site (and delete it two publishes later, with the release it is "
                "in): move it into content/extra/, which every build puts online, then "
                "publish again"
            ).format(path=os.path.join(shown, added[0]))
        )


def _recorded_files(releases, name):
    """The files deploy put in releases/NAME, as recorded beside it (FILES), or None: a
    release made before Carnet recorded them, or a record that cannot be read."""
    try:
        with open(os.path.join(releases, name + FILES), encoding="utf-8") as handle:
            return set(json.load(handle))
    except (OSError, ValueError, TypeError):
        return None


def _check_releases(releases, text):
    """The releases folder gets the target's protection: deploy writes into it and prune
    deletes in it, so it must be missing, or a real folder (never a link: Carnet makes none
    there) that is empty or holds Carnet's marker."""
    if os.path.islink(releases):
        problem = _(
            "{releases}, where {target} keeps its releases, is a symbolic link Carnet did not "
            "make; nothing was touched: remove the link, or choose another target"
        )
    elif os.path.exists(releases) and not os.path.isdir(releases):
        problem = _(
            "{releases}, where {target} keeps its releases, is a file, not a folder; move it "
            "away, or choose another target"
        )
    elif os.path.isdir(releases) and not _ours_or_empty(releases):
        problem = _(
            "{releases}, where {target} keeps its releases, is not empty and was not made by "
            "Carnet (it has no {marker} file); nothing in it was touched: move it away, or "
            "choose another target"
        )
    else:
        return
    raise DeployRefused(problem.format(releases=releases, target=text, marker=MARKER))


def _forbidden(path, project, text):
    """Why `path` may never be a deploy target, naming it as the coach wrote it (`text`),
    or None. Each line is filled in once: a name with braces (« public {v2} ») is not read
    as a field of the line."""
    home = os.path.realpath(expand_home("~"))
    if path == os.sep:
        return _("{target} is the root folder /; choose a folder of its own for the site").format(
            target=text
        )
    if path == home:
        return _("{target} is your home folder; choose a folder of its own for the site").format(
            target=text
        )
    if path == project:
        return _(
            "{target} is the project folder itself: deploying there would replace your posts "
            "and Carnet's code; choose a folder outside it"
        ).format(target=text)
    if project.startswith(path.rstrip(os.sep) + os.sep):
        return _(
            "{target} contains the project folder: deploying there would replace your posts; "
            "choose a folder outside it"
        ).format(target=text)
    if path.startswith(project + os.sep):
        relative = os.path.relpath(path, project)
        first = relative.split(os.sep, 1)[0]
        if first in PROJECT_FOLDERS:
            return _(
                "{target} is inside {folder}/, which Carnet needs; choose a folder outside "
                "the project"
            ).format(target=text, folder=first)
        made_by_carnet = not os.path.lexists(path) or _is_our_link(path) or _has_marker(path)
        # Its releases are kept beside it (TARGET.carnet-releases): git must ignore both.
        ignored = _ignored_by_git(project, relative) and _ignored_by_git(
            project, relative + RELEASES
        )
        if not (ignored and made_by_carnet):
            return _(
                "{target} is inside the project folder; choose a folder outside it (or one "
                "that .gitignore ignores, with {releases} beside it, and that Carnet made)"
            ).format(target=text, releases=os.path.basename(path) + RELEASES)
    return None


def _ignored_by_git(project, relative):
    """True when the project's .gitignore ignores `relative` or a folder above it."""
    try:
        with open(os.path.join(project, ".gitignore"), encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return False
    parts = relative.split(os.sep)
    prefixes = [os.sep.join(parts[: n + 1]) for n in range(len(parts))]
    for line in lines:
        pattern = line.strip()
        if not pattern or pattern.startswith(("#", "!")):
            continue
        anchored = "/" in pattern.strip("/")
        pattern = pattern.strip("/")
        if anchored or line.strip().startswith("/"):
            if any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes):
                return True
        elif any(fnmatch.fnmatchcase(part, pattern) for part in parts):
            return True
    return False


def _has_marker(folder):
    marker = os.path.join(folder, MARKER)
    return os.path.isfile(marker) and not os.path.islink(marker)


def _ours_or_empty(folder):
    return _has_marker(folder) or not os.listdir(folder)


def _inside_layout_or_empty(folder):
    names = set(os.listdir(folder)) - {MARKER}
    return not names or names <= {RELEASES, CURRENT}


def _is_our_link(path):
    """A link TARGET -> TARGET.carnet-releases/RELEASE, as deploy() makes it."""
    if not os.path.islink(path):
        return False
    pointed = os.readlink(path)
    return pointed.startswith(os.path.basename(path) + RELEASES + os.sep)


def _writable(folder):
    return os.access(folder, os.W_OK | os.X_OK)


# --- the deploy ---------------------------------------------------------------------------


def deploy(output_path, target, move=False, carnet_folder=None):
    """Put output_path online at `target` (a Target); raise DeployFailed with a reason.

    move: output_path is the caller's to give away (publish's own build folder); a local
    release is then that folder moved into place when it can be, not a copy of it.
    carnet_folder: the project's .carnet/, where the files put online through rsync are
    recorded (REMOTE_FILES)."""
    if not os.path.isdir(output_path) or not os.listdir(output_path):
        raise DeployFailed(
            _("nothing to deploy: {path} is empty or missing").format(path=output_path)
        )
    _mark(output_path)  # the marker goes online with the site
    _readable_by_everyone(output_path)
    if target.remote:
        record = os.path.join(carnet_folder, REMOTE_FILES) if carnet_folder else None
        recorded = _records_of_targets(record) if record else {}
        # None: no record of the last publish there (the first, or from another computer).
        last = recorded.get(target.text)
        put_online = set(last) if isinstance(last, list) else None
        files = files_in(output_path)
        _check_remote_folder(target.text, put_online, files)
        if record and put_online is not None:
            # Recorded before rsync too, with the last publish's: a publish killed once
            # rsync is done, before the record below, must not leave the next one taking
            # the files it put online for the coach's. Without a record of the last
            # publish's, nothing is: what is online then is unknown, and stays unchecked
            # until a transfer is done.
            _record_put_online(record, recorded, target.text, files | put_online)
        _rsync(output_path, target.text)
        if record:
            _record_put_online(record, recorded, target.text, files)
    else:
        _release(output_path, target, move)


def _release(output_path, target, move):
    """Copy (or move) the site into a new release, then switch the link to it in one
    rename."""
    if target.inside:
        releases = os.path.join(target.path, RELEASES)
        link = os.path.join(target.path, CURRENT)
        pointed_prefix = RELEASES
    else:
        releases = target.path + RELEASES
        link = target.path
        pointed_prefix = os.path.basename(target.path) + RELEASES
    now = time.time()
    name = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now)) + f"-{int(now % 1 * 1e6):06d}"
    release = os.path.join(releases, name)
    try:
        if target.inside:
            _mark(target.path)
        os.makedirs(releases, exist_ok=True)
        # The web server follows the link through it: made under a umask of 077, it was
        # closed to it. Opened only, not listed.
        os.chmod(releases, stat.S_IMODE(os.stat(releases).st_mode) | 0o011)
        _mark(releases)
        write_atomically(release + FILES, json.dumps(sorted(files_in(output_path))), durable=False)
        _copy_or_move(output_path, release + ".partial", move)
        os.rename(release + ".partial", release)
        _switch(link, os.path.join(pointed_prefix, name))
    except OSError as error:
        _remove_release(releases, name + ".partial")
        if not _points_to(link, release):
            _remove_release(releases, name)
        raise DeployFailed(
            _("copying to {target} failed ({error}); the site online is unchanged").format(
                target=target.text, error=_first_problem(error)
            )
        ) from None
    _prune(releases, keep=name)


def _readable_by_everyone(folder):
    """Let everyone read the site's files and open its folders: the web server is another
    user, and a coach whose umask is 077 built a site only she could read (every page
    answered « 403 Forbidden »; rsync copies the modes too). Bits are only added, and only
    where missing: with the usual umask, one lstat a file."""
    pending = [folder]
    while pending:
        current = pending.pop()
        _add_mode(current, os.stat(current).st_mode, 0o055)
        with os.scandir(current) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif not entry.is_symlink():
                    _add_mode(entry.path, entry.stat(follow_symlinks=False).st_mode, 0o044)


def _add_mode(path, mode, bits):
    if mode & bits != bits:
        os.chmod(path, stat.S_IMODE(mode) | bits)


def _first_problem(error):
    """The error of a failed copy as one short reason, in the site's language when it is a
    usual one (the system's words are English): a copy to another file system
    (shutil.Error) lists every file that failed, thousands on a full disk, each as a text
    such as "[Errno 28] No space left on device: '…'"."""
    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list):
        error = error.args[0][0][2]
    number = getattr(error, "errno", None)
    if number is None:
        found = re.match(r"\[Errno (\d+)\]", str(error))
        number = int(found[1]) if found else None
    if number in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("Carnet is not allowed to write there")
    if number in (errno.ENOSPC, errno.EDQUOT):
        return _("the disk is full")
    if number == errno.ENAMETOOLONG:
        return _("a name is too long for that disk")
    return error


def _copy_or_move(output_path, partial, move):
    if move:
        # A rename on the same file system: instant, and no copy of thousands of files to
        # write, then delete (on a file system without a journal, a freed inode is not
        # reused for minutes, and making files past many of them is slow).
        try:
            os.rename(output_path, partial)
            return
        except OSError as error:
            if error.errno != errno.EXDEV:
                raise
    # The marker first: a copy cut short (a kill, a full disk) holds the proof that Carnet
    # made it, without which no later deploy would remove it.
    os.mkdir(partial)
    _mark(partial)
    shutil.copytree(output_path, partial, symlinks=True, dirs_exist_ok=True)


def _mark(folder):
    marker = os.path.join(folder, MARKER)
    if not os.path.exists(marker):
        with open(marker, "w", encoding="utf-8") as handle:
            handle.write(MARKER_TEXT)


def _points_to(link, release):
    return os.path.islink(link) and os.path.realpath(link) == os.path.realpath(release)


def _switch(link, pointed):
    """Make `link` point to `pointed` (relative) in one atomic step."""
    folder, name = os.path.split(link)
    _remove_temporaries_of_killed_deploys(folder, name, os.path.dirname(pointed))
    temporary = os.path.join(folder, f".{name}.carnet-{os.getpid()}")
    os.symlink(pointed, temporary)  # fails on a file there: not Carnet's, or it was removed
    try:
        if os.path.isdir(link) and not os.path.islink(link):
            # An earlier deploy as a plain folder (or an empty folder): exchange it with the
            # link in one step (check_target made sure it is Carnet's or empty).
            _exchange(temporary, link)
        else:
            os.replace(temporary, link)
    except OSError:
        os.remove(temporary)
        raise
    # The new site is online; what is left is tidying up, which may fail harmlessly. After
    # an exchange, the temporary name holds the earlier plain-folder deploy.
    if os.path.islink(temporary):
        os.remove(temporary)
    else:
        _remove_marked_folder(temporary)


def _remove_temporaries_of_killed_deploys(folder, name, releases):
    """Remove what a deploy killed in _switch left under its temporary name .NAME.carnet-PID
    (a link to a release, or the earlier plain-folder deploy being removed), which no later
    deploy (another PID) would otherwise remove. Only when Carnet can prove it made it: no
    process runs under that PID (or it is this one, so the one that made it has ended), and
    it is a link into the releases folder, or a folder holding Carnet's marker (or empty).
    Anything else named so is left alone."""
    temporary = re.compile(re.escape(f".{name}.carnet-") + r"(\d+)")
    try:
        names = os.listdir(folder)
    except OSError:
        return  # tidying up: the next deploy tries again
    for found in filter(None, map(temporary.fullmatch, names)):
        if not _pid_is_free(int(found[1])):
            continue  # another project's deploy to the same target may be switching
        path = os.path.join(folder, found[0])
        if not os.path.islink(path):
            _remove_marked_folder(path)
            continue
        with contextlib.suppress(OSError):
            if os.readlink(path).startswith(releases + os.sep):
                os.remove(path)


def _pid_is_free(pid):
    """True when no process runs under `pid`, or this one (the one before it has ended)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):
        return False  # another user's process, or no PID at all: not proof enough
    return False


def _exchange(first, second):
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE)."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:  # very old C library: a moment without the site, never a mix
        aside = first + ".old"
        os.rename(second, aside)
        os.rename(first, second)
        os.rename(aside, first)
        return
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) != 0:
        number = ctypes.get_errno()
        raise OSError(number, os.strerror(number), second)


def _prune(releases, keep):
    """Remove releases older than the last KEEP_RELEASES, and unfinished ones: only those
    Carnet made, that is folders named like a release (or NAME.partial) that hold the
    marker deploy() put into each one; anything else in the folder (even named like a
    release) is left alone. A removal a kill cut short is finished first."""
    for name in os.listdir(releases):
        if name.startswith(BEING_REMOVED):
            _remove_marked_folder(os.path.join(releases, name))
    finished = sorted(
        name
        for name in os.listdir(releases)
        if re.fullmatch(r"\d{8}-\d{6}-\d+", name)
        and not os.path.islink(os.path.join(releases, name))
        and _has_marker(os.path.join(releases, name))
    )
    for name in finished[:-KEEP_RELEASES]:
        if name != keep and _only_files_put_there(releases, name):
            _remove_release(releases, name)
    # A deploy interrupted (Ctrl-C, kill) before its release was renamed into place left
    # it as NAME.partial, a whole site that no later deploy would otherwise remove (it
    # holds the marker, written first, or nothing yet). The publish lock is held: no
    # other deploy is writing one.
    for name in os.listdir(releases):
        partial = os.path.join(releases, name)
        if (
            re.fullmatch(r"\d{8}-\d{6}-\d+\.partial", name)
            and not os.path.islink(partial)
            and _ours_or_empty(partial)
        ):
            _remove_release(releases, name)
    # The records of the releases removed, or never finished (a failed or killed deploy).
    for name in os.listdir(releases):
        found = re.fullmatch(r"(\d{8}-\d{6}-\d+)" + re.escape(FILES), name)
        if found and not os.path.lexists(os.path.join(releases, found[1])):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(releases, name))


def _only_files_put_there(releases, name):
    """True when releases/NAME holds only files its record says deploy put there. A
    release made before Carnet recorded them (or holding a file copied into it by hand)
    may hold a file of the coach's, copied into the site online then: it is kept."""
    put_there = _recorded_files(releases, name)
    return put_there is not None and files_in(os.path.join(releases, name)) <= put_there


def _remove_release(releases, name):
    """Remove releases/NAME, which holds Carnet's marker (or nothing). It is first renamed to
    BEING_REMOVED + NAME, so that a removal cut short (a kill, a power cut) is never taken
    for a release, and is finished by the next deploy."""
    being_removed = os.path.join(releases, BEING_REMOVED + name)
    try:
        os.rename(os.path.join(releases, name), being_removed)
    except OSError:
        return  # tidying up: the next deploy tries again
    _remove_marked_folder(being_removed)


def _remove_marked_folder(folder):
    """Remove `folder` if it holds Carnet's marker (or nothing), the marker last: stopped
    at any moment, it still holds the proof that Carnet made it, or it is empty. Removing
    the marker first (as shutil.rmtree may) left folders no later deploy could prove were
    Carnet's, so they stayed for ever."""
    if os.path.islink(folder) or not os.path.isdir(folder):
        return
    with contextlib.suppress(OSError):  # tidying up: the next deploy tries again
        if not _ours_or_empty(folder):
            return  # not Carnet's: left alone
        for entry in os.scandir(folder):
            if entry.name == MARKER:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.remove(entry.path)
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(folder, MARKER))
        os.rmdir(folder)


def _records_of_targets(record):
    """{rsync target: the files the last publish from this project put online there}, as
    .carnet/REMOTE_FILES holds it ({} when it cannot be read)."""
    try:
        with open(record, encoding="utf-8") as handle:
            recorded = json.load(handle)
    except (OSError, ValueError):
        return {}
    return recorded if isinstance(recorded, dict) else {}


def _record_put_online(record, recorded, target, files):
    """Write `recorded` (_records_of_targets) with `files` as what is online at `target`."""
    os.makedirs(os.path.dirname(record), exist_ok=True)
    recorded = {**recorded, target: sorted(files)}
    write_atomically(record, json.dumps(recorded, ensure_ascii=False, indent=1), durable=False)


# How rsync writes a byte it cannot show in the locale it runs in (« été » in the C
# locale: « \#303\#251t\#303\#251 »).
RSYNC_ESCAPED_BYTE = re.compile(rb"\\#([0-7]{3})")


def _listed_files(listing):
    """The files (and links) of `rsync --list-only -r`'s lines: « PERMISSIONS SIZE DATE TIME
    NAME », a link's NAME followed by « -> » and where it points."""
    files = set()
    for line in listing.splitlines():
        fields = line.split(None, 4)
        if len(fields) < 5 or fields[0][0] not in "-l":
            continue
        name = fields[4].split(" -> ", 1)[0] if fields[0][0] == "l" else fields[4]
        name = RSYNC_ESCAPED_BYTE.sub(
            lambda escaped: bytes([int(escaped[1], 8)]), name.encode("utf-8", "surrogateescape")
        ).decode("utf-8", "surrogateescape")
        if ".~tmp~" not in name.split("/"):  # rsync's holding folders: see _rsync
            files.add(name)
    return files


def _check_remote_folder(target, put_online=None, putting=frozenset()):
    """Refuse a remote folder that is not empty and has no marker: rsync --delete would
    empty it. A folder that does not exist yet is fine: rsync makes it. With `put_online`,
    the files the last publish put there, refuse a folder holding another file that this
    publish does not put there (`putting`): the coach put it there (a host's verification
    file), and --delete would delete it. A file this publish puts online is Carnet's,
    whoever put it there first: a publish from the coach's other computer, whose record
    this one does not have."""
    arguments = ["--list-only", "-r"] if put_online is not None else ["--list-only"]
    listing = _run_rsync([*arguments, "--", target.rstrip("/") + "/"], target)
    if listing.returncode != 0:
        if "No such file or directory" in listing.stderr:
            return
        raise DeployFailed(
            _("rsync could not read {target}: {reason}").format(
                target=target, reason=_rsync_problem(listing.stderr, target)
            )
        )
    names = {line.split()[-1] for line in listing.stdout.splitlines() if line.split()}
    names.discard(".")
    if names and MARKER not in names:
        raise DeployFailed(
            _(
                "{target} is not empty and was not made by Carnet (it has no {marker} "
                "file); nothing in it was touched. Choose an empty or new folder"
            ).format(target=target, marker=MARKER)
        )
    added = sorted(_listed_files(listing.stdout) - (put_online or set()) - putting)
    if put_online is not None and added:
        raise DeployFailed(
            _(
                "{path}: Carnet did not put this file online, and publishing would delete "
                "it (rsync --delete); move it into content/extra/, which every build puts "
                "online, then publish again"
            ).format(path=target.rstrip("/") + "/" + added[0])
        )


# What ssh says when it cannot reach or log in to the host (English whatever the site
# speaks), and the same in the site's language.
SSH_PROBLEMS = (
    (
        r"Could not resolve hostname|Name or service not known|Temporary failure in name",
        N_("the computer {host} cannot be found: check its name and the internet connection"),
    ),
    (
        r"Connection timed out|No route to host|Network is unreachable",
        N_("{host} does not answer: check its name and the internet connection"),
    ),
    (r"Connection refused", N_("{host} refuses connections (no ssh on that port?)")),
    (
        r"Permission denied \(|Permission denied, please try again|Too many authentication",
        N_("{host} refused the login: check the user name and the ssh key"),
    ),
    (
        r"Host key verification failed",
        N_("{host} could not be recognised: connect once with `ssh {host}` to check it"),
    ),
)
RSYNC_NOISE = ("rsync: connection unexpectedly closed", "rsync error: ")


def _rsync_problem(stderr, target):
    """rsync's failure in one line: ssh's, said in the site's language when it is one of
    SSH_PROBLEMS; else rsync's own lines, without the two it adds after any ssh failure."""
    host = target.split(":", 1)[0].rsplit("@", 1)[-1]
    for clue, problem in SSH_PROBLEMS:
        if re.search(clue, stderr):
            return _(problem).format(host=host)
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    kept = [line for line in lines if not line.startswith(RSYNC_NOISE)]
    return "; ".join(kept or lines)


def _run_rsync(arguments, target):
    try:
        return subprocess.run(
            ["rsync", "--protect-args", *arguments], capture_output=True, text=True, timeout=600
        )
    except FileNotFoundError:
        raise DeployFailed(_("rsync is not installed (apt-get install rsync)")) from None
    except subprocess.TimeoutExpired:
        raise DeployFailed(
            _("rsync to {target} did not finish in 10 minutes").format(target=target)
        ) from None


def _rsync(output_path, target):
    # --protect-args and "--": the target is a destination, whatever it looks like.
    # --delay-updates and --delete-delay: changed files are put in place, and old ones
    # removed, at the end of the transfer, not while it runs.
    # --delay-updates holds each changed file in a folder .~tmp~ beside it until then, and
    # rsync spares those folders from --delete: a transfer cut short (a kill, a lost
    # connection) left there files the site may no longer have, online for ever. The
    # filter lets --delete-delay remove them, after the held files were moved into place.
    # The target holds Carnet's marker, and --delete removes anything else the site lacks.
    arguments = ["-rlptz", "--delay-updates", "--delete-delay", "--filter=R .~tmp~/", "--"]
    done = _run_rsync([*arguments, output_path.rstrip("/") + "/", target], target)
    if done.returncode != 0:
        raise DeployFailed(
            _("rsync to {target} failed: {reason}").format(
                target=target, reason=_rsync_problem(done.stderr, target)
            )
        )
