"""Post metadata of the wrong kind stops the build with one line naming the post and the
field: a YAML list or table where text is expected, a control character written as a YAML
escape, an empty-looking file, a French word as Modified:, a YAML yes/no as status."""

import re

import pytest
from conftest import post_text

from carnet.build import BuildFailed

BAD = "content/posts/bad.md"


def _yaml(*lines):
    return "---\n" + "\n".join(lines) + "\n---\n\nLe texte.\n"


CASES = {
    "title list": (
        _yaml("title: [a, b]", "date: 2022-01-01", "category: Journal intime"),
        "title is a list ([a, b]); write it as text",
    ),
    "title table": (_yaml("title: {a: b}", "date: 2022-01-01"), "title is a list of « name: value"),
    "segment list": (
        _yaml("title: Un", "date: 2022-01-01", "newsletter-segment: [a]"),
        "newsletter-segment is a list ([a])",
    ),
    "template list": (
        _yaml("title: Un", "date: 2022-01-01", "template: [a]"),
        "template is a list ([a])",
    ),
    "category list": (
        _yaml("title: Un", "date: 2022-01-01", "category: [Journal intime, Autre]"),
        "category is a list ([Journal intime, Autre])",
    ),
    "Slug table, as written": (
        _yaml("title: Un", "date: 2022-01-01", "Slug: {a: b}"),
        "Slug is a list of « name: value",
    ),
    "tag that is a list": (
        _yaml("title: Un", "date: 2022-01-01", "tags: [a, [b]]"),
        "tags is not a list of texts ([a, [b]])",
    ),
    "escaped control character in the title": (
        _yaml('title: "Esc \\x01 y"', "date: 2022-04-01"),
        "title: an invisible control character (U+0001)",
    ),
    "escaped next-line character in the title": (
        _yaml('title: "Esc \\u0085 y"', "date: 2022-04-01"),
        "title: an invisible control character (U+0085)",
    ),
    "escaped control character in a tag": (
        _yaml("title: Un", "date: 2022-04-01", 'tags: [a, "b\\x02"]'),
        "tags: an invisible control character (U+0002)",
    ),
    "escaped non-character in the summary": (
        _yaml("title: Un", "date: 2022-04-01", 'summary: "R\\uFFFE"'),
        "summary: an invisible control character (U+FFFE)",
    ),
    "only spaces": (" \n\n\t\n", "the file is empty"),
    "only a BOM": ("\ufeff", "the file is empty"),
    "Modified: in words": (post_text(modified="hier"), "the date 'hier' is ambiguous"),
    "YAML status: true": (
        _yaml("title: Un", "date: 2022-01-01", "status: true"),
        "Unknown status 'true'",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_one_line_names_the_post_and_the_field(site, case):
    text, words = CASES[case]
    site.add_post("good.md", post_text(title="Bon billet"))
    site.add_post("bad.md", text)
    with pytest.raises(BuildFailed) as failure:
        site.build()
    [line] = failure.value.problems
    assert line.startswith(f"{BAD}: ") and words in line, line


def test_yaml_lists_where_they_belong_and_non_text_scalars_still_build(site):
    site.add_post(
        "ok.md",
        _yaml(
            "title: 2022-01-01",
            "date: 2022-01-01",
            "author: [Claire Dumas, Marc Petit]",
            "tags: [a, 2022]",
            "slug: 1234",
        ),
    )
    site.build()
    page = site.read("1234/index.html")
    assert "Claire Dumas" in page and "Marc Petit" in page


def test_a_control_character_in_yaml_stops_publish_naming_its_post(site, tmp_path):
    site.add_post("good.md", post_text(title="Bon billet"))
    site.add_post("bad.md", _yaml('title: "Esc \\x01 y"', "date: 2022-04-01"))
    target = tmp_path / "deployed"
    done = site.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(target)})
    assert done.returncode != 0
    assert f"{BAD}\u00a0: title" in done.stderr and "U+0001" in done.stderr
    assert "good.md" not in done.stderr
    assert not target.exists()


def test_a_feed_that_fails_is_not_blamed_on_the_last_post_of_a_loop(site, monkeypatch):
    # Were a control character to reach the feeds, Pelican's generate_feeds still holds
    # the last post of an earlier loop as `article`: that post is not the one to fix.
    from content_checks import content_checks

    monkeypatch.setattr(content_checks, "CONTROL_CHARACTER", re.compile("(?!)"))
    site.add_post("good.md", post_text(title="Bon billet", date="2020-01-01"))
    site.add_post("bad.md", _yaml('title: "Esc \\x01 y"', "date: 2022-04-01"))
    with pytest.raises(BuildFailed) as failure:
        site.build()
    [line] = failure.value.problems
    assert "good.md" not in line
    assert line.startswith("output/feeds/"), line


def test_pelicans_own_warnings_are_one_line_starting_with_the_post(site):
    site.add_post("good.md", post_text(title="Bon billet"))
    site.add_post("cat4.md", post_text(title="Deux", category="Journal intime\nCategory: Autre"))
    (site.content / "posts" / "dangling.md").symlink_to("nowhere.md")
    with pytest.raises(BuildFailed) as failure:
        site.build()
    warnings = failure.value.warnings
    assert any(w.startswith("content/posts/cat4.md: two « category: » lines") for w in warnings)
    assert (
        "content/posts/dangling.md: the file cannot be read (a link to a file that no longer "
        "exists?)" in warnings
    ), warnings
    assert not any("\n" in line for line in warnings), warnings
