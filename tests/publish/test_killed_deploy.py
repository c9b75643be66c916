"""A publish killed at the worst moment leaves nothing the next publish does not remove.

Each test runs a real `invoke publish` in a child process and kills it with SIGKILL (as
kill -9 or the out-of-memory killer would) at one exact moment of its deploy: the child
watches its own file operations through Python's audit hooks, and kills itself just
before the operation that follows the one named. Timing a kill from outside could not
hit a moment a few microseconds long.
"""

import os
import re
import signal
import subprocess
import sys

import pytest

from carnet.deploy import FILES, MARKER, RELEASES

# The child: `invoke publish`, killed just before the first file operation that follows
# the KILL_COUNT-th one matching KILL_AFTER ("EVENT (ARGUMENTS)", as the audit hook sees it).
KILLER = r"""
import os, re, runpy, signal, sys

after, count = re.compile(os.environ["KILL_AFTER"]), int(os.environ["KILL_COUNT"])
main, seen = os.getpid(), 0
WATCHED = ("open", "os.mkdir", "os.remove", "os.rmdir", "os.rename", "os.symlink",
           "shutil.rmtree")

def kill_after(event, args):
    global seen
    if event not in WATCHED or os.getpid() != main:
        return
    if seen >= count:
        os.kill(main, signal.SIGKILL)
    if after.search(f"{event} {args}"):
        seen += 1

sys.addaudithook(kill_after)
sys.argv = ["invoke", "publish"]
runpy.run_module("invoke", run_name="__main__", alter_sys=True)
"""

SWITCH = r"os\.symlink \(.*/\.www\.carnet-\d+'"  # the temporary link made, not yet renamed
MARKER_GONE = r"os\.remove \('(.*/)?\.carnet-deploy'"  # a marker removed
REMOVAL = r"os\.remove \("  # a file removed
PARTIAL_MADE = r"os\.mkdir \('[^']*\.partial'"  # an unfinished release's folder made
PARTIAL_WRITTEN = r"open \('[^']*\.partial/[^']*', 'w"  # a file written into it


