"""The ledger: written atomically, and a broken one stops everything with a clear message."""

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from carnet.newsletter import ledger, manifest
from carnet.newsletter.ledger import LedgerError

ENTRY = {
    "provider": "mailchimp",
    "campaign_id": "c1",
    "sent_at": "2021-10-05T06:30:00+00:00",
    "title": "Un titre",
    "url": "https://x.fr/a/",
    "source": "posts/a.md",
}


def test_round_trip_and_format(tmp_path):
    path = tmp_path / "newsletter-ledger.json"
    ledger.save(path, {"a": ENTRY})
    assert ledger.load(path) == {"a": ENTRY}
    assert json.loads(path.read_text()) == {"version": 1, "posts": {"a": ENTRY}}


def test_a_missing_ledger_is_empty(tmp_path):
    assert ledger.load(tmp_path / "nope.json") == {}


def test_a_failed_write_keeps_the_old_ledger_and_leaves_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "newsletter-ledger.json"
    ledger.save(path, {"a": ENTRY})

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(LedgerError, match="cannot be written"):
        ledger.save(path, {"a": ENTRY, "b": ENTRY})
    assert ledger.load(path) == {"a": ENTRY}
    assert os.listdir(tmp_path) == ["newsletter-ledger.json"]


def test_a_write_killed_half_way_leaves_only_a_file_git_ignores(tmp_path):
    # SIGKILL leaves no time to remove the temporary file: it must not be committed with
    # the ledger by the coach's next `git add -A`.
    kill_half_way = (
        "import os, signal, sys\n"
        "from carnet import files\n"
        "def pieces():\n"
        "    yield '{'\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "files.write_atomically(sys.argv[1], pieces())\n"
    )
    path = tmp_path / "newsletter-ledger.json"
    done = subprocess.run([sys.executable, "-c", kill_half_way, str(path)])
    assert done.returncode == -signal.SIGKILL
    (left,) = os.listdir(tmp_path)
    root = Path(__file__).resolve().parents[2]
    # Where the ledger is, beside README.md: is that name ignored there?
    ignored = subprocess.run(["git", "-C", root, "check-ignore", "--no-index", "-q", left])
    assert ignored.returncode == 0, left


