"""The newsletter: email each new post once, after the production build and the deploy.

select (manifest + ledger → new posts) → render (post → Email) → deliver (a provider:
Mailchimp, or the outbox) → record (ledger, only after the provider confirmed).

Exactly once: a post enters the ledger only after its provider confirmed the send, so a
crash before that leaves it pending; the provider recognises its own earlier send of a
pending post (Mailchimp: the campaign titled "carnet:SLUG" is sent or sending; outbox: the
same file name), so sending it "again" after a crash delivers nothing twice. The post being
sent is written down first (.carnet/newsletter-sending.json), as it is then: if the coach
retitles it before the next run, its slug (and so its campaign's title) changes, and the
next run still asks the provider about the post as it was sent. A lock keeps
two runs from working at once, and every email is rendered and checked before the first is
sent, so a post that breaks a rule stops the run before anything goes out.

Every problem is a NewsletterError whose message is one line naming the post or file.
"""

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from carnet import console, files
from carnet.defaults import setting
from carnet.i18n import _, ngettext
from carnet.newsletter import ledger, lock, manifest, providers, select
from carnet.newsletter.errors import NewsletterError
from carnet.newsletter.paths import lock_path, project_folder, project_path, sending_path
from carnet.posts import Post
from carnet.sources import source_name

__all__ = ["Status", "check_before_deploy", "preview", "run", "send_test", "status"]


def check_before_deploy(settings, provider=None):
    """Before publish puts the site online, when there are posts to send: the provider's
    account (Mailchimp's key and audience), and each post's subject line (Mailchimp refuses
    a long one), so that a wrong one stops the publish before anything goes out.
    `provider`: as for run. Raises NewsletterError. Anything else the newsletter would
    refuse (a corrupt ledger, a post it cannot tell apart, an email too big) it says after
    the deploy, as before: the site goes online without the letters."""
    try:
        _entries, plan = _plan(settings, project_path(settings, "CARNET_NEWSLETTER_LEDGER"))
    except NewsletterError:
        return
    if plan.new:
        from carnet.newsletter import render  # as in _rendered: the letters render next

        for post in plan.new:
            render.email_subject(post, settings)
        (provider or providers.choose(settings, deployed=True)).check_account()


def run(settings, deployed, provider=None):
    """Send every new post once; return the select.Plan that was carried out.

    `settings` are the production build's; `deployed` says whether the site went online
    (Mailchimp refuses to send links to a site that did not). `provider`: by default the
    one providers.choose makes from the settings and the environment. Raises
    NewsletterError.
    """
    ledger_path = project_path(settings, "CARNET_NEWSLETTER_LEDGER")
    provider = provider or providers.choose(settings, deployed)
    with lock.hold(lock_path(settings), setting(settings, "CARNET_NEWSLETTER_LOCK_WAIT")):
        _record_interrupted_send(settings, ledger_path, provider)
        # Read under the lock: a run that waited for another sees what that one sent.
        first_run = not os.path.exists(ledger_path)
        entries, plan = _plan(settings, ledger_path)
        for note in plan.notes:
            console.warn(note)
        emails = {post.id: _rendered(post, settings) for post in plan.new}
        if plan.new:
            provider.check()
        if _follow_moved_posts(plan):
            ledger.save(ledger_path, entries)
        if ledger.has_conflict_markers(ledger_path):
            ledger.save(ledger_path, entries)
            console.done(
                _(
                    "Newsletter: {name} had git merge-conflict markers (two computers "
                    "published); it now holds both versions, and no post is sent twice: "
                    "finish the merge with `git add {name}`, then `git commit`"
                ).format(name=os.path.basename(ledger_path))
            )
        if plan.baseline or first_run:
            for post in plan.baseline:
                entries[post.id] = ledger.entry(post, "baseline", None, datetime.now(UTC))
            ledger.save(ledger_path, entries)
            _say_baseline(plan, settings)
        for post in plan.new:
            files.write_atomically(sending_path(settings), json.dumps(post.to_json()))
            delivery = provider.deliver(post, emails[post.id])
            entries[post.id] = ledger.entry(
                post, provider.name, delivery.campaign_id, delivery.sent_at
            )
            ledger.save(ledger_path, entries)
            console.done(
                _("Newsletter: « {title} » ({path}) {where}").format(
                    title=post.title,
                    path=source_name(settings, post.source),
                    where=provider.describe(delivery),
                )
            )
        if plan.new:
            os.remove(sending_path(settings))
        else:
            console.done(_("Newsletter: nothing new to send"))
    return plan


@dataclass
class Status:
    plan: select.Plan
    entries: dict  # the ledger
    provider: str


def status(settings):
    """What the next publish would send, and what went out (reads, changes nothing)."""
    entries, plan = _plan(settings, project_path(settings, "CARNET_NEWSLETTER_LEDGER"))
    # The label is marked for translation in the provider's class (N_).
    provider = _(providers.provider_class(providers.chosen_name(settings)).label)
    return Status(plan, entries, provider)


