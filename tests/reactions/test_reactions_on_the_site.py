"""Reactions under a post: escaped, oldest first, counted in lists, in JSON-LD as Comment,
not in feeds; a reaction for a post that does not exist stops the build."""

import json
import re

import pytest

from carnet.build import BuildFailed


def add_reaction(site, slug, name, text):
    path = site.content / "reactions" / slug / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def blog(site):
    site.add_post("a.md", title="Le billet commenté", body="Le texte du billet.")
    site.add_post("b.md", title="Un autre billet", date="2020-09-10 08:00")
    add_reaction(
        site,
        "le-billet-commente",
        "2021-02-01-lea.md",
        "Name: Léa\nDate: 2021-02-01 10:00\nStatus: published\n\n"
        "Deuxième réaction ! Voir [mon site](https://lea.example/) et "
        "[ceci](javascript:alert(1)).\n\n<script>alert('x')</script> <b>gras</b>\n\n"
        "![une image](https://tracker.example/pixel.gif)\n",
    )
    add_reaction(
        site,
        "le-billet-commente",
        "2021-01-15-sophie.md",
        "Name: Sophie\nDate: 2021-01-15 21:30\n\nPremière réaction, *merci* !\n",
    )
    add_reaction(
        site,
        "le-billet-commente",
        "2021-03-01-brouillon.md",
        "Name: Marc\nDate: 2021-03-01 09:00\nStatus: draft\n\nPas encore publiée.\n",
    )
    return site


def reactions_section(page):
    return page.split('<section class="reactions"', 1)[1].split("</section>", 1)[0]


def test_a_post_shows_its_reactions_escaped_oldest_first(blog):
    blog.build()
    page = blog.read("le-billet-commente/index.html")
    section = reactions_section(page)
    assert "Réactions (2)" in section
    assert section.index("Sophie") < section.index("Léa")  # oldest first
    assert "15 janvier 2021" in section and "1er février 2021" in section
    assert "Pas encore publiée" not in page  # a draft
    # Raw HTML is shown as text, never run.
    assert "<script>" not in section and "&lt;script&gt;" in section
    assert "<b>" not in section and "&lt;b&gt;gras&lt;/b&gt;" in section
    assert 'href="javascript' not in section and "<span>ceci</span>" in section
    assert '<a href="https://lea.example/" rel="nofollow ugc">mon site</a>' in section
    assert "tracker.example" not in section and "une image" in section
    assert "<em>merci</em>" in section
    # French typography.
    assert "réaction\u202f!" in section
    # Then « Répondre par e-mail », after the reactions.
    assert page.index('class="reactions"') < page.index("Répondre par e-mail")


def test_the_count_shows_in_lists_and_reactions_are_comments_in_json_ld(blog):
    blog.build()
    home = blog.read("index.html")
    # Its link says which post, as « Lire la suite » does: a list of several posts with
    # « 1 réaction » each read as links of the same name to different pages.
    hidden = '<span class="visually-hidden"> à «\u00a0Le billet commenté\u00a0»</span>'
    assert re.search(rf'href="[^"]*le-billet-commente/#reactions">2 réactions{hidden}</a>', home)
    assert "réaction" not in home.split("Un autre billet", 1)[1].split("</article>", 1)[0]
    page = blog.read("le-billet-commente/index.html")
    data = json.loads(page.split('<script type="application/ld+json">', 1)[1].split("</script>")[0])
    assert data["commentCount"] == 2
    assert [c["@type"] for c in data["comment"]] == ["Comment", "Comment"]
    assert [c["author"]["name"] for c in data["comment"]] == ["Sophie", "Léa"]
    assert data["comment"][0]["dateCreated"] == "2021-01-15T21:30:00+01:00"


def test_a_reaction_file_named_with_a_space_gives_an_id_without_one(blog):
    # A copy made by the Finder is « …-lea copie.md »: its id held the space (invalid HTML)
    # and so did its address in the JSON-LD.
    add_reaction(
        blog,
        "le-billet-commente",
        "2021-02-01-lea copie.md",
        "Name: Anne\nDate: 2021-02-02 10:00\n\nTroisième réaction.\n",
    )
    blog.build()
    page = blog.read("le-billet-commente/index.html")
    assert 'id="reaction-2021-02-01-lea-copie"' in page
    data = json.loads(page.split('<script type="application/ld+json">', 1)[1].split("</script>")[0])
    assert data["comment"][-1]["url"].endswith("/le-billet-commente/#reaction-2021-02-01-lea-copie")


def test_reactions_are_in_no_feed(blog):
    blog.build(production=True)
    feeds = "".join(p.read_text() for p in (blog.output / "feeds").glob("*.xml"))
    assert "Le billet commenté" in feeds
    assert "Première réaction" not in feeds and "Sophie" not in feeds


