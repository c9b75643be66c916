"""The bad-input corpus: each case says what and where, and stops the build if the site
cannot be right. Each case is a function that writes files into a fresh site and returns
what the build must say: (kind, the file the line starts with, words the line holds).

Every case runs on a cold build and then on a warm one (the content cache filled by the
first), in process; every error case, and every warning case with --strict, also runs
`invoke publish` twice (cold, warm): exit 1, its words in the output, nothing deployed,
nothing sent.
"""

import os
import unicodedata

import pytest
from conftest import DEFAULT_CATEGORY_LINE, post_text

from carnet.build import BuildFailed

ERROR, WARNING = "error", "warning"
BAD = "content/posts/bad.md"
ODD = "content/posts/odd.md"
SITEURL = "https://carnet-de-coach.fr"  # publishconf.py's
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'


def _with_line(line, **fields):
    """post_text with a metadata line as is (post_text writes Save_as as Save-as)."""
    return post_text(**fields).replace("Date:", f"{line}\nDate:", 1)


def _image(site, name, text=SVG):
    path = site.content / "images" / name
    path.write_text(text)
    return path


# --- Cases the corpus had -----------------------------------------------------------------


def missing_title(site):
    site.add_post("bad.md", post_text(title=None))
    return ERROR, BAD, ["could not find information about 'title'"]


def missing_date(site):
    site.add_post("bad.md", post_text(date=None))
    return ERROR, BAD, ["could not find information about 'date'"]


def impossible_month(site):
    site.add_post("bad.md", post_text(date="2021-13-45"))
    return ERROR, BAD, ["'2021-13-45' is not a valid date"]


def impossible_day(site):
    site.add_post("bad.md", post_text(date="2021-02-30"))
    return ERROR, BAD, ["'2021-02-30' is not a valid date"]


def ambiguous_date(site):
    site.add_post("bad.md", post_text(date="03/04/2021"))
    return ERROR, BAD, ["the date '03/04/2021' is ambiguous"]


def french_words_date(site):
    site.add_post("bad.md", post_text(date="12 mars 2021"))
    return ERROR, BAD, ["write it as YYYY-MM-DD"]


def unknown_status(site):
    site.add_post("bad.md", post_text(status="publie"))
    return ERROR, BAD, ["Unknown status 'publie'"]


def invalid_utf8(site):
    site.add_post("bad.md", post_text(body="Un café.").encode("latin-1"))
    return ERROR, BAD, ["is not valid UTF-8 text (byte 0xe9"]


def empty_file(site):
    site.add_post("bad.md", "")
    return ERROR, BAD, ["the file is empty"]


def five_megabyte_post(site):
    site.add_post("bad.md", post_text(body="Un long texte. " * 350_000))
    return ERROR, BAD, ["MB, over the 2 MB limit (CARNET_MAX_POST_BYTES)"]


def same_slug_twice(site):
    site.add_post("one.md", post_text(title="Deux fois"))
    site.add_post("two.md", post_text(title="Deux fois !", date="2021-01-01"))
    return (
        ERROR,
        "content/posts/one.md and content/posts/two.md",
        ["published at the same address /deux-fois/"],
    )


def same_title_in_nfc_and_nfd(site):
    site.add_post("nfc.md", post_text(title="Éloge du café"))
    site.add_post("nfd.md", post_text(title=unicodedata.normalize("NFD", "Éloge du café")))
    return ERROR, "content/posts/nfc.md and content/posts/nfd.md", ["/eloge-du-cafe/"]


def link_to_missing_post(site):
    site.add_post("bad.md", post_text(body="Voir [ce billet]({filename}/posts/absent.md)."))
    return ERROR, BAD, ["links to {filename}/posts/absent.md, which is not"]


def link_to_draft(site):
    site.add_post("draft.md", post_text(title="Pas prêt", status="draft"))
    site.add_post("bad.md", post_text(body="Voir [ce billet]({filename}draft.md)."))
    return ERROR, BAD, ["links to {filename}draft.md"]


def link_in_a_summary_to_a_draft(site):
    # Pelican replaces the links of a Summary: too: this one was href="" on every list.
    site.add_post("draft.md", post_text(title="Pas prêt", status="draft"))
    site.add_post("bad.md", post_text(summary="Voir [ce billet]({filename}draft.md)."))
    return ERROR, BAD, ["links to {filename}draft.md, which is not a published post"]


