"""The newsletter and the clock: dates compared as moments, whatever offset they were
written with, and a schedule on the nights France changes clocks."""

from datetime import datetime

import pytest
from conftest import in_french, make_site
from mailchimp import standin as standin_module

from carnet.newsletter.providers import mailchimp as mailchimp_provider
from newsletter.conftest import Blog


def test_a_post_sent_with_a_utc_date_then_renamed_and_retitled_is_not_sent_again(blog):
    """The ledger of a post once dated `2022-01-07T23:30Z` says 2022-01-07T23:30:00+00:00,
    as Carnet wrote it before it read such a date in the site's time zone; the post is now
    dated 2022-01-08T00:30:00+01:00, the same moment. Renamed and retitled at once, it is
    the sent post (same moment, close title), not a new one emailed a second time."""
    blog.start_ledger(
        {
            "mon-premier-atleier": {
                "provider": "outbox",
                "campaign_id": "2022-01-07-mon-premier-atleier",
                "sent_at": "2022-01-08T07:00:00+00:00",
                "title": "Mon premier atleier",
                "url": "https://carnet-de-coach.fr/mon-premier-atleier/",
                "source": "posts/premier-atleier.md",
                "save_as": "mon-premier-atleier/index.html",
                "date": "2022-01-07T23:30:00+00:00",
            }
        }
    )
    blog.post("mon-premier-atelier.md", title="Mon premier atelier", date="2022-01-07T23:30Z")
    blog.build()
    blog.run(deployed=False)
    assert blog.outbox() == []
    entry = blog.ledger()["mon-premier-atleier"]
    assert entry["source"] == "posts/mon-premier-atelier.md"  # the ledger followed the file


@pytest.mark.parametrize(
    "now, clock, scheduled, said",
    [
        # 02:10 winter time, the second time that night it is 02:10: the 02:30 to come is
        # winter time's (01:30 UTC); summer time's was 40 minutes past.
        (
            "2022-10-30T01:10:00+00:00",
            "02:30",
            "2022-10-30T01:30:00+00:00",
            "30 octobre 2022 à 02:30",
        ),
        # 01:55 winter time: 03:00 (summer time) is in 5 minutes, closer than the 10 minutes
        # Carnet keeps; tomorrow's.
        ("2022-03-27T00:55:00+00:00", "03:00", "2022-03-28T01:00:00+00:00", "28 mars 2022 à 03:00"),
    ],
)
def test_a_schedule_on_the_night_france_changes_clocks_is_in_the_future(
    built_for_schedule, mailchimp, monkeypatch, capsys, now, clock, scheduled, said
):
    """CARNET_NEWSLETTER_SCHEDULE compared two Paris times as their clocks read: on the
    October night, a 02:30 already past (Mailchimp refused it, and the letter did not go);
    on the March night, a time 5 minutes away."""
    frozen = datetime.fromisoformat(now)

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return frozen.astimezone(tz)

    monkeypatch.setattr(mailchimp_provider, "datetime", Clock)
    monkeypatch.setattr(standin_module, "datetime", Clock)  # Mailchimp's clock says so too
    blog = built_for_schedule
    blog.start_ledger()
    blog.settings = dict(blog.settings, CARNET_NEWSLETTER_SCHEDULE=clock)
    with in_french():
        blog.run()
    [campaign] = mailchimp.campaigns.values()
    assert (campaign["status"], campaign["send_time"]) == ("schedule", scheduled)
    assert blog.ledger()["un-billet"]["sent_at"] == scheduled
    assert f"programmée dans Mailchimp pour le {said}" in capsys.readouterr().out


@pytest.fixture(scope="module")
def built_for_schedule(tmp_path_factory):
    blog = Blog(make_site(tmp_path_factory.mktemp("schedule") / "site"))
    blog.post("un-billet.md", title="Un billet", date="2021-01-05 08:30")
    blog.build()
    return blog