def test_a_reaction_for_a_post_that_does_not_exist_stops_the_build(blog):
    add_reaction(
        blog, "billet-disparu", "2021-01-01-ana.md", "Name: Ana\nDate: 2021-01-01\n\nOui.\n"
    )
    with pytest.raises(BuildFailed) as failure:
        blog.build()
    assert any(
        line.startswith("content/reactions/billet-disparu") and "billet-disparu" in line
        for line in failure.value.problems
    ), failure.value.problems


def test_a_post_that_cannot_be_read_is_one_line_not_two(blog):
    """A commented post saved without its title (while `invoke livereload` ran): the
    post's line came with a second one, its reactions folder's « no post has the slug …
    (a renamed post? move its reactions) », which sent the coach to move a folder that
    was right. The post's own line is the one to fix; once it reads, the folder is its."""
    blog.add_post("a.md", "Date: 2020-09-09 08:30\n\nLe texte du billet.\n")
    with pytest.raises(BuildFailed) as failure:
        blog.build()
    assert [line.split(":")[0] for line in failure.value.problems] == ["content/posts/a.md"]
    blog.add_post("a.md", title="Le billet commenté", body="Le texte du billet.")
    blog.build()
    assert "Première réaction" in blog.read("le-billet-commente/index.html")


def test_a_retitled_post_s_reactions_folder_is_told_where_to_go(blog):
    """The guide: a post whose title changed must have its reactions folder moved; the line
    said « (un billet renommé ? déplacez ses réactions) » and not where, while the build it
    stops is what would show the new address."""
    post = blog.content / "posts" / "a.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("Le billet commenté", "Le billet si commenté"),
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed) as failure:
        blog.build()
    (line,) = [p for p in failure.value.problems if "le-billet-commente" in p]
    assert line.startswith("content/reactions/le-billet-commente")
    assert "'le-billet-si-commente' (content/posts/a.md)" in line
    assert line.endswith("rename this folder content/reactions/le-billet-si-commente")
    (blog.content / "reactions" / "le-billet-commente").rename(
        blog.content / "reactions" / "le-billet-si-commente"
    )
    blog.build()
    assert "Première réaction" in blog.read("le-billet-si-commente/index.html")


@pytest.mark.parametrize(
    "text, problem",
    [
        ("Name: Ana\nDate: hier\n\nOui.\n", "Date"),
        ("Date: 2021-01-01 10:00\n\nOui.\n", "Name"),
        ("Name: Ana\nDate: 2021-01-01 10:00\nStatus: publie\n\nOui.\n", "Status"),
        (
            b"Name: Ana\nDate: 2021-01-01 10:00\n\n" + "Oui, c'\xe9tait".encode("latin-1"),
            "UTF-8",
        ),
    ],
    ids=["date", "name", "status", "encoding"],
)
def test_a_bad_reaction_file_stops_the_build_naming_it(blog, text, problem):
    path = blog.content / "reactions" / "le-billet-commente" / "2021-01-01-ana.md"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(BuildFailed) as failure:
        blog.build()
    (line,) = [line for line in failure.value.problems if "2021-01-01-ana.md" in line]
    assert (
        line.startswith("content/reactions/le-billet-commente/2021-01-01-ana.md: ")
        and problem in line
    )


def test_reactions_for_a_post_sent_by_email_only_stop_the_build_saying_why(blog):
    blog.add_post("c.md", title="Seulement par e-mail", newsletter="only")
    add_reaction(
        blog, "seulement-par-e-mail", "2021-01-01-ana.md", "Name: Ana\nDate: 2021-01-01\n\nOui.\n"
    )
    with pytest.raises(BuildFailed) as failure:
        blog.build()
    (line,) = [line for line in failure.value.problems if "seulement-par-e-mail" in line]
    assert line.startswith("content/reactions/seulement-par-e-mail: ")
    assert "Newsletter: only" in line and "renamed" not in line


def test_json_ld_has_the_reactions_plain_text(blog):
    blog.build()
    page = blog.read("le-billet-commente/index.html")
    data = json.loads(page.split('<script type="application/ld+json">', 1)[1].split("</script>")[0])
    assert data["comment"][0]["text"] == "Première réaction, merci\u202f!"
    # Its paragraphs kept: a greeting, the text and a signature do not run together.
    second = data["comment"][1]["text"]
    assert second.startswith("Deuxième réaction\u202f! Voir mon site et ceci.\n\n")
    assert second.count("\n\n") == 2 and second.endswith("\n\nune image")
    assert "<script>" not in page.split("</script>", 1)[0].split("application/ld+json", 1)[1]
