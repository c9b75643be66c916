"""Fixtures for the reader-experience tests: one production build of the sample site per
session, indexed by Pagefind and served on 127.0.0.1, and a headless Chromium.

The build uses publishconf.py with SITEURL set to the local server's address, so that
every absolute link (canonical, share links, feeds) points at the served copy and can be
followed. Screenshots and reports go to tests/artifacts/ (git-ignored).
"""

import functools
import http.server
import os
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from carnet.build import build
from carnet.search import build_index

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
# Headless Chromium on a CI machine: no sandbox (root), no GPU, no calls home.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


@dataclass
class BuiltSite:
    output: Path
    base_url: str  # http://127.0.0.1:PORT, no trailing slash
    articles: list  # the published articles, newest first (Pelican objects)

    def url(self, path=""):
        return f"{self.base_url}/{path.lstrip('/')}"

    def html_files(self):
        return sorted(self.output.rglob("*.html"))

    def first_article(self, predicate=lambda article: True):
        return next(article for article in self.articles if predicate(article))

    @property
    def showcase_article(self):
        """The newest article with an image: the heaviest kind of page readers see."""
        return self.first_article(lambda a: "<img" in a.content) if self.articles else None


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The sample site (content/), production build, search index, served on 127.0.0.1."""
    from pelican import signals

    work = tmp_path_factory.mktemp("sample-site")
    output = work / "output"
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    published = []

    def keep_articles(generator):
        published[:] = generator.articles

    signals.article_generator_finalized.connect(keep_articles)
    try:
        result = build(
            str(ROOT / "publishconf.py"),
            output_path=output,
            overrides={
                "SITEURL": base_url,
                "FEED_DOMAIN": base_url,
                # Leave the repository's cache and newsletter files alone.
                "CACHE_CONTENT": False,
                "LOAD_CONTENT_CACHE": False,
                "CACHE_PATH": str(work / "cache"),
                "CARNET_NEWSLETTER_MANIFEST": str(work / "newsletter-manifest.json"),
            },
        )
    finally:
        signals.article_generator_finalized.disconnect(keep_articles)
    # With the build's settings, as `invoke publish` does: Pagefind reads the article pages only.
    build_index(str(output), result.settings)

    handler = functools.partial(QuietHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        articles = sorted(published, key=lambda article: article.date, reverse=True)
        yield BuiltSite(output, base_url, articles)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=[360, 1280], ids=["360px", "1280px"])
def page(request, browser):
    """A fresh browser tab at 360 px (phone) or 1280 px (laptop) wide."""
    context = browser.new_context(viewport={"width": request.param, "height": 800}, locale="fr-FR")
    tab = context.new_page()
    tab.width = request.param
    yield tab
    context.close()


@pytest.fixture(scope="session")
def lighthouse():
    """How to run Lighthouse: (command prefix, environment). Installs package.json's tools
    with npm when node_modules/ lacks them; skips when node or npm is not installed."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("Lighthouse needs node and npm (apt-get install nodejs npm)")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    tool = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not tool.exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=ROOT,
            check=True,
            timeout=600,
        )
    flags = " ".join(["--headless=new", *CHROMIUM_FLAGS])
    return [str(tool), f"--chrome-flags={flags}"], dict(os.environ, CHROME_PATH=CHROMIUM)