def link_in_an_email_only_post_to_a_draft(site):
    # Mailed to every subscriber: the link led to the home page, a missing file's to
    # https://…/bad/{filename}/posts/absent.md.
    site.add_post("draft.md", post_text(title="Pas prêt", status="draft"))
    site.add_post(
        "bad.md", post_text(newsletter="only", body="Voir [ce billet]({filename}draft.md).")
    )
    return ERROR, BAD, ["links to {filename}draft.md, which is not a published post"]


def link_to_a_tag_no_post_has(site):
    site.add_post("good.md", post_text(title="Bon billet", tags="écoute"))
    body = "Voir [l’écoute]({tag}écoute) et [la patience]({tag}patience)."
    site.add_post("bad.md", post_text(body=body))
    return ERROR, BAD, ["links to {tag}patience, which is not a tag of any published post"]


def title_written_twice(site):
    site.add_post("bad.md", post_text().replace("Title:", "Title: Un\nTitle:", 1))
    return ERROR, BAD, ["Title: written on 2 lines (« Un », « Un article »); keep one"]


def link_to_a_tag_in_percent_codes(site):
    site.add_post("good.md", post_text(title="Bon billet", tags="premiers pas"))
    site.add_post("bad.md", post_text(body="Voir [les débuts]({tag}premiers%20pas)."))
    return ERROR, BAD, ["{tag}premiers%20pas, which is written with %-codes", "{tag}premiers-pas"]


def static_link_to_a_page(site):
    site.add_page("a-propos.md", post_text(title="À propos"))
    site.add_post("bad.md", post_text(body="Voir [la page]({static}/pages/a-propos.md)."))
    return ERROR, BAD, ["{static}/pages/a-propos.md, which is the text of a post or page"]


def link_of_an_unknown_kind(site):
    site.add_post("bad.md", post_text(body="Voir [ceci]({page}a-propos)."))
    return ERROR, BAD, ["links to {page}a-propos, which is not a kind of link Pelican knows"]


def link_outside_the_content_folder(site):
    site.add_post("bad.md", post_text(body="Voir [les réglages]({filename}/../pelicanconf.py)."))
    return ERROR, BAD, ["links to {filename}/../pelicanconf.py, which is outside the content"]


def missing_image(site):
    site.add_post("bad.md", post_text(body="![Un dessin]({static}/images/absent.png)"))
    return ERROR, BAD, ["links to {static}/images/absent.png"]


def image_linked_by_its_path(site):
    _image(site, "x.svg")
    site.add_post("bad.md", post_text(body="![Un dessin](images/x.svg)"))
    return (
        ERROR,
        BAD,
        ["links to images/x.svg, which the site does not have", "{static}/images/x.svg"],
    )


def unknown_metadata(site):
    site.add_post("odd.md", post_text(catgory="Journal intime"))
    return WARNING, ODD, ["unknown metadata 'Catgory' is ignored", "Category"]


def title_without_text(site):
    site.add_post("odd.md", post_text(body=""))
    return WARNING, ODD, ["the post has a title but no text"]


def image_without_alt(site):
    _image(site, "x.svg")
    site.add_post("odd.md", post_text(body="![]({static}/images/x.svg)"))
    return WARNING, ODD, ["image {static}/images/x.svg has no description", "![…](…)"]


def settings_typo(site):
    conf = site.root / "pelicanconf.py"
    # A name starting with CARNET_ that is no setting stops the build before it starts
    # (tests/publish/test_settings_check.py); one close to a setting's is a warning.
    conf.write_text(conf.read_text() + '\nCARNETCATEGORIES = ["Journal intime"]\n')
    site.add_post("ok.md", post_text())
    return WARNING, "settings", ["CARNETCATEGORIES", "CARNET_CATEGORIES"]


# --- The rows of issue 12 -----------------------------------------------------------------


def category_typo(site):
    site.add_post("bad.md", post_text(category="Journal intme"))
    return ERROR, BAD, ["« Journal intme »", "CARNET_CATEGORIES", "« Journal intime »"]


