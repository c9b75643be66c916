"""Rule 1: the deploy target is checked before anything is built.

Each refusal is `invoke publish` run as the author runs it: one line saying why, exit 1,
nothing built, deployed or sent, and every file where it was.
"""

import json
import os
import pwd
import stat
import subprocess
from pathlib import Path

import pytest

from carnet.deploy import MARKER, RELEASES, DeployRefused, check_target

ROOT = Path(__file__).resolve().parents[2]


def snapshot(folder):
    """{relative path: bytes} of every file under `folder` (links not followed)."""
    folder = Path(folder)
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            files[str(path.relative_to(folder))] = os.readlink(path).encode()
        elif path.is_file():
            files[str(path.relative_to(folder))] = path.read_bytes()
    return files


@pytest.fixture
def blog(site):
    site.add_post("a.md", title="Un billet", date="2021-10-01 08:00", category="Journal intime")
    site.add_post("b.md", title="Un autre", date="2021-10-02 08:00", category="Journal intime")
    return site


def refused(site, target, env=None):
    """Publish to `target`; assert it was refused before anything was done; the line."""
    before = snapshot(site.root)
    done = site.invoke("publish", env=dict(env or {}, CARNET_DEPLOY_TARGET=str(target)))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Building" not in done.stdout, done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("✗ Deploy target refused, nothing was built, deployed or sent: ")
    assert snapshot(site.root) == before  # no output/, no outbox/, no ledger, posts intact
    return lines[0]


def test_the_project_folder_is_refused(blog):
    assert "is the project folder itself" in refused(blog, blog.root)
    assert "is the project folder itself" in refused(blog, ".")


def test_content_theme_plugins_are_refused(blog):
    for folder in ("content", "content/posts", "theme", "plugins", "output", ".carnet"):
        line = refused(blog, folder)
        assert f"is inside {folder.split('/')[0]}/, which Carnet needs" in line


def test_a_folder_containing_the_project_is_refused(blog):
    assert "contains the project folder" in refused(blog, blog.root.parent)
    assert "contains the project folder" in refused(blog, "..")


def test_root_and_home_are_refused(blog, tmp_path):
    assert "is the root folder /" in refused(blog, "/")
    home = tmp_path / "home"
    home.mkdir()
    assert "is your home folder" in refused(blog, "~", env={"HOME": str(home)})


def test_a_folder_inside_the_project_is_refused_unless_ignored_and_made_by_carnet(blog):
    assert "is inside the project folder" in refused(blog, "public")
    (blog.root / ".gitignore").write_text("/public/\n")
    # Ignored but not made by Carnet: refused, its files untouched.
    (blog.root / "public").mkdir()
    (blog.root / "public" / "notes.txt").write_text("à garder")
    assert "is inside the project folder" in refused(blog, "public")
    # Ignored, and Carnet makes it: accepted.
    done = blog.invoke("publish", env={"CARNET_DEPLOY_TARGET": "site-en-ligne"})
    assert done.returncode == 1  # not ignored yet
    (blog.root / ".gitignore").write_text("/public/\nsite-en-ligne/\n")
    line = refused(blog, "site-en-ligne")  # its releases, beside it, would not be ignored
    assert "with site-en-ligne.carnet-releases beside it" in line
    (blog.root / ".gitignore").write_text("/public/\n/site-en-ligne*/\n")
    for _ in range(2):  # made, then already Carnet's
        done = blog.invoke("publish", env={"CARNET_DEPLOY_TARGET": "site-en-ligne"})
        assert done.returncode == 0, done.stderr
    assert (blog.root / "site-en-ligne" / "un-billet" / "index.html").exists()
    assert (blog.root / "site-en-ligne" / MARKER).exists()


def test_a_target_named_with_braces_is_named_as_written(blog):
    # The line was filled in twice, the name put in first: « {v2} » was then read as a
    # field of the line, and publish stopped with a KeyError traceback.
    line = refused(blog, "public {v2}")
    assert "public {v2} is inside the project folder" in line
    assert "with public {v2}.carnet-releases beside it" in line
    assert "content/{slug} is inside content/, which Carnet needs" in refused(
        blog, "content/{slug}"
    )


@pytest.mark.parametrize(
    "pasted", [" {}", "{}\n", "{}\r\n", "{}\nexport X=1", '"{}"', "'{}'", "« {} »"]
)
def test_a_target_pasted_with_a_space_a_quote_or_a_line_break_is_refused_on_one_line(
    blog, tmp_path, pasted
):
    target = pasted.format(tmp_path / "www")
    line = refused(blog, target)
    assert line.endswith(
        f"{json.dumps(target, ensure_ascii=False)} starts or ends with a space or a quote, "
        "or holds a line break; write the target alone, on one line"
    )


