"""The Mailchimp provider, through the real client, against the stand-in server."""

import time
from datetime import UTC, datetime

import pytest
from conftest import in_french, make_site
from mailchimp.standin import FAULTS

from carnet import newsletter
from carnet.newsletter import NewsletterError
from carnet.newsletter.providers.mailchimp import MailchimpProvider
from newsletter.conftest import API_KEY, LIST_ID, Blog, mailchimp_environment

ONE_POST_STEPS = [
    "GET /3.0/lists/" + LIST_ID,
    "GET /3.0/campaigns",
    "POST /3.0/campaigns",
    "PUT /3.0/campaigns/{id}/content",
    "POST /3.0/campaigns/{id}/actions/send",
]
STEP_NAMES = ["audience", "find", "create", "content", "send"]
# The stand-in's faults a publish tries again through (not a refusal, a wait longer than a
# publish makes, or a kill).
RETRYABLE = [
    fault for fault in FAULTS if fault not in ("429-wait", "403", "kill-before", "kill-after")
]


@pytest.fixture(scope="module")
def built_blog(tmp_path_factory):
    """One post, built once for the module; each test starts it with an empty ledger."""
    blog = Blog(make_site(tmp_path_factory.mktemp("mailchimp") / "site"))
    blog.post(
        "2021-01-05-a.md", title="Un billet : enfin", date="2021-01-05 08:30", summary="Le résumé."
    )
    blog.build()
    return blog


@pytest.fixture
def one_post(built_blog, mailchimp):
    built_blog.start_ledger()
    return built_blog


def campaigns_by_title(standin):
    return {c["settings"]["title"]: c for c in standin.campaigns.values()}


def steps(standin):
    """The requests made, campaign ids replaced by {id}."""
    import re

    return [re.sub(r"/campaigns/c\w+", "/campaigns/{id}", r) for r in standin.requests]


def test_each_new_post_becomes_one_sent_campaign(blog, mailchimp):
    blog.post(
        "2021-01-05-a.md", title="Un billet : enfin", date="2021-01-05 08:30", summary="Le résumé."
    )
    blog.post("2021-02-01-b.md", title="Le suivant", date="2021-02-01 08:30")
    blog.start_ledger()
    blog.build()
    blog.run()
    assert steps(mailchimp) == ONE_POST_STEPS + ONE_POST_STEPS[1:]
    campaigns = campaigns_by_title(mailchimp)
    first = campaigns["carnet:un-billet-enfin"]
    assert first["status"] == "sent" and first["type"] == "regular"
    assert first["recipients"] == {"list_id": LIST_ID}
    assert first["settings"]["subject_line"] == "Un billet\u00a0: enfin"
    assert first["settings"]["preview_text"] == "Le résumé."
    assert first["settings"]["from_name"] == "Claire Dumas · Carnet de coach"
    assert first["settings"]["reply_to"] == "bonjour@carnet-de-coach.fr"
    assert (
        "*|UNSUB|*" in first["content"]["html"]
        and "Envoyé à *|EMAIL|*" in first["content"]["plain_text"]
    )
    assert mailchimp.delivered_titles() == {"carnet:un-billet-enfin": 1, "carnet:le-suivant": 1}
    entry = blog.ledger()["un-billet-enfin"]
    assert (entry["provider"], entry["campaign_id"]) == ("mailchimp", first["id"])
    mailchimp.requests.clear()
    blog.run()
    assert mailchimp.requests == [] and len(mailchimp.deliveries) == 2


@pytest.mark.parametrize("step", range(len(ONE_POST_STEPS)), ids=STEP_NAMES)
@pytest.mark.parametrize("fault", RETRYABLE)
def test_a_passing_fault_at_any_step_is_retried_and_the_post_goes_out_once(
    one_post, mailchimp, fault, step
):
    mailchimp.inject(fault, nth=step + 1)
    one_post.run()
    assert mailchimp.delivered_titles() == {"carnet:un-billet-enfin": 1}
    assert len(mailchimp.campaigns) == 1
    assert one_post.sent() == {"un-billet-enfin": "mailchimp"}


