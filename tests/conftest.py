"""Shared fixtures: real Pelican builds of small Carnet sites in temporary folders.

A `site` is a folder laid out like the repository: copies of pelicanconf.py,
publishconf.py and tasks.py (so tests may edit them), and links to the real theme/,
plugins/ and carnet/. Posts are written by the test.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from carnet.build import build
from carnet.i18n import use_language

ROOT = Path(__file__).resolve().parents[1]

COPIED = ("pelicanconf.py", "publishconf.py", "tasks.py")
DEFAULT_CATEGORY_LINE = 'CARNET_DEFAULT_CATEGORY = "Journal intime"'
LINKED = ("theme", "plugins", "carnet")
AUTHOR_PHOTOS = ("images/claire-dumas.svg", "images/julien-moreau.svg")


@contextlib.contextmanager
def in_french():
    """Carnet's own messages in French for the `with` block (the tests speak English)."""
    use_language("fr")
    try:
        yield
    finally:
        use_language("en")


def python_prints(script, *args):
    """What `script` prints, run by a fresh Python in the repository (a process of its own
    to measure: its memory, its pages)."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout


def wait_for(condition, seconds=20):
    """Wait until condition() is true; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def post_text(title="Un article", date="2020-09-09 08:30", body="Un texte.", **metadata):
    """A Markdown post with Pelican metadata; None drops a field, keys are capitalised."""
    fields = {"Title": title, "Date": date}
    fields.update({key.replace("_", "-").capitalize(): value for key, value in metadata.items()})
    header = "".join(f"{key}: {value}\n" for key, value in fields.items() if value is not None)
    return header + "\n" + textwrap.dedent(body).strip() + "\n"


class Site:
    def __init__(self, root):
        self.root = Path(root)
        self.content = self.root / "content"
        self.output = self.root / "output"

    def add_post(self, filename, text=None, **fields):
        """Write content/posts/FILENAME: `text` as is (str or bytes), else post_text(**fields)."""
        return self._write(self.content / "posts" / filename, text, fields)

    def add_page(self, filename, text=None, **fields):
        return self._write(self.content / "pages" / filename, text, fields)

    def _write(self, path, text, fields):
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            text = post_text(**fields)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def settings_file(self, production=True):
        return str(self.root / ("publishconf.py" if production else "pelicanconf.py"))

    def build(self, production=True, **overrides):
        """Build with the real Pelican, in this process; raises carnet.build.BuildFailed."""
        return build(self.settings_file(production), output_path=self.output, overrides=overrides)

    def read(self, relative_path):
        return (self.output / relative_path).read_text(encoding="utf-8")

    def html_files(self):
        return sorted(self.output.rglob("*.html"))

    def all_text(self):
        """Every text file of the output, joined: to prove something is nowhere."""
        parts = []
        for path in sorted(self.output.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".xml", ".txt", ".json"}:
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
        return "\n".join(parts)

    def speak(self, language):
        """Set the site's DEFAULT_LANG, which is also the language Carnet's tasks speak."""
        settings = self.root / "pelicanconf.py"
        text = settings.read_text(encoding="utf-8")
        settings.write_text(
            re.sub(r"^DEFAULT_LANG = .*$", f"DEFAULT_LANG = {language!r}", text, flags=re.M),
            encoding="utf-8",
        )

    def use_a_broken_template(self):
        """Posts with `Template: broken` get a template that reads a field no post has: the
        theme crashes as their pages are written."""
        overrides = self.root / "overrides"
        overrides.mkdir(exist_ok=True)
        (overrides / "broken.html").write_text(
            '{% extends "article.html" %}{% block content %}{{ article.no_such_field.name }}'
            "{% endblock %}",
            encoding="utf-8",
        )
        with open(self.root / "pelicanconf.py", "a", encoding="utf-8") as conf:
            conf.write(f"\nTHEME_TEMPLATES_OVERRIDES = [{str(overrides)!r}]\n")

    @contextlib.contextmanager
    def serving(self, wait=30):
        """Run `invoke serve` on a free port; yield its base URL once it answers."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "invoke", "serve", "--port", str(port)]
        server = subprocess.Popen(
            command, cwd=self.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    urllib.request.urlopen(base + "/", timeout=5).close()
                    break
                except urllib.error.HTTPError:
                    break  # it answers
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise
                    time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            server.wait(10)

    @contextlib.contextmanager
    def livereloading(self):
        """Run `invoke livereload`; yield once it has built and says it watches."""
        livereload = subprocess.Popen(
            [sys.executable, "-m", "invoke", "livereload"],
            cwd=self.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            for line in livereload.stdout:  # built once (or failed), and watching
                if "Surveillance de content/" in line:
                    break
            else:
                raise AssertionError(f"livereload ended: {livereload.stderr.read()}")
            time.sleep(1)  # a watch started after the line has started too
            yield livereload
        finally:
            os.killpg(livereload.pid, signal.SIGINT)
            livereload.wait(30)

    def invoke(self, *args, env=None, timeout=300, umask=-1):
        """Run `invoke ARGS` in this site, as the author would; returns CompletedProcess.
        umask: the author's, when not this process's."""
        full_env = {
            k: v for k, v in os.environ.items() if not k.startswith(("CARNET_", "MAILCHIMP_"))
        }
        full_env.update(env or {})
        command = [sys.executable, "-m", "invoke", *args]
        return subprocess.run(
            command,
            cwd=self.root,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            umask=umask,
        )


def started_and_waiting(site, log, said, *task, env=None):
    """`invoke TASK…` started in `site` (its output in the file `log`), once it says `said`:
    it waits for a lock the test holds. Without CARNET_* variables but those of `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CARNET_")}
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "invoke", *task],
            cwd=site.root,
            env=dict(clean, **(env or {})),
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    deadline = time.monotonic() + 60
    while said not in log.read_text() and time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        time.sleep(0.1)
    return process


def make_site(root):
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copy(ROOT / name, root / name)
    for name in LINKED:
        (root / name).symlink_to(ROOT / name)
    for folder in ("posts", "pages", "images"):
        (root / "content" / folder).mkdir(parents=True, exist_ok=True)
    # The authors' photos pelicanconf.py's CARNET_AUTHORS names: a photo missing stops the
    # build.
    for photo in AUTHOR_PHOTOS:
        shutil.copy(ROOT / "content" / photo, root / "content" / photo)
    # Test posts are short: most say no Category:, which the site files under this one
    # (tests of a missing category remove it).
    with open(root / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write(f"\n{DEFAULT_CATEGORY_LINE}\n")
    return Site(root)


@pytest.fixture(autouse=True, scope="session")
def compiled_templates_of_this_run(tmp_path_factory):
    """The templates Jinja compiles (carnet/template_cache.py) go to a folder of this test
    run, not the user's cache: no test depends on what an earlier run left there."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME")
    else:
        os.environ["XDG_CACHE_HOME"] = saved


@pytest.fixture
def site(tmp_path):
    """An empty Carnet site in a temporary folder."""
    return make_site(tmp_path / "site")


def record_calls(monkeypatch, owner, name, noted):
    """Every call of `owner.name` from here on, as `noted(*args, **kwargs)` describes it, in
    a list that grows as the calls come; each call then goes on as before."""
    calls = []
    original = getattr(owner, name)

    def recording(*args, **kwargs):
        calls.append(noted(*args, **kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, recording)
    return calls


@pytest.fixture
def markdown_objects_made(monkeypatch):
    """The Markdown objects made from here on, in a list that grows as they are made."""
    import markdown

    return record_calls(monkeypatch, markdown.Markdown, "__init__", lambda self, *a, **k: self)
