"""The bad-input corpus: each case says what and where, and stops the build if the site
cannot be right. Each case is a function that writes files into a fresh site and returns
what the build must say."""

import unicodedata

import pytest
from conftest import post_text

from carnet.build import BuildFailed

ERROR, WARNING = "error", "warning"


def missing_title(site):
    site.add_post("bad.md", post_text(title=None))
    return ERROR, "posts/bad.md", "could not find information about 'title'"


def missing_date(site):
    site.add_post("bad.md", post_text(date=None))
    return ERROR, "posts/bad.md", "could not find information about 'date'"


def impossible_month(site):
    site.add_post("bad.md", post_text(date="2021-13-45"))
    return ERROR, "posts/bad.md", "'2021-13-45' is not a valid date"


def impossible_day(site):
    site.add_post("bad.md", post_text(date="2021-02-30"))
    return ERROR, "posts/bad.md", "'2021-02-30' is not a valid date"


def ambiguous_date(site):
    site.add_post("bad.md", post_text(date="03/04/2021"))
    return ERROR, "posts/bad.md", "the date '03/04/2021' is ambiguous"


def french_words_date(site):
    site.add_post("bad.md", post_text(date="12 mars 2021"))
    return ERROR, "posts/bad.md", "write it as YYYY-MM-DD"


def unknown_status(site):
    site.add_post("bad.md", post_text(status="publie"))
    return ERROR, "posts/bad.md", "Unknown status 'publie'"


def invalid_utf8(site):
    site.add_post("bad.md", post_text(body="Un café.").encode("latin-1"))
    return ERROR, "posts/bad.md", "is not valid UTF-8 text (byte 0xe9"


def empty_file(site):
    site.add_post("bad.md", "")
    return ERROR, "posts/bad.md", "the file is empty"


def five_megabyte_post(site):
    site.add_post("bad.md", post_text(body="Un long texte. " * 350_000))
    return ERROR, "posts/bad.md", "MB, over the 2 MB limit (CARNET_MAX_POST_BYTES)"


def same_slug_twice(site):
    site.add_post("one.md", post_text(title="Deux fois"))
    site.add_post("two.md", post_text(title="Deux fois !", date="2021-01-01"))
    return ERROR, "posts/one.md and posts/two.md", "published at the same address /deux-fois/"


def same_title_in_nfc_and_nfd(site):
    site.add_post("nfc.md", post_text(title="Éloge du café"))
    site.add_post("nfd.md", post_text(title=unicodedata.normalize("NFD", "Éloge du café")))
    return ERROR, "posts/nfc.md and posts/nfd.md", "same address /eloge-du-cafe/"


def link_to_missing_post(site):
    site.add_post("bad.md", post_text(body="Voir [ce billet]({filename}/posts/absent.md)."))
    return ERROR, "posts/bad.md", "links to {filename}/posts/absent.md, which is not"


def link_to_draft(site):
    site.add_post("draft.md", post_text(title="Pas prêt", status="draft"))
    site.add_post("bad.md", post_text(body="Voir [ce billet]({filename}draft.md)."))
    return ERROR, "posts/bad.md", "links to {filename}draft.md"


def missing_image(site):
    site.add_post("bad.md", post_text(body="![Un dessin]({static}/images/absent.png)"))
    return ERROR, "posts/bad.md", "links to {static}/images/absent.png"


def unknown_metadata(site):
    site.add_post("odd.md", post_text(catgory="Journal intime"))
    return WARNING, "posts/odd.md", "unknown metadata 'Catgory' is ignored (did you mean Category?)"


def title_without_text(site):
    site.add_post("odd.md", post_text(body=""))
    return WARNING, "posts/odd.md", "the post has a title but no text"


def image_without_alt(site):
    (site.content / "images" / "x.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    site.add_post("odd.md", post_text(body="![]({static}/images/x.svg)"))
    return WARNING, "posts/odd.md", "the image x.svg has no alt text"


def settings_typo(site):
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text() + '\nCARNET_CATEGORIE = ["Journal intime"]\n')
    site.add_post("ok.md", post_text())
    return (
        WARNING,
        "settings",
        "CARNET_CATEGORIE is not a Carnet setting; did you mean CARNET_CATEGORIES?",
    )


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
    missing_image,
    unknown_metadata,
    title_without_text,
    image_without_alt,
    settings_typo,
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_case_names_the_file_and_the_problem(site, case):
    kind, where, problem = case(site)
    if kind == ERROR:
        with pytest.raises(BuildFailed) as failure:
            site.build()
        lines = failure.value.problems
    else:
        lines = site.build().warnings
    assert any(line.startswith(where) and problem in line for line in lines), lines


ERROR_CASES = [
    case
    for case in CASES
    if case.__name__
    in {
        "missing_title",
        "ambiguous_date",
        "invalid_utf8",
        "same_slug_twice",
        "missing_image",
    }
]


@pytest.mark.parametrize("case", ERROR_CASES, ids=lambda case: case.__name__)
def test_publish_deploys_and_sends_nothing(site, tmp_path, case):
    kind, where, problem = case(site)
    site.speak("en")  # the problems as written in the code (French: tests/foundation/test_i18n.py)
    target = tmp_path / "www"
    done = site.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(target)})
    assert done.returncode == 1
    assert problem in done.stderr and "nothing was published" in done.stderr
    assert not target.exists()
    assert not (site.root / "outbox").exists()


# Input that looks odd but is right: it must just work.


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
