"""Randomized fault rounds against the Mailchimp stand-in: no duplicate, no lost post.

Each round starts from a ledger where some posts went out already, injects one to three
faults at random requests (500, 503, 429 with and without a body, a dropped connection
before or after the request was carried out, a timeout, the process killed before or
after a request, a bare 403), runs publish's newsletter step, then publishes again (sometimes with
one more fault) until it succeeds. It counts duplicates (a post sent twice) and lost
posts (a new post never sent, or recorded as sent without being sent).

The default test run does a few rounds; `invoke stress` does 200 (CARNET_STRESS_ROUNDS,
CARNET_STRESS_SEED) and prints the counts.
"""

import os
import random
from datetime import UTC

import pytest
from conftest import make_site
from mailchimp.standin import FAULTS

from carnet.newsletter import NewsletterError, ledger
from newsletter.conftest import Blog, mailchimp_environment

ROUNDS = int(os.environ.get("CARNET_STRESS_ROUNDS", "12"))
SEED = int(os.environ.get("CARNET_STRESS_SEED", "0"))
POSTS = ["premier", "deuxieme", "troisieme", "quatrieme"]
IN_PROCESS_FAULTS = [f for f in FAULTS if not f.startswith("kill")]
STRESS = {"CARNET_NEWSLETTER_RETRIES": 2}  # fewer retries: more runs fail, more reruns


@pytest.fixture(scope="module")
def blog(tmp_path_factory):
    blog = Blog(make_site(tmp_path_factory.mktemp("stress") / "site"), **STRESS)
    for number, slug in enumerate(POSTS, start=1):
        blog.post(
            f"2021-0{number}-01-{slug}.md", title=slug.capitalize(), date=f"2021-0{number}-01 08:30"
        )
    blog.build()
    return blog


def start_round(blog, standin, rng):
    """Some posts went out in earlier publishes; the others are new. The new ones."""
    standin.reset()
    already = rng.sample(POSTS, rng.randint(0, 2))
    entries = {}
    for post in blog_posts(blog):
        if post.id in already:
            campaign = standin.add_campaign(f"carnet:{post.id}", status="sent")
            standin.deliveries.append((campaign["id"], f"carnet:{post.id}"))
            entries[post.id] = ledger.entry(post, "mailchimp", campaign["id"], campaign_time())
    ledger.save(blog.ledger_path, entries)
    return [slug for slug in POSTS if slug not in already]


def blog_posts(blog):
    from carnet.newsletter import manifest

    return manifest.read(blog.settings)


def campaign_time():
    from datetime import datetime

    return datetime.now(UTC)


def publish(blog, standin, faults):
    """One publish with these (fault, nth) injected: in a child process if it may be killed."""
    standin.faults.clear()
    for fault, nth in faults:
        standin.inject(fault, nth=nth)
    if any(fault.startswith("kill") for fault, _ in faults):
        child = blog.start_child(mailchimp_environment(standin))
        standin.client_pid = child.pid
        child.communicate(timeout=120)
        standin.client_pid = None
        return child.returncode == 0
    try:
        blog.run()
        return True
    except NewsletterError:
        return False


def test_randomized_fault_rounds(blog, standin, monkeypatch, capsys):
    for name, value in mailchimp_environment(standin).items():
        monkeypatch.setenv(name, value)
    rng = random.Random(SEED)
    duplicates = lost = failed_runs = 0
    for _ in range(ROUNDS):
        new = start_round(blog, standin, rng)
        requests_of_a_clean_run = 1 + 4 * len(new)
        faults = [
            (rng.choice(FAULTS), rng.randint(1, requests_of_a_clean_run))
            for _ in range(rng.randint(1, 3))
        ]
        done = publish(blog, standin, faults)
        for _ in range(3):
            if done:
                break
            failed_runs += 1
            more = (
                [(rng.choice(IN_PROCESS_FAULTS), rng.randint(1, 6))] if rng.random() < 0.3 else []
            )
            done = publish(blog, standin, more)
        if not done:
            failed_runs += 1
            done = publish(blog, standin, [])  # the provider is back up
        assert done
        delivered = standin.delivered_titles()
        recorded = blog.ledger()
        for slug in POSTS:
            times = delivered.get(f"carnet:{slug}", 0)
            duplicates += max(0, times - 1)
            lost += times == 0 or slug not in recorded
    with capsys.disabled():
        print(
            f"\n{ROUNDS} rounds (seed {SEED}), {failed_runs} failed publishes rerun: {duplicates} duplicates, {lost} lost posts"
        )
    assert (duplicates, lost) == (0, 0)
