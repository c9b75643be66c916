"""Which posts a run emails: new ones, never the edited, the moved or the site-only ones."""

from datetime import UTC, datetime, timedelta

import pytest

from carnet.newsletter.errors import NewsletterError
from carnet.newsletter.manifest import Post
from carnet.newsletter.select import plan

NOW = datetime(2021, 10, 10, 12, 0, tzinfo=UTC)


def post(slug, day, source=None, newsletter="yes"):
    return Post(
        id=slug,
        source=source or f"posts/{slug}.md",
        title=slug.title(),
        url=f"https://x.fr/{slug}/",
        date=datetime.fromisoformat(day).replace(tzinfo=UTC),
        summary="<p>r</p>",
        content="<p>c</p>",
        author="A",
        category="C",
        tags=(),
        newsletter=newsletter,
        segment=None,
        image=None,
    )


def sent_entry(item):
    return {
        "provider": "outbox",
        "campaign_id": "x",
        "sent_at": "2021-01-01T00:00:00+00:00",
        "title": item.title,
        "url": item.url,
        "source": item.source,
        "date": item.date.isoformat(),
    }


def ids(posts):
    return [p.id for p in posts]


def test_first_run_records_every_existing_post_and_sends_nothing():
    posts = [post("a", "2021-01-01"), post("b", "2021-09-09")]
    result = plan(posts, {}, first_run=True, since="", now=NOW)
    assert ids(result.baseline) == ["a", "b"] and result.new == []


def test_since_chooses_the_day_from_which_posts_are_new():
    posts = [post("a", "2021-08-31"), post("b", "2021-09-01"), post("c", "2021-10-05")]
    result = plan(posts, {}, first_run=True, since="2021-09-01", now=NOW)
    assert ids(result.baseline) == ["a"] and ids(result.new) == ["b", "c"]


def test_with_a_ledger_unrecorded_posts_are_new_oldest_first():
    a, b, c = post("a", "2021-01-01"), post("b", "2021-03-01"), post("c", "2021-02-01")
    result = plan([a, c, b], {"a": sent_entry(a)}, first_run=False, since="", now=NOW)
    assert ids(result.new) == ["c", "b"] and [p.id for p, _ in result.sent] == ["a"]


def test_a_post_whose_slug_changed_is_not_sent_again():
    old = post("ancien-titre", "2021-01-01", source="posts/billet.md")
    renamed = post("nouveau-titre", "2021-01-01", source="posts/billet.md")
    result = plan([renamed], {"ancien-titre": sent_entry(old)}, first_run=False, since="", now=NOW)
    assert result.new == [] and len(result.sent) == 1


def test_a_moved_file_with_the_same_slug_is_not_sent_again_and_is_reported():
    old = post("billet", "2021-01-01", source="posts/2021/billet.md")
    moved = post("billet", "2021-01-01", source="posts/billet.md")
    result = plan([moved], {"billet": sent_entry(old)}, first_run=False, since="", now=NOW)
    assert result.new == []
    assert (
        result.notes
        and "posts/billet.md" in result.notes[0]
        and "posts/2021/billet.md" in result.notes[0]
    )


def test_site_only_and_future_posts_are_not_sent():
    posts = [
        post("a", "2021-01-01", newsletter="no"),
        post("b", "2021-10-10"),
        post("c", "2021-10-11"),
    ]
    result = plan(posts, {}, first_run=False, since="", now=NOW + timedelta(minutes=1))
    assert ids(result.site_only) == ["a"] and ids(result.new) == ["b"]


def test_email_only_posts_are_sent():
    result = plan(
        [post("a", "2021-01-01", newsletter="only")], {}, first_run=False, since="", now=NOW
    )
    assert ids(result.new) == ["a"]


def test_a_bad_since_setting_is_named():
    with pytest.raises(NewsletterError, match="CARNET_NEWSLETTER_SINCE.*2021-13-01"):
        plan([], {}, first_run=True, since="2021-13-01", now=NOW)


