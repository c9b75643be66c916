"""Plugin parallel_reading: a cold build reads part of its posts in a forked child, and the
site, the warnings and the errors are those of a one-process build.

Real production builds of the sample content plus 60 generated posts, with
CARNET_BUILD_PROCESSES = 1 and 2, each from an empty cache unless the test says otherwise.
"""

import logging
import os
import shutil
import sys

import pytest
from conftest import ROOT, make_site
from parallel_reading import parallel_reading

from carnet import forked
from carnet.build import BuildFailed
from carnet.build import build as carnet_build

pytestmark = pytest.mark.skipif(
    forked.processes({"CARNET_BUILD_PROCESSES": 2}) < 2, reason="needs fork and two CPUs"
)

GENERATED = 60
PARAGRAPH = (
    "Aujourd'hui, j'ai écouté une cliente me dire : « je n'ose pas ». Pourquoi ? Parce "
    "qu'elle avait peur ! Le \"bon moment\" n'existe pas... Elle paie 50 € la séance, "
    "à 10h30, et lit la p. 12 du n° 3."
)


def generated_post(number):
    """Posts of different lengths; every fifth says an unknown metadata (a warning), every
    seventh has a title and no text (a warning)."""
    lines = [
        f"Title: Billet numéro {number} : l'écoute ?",
        f"Date: 2022-{1 + number % 12:02d}-{1 + number % 28:02d} 08:{number % 60:02d}",
        f"Tags: écoute, tag-{number % 9}",
    ]
    if number % 5 == 0:
        lines.append("Auteurr: Claire Dumas")  # unknown: « did you mean Author? »
    if number % 11 == 0:
        lines.append(f"Summary: Un résumé choisi pour le billet {number} !")
    body = "" if number % 7 == 0 else "\n\n".join([PARAGRAPH] * (1 + (number * 7) % 23))
    if number % 4 == 0 and body:
        body += f"\n\nVoir [le billet précédent]({{filename}}/posts/g{number - 1:03d}.md)."
    return "\n".join(lines) + "\n\n" + body + "\n"


@pytest.fixture
def blog(tmp_path):
    site = make_site(tmp_path / "site")
    for folder in ("posts", "pages", "images"):
        shutil.rmtree(site.content / folder)
        shutil.copytree(ROOT / "content" / folder, site.content / folder)
    for number in range(1, GENERATED + 1):
        site.add_post(f"g{number:03d}.md", generated_post(number))
    return site


class Logged(logging.Handler):
    """Every record from WARNING up, and parallel_reading's debug lines."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append((record.name, record.levelno, record.getMessage()))

    def ours(self):
        return [message for name, _level, message in self.records if name == LOGGER]


LOGGER = parallel_reading.logger.name


@pytest.fixture
def logged():
    handler = Logged()
    ours = logging.getLogger(LOGGER)
    level = ours.level
    ours.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)
    ours.setLevel(level)


def build(site, processes, logged, output, cache, failing=False):
    """A production build into `output` with the cache in `cache`; returns (what it
    logged, BuildFailed.problems or None)."""
    logged.records = []
    overrides = {"CARNET_BUILD_PROCESSES": processes, "CACHE_PATH": str(cache)}
    failed = None
    try:
        carnet_build(site.settings_file(), output_path=output, overrides=overrides)
    except BuildFailed as failure:
        failed = failure.problems
    assert (failed is not None) == failing, failed
    return list(logged.records), failed


def problems(records):
    """Every WARNING and ERROR record: (logger, level, text), in order."""
    return [record for record in records if record[1] >= logging.WARNING]


def files_of(folder):
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def read_by_child(records):
    """The file names of the posts the build took from the child, and the child's own
    count line."""
    served = [
        os.path.basename(m.split()[1])
        for n, _l, m in records
        if n == LOGGER and m.endswith("read by the second process")
    ]
    counts = [m for n, _l, m in records if n == LOGGER and "the second process (pid" in m]
    return served, counts


def test_the_site_is_byte_identical_and_the_child_read_its_share(blog, tmp_path, logged):
    one, _ = build(blog, 1, logged, tmp_path / "one", tmp_path / "cache-one")
    two, _ = build(blog, 2, logged, tmp_path / "two", tmp_path / "cache-two")

    assert files_of(tmp_path / "one") == files_of(tmp_path / "two")
    # Every warning and error, once each, in the same order.
    assert problems(two) == problems(one)
    warnings = [m for _n, level, m in one if level == logging.WARNING]
    assert sum("unknown metadata 'Auteurr'" in m for m in warnings) == GENERATED // 5
    assert sum("has a title but no text" in m for m in warnings) == GENERATED // 7

    # The one-process build started no child; the other's child read about half.
    assert read_by_child(one) == ([], [])
    served, counts = read_by_child(two)
    assert len(counts) == 1, counts
    pid, read, asked = parallel_reading_count(counts[0])
    assert pid != os.getpid()
    posts = GENERATED + len(list((ROOT / "content" / "posts").glob("*.md")))
    assert read == asked == len(served)
    assert (
        parallel_reading.MIN_POSTS_PER_PROCESS
        <= read
        <= posts - parallel_reading.MIN_POSTS_PER_PROCESS
    )
    # Warnings of posts the child read were said by the build, once (the lines above
    # are equal), among them some of the child's posts.
    warned = {os.path.basename(m.split(":", 1)[0]) for m in warnings}
    assert warned & set(served)


def parallel_reading_count(line):
    # "the second process (pid 123) read 40 posts of 41"
    words = line.replace(")", "").split()
    return int(words[words.index("(pid") + 1]), int(words[-4]), int(words[-1])


def child_reads(monkeypatch, names):
    """The child's share is the posts named (and enough others), wherever they are in
    Pelican's list."""
    real = parallel_reading._split

    def split(paths):
        chosen = [p for p in paths if os.path.basename(p) in names]
        mine, childs = real([p for p in paths if p not in chosen])
        return mine, chosen + childs

    monkeypatch.setattr(parallel_reading, "_split", split)


