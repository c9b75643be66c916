"""carnet/pelican_private.py is the only place Carnet reaches into Pelican's private API:
these tests fail, naming the Pelican function, when an upgrade changes one it relies on."""

import inspect
import json
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import record_calls

from carnet import pelican_private


@pytest.mark.parametrize("name", sorted(pelican_private.RELIED_ON))
def test_pelican_functions_carnet_relies_on_are_unchanged(name):
    try:
        found = pelican_private.source_hash(name)
    except (AttributeError, ImportError, OSError, TypeError) as error:
        pytest.fail(f"Pelican no longer has {name} ({error}): review carnet/pelican_private.py")
    assert found == pelican_private.RELIED_ON[name], (
        f"Pelican changed {name}: review carnet/pelican_private.py against its new source, "
        f"then record its new hash {found}"
    )


def test_the_private_attributes_read_are_still_set():
    source = {
        "Writer.__init__": inspect.getsource(pelican_private.Writer.__init__),
        "FileDataCacher.__init__": inspect.getsource(pelican_private.FileDataCacher.__init__),
    }
    assert "self._written_files" in source["Writer.__init__"]
    assert "self._overridden_files" in source["Writer.__init__"]
    for attribute in ("_cache_path", "_cache_data_policy", "_cache_open", "_cache"):
        assert f"self.{attribute}" in source["FileDataCacher.__init__"], attribute
    # memos_for_one_build gives these two memoized methods of Content new memories.
    for name in ("get_content", "get_summary"):
        assert isinstance(inspect.getattr_static(pelican_private.Content, name).cache, dict)
    # same_name reads what URLWrapper.__init__ sets.
    wrapper_init = inspect.getsource(pelican_private.URLWrapper.__init__)
    for attribute in ("_name", "_slug", "_slug_from_name", "settings"):
        assert f"self.{attribute} =" in wrapper_init, attribute
    # forget_logged_warnings empties these two class-level memories of LimitFilter.
    assert isinstance(pelican_private.LimitFilter._raised_messages, set)
    assert isinstance(pelican_private.LimitFilter._group_count, dict)


def test_write_file_renders_then_opens_then_writes_what_render_returned():
    """carnet.writer records a page between its template's render() and _open_w()."""
    source = inspect.getsource(pelican_private.Writer.write_file)
    render = source.index("output = template.render(localcontext)")
    opened = source.index('with self._open_w(path, "utf-8", override=override) as f:')
    written = source.index("f.write(output)")
    assert render < opened < written


def test_pelican_calls_each_generate_output_then_sends_finalized():
    import pelican

    source = inspect.getsource(pelican.Pelican.run)
    assert "signals.all_generators_finalized.send(generators)" in source
    outputs = source.index("p.generate_output(writer)")
    assert source.index("signals.all_generators_finalized.send") < outputs
    assert outputs < source.index("signals.finalized.send(self)")


def test_summaries_are_cut_through_the_name_pelican_contents_calls():
    """use_boundary_summaries replaces pelican.contents.truncate_html_words, the name
    Content.get_summary calls: it must still be a name of that module, called there."""
    import pelican.contents

    pelican_private.use_boundary_summaries()
    from carnet.summaries import truncate

    assert pelican.contents.truncate_html_words is truncate
    get_summary = inspect.getattr_static(pelican.contents.Content, "get_summary")
    assert "truncate_html_words(" in inspect.getsource(getattr(get_summary, "func", get_summary))


def test_this_pelican_is_a_tested_one():
    assert pelican_private.untested_pelican() is None