def preview(settings, slug=None):
    """Render one post's email to .carnet/newsletter-preview/SLUG.html (and .txt).

    The post is `slug`, else the next one to be sent, else the newest. Returns (path, email).
    """
    post = _pick(settings, slug)
    email = _rendered(post, settings)
    folder = os.path.join(os.path.dirname(manifest.path(settings)), "newsletter-preview")
    # A folder made with sudo (or a read-only project) stopped it with a traceback.
    problem = files.unwritable_folder_problem(folder, project_folder(settings))
    if problem:
        raise NewsletterError(problem)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, post.id + ".html")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(email.html)
    with open(os.path.join(folder, post.id + ".txt"), "w", encoding="utf-8") as handle:
        handle.write(email.text)
    return path, email


def send_test(settings, to, slug=None, provider=None):
    """The provider's test send of one post to `to`, subject « [TEST] … ». Where it went."""
    post = _pick(settings, slug)
    email = _rendered(post, settings, test=True)
    # A test goes to the author, not to subscribers: it does not need a deployed site.
    provider = provider or providers.choose(settings, deployed=True)
    return provider.send_test(post, email, to)


def _record_interrupted_send(settings, ledger_path, provider):
    """Record the post an interrupted run was sending, if its provider delivered it: with
    its slug and address of then (the coach may have retitled it since, and a new slug
    is a new campaign title), so that it is not sent again and its address is kept."""
    path = sending_path(settings)
    try:
        with open(path, encoding="utf-8") as handle:
            post = Post.from_json(json.load(handle))
    except FileNotFoundError:
        return
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise NewsletterError(
            _("{path} cannot be read ({reason}): delete it, then publish again").format(
                path=path, reason=error
            )
        ) from None
    entries = ledger.load(ledger_path)
    # Recorded before the run stopped, or still the same post: its delivery finds the
    # earlier send itself.
    unchanged = any(
        (other.id, other.date) == (post.id, post.date) for other in manifest.read(settings)
    )
    if post.id not in entries and not unchanged:
        delivery = provider.find(post)
        if delivery is not None:
            entries[post.id] = ledger.entry(
                post, provider.name, delivery.campaign_id, delivery.sent_at
            )
            ledger.save(ledger_path, entries)
            console.done(
                _(
                    "Newsletter: « {title} » ({path}) went out before the last publish "
                    "stopped; it is recorded now, not sent again"
                ).format(title=post.title, path=source_name(settings, post.source))
            )
    os.remove(path)


def _plan(settings, ledger_path):
    """The ledger's entries, and the select.Plan of the posts in the manifest."""
    entries = ledger.load(ledger_path)
    plan = select.plan(
        manifest.read(settings),
        entries,
        first_run=not os.path.exists(ledger_path),
        since=setting(settings, "CARNET_NEWSLETTER_SINCE"),
        now=datetime.now(UTC),
        name=lambda source: source_name(settings, source),
    )
    return entries, plan


def _follow_moved_posts(plan):
    """Point the ledger at what each sent post is now: its file, slug, title and date (its
    emailed address stays recorded); True if any changed. The next run finds the post by
    any of these as this run saw them: a post retitled in one publish and renamed in the
    next, or redated then renamed and retitled, is still the one that went out."""
    moved = False
    for post, entry in plan.sent:
        now = ledger.identity(post)
        if any(entry.get(field) != value for field, value in now.items()):
            entry.update(now)
            moved = True
    return moved


def _pick(settings, slug):
    posts = manifest.read(settings)
    if slug:
        for post in posts:
            if post.id == slug:
                return post
        raise NewsletterError(_("No published post has the slug {slug!r}").format(slug=slug))
    if not posts:
        raise NewsletterError(_("The site has no published post yet"))
    pending = status(settings).plan.new
    return pending[0] if pending else posts[-1]


def _rendered(post, settings, test=False):
    # Imported here, not above: the e-mail's libraries (lxml, inscriptis, css_inline: 6 MB)
    # are only needed when an e-mail is rendered.
    from carnet.newsletter import render

    email = render.render(post, settings, test=test)
    for warning in email.warnings:
        console.warn(warning)
    return email


def _say_baseline(plan, settings):
    since = setting(settings, "CARNET_NEWSLETTER_SINCE")
    if not plan.baseline:
        console.done(_("Newsletter: ledger started; posts published from now on will be e-mailed"))
    elif since:
        console.done(
            ngettext(
                "Newsletter: {count} post dated before {since} recorded as already sent, "
                "not e-mailed (CARNET_NEWSLETTER_SINCE)",
                "Newsletter: {count} posts dated before {since} recorded as already sent, "
                "not e-mailed (CARNET_NEWSLETTER_SINCE)",
                len(plan.baseline),
            ).format(count=len(plan.baseline), since=since)
        )
    else:
        console.done(
            ngettext(
                "Newsletter: first run, {count} existing post recorded as already sent and "
                "not e-mailed; posts published from now on will be (CARNET_NEWSLETTER_SINCE "
                "can choose an earlier day)",
                "Newsletter: first run, {count} existing posts recorded as already sent and "
                "not e-mailed; posts published from now on will be (CARNET_NEWSLETTER_SINCE "
                "can choose an earlier day)",
                len(plan.baseline),
            ).format(count=len(plan.baseline))
        )