def category_typo_with_an_apostrophe(site):
    # Quoted as the post writes it, not as the site would show it (« L’art de dire nn »,
    # which a search of the post does not find).
    conf = site.root / "pelicanconf.py"
    conf.write_text(
        conf.read_text() + '\nCARNET_CATEGORIES = ["L\'art de dire non", "Journal intime"]\n'
    )
    site.add_post("bad.md", post_text(category="L'art de dire nn"))
    return ERROR, BAD, ["« L'art de dire nn »", "CARNET_CATEGORIES"]


def category_far_from_any(site):
    site.add_post("bad.md", post_text(category="Recettes"))
    return ERROR, BAD, ["« Recettes »", "« Journal intime »", "« Lancer son business »"]


def no_category(site):
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text().replace(DEFAULT_CATEGORY_LINE, ""))
    site.add_post("bad.md", post_text())
    return ERROR, BAD, ["Category:", "« Journal intime »"]


def template_typo(site):
    site.add_post("bad.md", post_text(template="artcle"))
    return ERROR, BAD, ["Template: artcle", "article"]


def template_path(site):
    site.add_post("bad.md", post_text(template="../../x"))
    return ERROR, BAD, ["Template: ../../x"]


def slug_with_a_folder(site):
    site.add_post("bad.md", post_text(slug="categorie/journal-intime"))
    return ERROR, BAD, ["Slug: categorie/journal-intime"]


def slug_with_a_space(site):
    # Every link to the post, its canonical link and the sitemap had « /mon billet/ ».
    site.add_post("bad.md", post_text(slug="mon billet"))
    return ERROR, BAD, ["Slug: mon billet", "letters, digits and dashes"]


def slug_with_a_hash(site):
    # « # » ends an address's path: every link to the post led to /n/.
    site.add_post("bad.md", post_text(slug="n#1"))
    return ERROR, BAD, ["Slug: n#1"]


def url_with_a_hash(site):
    site.add_post("bad.md", _with_line("Url: n#1/\nSave_as: n#1/index.html"))
    return ERROR, BAD, ["Url: n#1/"]


def title_of_a_site_page(site):
    site.add_post("bad.md", post_text(title="Archives"))
    return ERROR, BAD, ["/archives/", "Slug:"]


def slug_of_the_sitemap(site):
    site.add_post("bad.md", post_text(slug="sitemap.xml"))
    return ERROR, BAD, ["/sitemap.xml/", "Slug:"]


def save_as_the_home_page(site):
    site.add_post("bad.md", _with_line("Save_as: index.html"))
    return ERROR, BAD, ["Save_as:"]


def save_as_a_feed(site):
    site.add_post("bad.md", _with_line("Save_as: feeds/all.atom.xml"))
    return ERROR, BAD, ["/feeds/all.atom.xml", "feeds/all.atom.xml"]


def save_as_outside_the_site(site):
    site.add_post("bad.md", _with_line("Save_as: ../../.bashrc"))
    return ERROR, BAD, ["Save_as: ../../.bashrc"]


def save_as_without_its_url(site):
    # The page at /ailleurs.html, every link (lists, feeds, sitemap, canonical) at /un-article/.
    site.add_post("bad.md", _with_line("Save_as: ailleurs.html"))
    return ERROR, BAD, ["/un-article/", "/ailleurs.html", "Url:"]


def url_without_its_save_as(site):
    site.add_post("bad.md", _with_line("Url: ailleurs/"))
    return ERROR, BAD, ["/ailleurs/", "/un-article/", "Save_as:"]


def page_save_as_and_url_that_disagree(site):
    site.add_page("bad.md", _with_line("Save_as: a-propos.html\nUrl: a-propos/"))
    return ERROR, "content/pages/bad.md", ["/a-propos/", "/a-propos.html"]


def empty_save_as(site):
    # Pelican writes no page, and the post was listed all the same.
    site.add_post("bad.md", _with_line("Save_as:"))
    return ERROR, BAD, ["Save_as:", "/un-article/"]


def slug_of_an_image(site):
    _image(site, "carnet-ouvert.svg")
    site.add_post(
        "other.md", post_text(title="Autre", body="![Un carnet]({static}/images/carnet-ouvert.svg)")
    )
    site.add_post("bad.md", post_text(slug="images/carnet-ouvert.svg"))
    return ERROR, BAD, ["Slug: images/carnet-ouvert.svg"]


