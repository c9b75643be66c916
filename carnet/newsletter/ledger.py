"""The ledger: which posts went out, so that no post is ever emailed twice.

One JSON file at the project root (CARNET_NEWSLETTER_LEDGER), committed by the author:

    {"version": 1, "posts": {POST_ID: {"provider": "mailchimp", "campaign_id": "...",
     "sent_at": "2021-10-05T06:30:00+00:00", "title": "...", "url": "...",
     "source": "posts/....md", "save_as": ".../index.html", "slug": "...",
     "date": "2021-10-05T08:30:00+02:00"}}}

POST_ID is the post's slug when it was sent. `url` and `save_as` are the address that was
emailed, kept as they were: when the post later gets another address, the build writes a
redirect there (plugin kept_addresses). `source`, `slug`, `title` and `date` follow the post
as each newsletter run finds it: its file, slug, title and date at the last publish, by
which the next one finds it. `save_as`, `date` and `slug` are missing from entries written
before Carnet recorded them. `provider` is "mailchimp" or "outbox", or "baseline" for a
post that already existed when the newsletter started: it is counted as sent, but Carnet
did not email it (its campaign_id is null). An entry is written only after the provider
confirmed the send, and the file is replaced atomically.

A ledger that cannot be read stops the newsletter: sending "everything again" because the
record of what was sent is broken is exactly what must never happen.
"""

import json
import os
from collections import Counter
from datetime import datetime
from difflib import SequenceMatcher

from carnet import files
from carnet.i18n import _
from carnet.newsletter.errors import NewsletterError

VERSION = 1
TEXT_FIELDS = ("provider", "sent_at", "title", "url", "source")


class LedgerError(NewsletterError):
    """The ledger file is unreadable or was edited into something invalid."""


def load(path):
    """The entries {post_id: entry} of the ledger at `path`; {} when it does not exist yet.

    Raises LedgerError, naming the file and the problem, when it is corrupt.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise _broken(path, _("cannot be read ({reason})").format(reason=error)) from None
    try:
        data = json.loads(text, object_pairs_hook=_refuse_duplicate_keys)
    except ValueError as error:
        if "<<<<<<<" in text:
            return _both_sides(path, text)
        raise _broken(path, _("is not valid JSON ({reason})").format(reason=error)) from None
    return _checked_entries(path, data)


def _both_sides(path, text):
    """The entries of a ledger git merged with conflict markers (two computers each sent a
    post): every post either side recorded went out, so both sides' entries together;
    restoring one side would email the other's posts again. The first side's entry wins
    for a post both recorded."""
    sides = _conflict_sides(text)
    entries = {}
    for side in reversed(sides or ()):
        try:
            data = json.loads(side, object_pairs_hook=_refuse_duplicate_keys)
            entries.update(_checked_entries(path, data))
        except (ValueError, LedgerError):
            sides = None
            break
    if sides is None:
        raise LedgerError(
            _(
                "{path} still has git merge-conflict markers, and Carnet cannot read its "
                "two versions; nothing was sent. Keep the entries of both sides, remove the "
                "lines <<<<<<<, ======= and >>>>>>>, then publish again."
            ).format(path=path)
        )
    return entries


def _conflict_sides(text):
    """The two versions in a text with git's conflict markers (a diff3 base dropped), or
    None when the markers are not paired as git writes them."""
    sides = ([], [])
    where = None  # None: both sides; else 0 (ours), "base" or 1 (theirs)
    for line in text.splitlines(keepends=True):
        if line.startswith("<<<<<<<") and where is None:
            where = 0
        elif line.startswith("|||||||") and where == 0:
            where = "base"
        elif line.rstrip("\r\n") == "=======" and where in (0, "base"):
            where = 1
        elif line.startswith(">>>>>>>") and where == 1:
            where = None
        elif where is None:
            sides[0].append(line)
            sides[1].append(line)
        elif where != "base":
            sides[where].append(line)
    if where is not None:
        return None
    return "".join(sides[0]), "".join(sides[1])


def has_conflict_markers(path):
    """True when the ledger at `path` still has git's merge-conflict markers."""
    try:
        with open(path, encoding="utf-8") as handle:
            return any(line.startswith("<<<<<<<") for line in handle)
    except (OSError, UnicodeDecodeError):
        return False


