"""Plugin page_reuse: a development build renders again only the pages an edit changes,
and its output is, byte for byte, what a build rendering every page gives.

Each test edits a real site step by step; after each step the site is built twice, with
page reuse (in the site's output/, on top of the previous build) and without it (in a
folder of its own), and the two outputs are compared file by file.
"""

import shutil

import jinja2
import pytest

from carnet.build import BuildFailed, build

CATEGORIES = ["Journal intime", "Lancer son business", "Outils du coach"]
TAGS = ["écoute", "tarifs", "doute", "confiance", "silence"]


def write_post(
    site, number, title=None, category=None, tags=None, date=None, links=(), extra="", slug=None
):
    body = f"Le billet numéro {number} parle d'écoute ; vraiment ? Oui : « toujours ».\n\n"
    body += "".join(
        f"Voir aussi [ce billet]({{filename}}/posts/p{target}.md). " for target in links
    )
    body += extra
    site.add_post(
        f"p{number}.md",
        title=title or f"Billet {number}",
        date=date or f"2021-{1 + number % 12:02d}-{1 + number:02d} 08:30",
        category=category or CATEGORIES[number % len(CATEGORIES)],
        tags=tags or ", ".join(TAGS[number % 5 : number % 5 + 2]),
        slug=slug or f"billet-{number}",  # a new title keeps the address
        body=body,
    )


@pytest.fixture
def blog(site):
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text() + f"\nCARNET_CATEGORIES = {CATEGORIES!r}\n")
    for number in range(12):
        write_post(site, number, links=[(number + 3) % 12] if number % 2 else ())
    site.add_page("a-propos.md", title="À propos", body="Qui écrit ici.")
    return site


def build_and_compare(site, tmp_path, monkeypatch):
    """Build with reuse and without; assert the outputs are the same; return the number of
    pages the build with reuse rendered (calls to Jinja's Template.render)."""
    rendered = []
    real_render = jinja2.Template.render
    with monkeypatch.context() as patch:
        patch.setattr(
            jinja2.Template,
            "render",
            lambda self, *a, **k: rendered.append(self.name) or real_render(self, *a, **k),
        )
        site.build(production=False)
    reference = tmp_path / "reference"
    shutil.rmtree(reference, ignore_errors=True)
    build(
        site.settings_file(production=False),
        output_path=reference,
        overrides={"CARNET_PAGE_REUSE": False},
    )
    assert_same_tree(site.output, reference)
    return len(rendered)


def assert_same_tree(built, reference):
    built_files = {p.relative_to(built) for p in built.rglob("*") if p.is_file()}
    reference_files = {p.relative_to(reference) for p in reference.rglob("*") if p.is_file()}
    assert built_files == reference_files, (
        f"only with reuse: {sorted(built_files - reference_files)}; "
        f"only without: {sorted(reference_files - built_files)}"
    )
    different = [
        str(p)
        for p in sorted(built_files)
        if (built / p).read_bytes() != (reference / p).read_bytes()
    ]
    assert not different, f"stale pages: {different}"


def templates_rendered(monkeypatch):
    """The name of each template Jinja renders from now on, in a list."""
    rendered = []
    real_render = jinja2.Template.render
    monkeypatch.setattr(
        jinja2.Template,
        "render",
        lambda self, *a, **k: rendered.append(self.name) or real_render(self, *a, **k),
    )
    return rendered


def total_pages(site):
    return len(list(site.output.rglob("*.html")))


def test_a_build_with_nothing_changed_renders_no_page(blog, tmp_path, monkeypatch):
    assert build_and_compare(blog, tmp_path, monkeypatch) == total_pages(blog)
    assert build_and_compare(blog, tmp_path, monkeypatch) == 0


def test_editing_one_post_renders_only_the_pages_that_show_it(blog, tmp_path, monkeypatch):
    build_and_compare(blog, tmp_path, monkeypatch)
    write_post(blog, 4, extra="Une phrase de plus.")
    rendered = build_and_compare(blog, tmp_path, monkeypatch)
    assert 0 < rendered < total_pages(blog) / 2