def test_a_lost_answer_to_the_send_is_checked_before_sending_again(one_post, mailchimp):
    mailchimp.inject("drop-after", match="actions/send")
    one_post.run()
    assert steps(mailchimp)[len(ONE_POST_STEPS) :] == ["GET /3.0/campaigns"]  # found sent: done
    assert mailchimp.delivered_titles() == {"carnet:un-billet-enfin": 1}


@pytest.mark.parametrize("fault", ["cut", "200-other"])
def test_a_search_answer_cut_short_or_without_campaigns_is_not_taken_for_none(
    one_post, mailchimp, fault
):
    mailchimp.inject("drop-after", match="actions/send")  # it went out; the answer was lost
    mailchimp.inject(fault, nth=2, match="GET /3.0/campaigns$")  # the retry's search
    one_post.run()
    assert mailchimp.delivered_titles() == {"carnet:un-billet-enfin": 1}
    assert len(mailchimp.campaigns) == 1


@pytest.mark.parametrize(
    "fault, match, failure",
    [
        (
            "503",
            "actions/send",
            "content/posts/2021-01-05-a.md: sending the campaign: Mailchimp answered 503",
        ),
        (
            "429",
            "actions/send",
            "content/posts/2021-01-05-a.md: sending the campaign: Mailchimp answered 429",
        ),
        (
            "429-json",
            "content",
            "setting the campaign's content: Mailchimp answered 429 Too Many Requests",
        ),
        ("drop-before", "actions/send", "sending the campaign: the connection to 127.0.0.1:"),
        # A timed-out send went through (the stand-in acts, then hangs): time out the search.
        ("timeout", "GET /3.0/campaigns$", "listing the campaigns: timed out after 0.5 s"),
    ],
)
def test_provider_down_fails_clearly_then_the_next_publish_sends_once(
    one_post, mailchimp, fault, match, failure
):
    for _ in range(4):  # the first try and every retry fail
        mailchimp.inject(fault, match=match)
    with pytest.raises(NewsletterError) as failed:
        one_post.run()
    message = str(failed.value)
    assert (
        message.startswith("content/posts/2021-01-05-a.md: Mailchimp kept failing (")
        and failure in message
    )
    assert "the next publish will try again" in message
    assert one_post.sent() == {} and mailchimp.deliveries == []
    one_post.run()
    assert (
        mailchimp.delivered_titles() == {"carnet:un-billet-enfin": 1}
        and len(mailchimp.campaigns) == 1
    )
    assert one_post.sent() == {"un-billet-enfin": "mailchimp"}


@pytest.mark.parametrize(
    "environment, failure",
    [
        # Nothing listens there, as at an address mistyped or a data centre that does not exist.
        ({"MAILCHIMP_API_URL": "http://127.0.0.1:1/3.0"}, "the connection to 127.0.0.1:1 failed"),
        (
            {"HTTP_PROXY": "http://carnet:secret@127.0.0.1:1"},
            "the connection to 127.0.0.1:{port} through the proxy 127.0.0.1:1 failed (the "
            "environment's HTTPS_PROXY, HTTP_PROXY or ALL_PROXY)",
        ),
    ],
)
def test_a_connection_that_fails_says_where(one_post, mailchimp, monkeypatch, environment, failure):
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(NewsletterError) as failed:
        one_post.run()
    port = mailchimp.url.split(":")[2].split("/")[0]
    assert str(failed.value) == (
        f"checking the audience: Mailchimp kept failing (checking the audience {LIST_ID}: "
        f"{failure.format(port=port)}); nothing is recorded for it, the next publish will try "
        "again"
    )
    assert "secret" not in str(failed.value) and mailchimp.campaigns == {}


