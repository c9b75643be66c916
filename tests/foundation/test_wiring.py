"""The plugins' wiring (CARNET_PLUGINS in pelicanconf.py): a plugin listed without what it
needs, or before it, stops the build with one line naming both; and one writer. Builds
again in one process (`invoke livereload`) act and hold as a new process's would."""

import gc

import pytest
from pelican.contents import Article

from carnet.build import BuildFailed


def plugins_of(site):
    settings = site.root / "pelicanconf.py"
    namespace = {}
    exec(compile(settings.read_text(encoding="utf-8"), str(settings), "exec"), namespace)
    return namespace["PLUGINS"]


def test_a_plugin_whose_need_is_not_listed_stops_the_build(site):
    site.add_post("a.md", title="Un article")
    plugins = [name for name in plugins_of(site) if name != "site_menus"]
    with pytest.raises(BuildFailed) as failure:
        site.build(production=False, PLUGINS=plugins)
    (line,) = failure.value.problems
    assert "page_reuse needs site_menus, which is not listed" in line
    assert "category_counts" in line  # the why
    assert not (site.output / "index.html").exists()


def test_a_plugin_listed_before_what_it_needs_stops_the_build(site):
    site.add_post("a.md", title="Un article")
    plugins = plugins_of(site)
    plugins.remove("content_cache")
    plugins.append("content_cache")
    plugins.remove("reading_time")
    plugins.insert(plugins.index("french_typography"), "reading_time")
    with pytest.raises(BuildFailed) as failure:
        site.build(production=False, PLUGINS=plugins)
    problems = "\n".join(failure.value.problems)
    assert "page_reuse needs content_cache listed before it" in problems
    assert "reading_time must come after french_typography" in problems


@pytest.mark.parametrize("plugin", ["french_typography", "french_dates", "summaries"])
def test_a_plugin_the_theme_needs_left_out_stops_the_build_in_one_line(site, plugin):
    site.add_post("a.md", title="Un article")
    plugins = [name for name in plugins_of(site) if name != plugin]
    plugins = [name for name in plugins if plugin != "french_typography" or name != "reading_time"]
    with pytest.raises(BuildFailed) as failure:
        site.build(production=False, PLUGINS=plugins)
    (line,) = failure.value.problems  # not « a.md: No filter named … » for the theme's need
    assert f"PLUGINS: the theme needs {plugin}, which is not listed" in line
    assert not (site.output / "index.html").exists()


def test_an_order_only_plugin_may_be_left_out(site):
    """page_reuse comes after share_cards when both are listed; alone, it works. (Not
    french_typography, which reading_time comes after: the theme uses its filters.)"""
    site.add_post("a.md", title="Un article", body="Un texte de cinq mots.")
    plugins = [name for name in plugins_of(site) if name != "share_cards"]
    site.build(production=False, PLUGINS=plugins)
    assert (site.output / "index.html").exists()


def test_the_sample_wiring_meets_every_need(site):
    site.add_post("a.md", title="Un article")
    site.build(production=False)
    assert (site.output / "index.html").exists()


def test_every_build_uses_carnets_one_writer(site, monkeypatch):
    from carnet.writer import CarnetWriter

    made = []
    original = CarnetWriter.__init__

    def counting(self, *args, **kwargs):
        made.append(type(self))
        original(self, *args, **kwargs)

    monkeypatch.setattr(CarnetWriter, "__init__", counting)
    site.add_post("a.md", title="Un article")
    site.build()
    assert made and set(made) == {CarnetWriter}


def test_the_yaml_reader_listed_after_the_checks_stops_the_build(site):
    """content_checks wraps the Markdown reader pelican.plugins.yaml_metadata installs: listed
    after it, YAML posts would go unchecked. A dotted plugin name is compared by its last part."""
    site.add_post("a.md", title="Un article")
    plugins = plugins_of(site)
    plugins.remove("pelican.plugins.yaml_metadata")
    plugins.append("pelican.plugins.yaml_metadata")
    with pytest.raises(BuildFailed) as failure:
        site.build(production=False, PLUGINS=plugins)
    problems = "\n".join(failure.value.problems)
    assert "content_checks must come after yaml_metadata" in problems
    assert "french_typography must come after yaml_metadata" in problems
    assert not (site.output / "index.html").exists()