def publish(site, target, kill_after=None, count=1):
    """`invoke publish` in the site, killed as KILLER says when kill_after is given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARNET_", "MAILCHIMP_"))}
    env["CARNET_DEPLOY_TARGET"] = str(target)
    if kill_after is None:
        command = [sys.executable, "-m", "invoke", "publish"]
    else:
        command = [sys.executable, "-c", KILLER]
        env.update(KILL_AFTER=kill_after, KILL_COUNT=str(count))
    # cwd first on the path: the site's own carnet/, as `invoke` in the site imports it.
    return subprocess.run(
        command, cwd=site.root, env=env, capture_output=True, text=True, timeout=300
    )


def killed(site, target, kill_after, count=1):
    done = publish(site, target, kill_after, count)
    assert done.returncode == -signal.SIGKILL, (done.returncode, done.stdout, done.stderr)


def published(site, target):
    done = publish(site, target)
    assert done.returncode == 0, done.stdout + done.stderr


def assert_only_carnets_releases(releases, count=2):
    """The releases folder holds its marker and `count` whole releases, each with the
    record of its files beside it, nothing else."""
    names = sorted(os.listdir(releases))
    assert names[0] == MARKER, names
    assert len(names) == 2 * count + 1, names
    for name in names[1::2]:
        assert re.fullmatch(r"\d{8}-\d{6}-\d+", name), names
        assert (releases / name / MARKER).is_file() and (releases / name / "index.html").exists()
        assert (releases / (name + FILES)).is_file(), names


@pytest.fixture
def blog(site):
    site.add_post("a.md", title="Un billet", date="2021-10-01 08:00", category="Journal intime")
    return site


def test_a_publish_killed_while_switching_the_link_leaves_no_temporary_link(blog, tmp_path):
    """Killed between making the temporary link .www.carnet-PID and renaming it over the
    target: the old site stays online, and the next publish (another PID) removes the
    link. Links and files of that form Carnet cannot prove it left are kept."""
    target = tmp_path / "www"
    published(blog, target)
    before = os.readlink(target)
    killed(blog, target, SWITCH)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".www.carnet-")]
    assert len(leftovers) == 1 and (tmp_path / leftovers[0]).is_symlink()
    assert os.readlink(target) == before  # the old site is still the one online
    # Of that form, but not provably a leftover: a file of the coach's, a link pointing
    # elsewhere, a link of a publish still running (this test's own process).
    (tmp_path / ".www.carnet-999999998").write_text("à moi")
    (tmp_path / ".www.carnet-999999999").symlink_to(tmp_path / "site")
    running = tmp_path / f".www.carnet-{os.getpid()}"
    running.symlink_to(os.readlink(target))
    published(blog, target)
    assert not os.path.lexists(tmp_path / leftovers[0])
    assert (tmp_path / ".www.carnet-999999998").read_text() == "à moi"
    assert (tmp_path / ".www.carnet-999999999").is_symlink() and running.is_symlink()
    assert os.readlink(target) != before


@pytest.mark.parametrize(
    "kill_after, count",
    [(MARKER_GONE, 1), (REMOVAL, 10)],
    ids=["just-after-its-marker-went", "midway"],
)
def test_a_release_whose_removal_was_killed_is_removed_by_the_next_publish(
    blog, tmp_path, kill_after, count
):
    """Killed while removing the oldest release (the third publish removes the first
    one): however far the removal went, the next publish finishes it, and nothing of it
    stays on the server. A removal once left the release without its marker, the proof
    Carnet made it, so that no publish ever removed the rest."""
    target = tmp_path / "www"
    releases = tmp_path / ("www" + RELEASES)
    for _ in range(2):
        published(blog, target)
    online = os.readlink(target)
    killed(blog, target, kill_after, count)
    assert os.readlink(target) != online  # killed after the switch, while tidying up
    assert len(os.listdir(releases)) > 3  # the marker, two releases, and one half-removed
    assert "index.html" in os.listdir(target)
    published(blog, target)
    assert_only_carnets_releases(releases)
    assert sorted(os.listdir(tmp_path)) == ["site", "www", "www" + RELEASES]


def test_a_folder_being_removed_that_carnet_cannot_prove_it_made_is_kept(blog, tmp_path):
    """Named like a release being removed, but without Carnet's marker: kept."""
    target = tmp_path / "www"
    releases = tmp_path / ("www" + RELEASES)
    published(blog, target)
    foreign = releases / ".carnet-removing-20200101-000000-1"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("à moi")
    for _ in range(3):
        published(blog, target)
    assert (foreign / "notes.txt").read_text() == "à moi"


def test_an_earlier_plain_folder_deploy_whose_removal_was_killed_is_removed(blog, tmp_path):
    """A folder deployed to as a plain folder (an earlier Carnet) is exchanged for the
    link, then removed under the temporary name .www.carnet-PID: killed just after its
    marker went, it was left there for ever."""
    target = tmp_path / "www"
    (target / "ancien").mkdir(parents=True)
    (target / MARKER).write_text("an earlier Carnet deploy")
    for number in range(20):
        (target / "ancien" / f"{number}.html").write_text("old")
    killed(blog, target, MARKER_GONE)
    assert target.is_symlink()
    published(blog, target)
    assert sorted(os.listdir(tmp_path)) == ["site", "www", "www" + RELEASES]


@pytest.mark.parametrize(
    "kill_after", [PARTIAL_MADE, PARTIAL_WRITTEN], ids=["its-folder-made", "a-file-written"]
)
def test_a_copy_to_another_disk_killed_early_is_removed_by_the_next_publish(
    blog, tmp_path, kill_after
):
    """A target on another file system gets a copy of the site, not the build folder
    moved: killed early in the copy, the unfinished NAME.partial did not hold the marker
    yet (copied when its turn came, or never), so no publish ever removed it."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "tmpfs", disk]).returncode:
        pytest.skip("mounting a file system needs root")
    try:
        target = disk / "www"
        releases = disk / ("www" + RELEASES)
        published(blog, target)
        killed(blog, target, kill_after)
        assert [name for name in os.listdir(releases) if name.endswith(".partial")]
        published(blog, target)
        assert_only_carnets_releases(releases)
    finally:
        subprocess.run(["umount", "-l", disk])
