"""Rule 2: one publish at a time, whole.

Two `invoke publish` started 20 ms apart, twenty times over, folder target, outbox
provider: after each round every post the newsletter sent has its page in the deployed
folder, no post went out twice, and the second publish said it waited.
"""

import json
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit

from conftest import post_text, started_and_waiting

ROUNDS = 20


def start_publish(site, target, wait=120):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARNET_", "MAILCHIMP_"))}
    env["CARNET_DEPLOY_TARGET"] = str(target)
    return subprocess.Popen(
        [sys.executable, "-m", "invoke", "publish"],
        cwd=site.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def sent_entries(site):
    with open(site.root / "newsletter-ledger.json", encoding="utf-8") as handle:
        posts = json.load(handle)["posts"]
    return {key: entry for key, entry in posts.items() if entry["provider"] != "baseline"}


def test_two_publishes_20_ms_apart_never_email_a_page_that_is_not_online(site, tmp_path):
    target = tmp_path / "www"
    waited = 0
    for number in range(ROUNDS):
        site.add_post(
            f"r{number:02d}-a.md",
            text=post_text(
                f"Billet {number} a", f"2021-10-{number + 1:02d} 08:00", category="Journal intime"
            ),
        )
        first = start_publish(site, target)
        time.sleep(0.010)
        # A post that lands while the first publish runs: one of the two sends it, with its page.
        site.add_post(
            f"r{number:02d}-b.md",
            text=post_text(
                f"Billet {number} b", f"2021-10-{number + 1:02d} 09:00", category="Journal intime"
            ),
        )
        time.sleep(0.010)
        second = start_publish(site, target)
        outputs = [process.communicate(timeout=300) for process in (first, second)]
        for process, (out, err) in zip((first, second), outputs, strict=True):
            assert process.returncode == 0, f"round {number}: {out}\n{err}"
        waited += any("Another publish" in out for out, _ in outputs)
        sent = sent_entries(site)
        assert len(sent) == 2 * (number + 1), f"round {number}: {sorted(sent)}"
        for post_id, entry in sent.items():
            page = target / urlsplit(entry["url"]).path.lstrip("/") / "index.html"
            assert page.exists(), f"round {number}: {post_id} was emailed, {page} is not online"
        assert (target / "index.html").exists()
        emails = sorted(p.name for p in (site.root / "outbox").glob("*.eml"))
        assert len(emails) == len(sent) == len(set(emails)), f"round {number}: {emails}"
    # The second publish usually starts while the first holds the lock.
    assert waited >= ROUNDS // 2, waited


def test_a_second_publish_builds_nothing_until_the_first_is_done(site, tmp_path):
    """The lock is taken before the build: held here, a publish waits, and has built,
    deployed and sent nothing until it is let go."""
    from carnet.newsletter import lock

    site.add_post("a.md", title="Un billet", date="2021-10-01 08:00", category="Journal intime")
    target = tmp_path / "www"
    log = tmp_path / "publish.log"
    with lock.hold(str(site.root / ".carnet" / "publish.lock"), 0):
        waiting = started_and_waiting(
            site, log, "waiting for it", "publish", env={"CARNET_DEPLOY_TARGET": str(target)}
        )
        time.sleep(1)
        assert waiting.poll() is None
        assert "Building" not in log.read_text()
        assert not target.exists() and not (site.root / "outbox").exists()
        assert not list((site.root / ".carnet").glob("publish/run-*"))
    assert waiting.wait(timeout=300) == 0, log.read_text()
    assert (target / "un-billet" / "index.html").exists()
    assert len(list((site.root / "outbox").glob("*.eml"))) == 1


def _publish_while_the_lock_is_held(site, tmp_path):
    """`invoke publish` of one post, waiting at most 0.5 s for the lock this process holds."""
    from carnet.newsletter import lock

    site.add_post("a.md", title="Un billet", date="2021-10-01 08:00", category="Journal intime")
    publishconf = site.root / "publishconf.py"
    publishconf.write_text(publishconf.read_text() + "\nCARNET_NEWSLETTER_LOCK_WAIT = 0.5\n")
    with lock.hold(str(site.root / ".carnet" / "publish.lock"), 0):
        done = site.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(tmp_path / "www")})
    return done


def test_a_publish_that_waits_too_long_stops_clearly_having_done_nothing(site, tmp_path):
    done = _publish_while_the_lock_is_held(site, tmp_path)
    assert done.returncode == 1
    assert "is running; waiting for it (at most 0.5 s)" in done.stdout
    assert "is still running; this one built, deployed and sent nothing" in done.stderr
    assert not (tmp_path / "www").exists() and not (site.root / "outbox").exists()
    assert "Building" not in done.stdout


def test_in_french_the_publish_holding_the_lock_is_named_in_french(site, tmp_path):
    """A French site: « Une autre publication (process 123) … » had English in it."""
    site.speak("fr")
    done = _publish_while_the_lock_is_held(site, tmp_path)
    assert done.returncode == 1
    holder = f"(processus {os.getpid()})"
    assert f"Une autre publication {holder} est en cours" in done.stdout
    assert f"Une autre publication {holder} est toujours en cours" in done.stderr
    assert "process " not in done.stdout + done.stderr


def test_a_killed_publish_leaves_no_build_child_holding_the_lock(site, tmp_path):
    """kill -9 (or the out-of-memory killer) ends publish while a forked child of its
    build reads posts: the child ends with it, and the next publish does not wait for
    « another publish » whose process is gone. Nor is the child's result file left in the
    temporary folder (an empty carnet-child-*.pickle was, at every such kill)."""
    from carnet.newsletter import lock

    for number in range(1500):
        site.add_post(
            f"{number}.md",
            title=f"Billet {number}",
            date=f"2020-{number % 12 + 1:02d}-{number % 28 + 1:02d} {number % 24:02d}:{number % 60:02d}",
            body="Un texte de quelques mots, pour que la lecture prenne un peu de temps. " * 20,
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARNET_")}
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    publish = subprocess.Popen(
        [sys.executable, "-m", "invoke", "publish"],
        cwd=site.root,
        env=dict(env, CARNET_DEPLOY_TARGET=str(tmp_path / "www"), TMPDIR=str(temporary)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children = f"/proc/{publish.pid}/task/{publish.pid}/children"
    deadline = time.monotonic() + 120
    while not open(children).read().split():
        assert publish.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)
    child = int(open(children).read().split()[0])
    publish.kill()
    publish.wait()
    deadline = time.monotonic() + 0.2
    while os.path.exists(f"/proc/{child}") and open(f"/proc/{child}/stat").read().split()[2] != "Z":
        assert time.monotonic() < deadline, "the build's child outlived the killed publish"
        time.sleep(0.01)
    with lock.hold(str(site.root / ".carnet" / "publish.lock"), 0):
        pass  # free
    assert [path.name for path in temporary.iterdir()] == []