def save_as_an_image(site):
    _image(site, "carnet-ouvert.svg")
    site.add_post("bad.md", _with_line("Save_as: images/carnet-ouvert.svg"))
    return ERROR, BAD, ["/images/carnet-ouvert.svg", "images/carnet-ouvert.svg"]


def page_at_a_post_address(site):
    site.add_post("post.md", post_text(title="À propos"))
    site.add_page("bad.md", post_text(title="À propos"))
    return ERROR, "content/pages/bad.md and content/posts/post.md", ["/a-propos/"]


def _extra(site, name):
    path = site.content / "extra" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<p>Le fichier de la coach.</p>")


def extra_file_at_the_home_page(site):
    site.add_post("ok.md", post_text())
    _extra(site, "index.html")
    return ERROR, "content/extra/index.html", ["copied to /,", "the home page"]


def extra_file_in_the_theme_folder(site):
    site.add_post("ok.md", post_text())
    _extra(site, "theme/css/style.css")
    return ERROR, "content/extra/theme/css/style.css", ["/theme/css/style.css", "the theme"]


def title_without_letters(site):
    site.add_post("bad.md", post_text(title="🎉🚀💡"))
    return ERROR, BAD, ["🎉🚀💡", "Slug:"]


def tag_without_letters(site):
    # Its page was etiquette//, and Pelican's warning named no post.
    site.add_post("bad.md", post_text(tags="écoute, 😀"))
    return ERROR, BAD, ["the tag « 😀 » has no letter or digit"]


def tag_of_quoted_dots_without_letters(site):
    # As typed: typeset, it was « "…" ».
    site.add_post("bad.md", post_text(tags='écoute, "..."'))
    return ERROR, BAD, ['the tag « "..." » has no letter or digit']


def author_without_letters(site):
    site.add_post("bad.md", post_text(author="🌱"))
    return ERROR, BAD, ["the author « 🌱 » has no letter or digit"]


def nul_character(site):
    site.add_post("bad.md", post_text(body="Première ligne.\n\nUn \x00 caché."))
    return ERROR, BAD, ["line 6", "U+0000"]


def control_character_in_title(site):
    site.add_post("bad.md", post_text(title="Un \x1b titre"))
    return ERROR, BAD, ["line 1", "U+001B"]


def yaml_that_does_not_parse(site):
    site.add_post(
        "bad.md", "---\ntitle: Un billet\ntags: [a, b\ndate: 2021-09-30\n---\n\nLe texte.\n"
    )
    return ERROR, BAD, ["line 4", "YAML"]


def yaml_then_pelican_lines(site):
    site.add_post("bad.md", "---\ntitle: Un billet\ndate: 2021-09-30\n---\nTags: a, b\n\nTexte.\n")
    return ERROR, BAD, ["line 5", "Tags: a, b"]


def pelican_lines_then_yaml(site):
    site.add_post(
        "bad.md", "Title: Un billet\nDate: 2021-09-30\n\n---\ntags: [a, b]\n---\n\nTexte.\n"
    )
    return ERROR, BAD, ["line 4", "---"]


def yaml_never_closed(site):
    site.add_post("bad.md", "---\ntitle: Un billet\ndate: 2021-09-30\n\nTexte.\n")
    return ERROR, BAD, ["line 1", "---"]


def image_metadata_missing(site):
    site.add_post("bad.md", post_text(image="images/nope.png"))
    return ERROR, BAD, ["Image: images/nope.png", "content/images/nope.png"]


def image_metadata_empty(site):
    _image(site, "vide.png", "")
    site.add_post("bad.md", post_text(image="{static}/images/vide.png"))
    return ERROR, BAD, ["Image: {static}/images/vide.png", "0"]


def linked_image_empty(site):
    _image(site, "vide.png", "")
    site.add_post("bad.md", post_text(body="![Vide]({static}/images/vide.png)"))
    return ERROR, BAD, ["{static}/images/vide.png", "0"]


def symlink_loop(site):
    site.add_post("ok.md", post_text())
    os.symlink(".", site.content / "posts" / "loop")
    return WARNING, "content/posts/loop", ["loop"]