def test_a_connection_failure_is_said_with_french_typography(one_post, mailchimp, monkeypatch):
    monkeypatch.setenv("MAILCHIMP_API_URL", "http://127.0.0.1:1/3.0")
    with in_french(), pytest.raises(NewsletterError) as failed:
        one_post.run()
    assert str(failed.value).startswith(
        f"vérification de l’audience\u00a0: Mailchimp échoue encore (vérification de "
        f"l’audience {LIST_ID}\u00a0: la connexion à 127.0.0.1:1 a échoué)\u202f; "
    )


def test_a_wait_longer_than_a_publish_makes_stops_it_without_saying_otherwise(
    one_post, mailchimp, capsys
):
    mailchimp.inject("429-wait", match="actions/send")  # Retry-After: 3600
    started = time.monotonic()
    with pytest.raises(NewsletterError, match="sending the campaign: Mailchimp answered 429\\)"):
        one_post.run()
    assert time.monotonic() - started < 30  # it waited neither an hour nor 60 s pretending
    assert "3600" not in capsys.readouterr().err
    assert one_post.sent() == {} and mailchimp.deliveries == []
    one_post.run()
    assert mailchimp.delivered_titles() == {"carnet:un-billet-enfin": 1}


def test_a_bare_403_is_a_failure_not_a_success(one_post, mailchimp):
    mailchimp.inject("403", match="actions/send")
    with pytest.raises(NewsletterError, match=r"sending the campaign: Mailchimp answered 403$"):
        one_post.run()
    assert one_post.sent() == {} and mailchimp.deliveries == []


def test_a_campaign_that_is_not_ready_stops_with_mailchimps_words(one_post, mailchimp):
    mailchimp.send_refusal = "Missing: a verified domain for bonjour@carnet-de-coach.fr."
    with pytest.raises(NewsletterError) as failed:
        one_post.run()
    assert str(failed.value) == (
        "content/posts/2021-01-05-a.md: sending the campaign: Mailchimp answered 400 Bad "
        "Request — Your Campaign is not ready to send. Missing: a verified domain for "
        "bonjour@carnet-de-coach.fr."
    )
    assert steps(mailchimp)[-1] == "GET /3.0/campaigns/{id}"  # checked before giving up
    assert one_post.sent() == {}


KEY_REFUSED = (
    "MAILCHIMP_API_KEY: Mailchimp at 127.0.0.1:{port} does not accept this key (it answered "
    "401): copy the whole key again from Mailchimp (Profile → Extras → API keys), and leave "
    "MAILCHIMP_API_URL unset unless it leads to the key's data centre"
)


def port_of(standin):
    return standin.url.split(":")[2].split("/")[0]


def test_an_invalid_key_stops_before_anything_naming_the_key(one_post, mailchimp, monkeypatch):
    monkeypatch.setenv("MAILCHIMP_API_KEY", "0" * 32 + "-us9")
    with pytest.raises(NewsletterError) as failed:
        one_post.run()
    assert str(failed.value) == KEY_REFUSED.format(port=port_of(mailchimp))
    assert one_post.sent() == {} and mailchimp.campaigns == {}


def test_a_key_of_another_data_centre_is_named_without_an_api_url():
    """Without MAILCHIMP_API_URL the data centre is the key's own end: the key is wrong."""
    provider = MailchimpProvider(
        {"CARNET_NEWSLETTER_SCHEDULE": ""}, "0" * 32 + "-us9", LIST_ID, api_url=""
    )
    failure = provider._failure("checking the audience", 401, '{"title": "API Key Invalid"}')
    assert str(failure) == (
        "MAILCHIMP_API_KEY: Mailchimp does not accept this key (it answered 401): copy the "
        "whole key again from Mailchimp (Profile → Extras → API keys), with its data centre "
        "at the end (like -us21)"
    )
    assert "0" * 32 not in str(failure)


