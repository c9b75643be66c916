"""The tasks as the author runs them: publish's newsletter step, preview, test, status."""

import email
import email.policy
import os
import re
import subprocess

import pytest

from carnet.newsletter import ledger
from newsletter.conftest import LIST_ID, mailchimp_environment


def add_posts(blog):
    """Two posts, and the production build the newsletter tasks read (they build nothing)."""
    blog.post("2021-01-05-a.md", title="Premier billet", date="2021-01-05 08:30")
    blog.post("2021-02-01-b.md", title="Second billet", date="2021-02-01 08:30")
    blog.build()


def files_of(folder):
    return sorted((p, p.stat().st_mtime_ns) for p in folder.rglob("*"))


def test_preview_renders_the_next_post_and_prints_its_path_and_size(blog):
    add_posts(blog)
    blog.start_ledger()
    output = files_of(blog.root / "output")
    done = blog.invoke("newsletter-preview")
    assert done.returncode == 0, done.stderr
    # French writes a decimal comma: « 6,3 Ko », not « 6.3 ».
    assert re.search(
        r"\.carnet/newsletter-preview/premier-billet\.html \(\d+(,\d)? Ko de HTML\)", done.stdout
    )
    assert (
        "*|UNSUB|*"
        in (blog.root / ".carnet" / "newsletter-preview" / "premier-billet.html").read_text()
    )
    assert (blog.root / ".carnet" / "newsletter-preview" / "premier-billet.txt").exists()
    other = blog.invoke("newsletter-preview", "--slug", "second-billet")
    assert "second-billet.html" in other.stdout
    # Nothing built, nothing published.
    assert files_of(blog.root / "output") == output and blog.outbox() == []
    unknown = blog.invoke("newsletter-preview", "--slug", "nope")
    assert unknown.returncode == 1 and "Aucun article publié n’a le slug 'nope'" in unknown.stderr


def test_status_says_what_the_next_publish_sends_then_what_was_sent(blog):
    add_posts(blog)
    blog.start_ledger()
    before = blog.invoke("newsletter-status")
    assert before.returncode == 0, before.stderr
    assert "La prochaine publication envoie 2 articles par la boîte d’envoi" in before.stdout
    assert "2021-01-05 « Premier billet » (content/posts/2021-01-05-a.md)" in before.stdout
    assert blog.invoke("publish").returncode == 0
    after = blog.invoke("newsletter-status")
    assert "La prochaine publication n’envoie rien" in after.stdout
    # Written, not sent: « Envoyé … par outbox » told the coach her subscribers had it.
    assert (
        "« Second billet » dans outbox/2021-02-01-second-billet.eml (boîte d’envoi : pas envoyé)"
        in after.stdout
    )
    assert "Envoyé" not in after.stdout and "par outbox" not in after.stdout
    # The ledger's UTC time, said in the site's time zone (Europe/Paris) and language.
    entries = blog.ledger()
    (second,) = [entry for entry in entries.values() if entry["title"] == "Second billet"]
    second["sent_at"] = "2021-10-31T23:30:00+00:00"
    ledger.save(blog.ledger_path, entries)
    said = blog.invoke("newsletter-status")
    assert "Écrit le 1er novembre 2021 à 00:30 « Second billet »" in said.stdout


