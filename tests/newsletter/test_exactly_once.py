"""Exactly once: a crash at any step, then the next publish, sends every post once.

Mailchimp: the newsletter runs in a child process that the stand-in kills (SIGKILL) at
each request of a clean run, before or after carrying it out; then publish runs again.
Outbox: a crash (an exception no code catches) at each file write, then publish again.
Two publishes at once: the second waits for the first, or stops; never a second send.
"""

import pytest
from conftest import make_site, wait_for

from carnet import files
from newsletter.conftest import Blog, mailchimp_environment

TITLES = {"carnet:premier-billet": 1, "carnet:second-billet": 1}
CLEAN_RUN_REQUESTS = 9  # audience, then find, create, content, send for each post


@pytest.fixture(scope="module")
def two_posts(tmp_path_factory):
    blog = Blog(make_site(tmp_path_factory.mktemp("once") / "site"))
    blog.post("2021-01-05-a.md", title="Premier billet", date="2021-01-05 08:30")
    blog.post("2021-02-01-b.md", title="Second billet", date="2021-02-01 08:30")
    blog.build()
    return blog


@pytest.fixture
def fresh(two_posts):
    two_posts.start_ledger()
    return two_posts


def test_a_clean_run_makes_the_expected_requests(fresh, mailchimp):
    fresh.run()
    assert len(mailchimp.requests) == CLEAN_RUN_REQUESTS and mailchimp.delivered_titles() == TITLES


@pytest.mark.parametrize("when", ["kill-before", "kill-after"])
@pytest.mark.parametrize("step", range(1, CLEAN_RUN_REQUESTS + 1))
def test_killed_at_any_step_then_published_again_sends_each_post_once(
    fresh, standin, monkeypatch, step, when
):
    standin.inject(when, nth=step)
    child = fresh.start_child(mailchimp_environment(standin))
    standin.client_pid = child.pid
    child.communicate(timeout=60)
    assert child.returncode == -9, "the stand-in should have killed the run"
    assert len(fresh.sent()) < 2 or step == CLEAN_RUN_REQUESTS  # it did not get to the end

    for name, value in mailchimp_environment(standin).items():
        monkeypatch.setenv(name, value)
    fresh.run()
    assert standin.delivered_titles() == TITLES
    assert fresh.sent() == {"premier-billet": "mailchimp", "second-billet": "mailchimp"}
    assert len(standin.campaigns) == 2  # a draft left by the crash was reused
    standin.requests.clear()
    fresh.run()
    assert standin.requests == []


class Crash(BaseException):
    """Like a kill: nothing catches it."""


def count_writes(blog, monkeypatch):
    calls = []
    real = files.write_atomically
    monkeypatch.setattr(
        files, "write_atomically", lambda *args: calls.append(args[0]) or real(*args)
    )
    blog.run()
    return calls


def test_outbox_crash_at_every_write_then_publish_again(two_posts, monkeypatch):
    two_posts.start_ledger()
    with monkeypatch.context() as patch:
        writes = count_writes(two_posts, patch)
    assert len(writes) == 8  # the post being sent, .html, .eml, ledger; for each post
    for crash_at in range(len(writes)):
        two_posts.start_ledger()
        for path in (two_posts.root / "outbox").glob("*"):
            path.unlink()
        calls = []
        real = files.write_atomically

        def crashing(path, text, calls=calls, crash_at=crash_at, real=real):
            calls.append(path)
            if len(calls) == crash_at + 1:
                raise Crash()
            return real(path, text)

        with monkeypatch.context() as patch:
            patch.setattr(files, "write_atomically", crashing)
            with pytest.raises(Crash):
                two_posts.run()
        two_posts.run()
        assert two_posts.outbox() == [
            "2021-01-05-premier-billet.eml",
            "2021-01-05-premier-billet.html",
            "2021-02-01-second-billet.eml",
            "2021-02-01-second-billet.html",
        ], crash_at
        assert two_posts.sent() == {"premier-billet": "outbox", "second-billet": "outbox"}