def test_a_key_without_digits_leaves_mailchimps_answer_as_it_is():
    """Its digits, hidden from Mailchimp's answers, are empty: hiding them hid nothing."""
    provider = MailchimpProvider({"CARNET_NEWSLETTER_SCHEDULE": ""}, "-us9", LIST_ID)
    failure = provider._failure("checking the audience", 400, '{"title": "Bad Request"}')
    assert str(failure) == "checking the audience: Mailchimp answered 400 Bad Request"


def test_an_unknown_audience_stops_before_anything_naming_the_setting(
    one_post, mailchimp, monkeypatch
):
    monkeypatch.setenv("MAILCHIMP_LIST_ID", "abc123")
    with pytest.raises(NewsletterError) as failed:
        one_post.run()
    assert str(failed.value) == (
        'MAILCHIMP_LIST_ID: Mailchimp has no audience "abc123" for this account: copy the '
        "audience ID from Mailchimp (Audience → Settings → Audience name and defaults)"
    )
    assert mailchimp.campaigns == {} and one_post.sent() == {}


def test_the_test_send_to_an_unknown_audience_names_the_setting(one_post, mailchimp):
    settings = one_post.settings
    with pytest.raises(NewsletterError, match='^MAILCHIMP_LIST_ID: Mailchimp has no audience "x1"'):
        newsletter.send_test(
            settings,
            "claire@example.org",
            provider=MailchimpProvider(settings, API_KEY, "x1", mailchimp.url),
        )
    assert mailchimp.campaigns == {} and mailchimp.tests_sent == []


@pytest.mark.parametrize(
    "change, said",
    [
        (
            {"MAILCHIMP_LIST_ID": "abc123"},
            'Newsletter: MAILCHIMP_LIST_ID: Mailchimp has no audience "abc123" for this account',
        ),
        ({"MAILCHIMP_API_KEY": "0" * 32 + "-us9"}, "Newsletter: " + KEY_REFUSED),
    ],
)
def test_publish_with_a_wrong_audience_or_key_says_it_in_one_line_and_sends_nothing(
    blog, standin, tmp_path, change, said
):
    blog.site.speak("en")
    blog.post("2021-01-05-a.md", title="Un billet", date="2021-01-05 08:30")
    blog.start_ledger()
    env = dict(mailchimp_environment(standin), CARNET_DEPLOY_TARGET=str(tmp_path / "www"), **change)
    done = blog.invoke("publish", env=env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("✗ " + said.format(port=port_of(standin)))
    assert lines[0].endswith("; nothing was deployed or sent")
    assert standin.campaigns == {} and standin.deliveries == [] and blog.sent() == {}
    # Found before the site went online (it was deployed first, and only the e-mail said no).
    assert list((tmp_path / "www").rglob("*.html")) == []
    assert API_KEY not in done.stdout + done.stderr and "0" * 32 not in done.stdout + done.stderr


def test_a_busy_mailchimp_before_the_deploy_leaves_the_newsletter_to_try_again(
    blog, standin, tmp_path
):
    """The check before the deploy is one try: Mailchimp busy then (a 500) neither stops
    the publish nor is said; the newsletter, after the deploy, checks again and sends."""
    blog.post("2021-01-05-a.md", title="Un billet", date="2021-01-05 08:30")
    blog.start_ledger()
    standin.inject("500", match="GET /3.0/lists/")
    env = dict(mailchimp_environment(standin), CARNET_DEPLOY_TARGET=str(tmp_path / "www"))
    done = blog.invoke("publish", env=env)
    assert done.returncode == 0, done.stderr
    assert "500" not in done.stdout + done.stderr
    assert list((tmp_path / "www").rglob("un-billet/index.html"))
    assert list(standin.delivered_titles().values()) == [1]
    audience_checks = [line for line in standin.requests if line.startswith("GET /3.0/lists/")]
    assert len(audience_checks) == 2  # before the deploy (500), and the newsletter's own
    assert standin.faults == []  # the 500 was answered


@pytest.mark.parametrize(
    "environment, problem",
    [
        ({"MAILCHIMP_LIST_ID": ""}, "MAILCHIMP_LIST_ID is not"),
        (
            {"MAILCHIMP_API_URL": "", "MAILCHIMP_API_KEY": "3f9a7c21e4b05d86"},
            "does not end with its data centre",
        ),
    ],
)
def test_incomplete_configuration_is_named(one_post, mailchimp, monkeypatch, environment, problem):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(NewsletterError, match=problem):
        one_post.run()
    assert mailchimp.requests == []


# 150 characters, the longest subject line Mailchimp takes (the stand-in refuses one more).
LONGEST_TITLE = " ".join(["coaching"] * 16) + " et moi"


def test_a_subject_mailchimp_would_refuse_stops_the_publish_before_the_deploy(
    blog, standin, tmp_path
):
    blog.site.speak("en")
    blog.post("2021-01-05-a.md", title=LONGEST_TITLE + "s", date="2021-01-05 08:30")
    blog.start_ledger()
    env = dict(mailchimp_environment(standin), CARNET_DEPLOY_TARGET=str(tmp_path / "www"))
    done = blog.invoke("publish", env=env)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "✗ Newsletter: content/posts/2021-01-05-a.md: the email's subject is 151 characters "
        "long; Mailchimp refuses a subject over 150: shorten the post's title (or "
        "CARNET_NEWSLETTER_SUBJECT); nothing was deployed or sent"
    ]
    assert standin.campaigns == {} and blog.sent() == {}
    assert list((tmp_path / "www").rglob("*.html")) == []