def save(path, entries):
    """Replace the ledger at `path` with `entries`, atomically."""
    data = {"version": VERSION, "posts": dict(sorted(entries.items()))}
    try:
        files.write_atomically(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except OSError as error:
        # A full disk or a read-only folder: one line, not a traceback. What went out
        # before is found again by its provider (select.py), so the next run records it.
        raise LedgerError(
            _(
                "{path} cannot be written ({reason}); the next publish records what this "
                "one sent, without sending it again: make room or make it writable, then "
                "publish again."
            ).format(path=path, reason=error.strerror or error)
        ) from None


def entry(post, provider, campaign_id, sent_at):
    """The ledger entry for `post` (a manifest.Post), sent at `sent_at` (aware datetime)."""
    return {
        "provider": provider,
        "campaign_id": campaign_id,
        "sent_at": sent_at.isoformat(timespec="seconds"),
        "url": post.url,
        "save_as": post.save_as,
        **identity(post),
    }


def identity(post):
    """What a sent post's entry follows (pipeline): the post as the last publish saw it."""
    return {
        "source": post.source,
        "slug": post.id,
        "title": post.title,
        "date": post.date.isoformat(),
    }


def _slug(key, entry):
    """The slug an entry's post had at the last publish (its key: the slug it was sent
    with, for an entry that never followed it)."""
    return entry.get("slug") or key


LOOKUPS = ("source", "slug", "title and date")
CLOSE_TITLE = 0.8  # difflib ratio: "Mon premier atleier" and "Mon premier atelier" are 0.95
# Titles compared on one date at most (gone entries × posts left): every gone entry
# against every post left on a date made the work grow with the square of both (1000 of
# each: 33 s). Beyond it (hundreds of sent posts renamed at once among hundreds of posts
# of one date), the posts left on that date are « unsure »: the newsletter asks.
MOST_TITLES_COMPARED = 10_000


def match(entries, posts):
    """{key: (entry, how)} for the `posts`, (key, source, slug, title, date ISO text)
    tuples, that the ledger `entries` hold; how is "source", "slug", "title and date",
    "moved" or "unsure".

    A post whose file was moved, whose Slug was changed or whose title was edited after it
    went out is still the post that went out: it is found by whichever did not change. An
    entry goes to one post only: the one that shares the most of its file, its slug, and
    its title and date; on a tie, its own file's first. So a moved post (same slug, title
    and date) stays the sent one while a new post written in its old file is new, and a
    new post that takes the slug of an edited one is new too.

    A sent post that none of these found, whose file and slug are both gone from the site,
    was renamed and retitled at once: it is the one post left with its date (day and time)
    and a close title ("moved"). Another post left with its date may be it, or a new post:
    "unsure" (the newsletter stops and asks; the build writes no redirect for it).
    Dictionaries only, and titles compared on a crowded date only up to
    MOST_TITLES_COMPARED: linear in posts and entries."""
    # Dates compared as moments, not as text: an entry written before Carnet read a date
    # with an offset in the site's time zone says 2021-09-30T23:30:00+00:00 for the post
    # now dated 2021-10-01T01:30:00+02:00.
    posts = [(*post[:4], _moment(post[4])) for post in posts]
    by_source = {entry["source"]: entry for entry in entries.values()}
    by_slug = {_slug(key, entry): entry for key, entry in entries.items()}
    by_title_and_date = {
        (entry["title"], _moment(entry["date"])): entry
        for entry in entries.values()
        if entry.get("date")
    }
    pairs = []  # (-shared, first lookup, post order), key, entry, how
    for order, (key, source, slug, title, date) in enumerate(posts):
        shared = {}
        candidates = (
            by_source.get(source),
            entries.get(slug) or by_slug.get(slug),
            by_title_and_date.get((title, date)),
        )
        for how, entry in zip(LOOKUPS, candidates, strict=True):
            if entry is not None:
                shared.setdefault(id(entry), (entry, []))[1].append(how)
        for entry, hows in shared.values():
            pairs.append(((-len(hows), LOOKUPS.index(hows[0]), order), key, entry, hows[0]))
    pairs.sort(key=lambda pair: pair[0])
    found, claimed = {}, set()
    for _rank, key, entry, how in pairs:
        if key not in found and id(entry) not in claimed:
            found[key] = (entry, how)
            claimed.add(id(entry))
    _match_moved(entries, posts, found, claimed)
    return found


def _match_moved(entries, posts, found, claimed):
    sources = {source for _key, source, *_rest in posts}
    slugs = {slug for _key, _source, slug, *_rest in posts}
    left_by_date = {}  # the posts no entry found, by date: each gone entry looks up its own
    for post in posts:
        if post[0] not in found:
            left_by_date.setdefault(post[4], []).append(post)
    gone = [
        entry
        for slug, entry in entries.items()
        if id(entry) not in claimed
        and entry.get("date")
        and entry["source"] not in sources  # else its file is another post's now
        and slug not in slugs  # else its address is
        and _slug(slug, entry) not in slugs  # else the post of the last publish's is
    ]
    gone_by_date = {}
    for entry in gone:
        gone_by_date.setdefault(_moment(entry["date"]), []).append(entry)
    # Every renamed post is found first, then the others of those dates are « unsure »:
    # whichever order the entries come in, a gone post does not hide another's renaming.
    for entry in gone:
        date = _moment(entry["date"])
        crowd = left_by_date.get(date, ())
        if len(crowd) * len(gone_by_date[date]) > MOST_TITLES_COMPARED:
            continue  # many gone and many left on one date (an import): all « unsure »
        left = [post for post in crowd if post[0] not in found]
        close = [post for post in left if _close(post[3], entry["title"])]
        if len(close) == 1:
            found[close[0][0]] = (entry, "moved")
            claimed.add(id(entry))
    for date, entries_of_date in gone_by_date.items():
        unclaimed = [entry for entry in entries_of_date if id(entry) not in claimed]
        for post in left_by_date.get(date, ()) if unclaimed else ():
            if post[0] not in found:
                found[post[0]] = (unclaimed[0], "unsure")


def _moment(text):
    """An ISO date's moment (aware: equal, and hashed alike, whatever its offset)."""
    return datetime.fromisoformat(text) if text else None


def _close(title, other):
    return SequenceMatcher(None, title.casefold(), other.casefold()).ratio() >= CLOSE_TITLE


def _broken(path, problem):
    name = os.path.basename(path)
    return LedgerError(
        _(
            "{path} {problem}; nothing was sent. Fix it, or restore it with "
            "`git checkout -- {name}`, then publish again."
        ).format(path=path, problem=problem, name=name)
    )


def _refuse_duplicate_keys(pairs):
    # Counted once, not keys.count(key) for each key: that was quadratic in the ledger's
    # size (20 000 entries took 3.3 s to load, at each build and each publish).
    counts = Counter(key for key, _value in pairs)
    for key, _value in pairs:
        if counts[key] > 1:
            raise ValueError(f"the key {key!r} appears twice")
    return dict(pairs)


def _checked_entries(path, data):
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise _broken(
            path,
            _(
                'is not a version {version} ledger (expected {{"version": 1, "posts": {{...}}}})'
            ).format(version=VERSION),
        )
    posts = data.get("posts")
    if not isinstance(posts, dict):
        raise _broken(path, _('has no "posts" object'))
    for post_id, item in posts.items():
        problem = _entry_problem(item)
        if problem:
            raise _broken(
                path,
                _("has a bad entry for {post!r}: {problem}").format(post=post_id, problem=problem),
            )
    return posts


def _entry_problem(item):
    if not isinstance(item, dict):
        return "it is not an object"
    for field in TEXT_FIELDS:
        if not isinstance(item.get(field), str) or not item[field]:
            return f'"{field}" is missing or not a text'
    for field in ("save_as", "date", "slug"):  # recorded since Carnet keeps emailed addresses
        if field in item and not isinstance(item[field], str):
            return f'"{field}" must be a text'
    if item.get("campaign_id") is not None and not isinstance(item["campaign_id"], str):
        return '"campaign_id" must be a text or null'
    for field in ("sent_at", "date"):  # compared with the clock and other aware dates
        if field not in item:
            continue
        try:
            moment = datetime.fromisoformat(item[field])
        except ValueError:
            return f'"{field}" is not an ISO date and time: {item[field]!r}'
        if moment.tzinfo is None:
            return f'"{field}" has no time zone: {item[field]!r}'
    return None