def test_a_target_in_a_folder_that_does_not_exist_says_so(blog, tmp_path):
    # It said the folder « is not writable » and to ask for the target to be made: for
    # a typo in the path, a request to whoever runs the server.
    target = tmp_path / "wwww" / "carnet"
    assert refused(blog, target).endswith(
        f"{target}: its folder {target.parent} does not exist; correct CARNET_DEPLOY_TARGET, "
        f"or make the folder (mkdir -p {target.parent}), then publish again"
    )
    assert not target.parent.exists()


def test_a_foreign_non_empty_folder_is_left_untouched(blog, tmp_path):
    foreign = tmp_path / "www"
    (foreign / "ancien").mkdir(parents=True)
    (foreign / "index.html").write_text("<p>Le site d’avant</p>")
    (foreign / "ancien" / "photo.jpg").write_bytes(b"\xff\xd8 pas une vraie photo")
    before = snapshot(foreign)
    line = refused(blog, foreign)
    assert f"is not empty and was not made by Carnet (it has no {MARKER} file)" in line
    assert snapshot(foreign) == before


def test_a_file_is_refused(blog, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert "is a file, not a folder" in refused(blog, blocker)
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize(
    "target",
    ["-e 'ssh -p 2222' claire@carnet-de-coach.fr:/var/www/carnet", "-e sh:x", "--delete"],
)
def test_a_target_starting_with_a_dash_is_refused(blog, target):
    assert "so rsync would read it as an option" in refused(blog, target)


@pytest.mark.parametrize(
    "target",
    ["claire@:/var/www", "@host:/x", "carnet-de-coach.fr::module", "hôte:/x", "host:-x"],
)
def test_a_remote_target_must_be_user_at_host_colon_path(blog, target):
    assert "is not an rsync destination of the form [user@]host:path" in refused(blog, target)


def test_remote_targets_of_the_right_form_are_accepted(tmp_path):
    for text in ("claire@carnet-de-coach.fr:/var/www/carnet", "web:site", "h.example:/x y"):
        target = check_target(text, str(tmp_path))
        assert target.remote and target.text == text


def test_a_symbolic_link_carnet_did_not_make_is_refused(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "www").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(DeployRefused, match="is a symbolic link Carnet did not make"):
        check_target(str(tmp_path / "www"), str(tmp_path / "project"))


# --- rsync, for real, through a local stand-in for ssh ----------------------------------


@pytest.fixture
def local_ssh(tmp_path):
    """RSYNC_RSH: a "remote shell" that runs rsync's server side on this machine."""
    script = _remote_shell(
        tmp_path / "local-ssh",
        "#!/bin/sh\n# [-l user] host rsync --server ...: the remote is this machine.\n"
        'while [ "$1" != rsync ]; do shift; done\nexec "$@"\n',
    )
    return {"RSYNC_RSH": script}


def _remote_shell(path, text):
    """An executable script at `path` for rsync's RSYNC_RSH (skips the test without rsync)."""
    if subprocess.run(["which", "rsync"], capture_output=True).returncode != 0:
        pytest.skip("rsync is not installed (scripts/test.sh installs it)")
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_rsync_deploys_and_a_second_publish_replaces_the_site(blog, tmp_path, local_ssh):
    target = f"claire@localhost:{tmp_path / 'www'}"
    done = blog.invoke("publish", env=dict(local_ssh, CARNET_DEPLOY_TARGET=target))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "www" / "un-billet" / "index.html").exists()
    assert (tmp_path / "www" / MARKER).exists()
    (blog.content / "posts" / "b.md").unlink()
    done = blog.invoke("publish", env=dict(local_ssh, CARNET_DEPLOY_TARGET=target))
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "www" / "un-autre").exists()  # --delete, on Carnet's own folder
    assert (tmp_path / "www" / "un-billet" / "index.html").exists()