def test_the_longest_subject_goes_out_and_its_test_email_is_marked_within_it(blog, mailchimp):
    blog.post("a.md", title=LONGEST_TITLE, date="2021-01-05 08:30")
    blog.start_ledger()
    blog.build()
    blog.run()
    [campaign] = mailchimp.campaigns.values()
    assert campaign["settings"]["subject_line"] == LONGEST_TITLE
    newsletter.send_test(blog.settings, "claire@example.org")
    [test] = mailchimp.tests_sent
    assert test["subject"] == "[TEST] " + " ".join(["coaching"] * 15) + "…"


def test_mailchimp_refuses_to_send_for_a_site_that_was_not_deployed(one_post, mailchimp):
    with pytest.raises(
        NewsletterError,
        match="The site was not deployed .* unset MAILCHIMP_API_KEY to write the outbox",
    ):
        one_post.run(deployed=False)
    assert mailchimp.requests == [] and one_post.sent() == {} and one_post.outbox() == []


def test_a_campaign_sent_by_an_earlier_run_is_recorded_not_sent_again(one_post, mailchimp):
    earlier = mailchimp.add_campaign("carnet:un-billet-enfin", status="sent")
    one_post.run()
    assert mailchimp.deliveries == []
    assert one_post.ledger()["un-billet-enfin"]["campaign_id"] == earlier["id"]


def test_a_draft_left_by_an_earlier_run_is_reused(one_post, mailchimp):
    draft = mailchimp.add_campaign("carnet:un-billet-enfin", status="save")
    one_post.run()
    assert len(mailchimp.campaigns) == 1 and mailchimp.deliveries == [
        (draft["id"], "carnet:un-billet-enfin")
    ]
    assert draft["settings"]["subject_line"] == "Un billet\u00a0: enfin"  # brought up to date


def test_a_canceled_campaign_is_not_sent_again_and_says_what_to_do(one_post, mailchimp):
    mailchimp.add_campaign("carnet:un-billet-enfin", status="canceled")
    with pytest.raises(
        NewsletterError,
        match="is 'canceled' in Mailchimp.*delete it in Mailchimp to send the post anew",
    ):
        one_post.run()
    assert mailchimp.deliveries == []