def test_an_untested_pelican_stops_the_build(site):
    """A fake Pelican version (importlib.metadata answering 4.13.0) in a separate process."""
    site.add_post("a.md", title="Un article")
    code = textwrap.dedent(
        """
        import sys
        from importlib import metadata
        real = metadata.version
        metadata.version = lambda name: "4.13.0" if name == "pelican" else real(name)
        from carnet.build import BuildFailed, build
        try:
            build(sys.argv[1], output_path=sys.argv[2])
        except BuildFailed as failure:
            print("\\n".join(failure.problems))
            sys.exit(1)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code, site.settings_file(), str(site.output)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Pelican 4.13.0" in done.stdout and "4.12.x" in done.stdout
    assert not (site.output / "index.html").exists()


def pelican_source(qualified_name):
    """The source of a Pelican function: "pelican.readers.find_empty_alt",
    "pelican.contents.Content._has_valid_status"."""
    import importlib

    parts = qualified_name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            found = inspect.getattr_static(found, name)
        return inspect.getsource(getattr(found, "func", found))
    raise ImportError(qualified_name)


MESSAGES_LOGGED = [
    (function, format_string, known)
    for known in pelican_private.PELICAN_MESSAGES
    for function, format_string in known.logged_by.items()
] + [(function, text, None) for function, text in pelican_private.COULD_NOT_PROCESS.items()]
MESSAGES_LOGGED += [(function, text, None) for function, text in pelican_private.SAID_BY_CARNET]


@pytest.mark.parametrize(
    ("function", "format_string", "known"), MESSAGES_LOGGED, ids=[m[0] for m in MESSAGES_LOGGED]
)
def test_pelican_still_logs_the_messages_carnet_rewords(function, format_string, known):
    """carnet/build.py rewords these messages of Pelican's (PELICAN_MESSAGES) or names the
    exception behind them (COULD_NOT_PROCESS): they must still be logged as written."""
    try:
        source = pelican_source(function)
    except (AttributeError, ImportError, OSError, TypeError) as error:
        pytest.fail(f"Pelican no longer has {function} ({error}): review carnet/pelican_private.py")
    # As written in Pelican's source: "…\n\t…" for a message on two lines.
    assert f'"{format_string}"' in source or json.dumps(format_string) in source, (
        f"Pelican's {function} no longer logs {format_string!r}: review PELICAN_MESSAGES "
        "(or COULD_NOT_PROCESS) in carnet/pelican_private.py"
    )
    if known is not None:
        # The pattern reads a message that format string makes, the file as `path`.
        count = format_string.count("%")
        messages = [
            format_string % tuple("content/posts/a.md" if i == file else "x" for i in range(count))
            for file in range(count)
        ]
        matches = [known.pattern.match(message) for message in messages]
        paths = [match["path"] for match in matches if match]
        assert "content/posts/a.md" in paths, (
            f"PELICAN_MESSAGES' pattern does not read {function}'s messages {messages!r}"
        )


def test_period_archives_in_one_pass_are_pelicans():
    """The same archives, listing the same posts in the same order, as Pelican's
    _build_period_archives, which tests every post against every period."""
    import datetime
    import functools
    import types

    from pelican.generators import ArticlesGenerator

    class Post:
        def __init__(self, number, date):
            self.number = number
            self.date = date

    start = datetime.datetime(2019, 11, 20, 8, 30, tzinfo=datetime.UTC)
    posts = [Post(n, start + datetime.timedelta(days=n * 9 % 400)) for n in range(120)]
    dates = sorted(posts, key=lambda post: post.date, reverse=True)
    articles = sorted(posts, key=lambda post: (post.number * 37) % 120)  # another order
    settings = {
        "YEAR_ARCHIVE_SAVE_AS": "archives/{date:%Y}/index.html",
        "YEAR_ARCHIVE_URL": "archives/{date:%Y}/",
        "MONTH_ARCHIVE_SAVE_AS": "archives/{date:%Y}/{date:%m}/index.html",
        "MONTH_ARCHIVE_URL": "archives/{date:%Y}/{date:%m}/",
        "DAY_ARCHIVE_SAVE_AS": "archives/{date:%Y}/{date:%m}/{date:%d}/index.html",
        "DAY_ARCHIVE_URL": "",
    }
    pelicans = functools.partial(ArticlesGenerator._build_period_archives, None)
    generator = types.SimpleNamespace(_build_period_archives=pelicans)
    pelican_private.period_archives_in_one_pass(generator)

    def described(archives):
        return {
            granularity: [
                {
                    **archive,
                    "dates": [post.number for post in archive["dates"]],
                    "articles": [post.number for post in archive["articles"]],
                }
                for archive in periods
            ]
            for granularity, periods in archives.items()
        }

    expected = described(pelicans(dates, articles, settings))
    assert set(expected) == {"year", "month", "day"}
    assert described(generator._build_period_archives(dates, articles, settings)) == expected


def test_the_hash_of_a_replaced_function_is_of_pelicans_own(site):
    """Once a build has replaced Content.get_relative_source_path, its recorded hash is
    still checked against Pelican's source, not Carnet's."""
    from pelican.contents import Content

    site.build(production=False)
    assert Content.get_relative_source_path is pelican_private._get_relative_source_path
    name = "pelican.contents.Content.get_relative_source_path"
    assert pelican_private.source_hash(name) == pelican_private.RELIED_ON[name]


def test_relative_source_paths_worked_out_once_are_pelicans(tmp_path, monkeypatch):
    """The same answers as Pelican's own Content.get_relative_source_path, for absolute and
    relative paths, a relative content folder, and after a change of working folder."""
    from types import SimpleNamespace

    pelicans = pelican_private.PELICANS_OWN["pelican.contents.Content.get_relative_source_path"]
    ours = pelican_private._get_relative_source_path
    monkeypatch.chdir(tmp_path)
    (tmp_path / "other").mkdir()
    for content_folder in (str(tmp_path / "content"), "content", "./content/"):
        post = SimpleNamespace(
            settings={"PATH": content_folder}, source_path=str(tmp_path / "content/posts/a.md")
        )
        for asked in (None, "", "posts/b.md", "../images/c.png", str(tmp_path / "d/e.md")):
            for folder in (tmp_path, tmp_path / "other"):
                monkeypatch.chdir(folder)
                assert ours(post, asked) == pelicans(post, asked), (content_folder, asked, folder)
    assert ours(SimpleNamespace(settings={"PATH": "x"}, source_path=None)) is None


POSTS_READ_ONE_AFTER_ANOTHER = {
    # A formatted field (converted with the meta extension's preprocessor taken out),
    # a footnote and an abbreviation: what a Markdown object keeps until it is reset.
    "a.md": (
        "Title: Un\nSummary: Un *résumé* formaté\n\nDu HTML[^1] ici.\n\n"
        "[^1]: Une note.\n\n*[HTML]: HyperText Markup Language\n"
    ),
    "b.md": "Title: Deux\nTags: un, deux\n\nEncore du HTML, une note[^1].\n\n[^1]: Autre.\n",
    "c.md": "Juste: une ligne qui se lit comme une métadonnée\n\nPuis le texte.\n",
    "d.md": "Sans métadonnée, un texte.\n\n    du code\n",
    # YAML front matter, its text starting with a line that reads like metadata.
    "e.md": "---\ntitle: Cinq\ntags: [un]\n---\nRappel: une ligne de texte.\n\nEt la suite.\n",
}


def test_one_markdown_object_reads_each_post_as_pelicans_readers_do(
    tmp_path, markdown_objects_made
):
    """_MarkdownMadeOnce reads every post without a YAML header with one Markdown object,
    where Pelican's MarkdownReader makes one per post: posts with and without YAML front
    matter, read one after another by one reader as Pelican reads them, read exactly as
    with the YAML plugin's own reader (nothing of one post reaches the next; the metadata of
    a post read after one with a formatted field is still read)."""
    import copy

    from pelican.settings import DEFAULT_CONFIG

    settings = copy.deepcopy(DEFAULT_CONFIG)
    theirs = pelican_private.YAMLMetadataReader(copy.deepcopy(settings))
    ours = pelican_private._YAMLReaderMarkdownWhenRead(copy.deepcopy(settings))
    paths = []
    for name, text in POSTS_READ_ONE_AFTER_ANOTHER.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    order = ["e.md", "a.md", "e.md", "b.md", "c.md", "e.md", "d.md", "a.md", "c.md"]
    for name in order:
        path = str(tmp_path / name)
        assert ours.read(path) == theirs.read(path), name
    assert ours._markdown_for_each_post is ours._md  # one object, reused
    # The meta preprocessor, put back, takes the place Markdown's own extension gives it.
    kept = ours._markdown_for_each_post
    kept.preprocessors.register(ours._meta_preprocessor, "meta", pelican_private.META_PRIORITY)
    fresh = pelican_private.Markdown(**ours.settings["MARKDOWN"])
    assert [type(item) for item in kept.preprocessors] == [
        type(item) for item in fresh.preprocessors
    ]
    markdown_objects_made.clear()
    for path in paths:
        ours.read(path)
    assert markdown_objects_made == []


def _stamps_counted(monkeypatch):
    from pelican.cache import FileStampDataCacher

    return record_calls(
        monkeypatch,
        FileStampDataCacher,
        "_get_file_stamp",
        lambda self, filename: os.path.basename(filename),
    )


def posts(paths):
    """The posts and pages of `paths`, sorted: the images of the site (its authors'
    photos) are read and stamped at each build, as Pelican does for every static file."""
    return sorted(path for path in paths if str(path).endswith(".md"))


def test_a_generator_that_caches_nothing_stamps_no_file(site, monkeypatch):
    """Carnet caches at the readers' layer: a rebuild stamps (hashes) each post once, where
    the readers' cache is asked for it, a post it reads again included (cached under that
    stamp: Pelican stamps it once more after reading it); the generators' own empty caches
    stamp nothing (Pelican's stamp twice more), and the site is the same."""
    for number in range(3):
        site.add_post(f"p{number}.md", title=f"Article {number}")
    site.add_page("a-propos.md", title="À propos")
    site.build(production=False)
    first = site.all_text()
    stamped = _stamps_counted(monkeypatch)
    site.build(production=False)
    assert posts(stamped) == ["a-propos.md", "p0.md", "p1.md", "p2.md"]
    assert site.all_text() == first
    stamped.clear()
    site.add_post("p1.md", title="Article 1, repris")
    site.build(production=False)
    assert posts(stamped) == ["a-propos.md", "p0.md", "p1.md", "p2.md"]


def test_a_generator_that_caches_keeps_its_stamps(site, monkeypatch):
    """With CONTENT_CACHING_LAYER "generator", the generators' own caches are Pelican's, as
    they are: a rebuild reads no post again."""
    from pelican.readers import Readers

    site.add_post("p0.md", title="Article 0")
    site.build(production=False, CONTENT_CACHING_LAYER="generator")
    read = record_calls(monkeypatch, Readers, "read_file", lambda self, *a, **k: k.get("path"))
    stamped = _stamps_counted(monkeypatch)
    site.build(production=False, CONTENT_CACHING_LAYER="generator")
    assert posts(read) == []
    assert "p0.md" in stamped


def test_few_resolved_texts_are_kept_and_the_site_is_the_same(site, monkeypatch):
    """Content.get_content keeps the resolved texts of the last posts only (a second copy of
    the site's text otherwise): the site is the same, byte for byte, as with all kept."""
    from pelican.contents import Content

    for number in range(6):
        site.add_post(
            f"p{number}.md",
            title=f"Article {number}",
            date=f"2020-09-0{number + 1} 08:30",
            body=f"Voir [l’autre]({{filename}}p{(number + 1) % 6}.md), et le texte {number}.",
        )
    monkeypatch.setattr(pelican_private, "RESOLVED_TEXTS_KEPT", 2)
    site.build()
    assert len(Content.__dict__["get_content"].cache) == 2
    few = {path: path.read_bytes() for path in site.output.rglob("*") if path.is_file()}
    monkeypatch.setattr(pelican_private, "RESOLVED_TEXTS_KEPT", 1000)
    site.build()
    assert len(Content.__dict__["get_content"].cache) == 6  # every post's
    every = {path: path.read_bytes() for path in site.output.rglob("*") if path.is_file()}
    assert few == every