def reader_chains(site, monkeypatch, **settings):
    """The class names, outermost first, of the Markdown and static readers a build uses."""
    from pelican.readers import Readers

    made = []
    original = Readers.__init__

    def recording(self, *args, **kwargs):
        original(self, *args, **kwargs)  # sends readers_init, which builds the chain
        made.append(self)

    monkeypatch.setattr(Readers, "__init__", recording)
    site.build(production=False, **settings)
    readers = made[-1]

    def chain(extension):
        return [
            cls.__qualname__.split(".")[-1] for cls in readers.reader_classes[extension].__mro__
        ]

    return chain("md"), chain("static")


def test_one_reader_chain_in_the_order_of_the_plugins(site, monkeypatch):
    site.add_post("a.md", title="Un article")
    markdown, static = reader_chains(site, monkeypatch)
    expected = [
        "LinkFindingReader",
        "CountingReader",
        "FrenchReader",
        "CheckedReader",
        # The YAML plugin's reader, making its Markdown object when it first reads, and
        # reading a post without a YAML header with one Markdown object.
        "_YAMLReaderMarkdownWhenRead",
        "YAMLMetadataReader",
        "_MarkdownMadeOnce",
        "MarkdownReader",
    ]
    assert markdown[: len(expected)] == expected
    # Static files are never checked as posts, nor searched for links.
    assert "CheckedReader" not in static and "LinkFindingReader" not in static
    assert static[0] == "CountingReader" and "BaseReader" in static


def test_a_layer_the_settings_turn_off_is_left_out_of_the_chain(site, monkeypatch):
    site.add_post("a.md", title="Un article")
    markdown, _static = reader_chains(site, monkeypatch, CARNET_TYPOGRAPHY=False)
    assert markdown[:4] == [
        "LinkFindingReader",
        "CountingReader",
        "CheckedReader",
        "_YAMLReaderMarkdownWhenRead",
    ]


def test_the_yaml_reader_makes_its_markdown_object_only_to_read(site, markdown_objects_made):
    """Pelican makes 16 reader objects a build (four extensions, four generators); the
    YAML plugin's reader makes its Markdown object the first time it reads: none in a
    rebuild that reads nothing, one in a rebuild that reads one post."""
    site.add_post("a.md", title="Un article")
    site.build(production=False)
    markdown_objects_made.clear()
    site.build(production=False)
    assert markdown_objects_made == []
    site.add_post("b.md", title="Un autre article")
    site.build(production=False)
    assert len(markdown_objects_made) == 1
    assert "<h1" in site.read("un-autre-article/index.html")


def test_a_plugin_taken_out_acts_on_no_later_build_of_the_process(site):
    """`invoke livereload` builds again in its one process when pelicanconf.py changes:
    a plugin taken out of the list does nothing from then on, as in a new process, and
    does its work again once it is listed again."""
    site.add_post("a.md", title="Un article", tags="écoute", body="Un texte.")
    site.add_post("b.md", title="Un autre", date="2020-10-01", tags="écoute", body="Un texte.")
    plugins = plugins_of(site)
    site.build(production=False)
    assert "À lire aussi" in site.read("un-article/index.html")
    site.build(production=False, PLUGINS=[name for name in plugins if name != "related_posts"])
    assert "À lire aussi" not in site.read("un-article/index.html")
    site.build(production=False)
    assert "À lire aussi" in site.read("un-article/index.html")


def test_builds_again_in_one_process_hold_no_more_posts_each_time(site):
    """`invoke livereload` builds again at every change, in its one process: the posts of
    earlier builds are freed (those of the last one at most are still there as the next
    starts). The build put what exists as it starts out of the garbage collector's reach,
    an earlier build's garbage with it, kept for good (3 MB more at each rebuild of 100
    posts); and Pelican's memories of texts and summaries kept the posts of every page made
    again, each holding its whole build (2.4 MB more at each edit of 100 posts)."""
    for number in range(3):
        site.add_post(f"p{number}.md", title=f"Article {number}", body="Un texte.")
    alive = []
    for edit in range(4):
        site.add_post("p0.md", title="Article 0", body=f"Un texte modifié {edit} fois.")
        site.build(production=False)
        alive.append(sum(isinstance(thing, Article) for thing in gc.get_objects()))
    assert alive[3] <= alive[1] <= 2 * alive[0], alive