def test_a_new_paragraph_leaves_the_pages_that_show_only_the_title(blog, tmp_path, monkeypatch):
    """The archives, the tag list and the posts around it or linking to it show the post's
    title, not its text: they are not rendered again. The post and the lists showing its
    summary are."""
    build_and_compare(blog, tmp_path, monkeypatch)
    rendered = templates_rendered(monkeypatch)
    write_post(blog, 9, links=[0], extra="Un paragraphe de plus.")
    blog.build(production=False)
    assert "Un paragraphe de plus." in blog.read("billet-9/index.html")
    assert rendered.count("article.html") == 1
    assert set(rendered) <= {
        "article.html",
        "index.html",
        "category.html",
        "tag.html",
        "author.html",
    }


LONG_START = (
    "Les premières séances avec un client sont un moment à part : on découvre une "
    "histoire, des mots, une façon de se taire. Je prends le temps d'écouter sans "
    "chercher la solution, et je note ce qui revient souvent. "
)
LONG_REST = (
    "Plus tard vient le temps des questions ; vraiment ? Oui, « toujours » plus tard, "
    "quand la confiance est là et que le silence ne fait plus peur à personne. " * 3
)


def test_lists_showing_a_summary_follow_only_the_start_of_the_text(blog, tmp_path, monkeypatch):
    """A list shows each post's summary, cut from the start of its text: a sentence added
    at the end of a long post renders that post again and no list; a word changed at its
    start renders the lists that show it too. Each time, the output is a full build's."""
    write_post(blog, 4, extra=LONG_START + LONG_REST)
    write_post(blog, 5, extra="<em>" + LONG_START + "</em>" + LONG_REST)
    build_and_compare(blog, tmp_path, monkeypatch)
    rendered = templates_rendered(monkeypatch)
    for number, extra in (
        (4, LONG_START + LONG_REST + "Une phrase de plus, tout à la fin."),
        (5, "<em>" + LONG_START + "</em>" + LONG_REST + " Et encore une."),
    ):
        rendered.clear()
        write_post(blog, number, extra=extra)
        blog.build(production=False)
        assert rendered == ["article.html"], number
    rendered.clear()
    write_post(blog, 4, extra=LONG_START.replace("histoire", "aventure") + LONG_REST)
    blog.build(production=False)
    assert "article.html" in rendered and {"index.html", "category.html"} <= set(rendered)
    assert "aventure" in blog.read("index.html")
    build_and_compare(blog, tmp_path, monkeypatch)  # the same as a full build


def test_a_template_reading_the_text_of_listed_posts_sees_it_change(blog, tmp_path, monkeypatch):
    """The archives show each post's word count, in a loop whose item is named like the
    page's own post: the text of every post listed counts in the page's key."""
    theme = blog.root / "theme"
    real = theme.resolve()
    theme.unlink()
    shutil.copytree(real, theme)
    archives = theme / "templates" / "archives.html"
    archives.write_text(
        archives.read_text(encoding="utf-8").replace(
            "{% block content %}",
            "{% block content %}{% for article in dates %}<i>{{ article.content|wordcount }}</i>{% endfor %}",
        ),
        encoding="utf-8",
    )
    build_and_compare(blog, tmp_path, monkeypatch)
    write_post(blog, 4, extra="Trois mots ajoutés.")
    build_and_compare(blog, tmp_path, monkeypatch)  # compares with a full build


