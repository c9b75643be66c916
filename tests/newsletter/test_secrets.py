"""The API key never shows: not in output/, the deploy, the outbox, the ledger, .carnet/,
what the tasks print, a log line or an exception, failures included."""

import base64
import logging
import traceback

import pytest
from conftest import post_text

from carnet.build import BuildFailed
from carnet.newsletter import NewsletterError
from newsletter.conftest import API_KEY, mailchimp_environment

FORMS = [API_KEY, API_KEY.split("-")[0], base64.b64encode(f"user:{API_KEY}".encode()).decode()]


def leaks(text):
    return [form for form in FORMS if form in text]


def files_text(*folders):
    for folder in folders:
        if folder.exists():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    yield str(path), path.read_bytes().decode("utf-8", errors="replace")


def test_publish_with_a_key_leaks_it_nowhere(blog, standin, tmp_path):
    blog.post("2021-01-05-a.md", title="Premier", date="2021-01-05 08:30")
    blog.post("2021-02-01-b.md", title="Second", date="2021-02-01 08:30")
    blog.start_ledger()
    target = tmp_path / "www"
    env = dict(mailchimp_environment(standin), CARNET_DEPLOY_TARGET=str(target))
    printed = []

    def invoke(*args):
        done = blog.invoke(*args, env=env)
        printed.append(done.stdout + done.stderr)
        return done

    standin.inject("500", nth=3)
    standin.inject("drop-after", nth=6)
    assert invoke("publish").returncode == 0, printed[-1]
    assert invoke("newsletter-status").returncode == 0
    assert invoke("newsletter-preview").returncode == 0
    assert invoke("newsletter-test", "--to", "claire@example.org").returncode == 0
    blog.post("2021-03-01-c.md", title="Troisième", date="2021-03-01 08:30")
    standin.send_refusal = "Missing: a verified domain."
    assert invoke("publish").returncode == 1  # a failure is printed too
    env["MAILCHIMP_API_KEY"] = API_KEY.replace("3f", "4e")  # a wrong key: 401
    assert invoke("publish").returncode == 1
    assert "MAILCHIMP_API_KEY\u00a0: Mailchimp, à 127.0.0.1" in printed[-1]  # French site

    assert len(standin.deliveries) == 2 and standin.tests_sent
    for text in printed:
        assert leaks(text) == [], text
    root = blog.root
    for path, text in files_text(root / "output", target, root / "outbox", root / ".carnet"):
        assert leaks(text) == [], path
    assert leaks((root / "newsletter-ledger.json").read_text()) == []


def test_log_records_and_exceptions_do_not_carry_the_key(blog, mailchimp, caplog):
    caplog.set_level(logging.DEBUG)
    blog.post("2021-01-05-a.md", title="Premier", date="2021-01-05 08:30")
    blog.start_ledger()
    blog.build()
    for _ in range(4):
        mailchimp.inject("drop-before", match="actions/send")
    failures = []
    with pytest.raises(NewsletterError) as failed:
        blog.run()
    failures.append(failed.value)
    mailchimp.send_refusal = "Missing: a verified domain."
    with pytest.raises(NewsletterError) as failed:
        blog.run()
    failures.append(failed.value)
    for failure in failures:
        text = "".join(traceback.format_exception(failure)) + repr(failure.args)
        assert leaks(text) == [], text
    assert caplog.records  # urllib3 logged its requests
    for record in caplog.records:
        assert leaks(record.getMessage()) == []


def test_an_answer_quoting_the_request_is_said_without_the_key(blog, mailchimp):
    """A server that quotes the request in its error (a proxy, a MAILCHIMP_API_URL leading
    elsewhere) gives the key as its digits or the Authorization header, in any case: not
    only whole. Mailchimp's refusal is said, without them."""
    blog.post("2021-01-05-a.md", title="Premier", date="2021-01-05 08:30")
    blog.start_ledger()
    blog.build()
    header, digits = FORMS[2], FORMS[1]
    mailchimp.send_refusal = f"Authorization: Basic {header}; key {digits.upper()}."
    with pytest.raises(NewsletterError) as failed:
        blog.run()
    said = str(failed.value)
    assert "Authorization: Basic [MAILCHIMP_API_KEY]; key [MAILCHIMP_API_KEY]." in said
    assert leaks(said) == [] and leaks(said.lower()) == [], said


def test_a_key_pasted_in_a_post_stops_the_build_without_showing_it(site):
    """Pasted in a post, the key was on the site, in its feeds and in the e-mails."""
    site.add_post("good.md", post_text(title="Bon billet"))
    site.add_post("bad.md", post_text(title="Mailchimp", body=f"Ma clé :\n\n{API_KEY}"))
    with pytest.raises(BuildFailed) as failure:
        site.build()
    [line] = failure.value.problems
    assert line.startswith("content/posts/bad.md: line 6: a Mailchimp API key"), line
    assert leaks(line) == []
    for path, text in files_text(site.output, site.root / ".carnet"):
        assert leaks(text) == [], path
