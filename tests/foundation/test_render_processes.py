"""Pages rendered in two processes (carnet/writer.py): the site is byte for byte the one a
one-process build makes, both processes really render pages, and a broken page or two
pages for one file read exactly as in one process."""

import importlib
import logging
import math
import os
import re
import shutil
import time
from pathlib import Path

import jinja2
import pytest
from pelican.settings import read_settings
from pelican.writers import FileOverwriteFailedError

from carnet import forked
from carnet.build import BuildFailed
from carnet.writer import FORK_FROM, CarnetWriter

ROOT = Path(__file__).resolve().parents[2]
SECOND = re.compile(r"^(\d+) pages rendered in a second process \((\d+)\)$")
OWN = re.compile(r"^(\d+) pages rendered in the build's process$")
CHILD_FAILED = "The second process did not render its pages"


@pytest.fixture(autouse=True)
def images_drawn_at_the_end(monkeypatch):
    """Share images drawn by the build at the end, not by a child while the first pages
    are rendered: that moves which pages each process renders (tested apart, at the end of
    this file)."""
    monkeypatch.syspath_prepend(str(ROOT / "plugins"))
    share_cards = importlib.import_module("share_cards.share_cards")
    monkeypatch.setattr(share_cards, "DRAW_AHEAD_FROM", math.inf)
    monkeypatch.setattr(share_cards.ShareCards, "start_drawer_if_cold", lambda cards: None)


@pytest.fixture
def blog(site):
    """The sample content and 60 more posts over 7 tags: lists of several pages."""
    shutil.rmtree(site.content)
    shutil.copytree(ROOT / "content", site.content)
    for number in range(60):
        site.add_post(
            f"genere-{number:02}.md",
            title=f"Billet numéro {number}",
            date=f"2022-{1 + number % 12:02}-{1 + number % 28:02} 0{number % 10}:15",
            tags=f"theme-{number % 7}, commun",
            body=f"Un texte sur l’écoute, numéro {number} : « bien » ?\n\n" + "Une phrase. " * 40,
        )
    return site


def _build_into(site, output, processes, production=True, **settings):
    settings.update(CARNET_BUILD_PROCESSES=processes, CACHE_PATH=str(output) + "-cache")
    from carnet.build import build

    try:
        result = build(site.settings_file(production), output_path=output, overrides=settings)
        return ("built", result.warnings)
    except BuildFailed as failure:
        return ("failed", failure.problems, failure.warnings)


def _files(folder):
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file()
    }


def _rendered(caplog):
    """(pages the child said it rendered, its pid), pages the build's process rendered."""
    second, own = [], []
    for record in caplog.records:
        if record.name != "carnet.writer":
            continue
        found = SECOND.match(record.getMessage())
        if found:
            second.append((int(found[1]), int(found[2])))
        found = OWN.match(record.getMessage())
        if found:
            own.append(int(found[1]))
    return second, own


def test_two_processes_write_the_site_one_process_writes(blog, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="carnet.writer")
    one = _build_into(blog, tmp_path / "one", 1)
    assert _rendered(caplog) == ([], [])
    caplog.clear()
    two = _build_into(blog, tmp_path / "two", 2)
    assert one[0] == "built" and two == one  # same warnings, in the same order
    one_files, two_files = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert len(one_files) > 200
    assert sorted(two_files) == sorted(one_files)
    different = [name for name in one_files if one_files[name] != two_files[name]]
    assert different == []
    # Both processes rendered about half of the posts, tags and lists.
    second, own = _rendered(caplog)
    assert len(second) == 1 and len(own) == 1
    (child_pages, child_pid), (own_pages,) = second[0], own
    assert child_pid != os.getpid()
    assert child_pages >= 60 and abs(child_pages - own_pages) <= 1
    html = [name for name in two_files if name.endswith(".html")]
    assert child_pages + own_pages <= len(html)


def test_relative_urls_without_page_reuse_are_the_same_in_two_processes(blog, tmp_path, caplog):
    """A development build with page reuse off: relative links differ page by page."""
    caplog.set_level(logging.DEBUG, logger="carnet.writer")
    one = _build_into(blog, tmp_path / "one", 1, production=False, CARNET_PAGE_REUSE=False)
    two = _build_into(blog, tmp_path / "two", 2, production=False, CARNET_PAGE_REUSE=False)
    assert one[0] == "built" and two == one
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    assert len(_rendered(caplog)[0]) == 1


def test_a_development_build_with_page_reuse_renders_in_one_process(blog, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="carnet.writer")
    said = _build_into(blog, tmp_path / "dev", 2, production=False)
    assert said[0] == "built"
    assert (tmp_path / "dev" / "index.html").exists()
    assert _rendered(caplog) == ([], [])


