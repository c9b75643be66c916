"""Which posts the next run emails, which it only records, and which went out already.

A post is new when it is published (the manifest holds nothing else), dated now or
earlier, not `Newsletter: no`, and in the ledger neither by source file, nor by id (its
slug), nor by title and date: a post whose title, slug or file name was edited after it
went out is not sent again, nor is one renamed and retitled at once (same date, close
title); when a post may or may not be a sent one, the run stops and asks (ledger.match).

The first run on a blog that has posts already (no ledger yet) records them all as sent
and emails nothing, unless CARNET_NEWSLETTER_SINCE names the day from which posts count
as new. Posts dated before that day are never emailed.
"""

from dataclasses import dataclass, field
from datetime import date

from carnet.i18n import _
from carnet.newsletter import ledger
from carnet.newsletter.errors import NewsletterError


@dataclass
class Plan:
    new: list = field(default_factory=list)  # to email now, oldest first
    baseline: list = field(default_factory=list)  # to record as already sent, unsent
    sent: list = field(default_factory=list)  # (post, ledger entry) already in the ledger
    site_only: list = field(default_factory=list)  # Newsletter: no
    notes: list = field(default_factory=list)  # one line each, worth telling the author


def plan(posts, entries, *, first_run, since, now, name=str):
    """Sort `posts` (manifest.Post, oldest first) against the ledger `entries`.

    `name` turns a post's source (relative to the content folder) into the path the notes
    show the coach (carnet.sources.source_name: from the project folder)."""
    since_day = parse_since(since)
    found = ledger.match(
        entries,
        (
            (number, post.source, post.id, post.title, post.date.isoformat())
            for number, post in enumerate(posts)
        ),
    )
    result = Plan()
    for number, post in enumerate(posts):
        entry, how = found.get(number, (None, None))
        if how == "unsure" and (post.site_only or post.date > now):
            entry, how = None, None  # not emailed now: nothing to decide yet
        if how == "unsure":
            # Sending might email that post twice; not sending might skip a new one.
            raise NewsletterError(
                _(
                    "{path}: it has the date of « {title} », emailed from {other}, whose file "
                    "and address are gone; nothing was sent. If it is that post, add "
                    "`Slug: {slug}` (its emailed address); if it is a new post, give it a "
                    "time of its own in Date:. Then publish again."
                ).format(
                    path=name(post.source),
                    title=entry["title"],
                    other=name(entry["source"]),
                    slug=_slug_of(entries, entry),
                )
            )
        if entry is not None:
            if how == "moved":
                result.notes.append(
                    _(
                        "{path}: counted as already sent: it is « {title} », emailed from "
                        "{other}, renamed and retitled (same date, close title)"
                    ).format(
                        path=name(post.source), title=entry["title"], other=name(entry["source"])
                    )
                )
            elif how == "slug":
                result.notes.append(
                    _(
                        "{path}: counted as already sent, because a post with the same "
                        "slug ({slug}) went out from {other}"
                    ).format(path=name(post.source), slug=post.id, other=name(entry["source"]))
                )
            elif how == "title and date":
                result.notes.append(
                    _(
                        "{path}: counted as already sent, because a post with the same "
                        "title and date went out from {other}"
                    ).format(path=name(post.source), other=name(entry["source"]))
                )
            result.sent.append((post, entry))
        elif post.id in entries:
            # Its slug is the ledger's (and Mailchimp's) name of another post, sent before
            # and since renamed: sending would mix the two up.
            result.notes.append(
                _(
                    "{path}: not emailed, because its slug ({slug}) is that of {other}, "
                    "already emailed; give it a Slug: of its own"
                ).format(
                    path=name(post.source), slug=post.id, other=name(entries[post.id]["source"])
                )
            )
        elif post.site_only:
            result.site_only.append(post)
        elif post.date > now:
            continue  # not out yet: a later run will send it
        elif (since_day and post.date.date() < since_day) or (first_run and not since_day):
            result.baseline.append(post)
        else:
            result.new.append(post)
    return result


def _slug_of(entries, entry):
    return next(slug for slug, item in entries.items() if item is entry)


def parse_since(value):
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise NewsletterError(
            _("CARNET_NEWSLETTER_SINCE must be a day like 2021-09-01, not {value!r}").format(
                value=value
            )
        ) from None
