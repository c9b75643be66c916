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