def _broken_template(site, *broken_titles):
    """Posts titled `broken_titles` use a template that reads a field no post has."""
    site.use_a_broken_template()
    for number, title in enumerate(broken_titles):
        site.add_post(
            f"casse-{number}.md",
            title=title,
            date=f"2024-01-0{9 - number} 08:00",
            template="broken",
        )


@pytest.mark.parametrize(
    "broken",
    [
        ["Le plus récent"],  # the first page: the child's share
        ["Le plus récent", "Le suivant"],  # one in each share: the first is reported
        ["Rien", "Le suivant"],  # the second page: the build's own share
    ],
)
def test_a_broken_page_reads_as_in_one_process(blog, tmp_path, caplog, broken):
    names = list(broken)
    _broken_template(blog, *names)
    if names[0] == "Rien":  # the newest post renders, the second one does not
        (blog.content / "posts" / "casse-0.md").write_text(
            "Title: Rien\nDate: 2024-01-09 08:00\n\nUn texte.\n", encoding="utf-8"
        )
    caplog.set_level(logging.DEBUG, logger="carnet.writer")
    one = _build_into(blog, tmp_path / "one", 1)
    assert one[0] == "failed"
    caplog.clear()
    two = _build_into(blog, tmp_path / "two", 2)
    assert two == one
    expected = "casse-1.md" if names[0] == "Rien" else "casse-0.md"
    assert len(one[1]) == 1 and one[1][0].startswith(f"content/posts/{expected}: ")
    assert "no_such_field" in one[1][0]
    child_failed = [r for r in caplog.records if r.getMessage().startswith(CHILD_FAILED)]
    assert len(child_failed) == (0 if names[0] == "Rien" else 1)


def _writer(tmp_path, processes):
    settings = read_settings(
        None,
        override={"OUTPUT_PATH": str(tmp_path), "CARNET_BUILD_PROCESSES": processes},
    )
    return CarnetWriter(str(tmp_path), settings=settings)


def _write_pages(writer, names):
    """Pelican's write_file for each (name, override) in `names`, with a real template,
    inside what surrounds a generator's output; the exception raised, or None."""
    template = jinja2.Environment().from_string("{{ output_file }}: {{ number }}")
    try:
        with writer.pages_rendered_at_end():
            for number, (name, override) in enumerate(names):
                writer.write_file(name, template, {}, number=number, override_output=override)
    except FileOverwriteFailedError as error:
        return str(error)
    return None


@pytest.mark.parametrize(
    "last",
    [
        ("page-3.html", False),  # a second page for one file: refused
        ("page-3.html", True),  # one that says it overrides the first: written
    ],
)
def test_two_pages_for_one_file_are_handled_as_pelican_does(tmp_path, last):
    names = [(f"page-{number}.html", False) for number in range(FORK_FROM + 4)] + [last]
    outcomes = []
    for processes in (1, 2):
        folder = tmp_path / str(processes)
        refused = _write_pages(_writer(folder, processes), names)
        outcomes.append((refused and refused.replace(str(folder), "OUT"), _files(folder)))
    assert outcomes[0] == outcomes[1]
    refused, files = outcomes[1]
    if last[1]:
        assert refused is None and files["page-3.html"] == f"page-3.html: {len(names) - 1}".encode()
    else:
        assert refused.startswith('Failed to overwrite "OUT/page-3.html"')
        # The pages asked for before the refused one are written, as in one process.
        assert len(files) == FORK_FROM + 4


def _wait_for(flag):
    """A child's work: wait until `flag` exists (10 s at most)."""
    for _ in range(10_000):
        if flag.exists():
            return "released"
        time.sleep(0.001)
    return "timed out"


def test_while_another_child_works_the_build_renders_the_first_pages_itself(tmp_path):
    """Plugin share_cards' child may still be drawing when the pages are rendered: the
    build renders pages in order until it is done, then forks for the rest (no third
    process on two CPUs). Every page is written once, with the same text."""
    flag = tmp_path / "released"
    drawing = forked.Child(_wait_for, flag)
    names = [f"page-{number}.html" for number in range(120)]
    output = tmp_path / "out"
    writer = _writer(output, 2)
    environment = jinja2.Environment()

    def rendered_by(number):
        if number == 3:
            flag.touch()  # the other child ends now
        time.sleep(0.002)  # a page takes a while to render
        return os.getpid()

    environment.globals["rendered_by"] = rendered_by
    template = environment.from_string("{{ output_file }} {{ rendered_by(number) }}")
    with writer.pages_rendered_at_end():
        for number, name in enumerate(names):
            writer.write_file(name, template, {}, number=number)
    assert drawing.result() == "released"

    by = {}
    for name in names:
        written_name, pid = (output / name).read_text(encoding="utf-8").split()
        assert written_name == name
        by[name] = int(pid)
    assert [by[name] for name in names[:4]] == [os.getpid()] * 4
    others = {pid for pid in by.values() if pid != os.getpid()}
    assert len(others) == 1 and drawing._pid not in others  # the rendering child