def test_rsync_removes_what_an_interrupted_transfer_left_in_its_holding_folders(
    blog, tmp_path, local_ssh
):
    """rsync --delay-updates writes each changed file into a holding folder .~tmp~ beside
    it, and moves them all into place at the end. A transfer cut short (publish's process
    group killed, the connection lost) leaves them there, and --delete spares that folder:
    a file the site no longer has stayed online for ever as DIR/.~tmp~/NAME. The state is
    written here as such a transfer leaves it (a kill at that instant cannot be timed)."""
    target = tmp_path / "www"
    env = dict(local_ssh, CARNET_DEPLOY_TARGET=f"localhost:{target}")
    assert blog.invoke("publish", env=env).returncode == 0
    held = target / "feeds" / ".~tmp~" / "ancienne-categorie.atom.xml"
    held.parent.mkdir()
    held.write_text("<feed>un flux que le site n’a plus</feed>")
    (target / ".~tmp~").mkdir()
    (target / ".~tmp~" / "index.html").write_text("<p>une page à moitié envoyée</p>")
    done = blog.invoke("publish", env=env)
    assert done.returncode == 0, done.stderr
    assert list(target.rglob(".~tmp~")) == []
    assert (target / "un-billet" / "index.html").exists() and (target / MARKER).exists()


def test_a_file_the_coach_put_on_the_server_stops_an_rsync_publish_and_is_kept(
    blog, tmp_path, local_ssh
):
    """A file put online by hand beside the site (a host's verification file, a
    .htaccess) was deleted by the next publish's rsync --delete. The files each publish
    puts online are recorded in .carnet/ (not online: the list would show hidden posts'
    addresses); another one stops the publish before anything is sent, naming it."""
    target = tmp_path / "www"
    # rsync lists « été » as « \\#303\\#251t\\#303\\#251 » in the C locale: still the file
    # the last publish put online.
    (blog.content / "extra").mkdir()
    (blog.content / "extra" / "programme d’été.pdf").write_bytes(b"%PDF-1.4")
    env = dict(local_ssh, CARNET_DEPLOY_TARGET=f"localhost:{target}", LC_ALL="C")
    assert blog.invoke("publish", env=env).returncode == 0
    letters = sorted((blog.root / "outbox").iterdir())
    (target / "google1234abcd.html").write_text("google-site-verification: google1234abcd.html")
    blog.add_post("c.md", title="Un nouveau", date="2021-10-09 08:00", category="Journal intime")
    done = blog.invoke("publish", env=env)
    assert done.returncode == 1
    [line] = [line for line in done.stderr.splitlines() if line.strip()]
    assert f"localhost:{target}/google1234abcd.html: Carnet did not put this file online" in line
    assert "no newsletter sent" in line
    assert (target / "google1234abcd.html").exists()
    assert not (target / "un-nouveau").exists()
    assert sorted((blog.root / "outbox").iterdir()) == letters
    # Moved into content/extra/, as the line says: the site has it, publish goes on.
    (target / "google1234abcd.html").rename(blog.content / "extra" / "google1234abcd.html")
    done = blog.invoke("publish", env=env)
    assert done.returncode == 0, done.stderr
    assert (target / "google1234abcd.html").exists() and (target / "un-nouveau").exists()


def _a_file_put_there_by_hand_stops_the_next_publish(blog, target, env):
    (target / "google1234abcd.html").write_text("google-site-verification: google1234abcd.html")
    done = blog.invoke("publish", env=env)
    assert done.returncode == 1
    assert f"localhost:{target}/google1234abcd.html: Carnet did not put" in done.stderr


def test_a_publish_killed_after_rsync_leaves_no_file_of_carnet_taken_for_the_coachs(
    blog, tmp_path, local_ssh
):
    """A publish killed once rsync had put the site online, before it recorded the files
    it put there: the next publish stopped, naming a file Carnet had put online (the new
    post's page, a search index fragment) as one the coach did, and said to move it into
    content/extra/. The files a publish puts online are recorded before rsync runs too."""
    target = tmp_path / "www"
    env = dict(local_ssh, CARNET_DEPLOY_TARGET=f"localhost:{target}")
    assert blog.invoke("publish", env=env).returncode == 0
    # The remote shell kills publish (the rsync client's parent) once the transfer is done.
    killer = _remote_shell(
        tmp_path / "killing-ssh",
        '#!/bin/sh\nwhile [ "$1" != rsync ]; do shift; done\n'
        'case "$*" in *--sender*) exec "$@" ;; esac\n'
        '"$@"\nkill -9 $(ps -o ppid= -p $PPID)\n',
    )
    blog.add_post("c.md", title="Un nouveau", date="2021-10-09 08:00", category="Journal intime")
    killed = blog.invoke("publish", env=dict(env, RSYNC_RSH=killer))
    assert killed.returncode == -9, killed.stdout + killed.stderr
    assert (target / "un-nouveau" / "index.html").exists()
    done = blog.invoke("publish", env=env)
    assert done.returncode == 0, done.stderr
    assert (target / "un-nouveau" / "index.html").exists()
    # The record is still exact: a file put there by hand stops the next one.
    _a_file_put_there_by_hand_stops_the_next_publish(blog, target, env)


