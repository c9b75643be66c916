"""carnet/template_cache.py: a template is compiled once, then loaded from the user's cache
folder, unless its source, the environment's options or Jinja changed."""

import os
import pwd

import jinja2
import pytest

from carnet import template_cache


@pytest.fixture
def templates(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text(
        "{% if title %}\n  <h1>{{ title }}</h1>\n{% endif %}\n", encoding="utf-8"
    )
    return folder


def environment(folder, compiled, **options):
    """A Jinja environment keeping its compiled templates; `compiled` counts compilations."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), **options)
    template_cache.use_compiled_templates(env)
    compile_source = env.compile

    def counted(source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return compile_source(source, name, filename, *args, **kwargs)

    env.compile = counted
    return env


def test_a_template_is_compiled_once_then_loaded_by_the_next_build(templates, tmp_path):
    compiled = []
    first = environment(templates, compiled, autoescape=True)
    assert first.get_template("page.html").render(title="<Moi>") == "\n  <h1>&lt;Moi&gt;</h1>\n"
    assert compiled == ["page.html"]
    assert list((tmp_path / "cache" / "carnet" / "templates").iterdir())

    # A new environment, as in the next build's process: nothing compiled.
    second = environment(templates, compiled, autoescape=True)
    assert second.get_template("page.html").render(title="<Moi>") == "\n  <h1>&lt;Moi&gt;</h1>\n"
    assert compiled == ["page.html"]


def test_other_options_or_an_edited_template_are_compiled_again(templates):
    compiled = []
    environment(templates, compiled, autoescape=True).get_template("page.html")
    # Options that change the code Jinja writes: not the same compiled template.
    other = environment(templates, compiled, autoescape=False, trim_blocks=True)
    assert other.get_template("page.html").render(title="<Moi>") == "  <h1><Moi></h1>\n"
    assert compiled == ["page.html", "page.html"]

    (templates / "page.html").write_text("<p>{{ title }}</p>", encoding="utf-8")
    edited = environment(templates, compiled, autoescape=True)
    assert edited.get_template("page.html").render(title="<Moi>") == "<p>&lt;Moi&gt;</p>"
    assert len(compiled) == 3


def test_a_cache_folder_that_cannot_be_written_only_means_compiling(
    templates, tmp_path, monkeypatch
):
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # its folder cannot be made
    compiled = []
    for _ in range(2):
        env = environment(templates, compiled)
        assert env.get_template("page.html").render(title="Moi") == "\n  <h1>Moi</h1>\n"
    assert compiled == ["page.html", "page.html"]


def test_a_build_keeps_the_themes_compiled_templates(site, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site.add_post("un.md", title="Un article")
    site.build()
    kept = list((tmp_path / "cache" / "carnet" / "templates").iterdir())
    assert len(kept) >= 10  # the theme's pages and partials, compiled by this build


def test_an_empty_home_or_a_relative_cache_variable_names_no_folder(tmp_path, monkeypatch):
    # HOME="" (a cron job's) made ~ the root folder: the templates went to /.cache/carnet.
    # XDG says to ignore an empty or relative XDG_CACHE_HOME too.
    users = os.path.join(pwd.getpwuid(os.getuid()).pw_dir, ".cache", "carnet", "templates")
    monkeypatch.setenv("HOME", "")
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    assert template_cache.folder() == users
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", "cache")
    assert template_cache.folder() == str(tmp_path / ".cache" / "carnet" / "templates")
