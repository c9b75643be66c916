"""Rule 3: a deploy is all or nothing, wherever the target is.

Readers of the target see the old site or the new one, never a missing or half-copied
page; a failed deploy leaves the old site and sends nothing. The read-only parent folder is
real: the tests run as root, which permissions do not stop, so the publish (or the
deploy) runs as the unprivileged user `nobody` through setpriv, in folders owned as on a
web server (/var/www root's, /var/www/carnet the coach's).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from conftest import make_site

from carnet.deploy import CURRENT, MARKER, RELEASES, check_target, deploy

ROOT = Path(__file__).resolve().parents[2]

NOBODY = 65534


def built(tmp_path, name, title):
    """A real production build of a one-post site whose home page says `title`."""
    site = make_site(tmp_path / name)
    site.speak("en")
    site.add_post("a.md", title=title, date="2021-10-01 08:00", category="Journal intime")
    site.build(SITEURL="https://carnet-de-coach.fr")
    return site


def test_the_target_becomes_a_link_switched_in_one_step(tmp_path):
    old, new = built(tmp_path, "old", "Ancien titre"), built(tmp_path, "new", "Nouveau titre")
    www = tmp_path / "www"
    target = check_target(str(www), str(tmp_path / "old"))
    assert not target.inside
    deploy(str(old.output), target)
    assert www.is_symlink() and (www / MARKER).exists()
    assert "Ancien titre" in (www / "ancien-titre" / "index.html").read_text()
    deploy(str(new.output), check_target(str(www), str(tmp_path / "old")))
    assert (www / "nouveau-titre" / "index.html").exists()
    assert not (www / "ancien-titre").exists()
    for _ in range(3):
        deploy(str(new.output), check_target(str(www), str(tmp_path / "old")))
    releases = [p for p in (tmp_path / ("www" + RELEASES)).iterdir() if p.is_dir()]
    assert len(releases) == 2  # the current one and the one before; older ones removed


def test_publish_gives_its_own_build_folder_to_a_local_target_instead_of_copying_it(tmp_path):
    site = built(tmp_path, "site", "Un billet")
    page = site.output / "un-billet" / "index.html"
    inode = page.stat().st_ino
    www = tmp_path / "www"
    deploy(str(site.output), check_target(str(www), str(tmp_path / "site")), move=True)
    assert not site.output.exists()  # moved: no copy to write, no folder to delete
    assert (www / "un-billet" / "index.html").stat().st_ino == inode
    assert (www / MARKER).exists()


def test_readers_always_see_a_whole_site(tmp_path):
    sites = [built(tmp_path, "one", "Version un"), built(tmp_path, "two", "Version deux")]
    homes = {site.read("index.html") for site in sites}
    www = tmp_path / "www"
    deploy(str(sites[0].output), check_target(str(www), str(tmp_path / "one")))
    problems, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                if (www / "index.html").read_text() not in homes:
                    problems.append("a home page of neither version")
            except OSError as error:
                problems.append(repr(error))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for number in range(12):
            deploy(str(sites[number % 2].output), check_target(str(www), str(tmp_path / "one")))
    finally:
        stop.set()
        reader.join()
    assert problems == []


def test_an_earlier_plain_folder_deploy_is_exchanged_for_the_link(tmp_path):
    site = built(tmp_path, "site", "Un billet")
    www = tmp_path / "www"
    www.mkdir()
    (www / MARKER).write_text("an earlier Carnet deploy")
    (www / "vieille-page.html").write_text("old")
    deploy(str(site.output), check_target(str(www), str(tmp_path / "site")))
    assert www.is_symlink() and not (www / "vieille-page.html").exists()
    assert (www / "un-billet" / "index.html").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".www")] == []


# --- as an unprivileged user ------------------------------------------------------------


@pytest.fixture
def web_layout():
    """/…/var/www (root's, read-only for others) holding carnet/ (nobody's, empty)."""
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to run as another user")
    if os.geteuid() != 0:
        pytest.skip("must run as root to switch to the user nobody")
    base = Path(tempfile.mkdtemp(prefix="carnet-web-"))
    base.chmod(0o755)
    www = base / "var" / "www"
    (www / "carnet").mkdir(parents=True)
    os.chown(www / "carnet", NOBODY, NOBODY)
    yield base
    shutil.rmtree(base)


def as_nobody(command, cwd, env=None):
    full_env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), **(env or {})}
    prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    return subprocess.run(
        prefix + command, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300
    )


def nobodys_site(base):
    site = make_site(base / "site")
    site.speak("en")
    site.add_post("a.md", title="Un billet", date="2021-10-01 08:00", category="Journal intime")
    for path in [site.root, *site.root.rglob("*")]:
        os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    return site


def test_publish_into_a_folder_whose_parent_is_read_only(web_layout):
    site = nobodys_site(web_layout)
    target = web_layout / "var" / "www" / "carnet"
    env = {"CARNET_DEPLOY_TARGET": str(target)}
    publish = [sys.executable, "-m", "invoke", "publish"]
    assert not os.access(target.parent, os.W_OK) or os.geteuid() == 0  # root ignores it
    done = as_nobody(publish, site.root, env)
    assert done.returncode == 0, done.stderr
    assert f"the web server must serve {target}/current" in done.stdout
    first = os.readlink(target / CURRENT)
    assert (target / CURRENT / "un-billet" / "index.html").exists()
    assert (target / MARKER).exists()
    # A second publish with another post switches `current` to a new release.
    site.add_post("b.md", title="Un autre", date="2021-10-02 08:00", category="Journal intime")
    os.chown(site.content / "posts" / "b.md", NOBODY, NOBODY)
    done = as_nobody(publish, site.root, env)
    assert done.returncode == 0, done.stderr
    assert os.readlink(target / CURRENT) != first
    assert (target / CURRENT / "un-autre" / "index.html").exists()
    assert sorted(p.name for p in target.iterdir()) == [MARKER, RELEASES, CURRENT]


def test_a_failed_deploy_leaves_the_old_site_and_sends_nothing(web_layout):
    site = nobodys_site(web_layout)
    target = web_layout / "var" / "www" / "carnet"
    env = {"CARNET_DEPLOY_TARGET": str(target)}
    publish = [sys.executable, "-m", "invoke", "publish"]
    assert as_nobody(publish, site.root, env).returncode == 0
    sent = (
        sorted(os.listdir(site.root / "outbox")),
        (site.root / "newsletter-ledger.json").read_text(),
    )
    before = os.readlink(target / CURRENT)
    old_home = (target / CURRENT / "index.html").read_text()
    # The releases folder is taken from the coach (a disk full or a mistaken chown would
    # do the same): copying the new release fails.
    os.chown(target / RELEASES, 0, 0)
    site.add_post("b.md", title="Un autre", date="2021-10-02 08:00", category="Journal intime")
    os.chown(site.content / "posts" / "b.md", NOBODY, NOBODY)
    done = as_nobody(publish, site.root, env)
    assert done.returncode == 1
    assert "Deploy failed, no newsletter sent" in done.stderr
    assert "the site online is unchanged" in done.stderr
    assert os.readlink(target / CURRENT) == before
    assert (target / CURRENT / "index.html").read_text() == old_home
    # Nothing sent: the outbox and the ledger are as the first publish left them.
    assert (
        sorted(os.listdir(site.root / "outbox")),
        (site.root / "newsletter-ledger.json").read_text(),
    ) == sent
    assert "un-autre" not in sent[1]


def test_a_missing_target_in_a_read_only_folder_is_refused_before_the_build(web_layout):
    site = nobodys_site(web_layout)
    target = web_layout / "var" / "www" / "autre"
    done = as_nobody(
        [sys.executable, "-m", "invoke", "publish"],
        site.root,
        {"CARNET_DEPLOY_TARGET": str(target)},
    )
    assert done.returncode == 1
    assert "does not exist and its folder" in done.stderr and "is not writable" in done.stderr
    assert "Building" not in done.stdout


def test_a_full_disk_at_the_target_is_one_short_line(tmp_path):
    """A target on another file system is copied to; when it fills up, every file fails,
    and the line says why once instead of naming each of them."""
    site = make_site(tmp_path / "site")
    site.speak("en")
    for number in range(20):
        site.add_post(f"{number}.md", title=f"Billet {number}", date=f"2021-10-{number + 1:02d}")
    small = tmp_path / "small"
    small.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", small]).returncode
    ):
        pytest.skip("mounting a file system needs root")
    try:
        done = site.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(small / "www")})
        assert done.returncode == 1
        line = done.stderr.strip()
        assert "Deploy failed, no newsletter sent" in line and "the disk is full" in line
        assert len(line.splitlines()) == 1 and len(line) < 600, len(line)
        assert not (site.root / "outbox").exists()
    finally:
        subprocess.run(["umount", "-l", small])


def test_publish_into_a_mount_point(tmp_path):
    """A target that is a file system of its own (a disk, a container's volume) cannot be
    renamed into the link: the releases are kept inside it, as with a read-only parent."""
    site = make_site(tmp_path / "site")
    site.speak("en")
    site.add_post("a.md", title="Un billet", date="2021-10-01 08:00", category="Journal intime")
    target = tmp_path / "www"
    target.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "tmpfs", target]).returncode:
        pytest.skip("mounting a file system needs root")
    try:
        for title in ("Un autre", "Un troisième"):
            done = site.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(target)})
            assert done.returncode == 0, done.stderr
            assert f"the web server must serve {target}/current" in done.stdout
            site.add_post(f"{title}.md", title=title, date="2021-10-02 08:00")
        assert (target / CURRENT / "un-autre" / "index.html").exists()
        assert sorted(p.name for p in target.iterdir()) == [MARKER, RELEASES, CURRENT]
        assert not (tmp_path / ("www" + RELEASES)).exists()
    finally:
        subprocess.run(["umount", "-l", target])


def test_a_release_left_unfinished_by_an_interrupted_deploy_is_removed(tmp_path):
    """Ctrl-C or a kill between moving the site into NAME.partial and renaming it to NAME
    leaves a whole site there; the next deploy removes it (never a folder without the
    marker, even named like one)."""
    site = make_site(tmp_path / "site")
    site.speak("en")
    site.add_post("a.md", title="Un billet", date="2021-10-01 08:00", category="Journal intime")
    target = tmp_path / "www"
    env = {"CARNET_DEPLOY_TARGET": str(target)}
    assert site.invoke("publish", env=env).returncode == 0
    releases = tmp_path / ("www" + RELEASES)
    unfinished = releases / "20211001-080000-000001.partial"
    shutil.copytree(target, unfinished)  # the site, its marker with it, as deploy moves it
    not_ours = releases / "20211001-080000-000002.partial"
    not_ours.mkdir()
    (not_ours / "notes.txt").write_text("not Carnet's")
    site.add_post("b.md", title="Un autre", date="2021-10-02 08:00", category="Journal intime")
    done = site.invoke("publish", env=env)
    assert done.returncode == 0, done.stderr
    assert not unfinished.exists()
    assert (not_ours / "notes.txt").exists()
    assert (target / "un-autre" / "index.html").exists()


def test_publish_leaves_the_development_builds_cache_alone(site):
    # Plugin content_cache keeps the caches of the last four configurations: each publish
    # (a build folder of its own, so settings of its own) pushed out the development one.
    site.add_post("a.md", title="Un billet")
    assert site.invoke("build").returncode == 0
    caches = site.root / ".carnet" / "cache"
    before = sorted(path.name for path in caches.iterdir())
    for _publish in range(2):
        assert site.invoke("publish").returncode == 0
    assert sorted(path.name for path in caches.iterdir()) == before


def published_once(tmp_path):
    """(site, its target, the environment naming it): a site of one post, published once."""
    site = make_site(tmp_path / "site")
    site.speak("en")
    site.add_post("a.md", title="Un billet", date="2021-10-01 08:00")
    www = tmp_path / "www"
    env = {"CARNET_DEPLOY_TARGET": str(www)}
    assert site.invoke("publish", env=env).returncode == 0
    return site, www, env


def test_a_file_the_coach_copied_into_the_site_online_stops_publish_and_is_kept(tmp_path):
    """A search engine's verification file copied by hand into the target lands in the
    release online: the next release would not have it, and the release is removed two
    publishes later. Publish stops before building, naming it, until it is in content/extra/."""
    site, www, env = published_once(tmp_path)
    online = os.path.realpath(www)
    verification = "google-site-verification: google1234abcd.html"
    (www / "google1234abcd.html").write_text(verification)

    for _ in range(3):  # enough publishes for the release it is in to be removed
        done = site.invoke("publish", env=env)
        assert done.returncode == 1
        assert (
            f"{www}/google1234abcd.html: Carnet did not put this file online, and publishing "
            "would take it off the site"
        ) in done.stderr
        assert "Building" not in done.stdout
        assert os.path.realpath(www) == online
    assert (www / "google1234abcd.html").read_text() == verification

    # Moved into content/extra/ as the line says: published with the site, at every publish.
    (site.content / "extra").mkdir()
    (www / "google1234abcd.html").rename(site.content / "extra" / "google1234abcd.html")
    for _ in range(3):
        done = site.invoke("publish", env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    assert (www / "google1234abcd.html").read_text() == verification


def test_a_release_made_before_carnet_recorded_its_files_is_never_deleted(tmp_path):
    """A release the version before this one made has no record of the files put in it
    (RELEASE.carnet-files.json): a file the coach had copied into the site online then was
    not seen by the first publish after the update, and was deleted with its release two
    publishes later. A release is removed only when its record holds every file in it."""
    site, www, env = published_once(tmp_path)
    # The release online as the version before this one left it: no record beside it.
    old_release = Path(os.path.realpath(www))
    Path(str(old_release) + ".carnet-files.json").unlink()
    verification = "google-site-verification: google1234abcd.html"
    (www / "google1234abcd.html").write_text(verification)

    for _ in range(4):
        done = site.invoke("publish", env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    assert (old_release / "google1234abcd.html").read_text() == verification
    # The releases this version made, each with its record, are removed as before.
    releases = {path for path in old_release.parent.iterdir() if (path / MARKER).is_file()}
    assert old_release in releases and Path(os.path.realpath(www)) in releases
    assert len(releases) == 3  # that one, the release online and the one before it