CORRUPT = {
    "truncated": ('{"version": 1, "posts": {"a": ', "is not valid JSON"),
    "merge conflict": (
        '<<<<<<< HEAD\n{"version": 1, "posts": {}}\n=======\n',
        "merge-conflict markers",
    ),
    "wrong version": ('{"version": 2, "posts": {}}', "is not a version 1 ledger"),
    "a list": ("[]", "is not a version 1 ledger"),
    "no posts": ('{"version": 1}', 'has no "posts" object'),
    "entry not an object": ('{"version": 1, "posts": {"a": "sent"}}', "bad entry for 'a'"),
    "missing source": (
        json.dumps(
            {"version": 1, "posts": {"a": {k: v for k, v in ENTRY.items() if k != "source"}}}
        ),
        '"source" is missing',
    ),
    "bad date": (
        json.dumps({"version": 1, "posts": {"a": dict(ENTRY, sent_at="hier")}}),
        '"sent_at" is not an ISO date',
    ),
    "naive date": (
        json.dumps({"version": 1, "posts": {"a": dict(ENTRY, sent_at="2021-10-05T06:30:00")}}),
        "no time zone",
    ),
    "post date not ISO": (
        json.dumps({"version": 1, "posts": {"a": dict(ENTRY, date="5 octobre")}}),
        '"date" is not an ISO date',
    ),
    "naive post date": (
        json.dumps({"version": 1, "posts": {"a": dict(ENTRY, date="2021-10-05T08:30:00")}}),
        '"date" has no time zone',
    ),
    "numeric campaign": (
        json.dumps({"version": 1, "posts": {"a": dict(ENTRY, campaign_id=12)}}),
        '"campaign_id" must be',
    ),
    "duplicate key": (
        '{"version": 1, "posts": {"a": %s, "a": %s}}'.replace("%s", json.dumps(ENTRY)),
        "appears twice",
    ),
    "not utf-8": (b'{"version": 1, "posts": {"\xe9": {}}}', "cannot be read"),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_a_corrupt_ledger_is_named_with_its_problem(tmp_path, case):
    text, problem = CORRUPT[case]
    path = tmp_path / "newsletter-ledger.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(LedgerError) as caught:
        ledger.load(path)
    message = str(caught.value)
    assert str(path) in message and problem in message and "nothing was sent" in message
    assert "\n" not in message


@pytest.mark.parametrize("provider", ["outbox", "mailchimp"])
def test_a_corrupt_ledger_stops_the_newsletter_and_sends_nothing(
    blog, standin, monkeypatch, provider
):
    if provider == "mailchimp":
        from newsletter.conftest import mailchimp_environment

        for name, value in mailchimp_environment(standin).items():
            monkeypatch.setenv(name, value)
    blog.post("a.md", title="Un billet", date="2021-01-01 08:00")
    blog.build()
    with open(blog.ledger_path, "w") as handle:
        handle.write(
            '{"version": 1, "posts": {"un-billet": {"provider": "outbox"}'
        )  # hand-edited, broken
    before = open(blog.ledger_path).read()
    with pytest.raises(LedgerError, match="newsletter-ledger.json is not valid JSON"):
        blog.run()
    assert open(blog.ledger_path).read() == before
    assert blog.outbox() == [] and standin.deliveries == [] and standin.requests == []


class _CountedKey(str):
    """A ledger key that counts how often it is compared or hashed."""

    work = 0

    def __eq__(self, other):
        _CountedKey.work += 1
        return str.__eq__(self, other)

    def __hash__(self):
        _CountedKey.work += 1
        return str.__hash__(self)


def _duplicate_check_work(size):
    _CountedKey.work = 0
    pairs = [(_CountedKey(f"billet-{number}"), ENTRY) for number in range(size)]
    ledger._refuse_duplicate_keys(pairs)
    return _CountedKey.work


def test_the_duplicate_key_check_does_work_in_proportion_to_the_ledger():
    """Each key was counted in the list of every key: 20 000 entries took 3.3 s to load,
    at every build and publish (10 000: 0.79 s; 5000: 0.20 s)."""
    one = _duplicate_check_work(1000)
    two = _duplicate_check_work(2000)
    assert 0 < one <= 3 * 1000
    assert two <= 2.1 * one


def _git(folder, *args):
    subprocess.run(
        ["git", "-c", "user.name=c", "-c", "user.email=c@x", *args],
        cwd=folder,
        check=False,
        capture_output=True,
    )


def test_a_ledger_git_merged_with_conflicts_keeps_both_sides_and_sends_nothing_again(
    blog, tmp_path, capsys
):
    """Two computers each published a post: `git merge` left conflict markers in the
    ledger, and the guide's `git checkout -- newsletter-ledger.json` fails on it (« path
    is unmerged »); keeping one side would email the other's post again."""
    for name, title, day in (("a", "Premier", "01"), ("b", "Quatre", "02"), ("c", "Trois", "03")):
        blog.post(f"{name}.md", title=title, date=f"2021-10-{day} 08:00")
    blog.build()
    sent = {
        post.id: ledger.entry(post, "outbox", None, datetime.now(UTC))
        for post in manifest.read(blog.settings)
    }
    repo = tmp_path / "repo"
    repo.mkdir()
    path = repo / "newsletter-ledger.json"
    ledger.save(path, {"premier": sent["premier"]})
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "a")
    _git(repo, "checkout", "-qb", "portable")
    ledger.save(path, {"premier": sent["premier"], "trois": sent["trois"]})
    _git(repo, "commit", "-qam", "c")
    _git(repo, "checkout", "-q", "main")
    ledger.save(path, {"premier": sent["premier"], "quatre": sent["quatre"]})
    _git(repo, "commit", "-qam", "b")
    _git(repo, "merge", "portable")
    assert "<<<<<<<" in path.read_text()
    Path(blog.ledger_path).write_text(path.read_text())

    assert set(blog.ledger()) == {"premier", "quatre", "trois"}
    blog.run()
    assert blog.outbox() == []
    assert "<<<<<<<" not in Path(blog.ledger_path).read_text()
    assert set(blog.ledger()) == {"premier", "quatre", "trois"}
    said = capsys.readouterr()
    assert "git merge-conflict markers" in said.out + said.err
    assert "`git add newsletter-ledger.json`" in said.out + said.err


def test_conflict_markers_that_are_not_two_ledgers_stop_with_a_remedy_that_is_not_git_checkout(
    tmp_path,
):
    path = tmp_path / "newsletter-ledger.json"
    path.write_text('<<<<<<< HEAD\n{"version": 1, "posts": {}\n=======\n{"version"\n>>>>>>> x\n')
    with pytest.raises(LedgerError) as caught:
        ledger.load(path)
    assert "remove the lines <<<<<<<, ======= and >>>>>>>" in str(caught.value)
    assert "git checkout" not in str(caught.value)