CASES = [
    missing_title,
    missing_date,
    impossible_month,
    impossible_day,
    ambiguous_date,
    french_words_date,
    unknown_status,
    invalid_utf8,
    empty_file,
    five_megabyte_post,
    same_slug_twice,
    same_title_in_nfc_and_nfd,
    link_to_missing_post,
    link_to_draft,
    link_in_a_summary_to_a_draft,
    link_in_an_email_only_post_to_a_draft,
    link_to_a_tag_no_post_has,
    title_written_twice,
    link_to_a_tag_in_percent_codes,
    static_link_to_a_page,
    link_of_an_unknown_kind,
    link_outside_the_content_folder,
    missing_image,
    image_linked_by_its_path,
    unknown_metadata,
    title_without_text,
    image_without_alt,
    settings_typo,
    category_typo,
    category_typo_with_an_apostrophe,
    category_far_from_any,
    no_category,
    template_typo,
    template_path,
    slug_with_a_folder,
    slug_with_a_space,
    slug_with_a_hash,
    url_with_a_hash,
    title_of_a_site_page,
    slug_of_the_sitemap,
    save_as_the_home_page,
    save_as_a_feed,
    save_as_outside_the_site,
    save_as_without_its_url,
    url_without_its_save_as,
    page_save_as_and_url_that_disagree,
    empty_save_as,
    slug_of_an_image,
    save_as_an_image,
    page_at_a_post_address,
    extra_file_at_the_home_page,
    extra_file_in_the_theme_folder,
    title_without_letters,
    tag_without_letters,
    tag_of_quoted_dots_without_letters,
    author_without_letters,
    nul_character,
    control_character_in_title,
    yaml_that_does_not_parse,
    yaml_then_pelican_lines,
    pelican_lines_then_yaml,
    yaml_never_closed,
    image_metadata_missing,
    image_metadata_empty,
    linked_image_empty,
    symlink_loop,
]


def _said(lines, where, words):
    return [line for line in lines if line.startswith(where) and all(w in line for w in words)]


def _build_lines(site, kind):
    if kind == ERROR:
        with pytest.raises(BuildFailed) as failure:
            site.build()
        return failure.value.problems
    return site.build().warnings


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_case_names_the_file_and_the_problem_cold_and_warm(site, case):
    kind, where, words = case(site)
    for build in ("cold", "warm"):
        lines = _build_lines(site, kind)
        assert len(_said(lines, where, words)) == 1, (build, lines)
        assert all("\n" not in line for line in lines), lines
    assert (site.root / ".carnet" / "cache").exists()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_publish_deploys_and_sends_nothing_cold_and_warm(site, tmp_path, case):
    kind, where, words = case(site)
    site.speak("en")  # the problems as written in the code (French: tests/foundation/test_i18n.py)
    target = tmp_path / "www"
    args = ["publish"] if kind == ERROR else ["publish", "--strict"]
    for build in ("cold", "warm"):
        done = site.invoke(*args, env={"CARNET_DEPLOY_TARGET": str(target)})
        assert done.returncode == 1, (build, done.stdout, done.stderr)
        said = [line.strip().removeprefix("- ") for line in done.stderr.splitlines()]
        assert _said(said, where, words), (build, done.stderr)
        assert "nothing was published" in done.stderr
        assert not target.exists()
        assert not (site.root / "outbox").exists()
        assert not (site.root / "newsletter-ledger.json").exists()


@pytest.mark.parametrize("task", ["build", "preview", "publish"])
def test_warnings_are_printed_cold_and_warm(site, task):
    site.add_post("odd.md", post_text(catgory="Journal intime"))
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text() + '\nCARNETCATEGORIES = ["Journal intime"]\n')
    site.speak("en")
    for build in ("cold", "warm"):
        done = site.invoke(task)
        assert done.returncode == 0, (build, done.stderr)
        assert "content/posts/odd.md: unknown metadata 'Catgory'" in done.stderr, build
        assert "Category" in done.stderr and "CARNET_CATEGORIES" in done.stderr, build


# Input that looks odd but is right: it must just work, cold and warm.


def _build_twice(site):
    for _build in ("cold", "warm"):
        result = site.build()
    return result