def test_schedule_on_a_quarter_hour(one_post, mailchimp, monkeypatch, capsys):
    monkeypatch.setattr(
        one_post, "settings", dict(one_post.settings, CARNET_NEWSLETTER_SCHEDULE="07:30")
    )
    one_post.run()
    campaign = campaigns_by_title(mailchimp)["carnet:un-billet-enfin"]
    assert (
        campaign["status"] == "schedule"
        and steps(mailchimp)[-1] == "POST /3.0/campaigns/{id}/actions/schedule"
    )
    when = datetime.fromisoformat(campaign["send_time"])
    assert (
        when > datetime.now(UTC) and when.minute in (30,) and when.hour in (5, 6)
    )  # 07:30 in Paris
    assert one_post.ledger()["un-billet-enfin"]["sent_at"] == when.isoformat(timespec="seconds")
    # Said as the coach wrote it, in the site's time: not « 2026-12-02 06:30 UTC ».
    said = capsys.readouterr().out
    assert "scheduled through Mailchimp for " in said and " 07:30 (campaign " in said
    assert "UTC" not in said


def test_a_schedule_off_the_quarter_hour_is_refused_before_sending(
    one_post, mailchimp, monkeypatch
):
    monkeypatch.setattr(
        one_post, "settings", dict(one_post.settings, CARNET_NEWSLETTER_SCHEDULE="07:20")
    )
    with pytest.raises(
        NewsletterError,
        match="CARNET_NEWSLETTER_SCHEDULE must be a time on a quarter hour like 07:30, not '07:20'",
    ):
        one_post.run()
    assert mailchimp.requests == []


def test_segments_become_mailchimp_segment_options(blog, mailchimp):
    segments = {
        "clientes": {"saved_segment_id": 42},
        "emails-prives": {
            "interest_category_id": "cat1",
            "interest_ids": ["int1", "int2"],
            "label": "les emails privés",
        },
    }
    blog.post(
        "2021-01-05-a.md",
        title="Pour les clientes",
        date="2021-01-05 08:30",
        newsletter_segment="clientes",
    )
    blog.post(
        "2021-01-06-b.md",
        title="Privé",
        date="2021-01-06 08:30",
        newsletter_segment="emails-prives",
    )
    blog.start_ledger()
    blog.build(CARNET_NEWSLETTER_SEGMENTS=segments)
    blog.run()
    campaigns = campaigns_by_title(mailchimp)
    assert campaigns["carnet:pour-les-clientes"]["recipients"]["segment_opts"] == {
        "saved_segment_id": 42
    }
    assert campaigns["carnet:prive"]["recipients"]["segment_opts"] == {
        "match": "any",
        "conditions": [
            {
                "condition_type": "Interests",
                "field": "interests-cat1",
                "op": "interestcontains",
                "value": ["int1", "int2"],
            }
        ],
    }


def test_an_email_only_post_goes_out(blog, mailchimp):
    blog.post(
        "2021-01-05-a.md", title="Rien que pour vous", date="2021-01-05 08:30", newsletter="only"
    )
    blog.start_ledger()
    blog.build()
    blog.run()
    html = campaigns_by_title(mailchimp)["carnet:rien-que-pour-vous"]["content"]["html"]
    assert '<a href="*|ARCHIVE|*"' in html
    assert mailchimp.delivered_titles() == {"carnet:rien-que-pour-vous": 1}


def test_the_test_send_reaches_one_address_and_leaves_nothing_behind(one_post, mailchimp):
    where = newsletter.send_test(one_post.settings, "claire@example.org")
    assert where == "Mailchimp, to claire@example.org"
    assert mailchimp.tests_sent == [
        {
            "to": ["claire@example.org"],
            "subject": "[TEST] Un billet\u00a0: enfin",
            "title": "carnet-test:un-billet-enfin",
        }
    ]
    assert mailchimp.campaigns == {} and mailchimp.deliveries == [] and one_post.sent() == {}
    assert API_KEY not in where
