"""The newsletter and the clock: dates compared as moments, whatever offset they were
written with."""


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