def test_a_2000_character_title_gives_an_address_of_80_at_most(site):
    title = " ".join(["Une séance de coaching qui dure"] * 65)[:2000]
    site.add_post("long.md", post_text(title=title, tags="un mot " * 200, author="Claire " * 60))
    _build_twice(site)
    [folder] = [p for p in site.output.iterdir() if p.name.startswith("une-seance")]
    assert len(folder.name) <= 80 and not folder.name.endswith("-")
    assert folder.name.endswith("dure") or folder.name.split("-")[-1] in title.lower()
    assert title.split()[0] in (folder / "index.html").read_text()
    assert all(len(p.name) <= 80 for p in (site.output / "etiquette").iterdir())
    # An author's page too (a folder name of 400 characters stopped the build).
    assert all(len(p.name) <= 80 for p in (site.output / "auteur").iterdir())


def test_a_slug_may_have_accents_underscores_and_dots(site):
    site.add_post("a.md", post_text(title="L’été", slug="été_2021.v2"))
    _build_twice(site)
    assert "L’été" in site.read("été_2021.v2/index.html")


def test_an_explicit_slug_says_where_an_emoji_title_goes(site):
    site.add_post("fete.md", post_text(title="🎉🚀💡", slug="fete"))
    _build_twice(site)
    assert "🎉🚀💡" in site.read("fete/index.html")


def test_a_url_and_a_save_as_that_agree_give_the_post_that_address(site):
    site.add_post("a.md", _with_line("Save_as: 2021/mon-billet/index.html\nUrl: 2021/mon-billet/"))
    site.add_page("b.md", _with_line("Save_as: a-propos.html\nUrl: a-propos.html", title="Moi"))
    _build_twice(site)
    assert "Un texte." in site.read("2021/mon-billet/index.html")
    assert f"{SITEURL}/2021/mon-billet/</loc>" in site.read("sitemap.xml")
    assert f'rel="canonical" href="{SITEURL}/a-propos.html"' in site.read("a-propos.html")


def test_yaml_front_matter_is_metadata(site):
    site.add_post(
        "yaml.md",
        "---\ntitle: Écrit dans Obsidian\ndate: 2021-09-30\ncategory: journal intime\n"
        "tags: [écoute, premiers pas]\nsummary: Un résumé.\nnewsletter: no\n---\n\n"
        "Le texte du billet.\n",
    )
    site.add_post(
        "hugo.md",
        "---\nTitle: Écrit dans Hugo\nDate: 2021-10-01 09:15\nTags: silence, écoute\n---\n\n"
        "Un autre texte.\n",
    )
    _build_twice(site)
    page = site.read("ecrit-dans-obsidian/index.html")
    assert "Le texte du billet." in page and "---" not in page and "title:" not in page
    assert (site.output / "etiquette" / "premiers-pas" / "index.html").exists()
    assert (site.output / "etiquette" / "silence" / "index.html").exists()
    assert not any("[" in p.name for p in (site.output / "etiquette").iterdir())
    assert "30 septembre 2021" in page and "Journal intime" in page
    assert "Un autre texte." in site.read("ecrit-dans-hugo/index.html")


def test_files_in_images_are_never_read_as_posts(site):
    (site.content / "images" / ".gitkeep").write_text("")
    (site.content / "images" / "notes.txt").write_text("")
    site.add_post("ok.md", post_text())
    result = _build_twice(site)
    assert result.warnings == []


def test_a_symlink_loop_is_said_once_and_its_posts_are_not_read_twice(site):
    site.add_post("ok.md", post_text(title="Un seul"))
    os.symlink(".", site.content / "posts" / "loop")
    os.symlink("..", site.content / "pages" / "up")
    for _build in ("cold", "warm"):
        warnings = site.build().warnings
        assert len([w for w in warnings if w.startswith("content/posts/loop:")]) == 1, warnings
        assert len([w for w in warnings if w.startswith("content/pages/up:")]) == 1, warnings
        assert len(warnings) == 2, warnings
    assert not (site.output / "loop").exists()


def test_a_strict_build_stops_on_a_warning_and_a_plain_one_does_not(site):
    site.add_post("odd.md", post_text(body=""))
    assert site.build().warnings
    with pytest.raises(BuildFailed) as failure:
        _strict(site)
    assert failure.value.strict
    assert any(line.startswith(ODD) for line in failure.value.problems)