@pytest.mark.parametrize(
    ("name", "text", "expected", "unreadable"),
    [
        ("ambigu.md", "Title: Une date\nDate: 03/04/2021\n\nDu texte.\n", "ambiguous", True),
        ("vide.md", "", "the file is empty", True),
        # Read without an error: Pelican refuses the post it makes of it, in the build.
        ("sans-titre.md", "Date: 2021-04-03\n\nDu texte.\n", "'title'", False),
    ],
    ids=["ambiguous-date", "empty-file", "no-title"],
)
def test_a_bad_post_given_to_the_child_fails_the_build_with_the_same_line(
    blog, tmp_path, logged, monkeypatch, name, text, expected, unreadable
):
    blog.add_post(name, text)
    child_reads(monkeypatch, {name, "g007.md", "g010.md"})
    one, failed_one = build(blog, 1, logged, tmp_path / "one", tmp_path / "c1", failing=True)
    two, failed_two = build(blog, 2, logged, tmp_path / "two", tmp_path / "c2", failing=True)

    assert failed_two == failed_one
    assert len(failed_one) == 1 and failed_one[0].startswith(f"content/posts/{name}: ")
    assert expected in failed_one[0]
    assert problems(two) == problems(one)
    # The child was given the bad post and left it to the build; it read the other two,
    # whose warnings (no text; unknown metadata) the build said once.
    served, counts = read_by_child(two)
    assert {"g007.md", "g010.md"} <= set(served)
    assert (name in served) is not unreadable
    _pid, read, asked = parallel_reading_count(counts[0])
    assert read == asked - unreadable
    for warned in ("content/posts/g007.md: the post has a title but no text",):
        assert [m for _n, _l, m in problems(two)].count(warned) == 1


def test_warnings_of_the_childs_posts_come_back_from_the_cache(blog, tmp_path, logged, monkeypatch):
    """A warm build says what the cold one said: the child's posts went into the readers'
    cache with their warnings (plugin content_cache)."""
    child_reads(monkeypatch, {"g005.md", "g007.md"})
    cold, _ = build(blog, 2, logged, tmp_path / "out", tmp_path / "cache")
    served, _counts = read_by_child(cold)
    assert {"g005.md", "g007.md"} <= set(served)
    warm, _ = build(blog, 2, logged, tmp_path / "out", tmp_path / "cache")
    assert read_by_child(warm) == ([], [])

    def warnings(records):
        return sorted(m for _n, level, m in records if level == logging.WARNING)

    assert warnings(warm) == warnings(cold)
    assert (
        "content/posts/g005.md: unknown metadata 'Auteurr' is ignored (did you mean Author?)"
        in (warnings(warm))
    )


def test_a_warm_build_after_a_parallel_one_reads_only_the_edited_post(
    blog, tmp_path, logged, monkeypatch
):
    cold, _ = build(blog, 2, logged, tmp_path / "out", tmp_path / "cache")
    assert read_by_child(cold)[1], "the cold build should have started a child"

    started = []
    real_child = forked.Child
    monkeypatch.setattr(forked, "Child", lambda *a: started.append(a) or real_child(*a))
    typeset = []
    typography = sys.modules["french_typography.french_typography"]
    real_typeset = typography.typeset_post
    monkeypatch.setattr(
        typography, "typeset_post", lambda *a: typeset.append(a) or real_typeset(*a)
    )

    blog.add_post("g012.md", generated_post(12).replace("Billet numéro 12", "Billet corrigé 12"))
    build(blog, 2, logged, tmp_path / "out", tmp_path / "cache")
    # No child reads (a production build still renders its pages in two processes).
    assert [work for work, *_args in started if work.__module__ == parallel_reading.__name__] == []
    # Posts typeset (calls with a title; the others typeset other text): the edited one,
    # read by the build itself.
    titles = [plain["title"] for _content, plain, *_rest in typeset if plain.get("title")]
    assert len(titles) == 1 and "Billet corrigé 12" in titles[0]
    assert (
        "Billet corrigé 12"
        in (tmp_path / "out" / "billet-corrige-12-l-ecoute" / "index.html").read_text()
    )


