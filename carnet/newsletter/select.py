"""Which posts the next run emails, which it only records, and which went out already.

A post is new when it is published (the manifest holds nothing else), dated now or
earlier, not `Newsletter: no`, and in the ledger neither by id (its slug) nor by source
file: a post whose title, slug or file name was edited after it went out is not sent again.

The first run on a blog that has posts already (no ledger yet) records them all as sent
and emails nothing, unless CARNET_NEWSLETTER_SINCE names the day from which posts count
as new. Posts dated before that day are never emailed.
"""

from dataclasses import dataclass, field
from datetime import date

from carnet.newsletter.errors import NewsletterError


@dataclass
class Plan:
    new: list = field(default_factory=list)  # to email now, oldest first
    baseline: list = field(default_factory=list)  # to record as already sent, unsent
    sent: list = field(default_factory=list)  # (post, ledger entry) already in the ledger
    site_only: list = field(default_factory=list)  # Newsletter: no
    notes: list = field(default_factory=list)  # one line each, worth telling the author


def plan(posts, entries, *, first_run, since, now):
    """Sort `posts` (manifest.Post, oldest first) against the ledger `entries`."""
    since_day = parse_since(since)
    by_source = {item["source"]: item for item in entries.values()}
    result = Plan()
    for post in posts:
        entry = by_source.get(post.source) or entries.get(post.id)
        if entry is not None:
            if entry["source"] != post.source:
                result.notes.append(
                    f"{post.source}: counted as already sent, because a post with the same "
                    f"slug ({post.id}) went out from {entry['source']}"
                )
            result.sent.append((post, entry))
        elif post.site_only:
            result.site_only.append(post)
        elif post.date > now:
            continue  # not out yet: a later run will send it
        elif (since_day and post.date.date() < since_day) or (first_run and not since_day):
            result.baseline.append(post)
        else:
            result.new.append(post)
    return result


def parse_since(value):
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise NewsletterError(
            f"CARNET_NEWSLETTER_SINCE must be a day like 2021-09-01, not {value!r}"
        ) from None