def test_a_post_of_one_photo_is_not_a_title_without_text(site):
    """A coach's « photo du jour » (one described image, no sentence) was warned « le
    billet a un titre mais pas de texte », and stopped a --strict build."""
    _image(site, "x.svg")
    site.add_post(
        "odd.md", post_text(body="![Un carnet ouvert sur une table]({static}/images/x.svg)")
    )
    assert site.build().warnings == []
    _strict(site)


def _strict(site):
    from carnet.build import build

    return build(site.settings_file(), output_path=site.output, strict=True)


def test_a_default_category_files_a_post_without_one(site):
    site.add_post("a.md", post_text(title="Sans catégorie"))
    _build_twice(site)
    assert (site.output / "categorie" / "journal-intime" / "index.html").exists()
    assert not (site.output / "categorie" / "posts").exists()


def test_categories_match_without_accents(site):
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text() + '\nCARNET_CATEGORIES = ["Séances", "Journal intime"]\n')
    site.add_post("a.md", post_text(title="Un", category="seances"))
    site.add_post("b.md", post_text(title="Deux", category="SÉANCES"))
    _build_twice(site)
    assert "Séances" in site.read("un/index.html")
    assert [p.name for p in (site.output / "categorie").iterdir()] == ["seances"]


def test_bom_and_crlf_just_work(site):
    site.add_post(
        "bom.md",
        "\ufeffTitle: Avec BOM\r\nDate: 2020-01-01\r\nTags: a, b\r\n\r\n"
        "Premier paragraphe ?\r\n\r\nSecond.\r\n",
    )
    site.build()
    page = site.read("avec-bom/index.html")
    assert "\ufeff" not in page and "\r" not in page
    assert "paragraphe\u202f?" in page
    assert (site.output / "etiquette" / "b" / "index.html").exists()


def test_one_category_whatever_the_case(site):
    site.add_post("a.md", post_text(title="Un", category="Journal Intime"))
    site.add_post("b.md", post_text(title="Deux", category="journal INTIME"))
    site.build()
    assert [p.name for p in (site.output / "categorie").iterdir()] == ["journal-intime"]
    assert "Journal intime" in site.read("un/index.html")


def test_markup_in_titles_and_tags_is_plain_text_everywhere(site):
    site.add_post(
        "x.md", post_text(title="<script>alert(1)</script> & co", tags="<b>gras</b>, a&b")
    )
    site.build()
    for path in site.output.rglob("*.*ml"):
        text = path.read_text()
        assert "<script>alert" not in text and "<b>gras" not in text, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in site.read("feeds/all.atom.xml")


def test_odd_but_right_input_publishes_cold_and_warm(site, tmp_path):
    (site.content / "images" / ".gitkeep").write_text("")
    site.add_post("long.md", post_text(title=" ".join(["Une longue séance"] * 150)))
    site.add_post("fete.md", post_text(title="🎉🚀💡", slug="fete"))
    site.add_post("yaml.md", "---\ntitle: En YAML\ndate: 2021-09-30\ntags: [a, b]\n---\n\nTexte.\n")
    target = tmp_path / "www"
    for build in ("cold", "warm"):
        done = site.invoke("publish", "--strict", env={"CARNET_DEPLOY_TARGET": str(target)})
        assert done.returncode == 0, (build, done.stderr)
        assert (target / "fete" / "index.html").exists()
        assert (target / "en-yaml" / "index.html").exists()
        assert (target / "etiquette" / "b" / "index.html").exists()
        assert [p for p in target.iterdir() if p.name.startswith("une-longue")]


@pytest.mark.parametrize("case", [link_to_missing_post, same_slug_twice], ids=lambda c: c.__name__)
def test_a_failed_build_says_each_problem_once_in_french(site, case):
    _kind, where, _words = case(site)
    done = site.invoke("build")
    assert done.returncode == 1
    # Pelican's own English lines about the same problem (« Unable to find… », « There
    # are 2 items… » and the paths on lines of their own) are left out.
    problems = done.stderr.splitlines()[1:]
    assert len(problems) == 1, done.stderr
    assert problems[0].startswith("  - " + where.replace(" and ", " et ") + "\u00a0: "), done.stderr