def test_the_outbox_test_send_is_marked_and_records_nothing(blog):
    add_posts(blog)
    blog.start_ledger()
    done = blog.invoke("newsletter-test", "--to", "claire@example.org", "--slug", "second-billet")
    assert done.returncode == 0, done.stderr
    with open(blog.root / "outbox" / "test-second-billet.eml", "rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.default)
    assert message["To"] == "claire@example.org" and message["Subject"] == "[TEST] Second billet"
    assert blog.sent() == {}


def test_the_mailchimp_test_send(blog, standin):
    add_posts(blog)
    done = blog.invoke(
        "newsletter-test", "--to", "claire@example.org", env=mailchimp_environment(standin)
    )
    assert done.returncode == 0, done.stderr
    assert "E-mail de test envoyé : Mailchimp, à claire@example.org" in done.stdout
    assert [t["subject"] for t in standin.tests_sent] == ["[TEST] Second billet"]


def test_a_failed_deploy_sends_nothing(blog, standin, tmp_path):
    add_posts(blog)
    blog.start_ledger()
    # The target passes the checks, but its releases folder cannot be made: its name,
    # the target's and ".carnet-releases", is longer than a file system allows (255).
    env = dict(mailchimp_environment(standin), CARNET_DEPLOY_TARGET=str(tmp_path / ("w" * 245)))
    done = blog.invoke("publish", env=env)
    assert done.returncode == 1 and "Le déploiement a échoué, aucune lettre envoyée" in done.stderr
    # Only the audience, asked for before the deploy (there are posts to send).
    assert standin.requests == ["GET /3.0/lists/" + LIST_ID] and blog.sent() == {}


def test_provider_down_keeps_the_site_deployed_and_the_next_publish_sends_once(
    blog, standin, tmp_path
):
    add_posts(blog)
    blog.start_ledger()
    target = tmp_path / "www"
    env = dict(mailchimp_environment(standin), CARNET_DEPLOY_TARGET=str(target))
    for _ in range(10):
        standin.inject("503", match="campaigns")
    down = blog.invoke("publish", env=env)
    assert down.returncode == 1
    assert (target / "premier-billet" / "index.html").exists()  # deployed all the same
    assert "Lettre : content/posts/2021-01-05-a.md : Mailchimp échoue encore" in down.stderr
    assert "Mailchimp a répondu 503" in down.stderr
    standin.faults.clear()
    up = blog.invoke("publish", env=env)
    assert up.returncode == 0, up.stderr
    assert standin.delivered_titles() == {"carnet:premier-billet": 1, "carnet:second-billet": 1}


def test_mailchimp_without_a_deploy_target_refuses_and_says_why(blog, standin):
    add_posts(blog)
    blog.start_ledger()
    built = files_of(blog.root / "output")
    done = blog.invoke("publish", env=mailchimp_environment(standin))
    assert done.returncode == 1
    # Before building: it built the whole site, then refused.
    assert done.stderr.startswith(
        "✗ CARNET_DEPLOY_TARGET n’est pas réglé\u00a0: le site ne serait pas mis en ligne, et "
        "Mailchimp (MAILCHIMP_API_KEY est défini) n’enverrait rien"
    ), done.stderr
    assert "Construction" not in done.stdout and files_of(blog.root / "output") == built
    assert standin.requests == [] and blog.sent() == {}


def test_build_and_preview_never_send(blog, standin):
    add_posts(blog)
    blog.start_ledger()
    for task in ("build", "preview"):
        done = blog.invoke(task, env=mailchimp_environment(standin))
        assert done.returncode == 0, done.stderr
    assert standin.requests == [] and blog.outbox() == [] and blog.sent() == {}


def test_the_newsletter_tasks_read_the_last_build_and_say_when_it_is_stale(blog):
    blog.site.speak("en")  # the assertions read Carnet's English messages
    blog.post("2021-01-05-a.md", title="Premier billet", date="2021-01-05 08:30")
    blog.start_ledger()
    never_built = blog.invoke("newsletter-status")  # writes the settings the build reads
    assert never_built.returncode == 1 and "run `invoke preview`" in never_built.stderr
    blog.build()
    fresh = blog.invoke("newsletter-status")
    assert fresh.returncode == 0, fresh.stderr
    assert "changed after the last production build" not in fresh.stdout + fresh.stderr
    blog.post("2021-02-01-b.md", title="Second billet", date="2021-02-01 08:30")
    stale = blog.invoke("newsletter-status")
    assert stale.returncode == 0, stale.stderr
    said = stale.stdout + stale.stderr
    assert "content/posts/2021-02-01-b.md changed after the last production build" in said
    # What the last build left: the new post is not in it until the next build.
    assert "The next publish sends 1 post through" in stale.stdout


def test_a_reaction_added_since_the_last_build_does_not_make_the_e_mails_stale(blog):
    """The guide: reactions never go out in the newsletter. After `invoke reaction-add`,
    newsletter-status said « content/reactions/…/….md a changé depuis la dernière
    construction de production : les e-mails sont ceux de cette construction ; lancez
    `invoke preview` », and that what changed since is not counted."""
    blog.site.speak("en")
    blog.post("2021-01-05-a.md", title="Premier billet", date="2021-01-05 08:30")
    blog.start_ledger()
    blog.invoke("newsletter-status")  # writes the settings the build reads
    blog.build()
    reaction = blog.site.content / "reactions" / "premier-billet" / "2021-01-06-lea.md"
    reaction.parent.mkdir(parents=True)
    reaction.write_text("Name: Léa\nDate: 2021-01-06 10:00\n\nMerci.\n", encoding="utf-8")
    done = blog.invoke("newsletter-status")
    assert done.returncode == 0, done.stderr
    assert "changed after the last production build" not in done.stderr
    assert "not counted" not in done.stderr


def test_status_does_not_say_nothing_goes_out_when_a_post_was_written_since(blog):
    blog.site.speak("en")
    blog.post("2021-01-05-a.md", title="Premier billet", date="2021-01-05 08:30")
    blog.invoke("newsletter-status")  # writes the settings the build reads
    blog.build()  # no ledger yet: the first publish sends nothing
    fresh = blog.invoke("newsletter-status")
    assert "The next publish sends nothing: no new post" in fresh.stdout
    blog.post("2021-02-01-b.md", title="Second billet", date="2021-02-01 08:30")
    stale = blog.invoke("newsletter-status")
    assert stale.returncode == 0, stale.stderr
    assert "sends nothing" not in stale.stdout
    assert "what changed since is not counted: `invoke preview`" in stale.stderr


@pytest.fixture
def ledger_folder(blog):
    """state/ in the blog, a file system of its own (tmpfs), which the test can make
    read-only: the ledger cannot be written, as on a full disk."""
    folder = blog.root / "state"
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "tmpfs", folder]).returncode:
        pytest.skip("mounting a file system needs root")
    yield folder
    subprocess.run(["umount", "-l", folder])