def test_a_publish_from_a_second_computer_does_not_stop_the_first_ones(blog, tmp_path, local_ssh):
    """The coach publishes from two computers, each with its own record of what it put
    online. A post published from the laptop is, for the desktop's record, a file it did
    not put there: the desktop's next publish (the post pulled, its page built again)
    stopped, calling the post's page a file the coach put online by hand. A file this
    build puts online is Carnet's, whoever put it there first."""
    target = tmp_path / "www"
    env = dict(local_ssh, CARNET_DEPLOY_TARGET=f"localhost:{target}")
    assert blog.invoke("publish", env=env).returncode == 0
    record = blog.root / ".carnet" / "deployed-files.json"
    desktops = record.read_bytes()
    record.unlink()  # the laptop: the same project, no record of the desktop's publishes
    blog.add_post("c.md", title="Un nouveau", date="2021-10-09 08:00", category="Journal intime")
    assert blog.invoke("publish", env=env).returncode == 0
    record.write_bytes(desktops)  # back on the desktop, the new post pulled
    done = blog.invoke("publish", env=env)
    assert done.returncode == 0, done.stderr
    assert (target / "un-nouveau" / "index.html").exists()
    # Its record is exact again: a file put there by hand still stops the next publish.
    _a_file_put_there_by_hand_stops_the_next_publish(blog, target, env)


def test_a_failed_rsync_without_a_record_leaves_the_next_publish_unchecked(
    blog, tmp_path, local_ssh
):
    """Without a record of what the last publish put online (the first publish after the
    update, or from another computer), one whose transfer fails records nothing: the site
    online is then the old one and some new files, and the next publish must not take the
    old pages for files the coach put there."""
    target = tmp_path / "www"
    env = dict(local_ssh, CARNET_DEPLOY_TARGET=f"localhost:{target}")
    assert blog.invoke("publish", env=env).returncode == 0
    (blog.root / ".carnet" / "deployed-files.json").unlink()  # as a Carnet before left it
    (blog.content / "posts" / "b.md").unlink()  # its page stays online until rsync --delete
    failing = _remote_shell(
        tmp_path / "failing-ssh",
        '#!/bin/sh\nwhile [ "$1" != rsync ]; do shift; done\n'
        'case "$*" in *--sender*) exec "$@" ;; esac\necho "connection lost" >&2\nexit 12\n',
    )
    assert blog.invoke("publish", env=dict(env, RSYNC_RSH=failing)).returncode == 1
    assert (target / "un-autre" / "index.html").exists()
    done = blog.invoke("publish", env=env)
    assert done.returncode == 0, done.stderr
    assert not (target / "un-autre").exists()


def test_rsync_leaves_a_foreign_remote_folder_untouched(blog, tmp_path, local_ssh):
    foreign = tmp_path / "www"
    foreign.mkdir()
    (foreign / "index.html").write_text("<p>Le site d’avant</p>")
    done = blog.invoke("publish", env=dict(local_ssh, CARNET_DEPLOY_TARGET=f"localhost:{foreign}"))
    assert done.returncode == 1
    assert "is not empty and was not made by Carnet" in done.stderr
    assert "no newsletter sent" in done.stderr
    assert snapshot(foreign) == {"index.html": "<p>Le site d’avant</p>".encode()}
    assert not (blog.root / "outbox").exists()


def test_an_ssh_failure_is_one_french_line_without_rsync_english(blog, tmp_path):
    """An unknown host printed ssh's and rsync's English on three lines after « Le
    déploiement a échoué » (« ssh: Could not resolve hostname …», « rsync: connection
    unexpectedly closed … », « rsync error: unexplained error (code 255) … »)."""
    ssh = _remote_shell(
        tmp_path / "ssh-unknown-host",
        "#!/bin/sh\necho 'ssh: Could not resolve hostname hote.invalid: "
        "Name or service not known' >&2\nexit 255\n",
    )
    blog.speak("fr")
    env = {"RSYNC_RSH": ssh, "CARNET_DEPLOY_TARGET": "claire@hote.invalid:www"}
    done = blog.invoke("publish", env=env)
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert "Le déploiement a échoué, aucune lettre envoyée" in line
    assert "l’ordinateur hote.invalid est introuvable" in line
    assert "Could not resolve" not in line and "rsync error" not in line
    assert not (blog.root / "outbox").exists()


