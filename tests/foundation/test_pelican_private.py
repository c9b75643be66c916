"""carnet/pelican_private.py is the only place Carnet reaches into Pelican's private API:
these tests fail, naming the Pelican function, when an upgrade changes one it relies on."""

import inspect
import subprocess
import sys
import textwrap

import pytest

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
    for attribute in ("_cache_path", "_cache_data_policy", "_cache_open", "_cache"):
        assert f"self.{attribute}" in source["FileDataCacher.__init__"], attribute
    # forget_logged_warnings empties these two class-level memories of LimitFilter.
    assert isinstance(pelican_private.LimitFilter._raised_messages, set)
    assert isinstance(pelican_private.LimitFilter._group_count, dict)


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