EDITS = {
    "body": lambda s: write_post(s, 4, extra="Une phrase de plus."),
    "title of a linked post": lambda s: write_post(s, 6, title="Un titre tout neuf"),
    "category": lambda s: write_post(s, 5, category="Outils du coach", links=[8]),
    "tags": lambda s: write_post(s, 2, tags="silence, nouvelle étiquette"),
    "date (order, neighbours, archives)": lambda s: write_post(
        s, 7, date="2019-03-03 10:00", links=[10]
    ),
    "a new link (backlinks)": lambda s: write_post(s, 0, links=[9, 11]),
    "new newest post": lambda s: write_post(s, 12, date="2022-06-01 09:00", links=[1]),
    "deleted post": lambda s: (s.content / "posts" / "p3.md").unlink(),
    "renamed link target": lambda s: write_post(s, 8, slug="billet-huit-renomme"),
    "page title (menu of every page)": lambda s: s.add_page(
        "a-propos.md", title="Qui suis-je", body="Qui écrit ici."
    ),
    "setting": lambda s: (s.root / "pelicanconf.py").write_text(
        (s.root / "pelicanconf.py")
        .read_text(encoding="utf-8")
        .replace('SITESUBTITLE = "', 'SITESUBTITLE = "Nouveau : '),
        encoding="utf-8",
    ),
}


def test_every_kind_of_edit_shows_exactly_as_a_full_build(blog, tmp_path, monkeypatch):
    build_and_compare(blog, tmp_path, monkeypatch)
    for name, edit in EDITS.items():
        edit(blog)
        try:
            build_and_compare(blog, tmp_path, monkeypatch)
        except AssertionError as failure:
            raise AssertionError(f"after editing the {name}: {failure}") from None


def test_an_edited_template_renders_the_pages_that_use_it(blog, tmp_path, monkeypatch):
    theme = blog.root / "theme"
    real = theme.resolve()
    theme.unlink()
    shutil.copytree(real, theme)  # the site's own copy, to edit
    build_and_compare(blog, tmp_path, monkeypatch)
    footer = theme / "templates" / "partials" / "site_footer.html"
    footer.write_text(
        footer.read_text(encoding="utf-8") + "<p>Pied de page modifié</p>\n", encoding="utf-8"
    )
    assert build_and_compare(blog, tmp_path, monkeypatch) == total_pages(blog)
    assert "Pied de page modifié" in blog.read("index.html")
    article = theme / "templates" / "article.html"
    article.write_text(
        article.read_text(encoding="utf-8").replace("</article>", "</article><!-- v2 -->", 1),
        encoding="utf-8",
    )
    rendered = build_and_compare(blog, tmp_path, monkeypatch)
    assert rendered == len(list((blog.content / "posts").glob("*.md")))


def test_a_page_changed_by_hand_in_the_output_is_rendered_again(blog, tmp_path, monkeypatch):
    build_and_compare(blog, tmp_path, monkeypatch)
    page = blog.output / "billet-4" / "index.html"
    page.write_text("abîmé", encoding="utf-8")
    assert build_and_compare(blog, tmp_path, monkeypatch) == 1