def test_a_second_publish_waits_for_the_first_and_sends_nothing_twice(fresh, standin):
    standin.answer_delay = 0.3  # the first run takes about 3 s
    first = fresh.start_child(mailchimp_environment(standin))
    wait_for(lambda: standin.requests)  # it holds the lock
    second = fresh.start_child(mailchimp_environment(standin))
    first_out, first_err = first.communicate(timeout=60)
    second_out, second_err = second.communicate(timeout=60)
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second_err
    assert "is sending the newsletter; waiting for it" in second_out
    assert "nothing new to send" in second_out
    assert standin.delivered_titles() == TITLES


def test_a_second_publish_that_cannot_wait_stops_with_a_message(fresh, standin):
    standin.answer_delay = 0.3
    first = fresh.start_child(mailchimp_environment(standin))
    wait_for(lambda: standin.requests)
    second = fresh.start_child(mailchimp_environment(standin), CARNET_NEWSLETTER_LOCK_WAIT=0)
    second_out, second_err = second.communicate(timeout=60)
    first.communicate(timeout=60)
    assert second.returncode == 1
    assert (
        f"Another publish (process {first.pid}) is still sending the newsletter; this one sent nothing"
        in second_err
    )
    assert first.returncode == 0 and standin.delivered_titles() == TITLES


def _killed_after_the_send_then_retitled(tmp_path, standin):
    """A blog whose run was killed once its post went out, before the ledger said so, and
    whose post's title was then corrected (another address, another campaign title)."""
    blog = Blog(make_site(tmp_path / "site"))
    post = blog.post("2021-01-05-a.md", title="Mon premier atleier", date="2021-01-05 08:30")
    blog.build()
    blog.start_ledger()
    standin.inject("kill-after", match="actions/send")
    child = blog.start_child(mailchimp_environment(standin))
    standin.client_pid = child.pid
    child.communicate(timeout=60)
    assert child.returncode == -9 and blog.sent() == {}
    blog.post(post.name, title="Mon premier atelier", date="2021-01-05 08:30")
    blog.build()
    return blog


def test_killed_after_the_send_then_retitled_is_not_sent_again(tmp_path, standin):
    """The run is killed once the post went out, before the ledger says so; the coach then
    fixes a typo in its title, which gives it another address (and Mailchimp's campaign
    title): the next run records it as sent, at the address it was e-mailed with (which
    then redirects), and does not e-mail it again."""
    blog = _killed_after_the_send_then_retitled(tmp_path, standin)
    again = blog.start_child(mailchimp_environment(standin))
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert standin.delivered_titles() == {"carnet:mon-premier-atleier": 1}, out
    entries = blog.ledger()
    assert list(entries) == ["mon-premier-atleier"]
    assert entries["mon-premier-atleier"]["url"].endswith("/mon-premier-atleier/")
    assert entries["mon-premier-atleier"]["source"] == "posts/2021-01-05-a.md"


def test_killed_after_the_send_retitled_then_run_with_a_wrong_audience_is_not_sent_again(
    tmp_path, standin
):
    """As above, but the next run has a wrong MAILCHIMP_LIST_ID: the interrupted post was
    looked for in that audience, not found, and forgotten; once the id was set right, it
    went out a second time under its new title. It stops now, and the post is kept to be
    looked for again."""
    blog = _killed_after_the_send_then_retitled(tmp_path, standin)
    wrong = blog.start_child(dict(mailchimp_environment(standin), MAILCHIMP_LIST_ID="abc123"))
    _out, err = wrong.communicate(timeout=60)
    assert wrong.returncode != 0 and 'no audience "abc123"' in err
    again = blog.start_child(mailchimp_environment(standin))
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert standin.delivered_titles() == {"carnet:mon-premier-atleier": 1}, out
    assert list(blog.ledger()) == ["mon-premier-atleier"]