def test_a_moved_post_keeps_its_entry_and_a_new_post_in_its_old_file_is_new():
    sent = post("test", "2021-01-01", source="posts/test.md")
    moved = post("test", "2021-01-01", source="posts/pourquoi.md")
    newcomer = post("autre", "2021-01-01", source="posts/test.md")
    result = plan([moved, newcomer], {"test": sent_entry(sent)}, first_run=False, since="", now=NOW)
    assert [p.source for p, _ in result.sent] == ["posts/pourquoi.md"]
    assert result.new == [newcomer]


def test_a_post_renamed_and_retitled_at_once_is_recognised_by_its_date_and_close_title():
    sent = post("atleier", "2021-01-01", source="posts/a.md")
    renamed = post("atelier", "2021-01-01", source="posts/b.md")
    other = post("autre", "2021-01-02")
    result = plan(
        [renamed, other], {"atleier": sent_entry(sent)}, first_run=False, since="", now=NOW
    )
    assert [p.id for p, _ in result.sent] == ["atelier"] and ids(result.new) == ["autre"]
    assert "renamed and retitled" in result.notes[0]


def test_a_post_that_may_be_a_vanished_sent_one_stops_the_run():
    sent = post("atelier", "2021-01-01", source="posts/a.md")
    unclear = post("tout-autre-chose", "2021-01-01", source="posts/b.md")
    with pytest.raises(NewsletterError, match="posts/b.md: it has the date of .*Slug: atelier"):
        plan([unclear], {"atelier": sent_entry(sent)}, first_run=False, since="", now=NOW)


def test_a_site_only_post_with_a_vanished_sent_posts_date_does_not_stop_the_run():
    sent = post("atelier", "2021-01-01", source="posts/a.md")
    site_only = post("tout-autre-chose", "2021-01-01", source="posts/b.md", newsletter="no")
    result = plan([site_only], {"atelier": sent_entry(sent)}, first_run=False, since="", now=NOW)
    assert result.site_only == [site_only] and result.new == []


@pytest.mark.parametrize("gone", ["atelier-de-janvier", "un-atelier-en-janvier"])
def test_a_renamed_post_is_found_whichever_other_sent_post_of_its_day_is_gone(gone):
    deleted = post(gone, "2021-01-01", source="posts/atelier.md")
    sent = post("bilan-de-l-annee", "2021-01-01", source="posts/bilan.md")
    renamed = post("bilan-de-l-annee-2021", "2021-01-01", source="posts/bilan-2021.md")
    entries = {gone: sent_entry(deleted), "bilan-de-l-annee": sent_entry(sent)}
    result = plan([renamed], entries, first_run=False, since="", now=NOW)
    assert [p.id for p, _ in result.sent] == ["bilan-de-l-annee-2021"]


def _crowded_day(count, monkeypatch):
    """`count` sent posts gone (renamed and retitled at once) and `count` posts of that
    day left (an import that gave every post one date): (titles compared, the plan's
    error)."""
    from carnet.newsletter import ledger

    compared = []
    close = ledger._close
    monkeypatch.setattr(ledger, "_close", lambda a, b: compared.append(1) or close(a, b))
    entries = {
        f"vieux-{n}": sent_entry(post(f"vieux-{n}", "2021-01-01", source=f"posts/v{n}.md"))
        for n in range(count)
    }
    left = [post(f"billet-{n}", "2021-01-01", source=f"posts/b{n}.md") for n in range(count)]
    with pytest.raises(NewsletterError) as stopped:
        plan(left, entries, first_run=False, since="", now=NOW)
    return len(compared), stopped.value


def test_titles_compared_on_a_crowded_day_grow_no_faster_than_the_posts(monkeypatch):
    # Every gone entry against every post left on its date: 1000 of each took 33 s.
    small, _ = _crowded_day(100, monkeypatch)
    large, stopped = _crowded_day(400, monkeypatch)
    assert large <= 4 * small, (small, large)
    assert "it has the date of" in str(stopped)  # the newsletter asks, as when unsure