def test_files_the_build_did_not_make_are_removed_but_retention_is_kept(
    blog, tmp_path, monkeypatch
):
    (blog.root / "pelicanconf.py").write_text(
        (blog.root / "pelicanconf.py").read_text(encoding="utf-8")
        + '\nOUTPUT_RETENTION = [".git"]\n',
        encoding="utf-8",
    )
    blog.build(production=False)
    (blog.output / "old-page").mkdir()
    (blog.output / "old-page" / "index.html").write_text("vieux", encoding="utf-8")
    (blog.output / ".git").mkdir()
    (blog.output / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    blog.build(production=False)
    assert not (blog.output / "old-page").exists()
    assert (blog.output / ".git" / "HEAD").read_text(encoding="utf-8") == "ref"


@pytest.mark.parametrize("setting", ["STATIC_CREATE_LINKS", "STATIC_CHECK_IF_MODIFIED"])
def test_images_pelican_leaves_in_place_stay_in_the_output(blog, tmp_path, monkeypatch, setting):
    """With either setting, Pelican leaves an image of the output as it is when it is up
    to date (a link to the file of content/, or a copy newer than it): its ctime is older
    than the build, and the end of the build removed it as a file it did not write. Every
    other build, the page showed no image. The setting taken out again, Pelican copies the
    file onto the link it left (shutil's SameFileError, a warning): the image is copied
    into an empty place instead, as after Pelican's own emptying."""
    conf = blog.root / "pelicanconf.py"
    settings = conf.read_text(encoding="utf-8")
    conf.write_text(settings + f"\n{setting} = True\n", encoding="utf-8")
    (blog.content / "images" / "bureau.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>', encoding="utf-8"
    )
    write_post(blog, 4, extra="![Mon bureau]({static}/images/bureau.svg)")
    for _build in range(3):
        build_and_compare(blog, tmp_path, monkeypatch)
    conf.write_text(settings, encoding="utf-8")
    assert blog.build(production=False).warnings == []
    build_and_compare(blog, tmp_path, monkeypatch)
    assert (blog.output / "images" / "bureau.svg").is_file()


def test_a_build_into_a_folder_holding_the_content_deletes_nothing(site):
    """Pelican empties the output folder only when it does not hold the content folder
    (`pelican content -o .` in the project folder, OUTPUT_PATH = "." for a site served
    from the root of its repository): page_reuse removed, at the end of the development
    build, every file of the project the build had not written, the posts, the settings
    and .git among them."""
    theme = site.root / "theme"
    real = theme.resolve()
    theme.unlink()
    shutil.copytree(real, theme)  # the output's theme/ goes there
    post = site.add_post("a.md", title="Un billet")
    git_head = site.root / ".git" / "HEAD"
    git_head.parent.mkdir()
    git_head.write_text("ref: refs/heads/main\n", encoding="utf-8")
    kept = [post, git_head, site.root / "pelicanconf.py", site.root / "tasks.py"]
    for _build in ("cold", "warm"):
        build(site.settings_file(production=False), output_path=site.root)
        assert [path for path in kept if not path.exists()] == []
    assert "Un billet" in (site.root / "un-billet" / "index.html").read_text(encoding="utf-8")


def test_a_post_made_unreadable_leaves_the_last_site_as_it_was(blog):
    """`invoke livereload` while `invoke serve` runs: a post saved without its title (or
    with an impossible date) is left out, and the build went on: its page was removed from
    the output and from every list, and the images were removed too when the build was
    stopped before Pelican copied them. The coach's open page answered « page introuvable »
    until the post was fixed. The build now stops before it writes anything: the site
    served stays the last one built, the post in it, until the post is fixed."""
    (blog.content / "images" / "bureau.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>', encoding="utf-8"
    )
    write_post(blog, 4, extra="![Mon bureau]({static}/images/bureau.svg)")
    blog.build(production=False)
    before = {path: path.read_bytes() for path in sorted(blog.output.rglob("*")) if path.is_file()}
    blog.add_post("p4.md", "Date: 2021-05-05 08:30\n\nPlus de titre.\n")
    with pytest.raises(BuildFailed) as failed:
        blog.build(production=False)
    assert failed.value.problems[0].startswith("content/posts/p4.md: ")
    after = {path: path.read_bytes() for path in sorted(blog.output.rglob("*")) if path.is_file()}
    assert after == before
    # A link left broken by the new post's typing stops it before writing too.
    write_post(blog, 4, extra="[voir]({filename}/posts/p40.md)")
    with pytest.raises(BuildFailed):
        blog.build(production=False)
    assert {p: p.read_bytes() for p in sorted(blog.output.rglob("*")) if p.is_file()} == before


def test_a_page_rewritten_while_it_is_being_served_is_never_sent_half_written(blog):
    """`invoke serve` reading a page while `invoke livereload` rebuilt it: the page was
    rewritten in place, emptied first, and the coach's browser got an empty or cut page
    (2 of 11 000 requests during 15 rebuilds). A reader that opened the page before the
    rebuild (the server sending it) now reads the old page whole, and the next one reads
    the new page whole."""
    blog.build(production=False)
    page = blog.output / "billet-4" / "index.html"
    old = page.read_bytes()
    with open(page, "rb") as being_served:
        write_post(blog, 4, extra="Une phrase de plus.")
        blog.build(production=False)
        assert being_served.read() == old
    assert "Une phrase de plus." in page.read_text(encoding="utf-8")
    assert list(blog.output.rglob("*.carnet-tmp")) == []