def test_a_failed_child_leaves_the_build_to_read_everything(blog, tmp_path, logged, monkeypatch):
    one, _ = build(blog, 1, logged, tmp_path / "one", tmp_path / "c1")

    def fails(readers, paths):
        raise RuntimeError("the child stops")

    monkeypatch.setattr(parallel_reading, "_read_in_child", fails)
    two, _ = build(blog, 2, logged, tmp_path / "two", tmp_path / "c2")
    assert files_of(tmp_path / "one") == files_of(tmp_path / "two")
    assert problems(two) == problems(one)
    assert any("the build reads every post itself" in m for m in logged.ours())


def test_a_post_whose_reading_logs_a_traceback_is_left_to_the_build(
    blog, tmp_path, logged, monkeypatch
):
    """Such a line cannot be said again as it was (its exception stays in the child)."""
    typography = sys.modules["french_typography.french_typography"]
    real_typeset = typography.typeset_post

    def typeset_and_complain(content, plain, *rest):
        if "numéro 14 " in plain.get("title", ""):
            try:
                raise ValueError("a doubtful paragraph")
            except ValueError:
                logging.getLogger("french_typography").warning("g014: hmm", exc_info=True)
        return real_typeset(content, plain, *rest)

    monkeypatch.setattr(typography, "typeset_post", typeset_and_complain)
    child_reads(monkeypatch, {"g014.md", "g015.md"})
    one, _ = build(blog, 1, logged, tmp_path / "one", tmp_path / "c1")
    two, _ = build(blog, 2, logged, tmp_path / "two", tmp_path / "c2")
    served, counts = read_by_child(two)
    assert "g015.md" in served and "g014.md" not in served
    _pid, read, asked = parallel_reading_count(counts[0])
    assert read == asked - 1
    assert problems(two) == problems(one)
    assert [r[1:] for r in problems(one)].count((logging.WARNING, "g014: hmm")) == 1
    assert files_of(tmp_path / "one") == files_of(tmp_path / "two")


def test_a_warm_build_after_many_edits_shows_every_edit(blog, tmp_path, logged):
    """Posts the cache holds in an older version are read again by the build (the child
    reads only posts the cache lacks): the site is that of a cold one-process build."""
    build(blog, 2, logged, tmp_path / "out", tmp_path / "cache")
    for number in range(1, GENERATED + 1, 2):
        text = generated_post(number).replace("Aujourd'hui", f"Ce matin-là ({number})")
        blog.add_post(f"g{number:03d}.md", text)
    blog.add_post("g099.md", generated_post(99))  # one new post
    warm, _ = build(blog, 2, logged, tmp_path / "out", tmp_path / "cache")
    build(blog, 1, logged, tmp_path / "cold", tmp_path / "cache-cold")
    assert files_of(tmp_path / "out") == files_of(tmp_path / "cold")
    assert (
        "Ce matin-là (31)"
        in (tmp_path / "out" / "billet-numero-31-l-ecoute" / "index.html").read_text()
    )
    assert read_by_child(warm) == ([], [])


def test_a_post_saved_again_while_the_child_reads_it_is_read_again_next_time(
    blog, tmp_path, logged, monkeypatch
):
    """The child read a post, its file was saved again, then the build cached the post:
    under the stamp of the file as it was then, the cache held the old text as the new
    one's, and every later build showed it. It is cached under the stamp the child took
    before reading."""
    real_read = parallel_reading.read_like_read_file
    saved = []  # in the child, which alone reads with read_like_read_file

    def read_then_saved_again(readers, path):
        read = real_read(readers, path)
        with open(path, encoding="utf-8") as file:
            text = file.read()
        # A generated post (g*.md): a sample post says « Aujourd'hui » too, and the order
        # the child reads its posts in changes from run to run (Pelican keeps a set).
        if not saved and os.path.basename(path).startswith("g") and "Aujourd'hui" in text:
            saved.append(path)
            with open(path, "w", encoding="utf-8") as file:
                file.write(text.replace("Aujourd'hui", "Ce soir-là"))
        return read

    with monkeypatch.context() as patch:
        patch.setattr(parallel_reading, "read_like_read_file", read_then_saved_again)
        cold, _ = build(blog, 2, logged, tmp_path / "out", tmp_path / "cache")
    [edited] = [
        path for path in blog.content.glob("posts/g*.md") if "Ce soir-là" in path.read_text()
    ]
    assert edited.name in read_by_child(cold)[0]
    build(blog, 2, logged, tmp_path / "out", tmp_path / "cache")
    page = tmp_path / "out" / f"billet-numero-{int(edited.stem[1:])}-l-ecoute" / "index.html"
    assert "Ce soir-là" in page.read_text(encoding="utf-8")
