"""Newsletter fixtures: a Carnet blog whose newsletter a test runs, the Mailchimp stand-in.

The blog is a real site from tests/conftest.py (make_site), built by the real Pelican
with the production settings; its newsletter runs in this process, or in a child process
(child.py) when a test kills it. Mailchimp is the stand-in server of tests/mailchimp/,
reached by the real client through MAILCHIMP_API_URL.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mailchimp.standin import StandIn

from carnet import newsletter
from carnet.newsletter import ledger

# Looks like a real key (32 hex digits, a data centre) so that leaks are easy to find.
API_KEY = "3f9a7c21e4b05d86a1c2e3f4a5b6c7d8-us21"
LIST_ID = "a1b2c3d4e5"
CHILD = str(Path(__file__).with_name("child.py"))
# Fast failures: a "timeout" in the stand-in hangs longer than this.
FAST = {
    "CARNET_NEWSLETTER_TIMEOUT": 0.5,
    "CARNET_NEWSLETTER_BACKOFF": 0,
    "CARNET_NEWSLETTER_RETRIES": 3,
    "CARNET_NEWSLETTER_LOCK_WAIT": 10,
    "CARNET_NEWSLETTER_SINCE": "",
}


@pytest.fixture(autouse=True)
def no_real_account(monkeypatch):
    """Whatever the developer's shell has, tests never reach a real account or target."""
    for name in (
        "MAILCHIMP_API_KEY",
        "MAILCHIMP_LIST_ID",
        "MAILCHIMP_API_URL",
        "CARNET_DEPLOY_TARGET",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def standin():
    with StandIn(API_KEY, list_ids=[LIST_ID]) as server:
        yield server
        assert server.violations == [], "the schemas rejected requests"


@pytest.fixture
def mailchimp(standin, monkeypatch):
    """The stand-in, and the environment that makes publish use it."""
    for name, value in mailchimp_environment(standin).items():
        monkeypatch.setenv(name, value)
    return standin


def mailchimp_environment(standin):
    return {
        "MAILCHIMP_API_KEY": API_KEY,
        "MAILCHIMP_LIST_ID": LIST_ID,
        "MAILCHIMP_API_URL": standin.url,
    }


class Blog:
    """A site in a temporary folder, and its newsletter."""

    def __init__(self, site, **overrides):
        self.site = site
        self.root = site.root
        self.overrides = dict(FAST, **overrides)
        self.settings = None
        self._publishconf = Path(site.settings_file()).read_text(encoding="utf-8")

    def post(self, filename, **fields):
        fields.setdefault("category", "Journal intime")
        fields.setdefault("author", "Claire Dumas")
        return self.site.add_post(filename, **fields)

    def build(self, **overrides):
        self.overrides.update(overrides)
        self.settings = self.site.build(**self.overrides).settings
        return self.settings

    def invoke(self, *args, env=None):
        """`invoke ARGS` in the site, its publishconf.py ending with this blog's overrides."""
        lines = "".join(f"{name} = {value!r}\n" for name, value in self.overrides.items())
        text = self._publishconf + "\n# Test settings\n" + lines
        settings_file = Path(self.site.settings_file())
        # Written only when it changes: the tasks compare its date with the last build's.
        if settings_file.read_text(encoding="utf-8") != text:
            settings_file.write_text(text, encoding="utf-8")
        return self.site.invoke(*args, env=env)

    def start_ledger(self, entries=None):
        """An existing ledger, so that every post is new (no first-run baseline)."""
        ledger.save(self.ledger_path, entries or {})

    def run(self, deployed=True, **kwargs):
        return newsletter.run(self.settings, deployed=deployed, **kwargs)

    @property
    def ledger_path(self):
        return str(self.root / "newsletter-ledger.json")

    def ledger(self):
        return ledger.load(self.ledger_path)

    def sent(self):
        """{post id: provider} for the posts that really went out."""
        return {
            key: e["provider"] for key, e in self.ledger().items() if e["provider"] != "baseline"
        }

    def outbox(self):
        folder = self.root / "outbox"
        return sorted(p.name for p in folder.iterdir()) if folder.exists() else []

    def start_child(self, env, **overrides):
        """The newsletter in a child process (stdout/stderr captured)."""
        full_env = {
            k: v for k, v in os.environ.items() if not k.startswith(("CARNET_", "MAILCHIMP_"))
        }
        full_env.update(env)
        # The site's own carnet/ (linked to this checkout), as `invoke` in the site imports
        # it: child.py's folder comes first on its path, and the installed carnet may be
        # another checkout's.
        full_env["PYTHONPATH"] = str(self.root)
        return subprocess.Popen(
            [
                sys.executable,
                CHILD,
                self.site.settings_file(),
                json.dumps(dict(self.overrides, **overrides)),
            ],
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


@pytest.fixture
def blog(site):
    return Blog(site)