# --- the releases folder kept beside the target (TARGET.carnet-releases) ------------------


def test_a_releases_folder_carnet_did_not_make_is_left_untouched(blog, tmp_path):
    releases = tmp_path / ("www" + RELEASES)
    for n in (1, 2, 3):
        (releases / f"20200101-000000-{n}").mkdir(parents=True)
    (releases / "20200101-000000-1" / "precious.txt").write_text("précieux")
    (releases / "notes.txt").write_text("à moi")
    before = snapshot(releases)
    line = refused(blog, tmp_path / "www")
    assert f"{releases}, where {tmp_path / 'www'} keeps its releases, is not empty" in line
    assert snapshot(releases) == before and not (releases / MARKER).exists()
    assert not (tmp_path / "www").exists()


def test_a_releases_folder_that_is_a_link_carnet_did_not_make_is_refused(blog, tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (tmp_path / ("enligne" + RELEASES)).symlink_to(victim)
    line = refused(blog, tmp_path / "enligne")
    assert "keeps its releases, is a symbolic link Carnet did not make" in line
    assert list(victim.iterdir()) == [] and not (tmp_path / "enligne").exists()


def test_a_file_where_the_releases_go_is_refused_before_the_build(blog, tmp_path):
    (tmp_path / ("www" + RELEASES)).write_text("not a folder")
    assert "keeps its releases, is a file, not a folder" in refused(blog, tmp_path / "www")
    assert (tmp_path / ("www" + RELEASES)).read_text() == "not a folder"


def test_only_releases_carnet_made_are_removed(blog, tmp_path):
    target = tmp_path / "www"
    releases = tmp_path / ("www" + RELEASES)
    done = blog.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(target)})
    assert done.returncode == 0, done.stderr
    # Named like a release, in Carnet's own releases folder, but not made by Carnet.
    (releases / "20200101-000000-1").mkdir()
    (releases / "20200101-000000-1" / "precious.txt").write_text("précieux")
    (releases / "20200101-000000-2").symlink_to(tmp_path / "victim", target_is_directory=True)
    (tmp_path / "victim").mkdir()
    (tmp_path / "victim" / "thesis.txt").write_text("important")
    for _ in range(3):
        done = blog.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(target)})
        assert done.returncode == 0, done.stderr
    assert (releases / "20200101-000000-1" / "precious.txt").read_text() == "précieux"
    assert (tmp_path / "victim" / "thesis.txt").read_text() == "important"
    carnets = [p for p in releases.iterdir() if (p / MARKER).is_file() and not p.is_symlink()]
    assert len(carnets) == 2  # the current release and the one before


def closed_to_others(top):
    """The folders under `top` (itself included) others may not open, and the files they
    may not read: what a web server, another user, answers « 403 Forbidden » for."""
    top = Path(top)
    closed = []
    for path in [top, *top.rglob("*")]:
        mode = path.lstat().st_mode
        if stat.S_ISDIR(mode) and mode & 0o005 != 0o005 or stat.S_ISREG(mode) and not mode & 0o004:
            closed.append(str(path.relative_to(top)))
    return closed


def test_a_site_published_under_a_umask_of_077_is_readable_by_the_web_server(blog, tmp_path):
    # A coach whose umask is 077: every page and folder online was hers alone, and the
    # web server answered « 403 Forbidden » for the whole site.
    target = tmp_path / "www"
    done = blog.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(target)}, umask=0o077)
    assert done.returncode == 0, done.stderr
    release = target.resolve()
    assert (release / "un-billet" / "index.html").exists()
    assert closed_to_others(release) == []
    assert release.parent.stat().st_mode & 0o001  # the releases folder, to go through


def test_a_site_published_through_rsync_under_a_umask_of_077_is_readable(blog, tmp_path, local_ssh):
    # rsync copies each file's mode: the site online was the coach's alone there too.
    target = tmp_path / "www"
    env = dict(local_ssh, CARNET_DEPLOY_TARGET=f"claire@localhost:{target}")
    done = blog.invoke("publish", env=env, umask=0o077)
    assert done.returncode == 0, done.stderr
    assert (target / "un-billet" / "index.html").exists()
    assert closed_to_others(target) == []


def test_a_target_under_home_with_an_empty_home_is_under_the_users_home(tmp_path, monkeypatch):
    # HOME="" (a cron job's, a service's) made ~ the root folder: ~/www was /www.
    monkeypatch.setenv("HOME", "")
    home = pwd.getpwuid(os.getuid()).pw_dir
    assert check_target("~/www", str(tmp_path)).path == os.path.join(home, "www")