def test_a_ledger_that_cannot_be_written_is_one_line_and_the_next_publish_sends_once(
    blog, standin, tmp_path, ledger_folder
):
    add_posts(blog)
    blog.overrides["CARNET_NEWSLETTER_LEDGER"] = "state/newsletter-ledger.json"
    ledger.save(ledger_folder / "newsletter-ledger.json", {})
    env = dict(mailchimp_environment(standin), CARNET_DEPLOY_TARGET=str(tmp_path / "www"))
    subprocess.run(["mount", "-o", "remount,ro", ledger_folder], check=True)
    failed = blog.invoke("publish", env=env)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert "state/newsletter-ledger.json ne peut pas être écrit" in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1, failed.stderr
    assert standin.delivered_titles() == {"carnet:premier-billet": 1}  # it went out
    subprocess.run(["mount", "-o", "remount,rw", ledger_folder], check=True)
    again = blog.invoke("publish", env=env)
    assert again.returncode == 0, again.stderr
    assert standin.delivered_titles() == {"carnet:premier-billet": 1, "carnet:second-billet": 1}
    entries = ledger.load(ledger_folder / "newsletter-ledger.json")
    assert sorted(entries) == ["premier-billet", "second-billet"]


def test_a_scheduled_letter_reads_as_scheduled_until_it_goes_out_and_is_not_sent_twice(
    blog, standin, tmp_path
):
    """CARNET_NEWSLETTER_SCHEDULE: Mailchimp sends later; the ledger records it at once
    (Mailchimp never sends a scheduled campaign twice), at the time it goes out. Status
    and the letters page said « Envoyé le » that time, still to come."""
    blog.post("2021-01-05-a.md", title="Premier billet", date="2021-01-05 08:30")
    blog.start_ledger()
    blog.overrides["CARNET_NEWSLETTER_SCHEDULE"] = "07:30"
    target = tmp_path / "www"
    env = dict(mailchimp_environment(standin), CARNET_DEPLOY_TARGET=str(target))
    assert blog.invoke("publish", env=env).returncode == 0
    (campaign,) = standin.campaigns.values()
    assert campaign["status"] == "schedule"
    status = blog.invoke("newsletter-status")
    assert "Programmé pour le " in status.stdout
    assert " «\u00a0Premier billet\u00a0» dans Mailchimp (campagne " in status.stdout
    assert "Envoyé" not in status.stdout
    letters = (target / "newsletter" / "archives" / "index.html").read_text(encoding="utf-8")
    assert "programmée pour le <time" in letters and "envoyée le" not in letters
    # Delivered to Mailchimp: the next publish sends nothing, even without the ledger's
    # word for it (Mailchimp's scheduled campaign is found).
    assert blog.invoke("publish", env=env).returncode == 0
    os.remove(blog.ledger_path)
    blog.start_ledger()
    assert blog.invoke("publish", env=env).returncode == 0
    assert standin.delivered_titles() == {"carnet:premier-billet": 1}
    # Once its time has passed, it was sent.
    entries = blog.ledger()
    entries["premier-billet"]["sent_at"] = "2021-10-31T23:30:00+00:00"
    ledger.save(blog.ledger_path, entries)
    said = blog.invoke("newsletter-status").stdout
    assert "Envoyé le 1er novembre 2021 à 00:30 «\u00a0Premier billet\u00a0» par Mailchimp" in said
