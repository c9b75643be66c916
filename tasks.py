"""Carnet's tasks: `invoke --list` shows them, `invoke --help TASK` explains one."""

import contextlib
import errno
import os
import re
import shlex
import shutil
import signal
import sys
import traceback
from datetime import UTC, datetime

from invoke import Exit, task

from carnet import console, files, newsletter, output_record
from carnet import publish as publishing
from carnet.build import BuildFailed, BuildResult, load_settings
from carnet.build import build as run_build
from carnet.dates import long_moment
from carnet.i18n import _, decimal, ngettext, site_language, use_language
from carnet.newsletter import ledger, manifest
from carnet.newsletter.paths import project_path
from carnet.search import SearchIndexFailed, build_index
from carnet.settings_check import (
    API_KEY_DIGITS,
    SettingError,
    check_output_folder,
    check_settings,
)
from carnet.sources import source_name

ROOT = os.path.dirname(os.path.abspath(__file__))

DEV_SETTINGS = os.path.join(ROOT, "pelicanconf.py")
PROD_SETTINGS = os.path.join(ROOT, "publishconf.py")
OUTPUT = os.path.join(ROOT, "output")
# Carnet's own folder: the build's caches, publish's lock and build folder, the manifest.
CARNET_FOLDER = os.path.join(ROOT, ".carnet")
PORT = os.environ.get("CARNET_PORT", "8000")  # checked by `serve`, which uses it

# Carnet speaks the site's language from the first line it prints.
use_language(site_language(DEV_SETTINGS))


def _stop_as_on_ctrl_c(signal_number, frame):
    # Once: the same signal again ends the task at once, as it did before (a second one
    # arriving while Python shut down after the first printed a traceback).
    signal.signal(signal_number, signal.SIG_DFL)
    raise KeyboardInterrupt


# A task stopped by `kill`, a closed terminal or a service manager stops as on Ctrl-C, its
# clean-ups done: it died at once, and left for ever a copy of the whole site that
# Pagefind was indexing in the system's temporary folder, Pagefind still writing. A signal
# ignored from the start stays ignored: `nohup invoke publish &` goes on once the terminal
# is closed.
for _signal in (signal.SIGTERM, signal.SIGHUP):
    if signal.getsignal(_signal) == signal.SIG_DFL:
        signal.signal(_signal, _stop_as_on_ctrl_c)


STRICT_HELP = {"strict": "stop on any warning too, as on an error"}


def _checked_settings(settings_file, publish=False):
    """The settings, every one checked before anything is built; one line and exit 1 if not."""
    settings = _loaded_settings(settings_file)
    _check(settings, settings_file, publish)
    return settings


def _check_project_folder():
    """One line and exit 1 when the project folder's path cannot hold the site's files
    (not UTF-8 text, or too long), before anything is read or written."""
    problem = files.project_folder_problem(ROOT)
    if problem:
        console.fail(problem)
        raise Exit(code=1)


def _loaded_settings(settings_file, **options):
    """load_settings, or one line naming the settings file (and line) that Python cannot
    run, and exit 1: a typo in pelicanconf.py is the coach's, not a crash to show."""
    _check_project_folder()
    try:
        return load_settings(settings_file, **options)
    except SettingError as error:  # a setting's name or value that is wrong
        console.fail(str(error))
        raise Exit(code=1) from None
    except Exception as error:
        file, line = settings_file, None
        if isinstance(error, SyntaxError):
            file, line = error.filename or settings_file, error.lineno
            problem = error.msg
        else:
            problem = f"{type(error).__name__}: {error}"
            for frame, number in traceback.walk_tb(error.__traceback__):
                if os.path.abspath(frame.f_code.co_filename) in (DEV_SETTINGS, PROD_SETTINGS):
                    file, line = frame.f_code.co_filename, number  # the innermost line of theirs
        if API_KEY_DIGITS.search(problem):
            # A Mailchimp key pasted without quotes: Python names its digits (NameError:
            # name '3f…' is not defined). Said, never shown.
            problem = _(
                "a Mailchimp API key is on this line, and a key must not be in a settings file "
                "at all: delete it and set MAILCHIMP_API_KEY in the environment; if the file "
                "was shared, make a new key in Mailchimp (Profile → Extras → API keys)"
            )
        where = os.path.relpath(file, ROOT)
        if line:
            where = _("{file}, line {line}").format(file=where, line=line)
            message = _("{where}: Python cannot run this settings file ({problem})")
        else:
            # The file ran, and Pelican refused a value of it (PATH, THEME): not a line of
            # tasks.py, which was named.
            message = _("{where}: Pelican cannot use the settings of this file ({problem})")
        console.fail(message.format(where=where, problem=problem))
        raise Exit(code=1) from None


def _check(settings, settings_file, publish=False):
    try:
        check_settings(
            settings, settings_file, production=settings_file == PROD_SETTINGS, publish=publish
        )
        check_output_folder(OUTPUT, settings.get("OUTPUT_RETENTION"))
    except SettingError as error:
        console.fail(str(error))
        raise Exit(code=1) from None


def _refuse_files_not_written_by_carnet(retention):
    """One line and exit 1 when output/ holds a file no task of Carnet wrote there (a CNAME,
    notes), other than those `retention` keeps: the command about to run would delete it
    (carnet/output_record.py)."""
    found = output_record.not_written_by_carnet(OUTPUT, CARNET_FOLDER, retention)
    if not found:
        return
    line = _(
        "output/{path}: Carnet did not write this file, and this command would delete it "
        "(output/ holds the site Carnet builds, which replaces it): move it out of output/ "
        "(a file the site must serve as it is, a CNAME, goes in content/extra/), then run "
        "the command again"
    ).format(path=found[0])
    if len(found) > 1:
        others = len(found) - 1
        line += ngettext(" ({count} other file too)", " ({count} other files too)", others).format(
            count=others
        )
    console.fail(line)
    raise Exit(code=1)


def _check_writable(*folders):
    """One line and exit 1 when Carnet may not write in one of `folders` (made when
    missing), before anything is built: not a traceback, or Pelican's line for every file
    of output/ it could not delete, halfway through."""
    for folder in folders:
        problem = files.unwritable_folder_problem(folder, ROOT)
        if problem:
            console.fail(problem)
            raise Exit(code=1)


def _build(settings_file, what, strict=False, output_path=OUTPUT, overrides=None, checked=False):
    settings = None if checked else _checked_settings(settings_file)
    _check_writable(output_path, CARNET_FOLDER)
    if output_path != OUTPUT:  # publish's own folder, under .carnet/publish/
        return _build_into(settings, settings_file, what, strict, output_path, overrides)
    with output_record.only_writer(CARNET_FOLDER):
        return _build_into(settings, settings_file, what, strict, output_path, overrides)


def _build_into(settings, settings_file, what, strict, output_path, overrides):
    into_output = output_path == OUTPUT
    if into_output:
        _refuse_files_not_written_by_carnet(settings.get("OUTPUT_RETENTION"))
        output_record.writing(CARNET_FOLDER)
    console.step(
        _("Building the development site…")
        if what == "development"
        else _("Building the production site…")
    )
    try:
        result = run_build(
            settings_file, output_path=output_path, overrides=overrides, strict=strict
        )
    except BuildFailed as failure:
        console.problems(_failure_headline(failure, what, output_path), failure.problems)
        for warning in failure.warnings:
            console.warn(warning)
        raise Exit(code=1) from None
    if into_output:
        output_record.written(OUTPUT, CARNET_FOLDER, result.settings.get("OUTPUT_RETENTION"))
    for warning in result.warnings:
        console.warn(warning)
    built = _what_was_built(result.counts)
    folder = _shown_folder(result.output_path)
    if folder:
        console.done(_("Site built in {folder}/: {built}").format(folder=folder, built=built))
    else:
        console.done(_("Site built: {built}").format(built=built))
    return result


def _failure_headline(failure, what, output_path):
    """The line above a failed build's problems: what became of the site it was building."""
    if what != "development":
        return (
            _("The build has warnings and --strict makes them errors, nothing was published:")
            if failure.strict
            else _("The build failed, nothing was published:")
        )
    # A development build publishes nothing, ever: what matters is its folder, which it
    # writes in place as it goes (plugin page_reuse removes the pages it did not write at
    # the end, instead of emptying the folder first). Warnings stop nothing, so a strict
    # build failed once the whole site was built; an error in a post, or one found once
    # every post is read, stops it before it writes anything (carnet/build.py), and a
    # crash in the theme or a plugin stops it midway.
    folder = _shown_folder(output_path)
    if failure.output_untouched:
        return _("The build failed; {folder}/ was left as it was (the last site built):").format(
            folder=folder
        )
    if failure.strict:
        return _(
            "The build has warnings and --strict makes them errors; {folder}/ was built all "
            "the same:"
        ).format(folder=folder)
    return _(
        "The build failed; {folder}/ may have been rewritten all the same, in part or in full:"
    ).format(folder=folder)


def _shown_folder(path):
    """The folder a site was built in, as the coach knows it; None for publish's own folder
    under .carnet/publish/, which is gone once the site is online (or moved to output/)."""
    where = os.path.relpath(path, ROOT)
    if where.startswith(os.path.join(".carnet", "publish") + os.sep):
        return None
    return where


def _what_was_built(counts):
    """« 14 posts and 2 pages », and those left out when there are some (Pelican counts a
    post dated later as a draft until its day)."""
    posts, pages, drafts = counts["posts"], counts["pages"], counts["drafts"]
    built = _("{posts} and {pages}").format(
        posts=ngettext("{count} post", "{count} posts", posts).format(count=posts),
        pages=ngettext("{count} page", "{count} pages", pages).format(count=pages),
    )
    if drafts:
        left_out = ngettext(
            "{count} left out (a draft, or dated later)",
            "{count} left out (drafts, or dated later)",
            drafts,
        )
        built += ", " + left_out.format(count=drafts)
    return built


def _index_for_search(result):
    console.step(_("Indexing the site for search (Pagefind)…"))
    try:
        pages = build_index(result.output_path, result.settings)
    except SearchIndexFailed as failure:
        # publish stops here too: a site whose search is broken is not deployed.
        console.fail(_("Search indexing failed: {reason}").format(reason=failure))
        raise Exit(code=1) from None
    if not pages:  # the search page says the search is not available yet
        console.step(_("No post to index for search yet: no search index until the first one"))
        return
    folder = _shown_folder(result.output_path)
    pages = ngettext("{count} page", "{count} pages", pages).format(count=pages)
    if folder:
        console.done(
            _("Search index of {pages} written in {folder}/pagefind/").format(
                pages=pages, folder=folder
            )
        )
    else:
        console.done(_("Search index of {pages} written").format(pages=pages))


def _index_when_stale():
    """Index output/ for search when its index is missing or older than the site: the
    development build (and livereload) leave none, and a search page without one is broken."""
    entry = os.path.join(OUTPUT, "pagefind", "pagefind-entry.json")
    home = os.path.join(OUTPUT, "index.html")
    if os.path.exists(entry) and not (
        os.path.exists(home) and os.path.getmtime(home) > os.path.getmtime(entry)
    ):
        return
    _check_writable(os.path.join(OUTPUT, "pagefind"))
    settings = _loaded_settings(DEV_SETTINGS, output_path=OUTPUT)
    _index_for_search(BuildResult(settings, OUTPUT))


def _index_again_when_stale():
    """For `invoke serve`, asked for the search index: a build since it started removed it."""
    with contextlib.suppress(Exit):  # said already; the search page shows no results
        _index_when_stale()


@task
def clean(c):
    """Delete output/ and Carnet's build cache."""
    # Everything in output/ goes, what OUTPUT_RETENTION keeps from builds included.
    _refuse_files_not_written_by_carnet(retention=())
    # output/'s record in .carnet/ goes with it: a .carnet/ it may not write in stopped
    # clean with a traceback, once output/ was deleted.
    # Not while a build writes output/ (a build makes .carnet/ first, where the lock is).
    only_writer = contextlib.nullcontext()
    if os.path.isdir(CARNET_FOLDER):
        _check_writable(CARNET_FOLDER)
        only_writer = output_record.only_writer(CARNET_FOLDER)
    folders = (OUTPUT, os.path.join(CARNET_FOLDER, "cache"))
    with only_writer:
        for path in folders:
            shutil.rmtree(path, ignore_errors=True)
        output_record.forget(CARNET_FOLDER)
    # A folder of root's in it (a `sudo invoke serve` indexed output/) is left: said, not
    # « Removed ».
    for path in folders:
        if os.path.lexists(path):
            console.fail(
                _(
                    "{folder}/ could not be removed entirely: give yourself the right to write "
                    "in every folder of it (for folders made with sudo: sudo chown -R $USER "
                    "{folder}), then run this again"
                ).format(folder=os.path.relpath(path, ROOT))
            )
            raise Exit(code=1)
    console.done(_("Removed output/ and .carnet/cache/"))


@task(help=STRICT_HELP)
def build(c, strict=False):
    """Build the development site into output/ (relative URLs, no feeds, no search index)."""
    _build(DEV_SETTINGS, "development", strict)
    console.step(
        _("No search index in a development build: `invoke serve` indexes the site it serves")
    )


@task(clean, build)
def rebuild(c):
    """Clean, then build."""


@task
def serve(c, port=PORT):
    """Serve output/ on http://127.0.0.1:PORT (Ctrl-C stops)."""
    from carnet.serve import site_server

    _check_project_folder()
    try:
        check_output_folder(OUTPUT)  # serving indexes it for search: pagefind/ is written
    except SettingError as error:
        console.fail(str(error))
        raise Exit(code=1) from None
    if not os.path.isdir(OUTPUT):
        console.fail(_("output/ does not exist yet: run `invoke build` first"))
        raise Exit(code=1)
    _index_when_stale()
    online = _online_address(os.path.join(OUTPUT, "index.html"))
    if online:
        console.warn(
            _(
                "output/ holds the production site (`invoke publish` or `preview`): its links "
                "lead to {address}, not to this computer; to read your site here, run "
                "`invoke build` first"
            ).format(address=online)
        )
    try:
        server = site_server(OUTPUT, int(port), index_when_stale=_index_again_when_stale)
    except (ValueError, OverflowError, OSError) as error:  # not a port, or one in use
        console.fail(
            _("Port {port} cannot be used ({reason}): choose another with --port").format(
                port=port, reason=_port_problem(error)
            )
        )
        raise Exit(code=1) from None
    console.done(
        _("Serving output/ on {url} (Ctrl-C to stop)").format(url=f"http://127.0.0.1:{port}/")
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


def _online_address(home):
    """The address a production build's pages link to (its SITEURL), read from the home
    page's stylesheet link; None for a development build (relative links)."""
    try:
        with open(home, encoding="utf-8", errors="replace") as handle:
            start = handle.read(20_000)
    except OSError:
        return None
    found = re.search(r'<link rel="stylesheet" href="(https?://[^/"]+)', start)
    return found[1] if found else None


def _port_problem(error):
    """Why serve could not listen, in the site's language: the system's own words
    (« Address already in use ») are English whatever the site speaks."""
    if isinstance(error, (ValueError, OverflowError)):
        return _("a port is a whole number from 1 to 65535")
    if error.errno == errno.EADDRINUSE:
        return _("another program already uses it, perhaps an `invoke serve` still running")
    if error.errno == errno.EACCES:
        return _("a port below 1024 is reserved to the administrator")
    return error.strerror or str(error)


@task(aliases=["regenerate"])
def livereload(c):
    """Rebuild whenever content/, theme/, plugins/ or a settings file changes."""
    from carnet.watching import Watcher

    folders = [os.path.join(ROOT, p) for p in ("content", "theme", "plugins")]
    # A folder that is not there cannot be watched (the watch stopped with a traceback,
    # after the build's own line about it).
    for folder in folders:
        if not os.path.isdir(folder):
            console.fail(
                _(
                    "{folder}/ does not exist, and livereload watches it: put it back (or run "
                    "the task from the project folder), then run livereload again"
                ).format(folder=os.path.relpath(folder, ROOT))
            )
            raise Exit(code=1)
    # Watching from before the first build: a save during it builds again.
    watcher = Watcher(folders, [DEV_SETTINGS])
    try:
        # The first build too: a post left half-written when livereload last stopped is
        # the coach's to fix while it watches, not a reason to stop.
        _build_and_go_on()
        console.step(_("Watching content/, theme/, plugins/ and pelicanconf.py (Ctrl-C to stop)"))
        for _changes in watcher.changes():
            _build_and_go_on()
    finally:
        watcher.stop()


def _build_and_go_on():
    """As `invoke build` does: the settings checked, the warnings said, one line a problem;
    a failed build has said it, and the next change builds again."""
    with contextlib.suppress(Exit):
        _build(DEV_SETTINGS, "development")


@task(help=STRICT_HELP)
def preview(c, strict=False):
    """Build the production site into output/ (absolute URLs, feeds, search index)."""
    _index_for_search(_build(PROD_SETTINGS, "production", strict))


@task(help=STRICT_HELP)
def publish(c, strict=False):
    """Production build, then deploy, then send each new post as a newsletter (one at a time)."""
    settings = _checked_settings(PROD_SETTINGS, publish=True)
    try:
        target = publishing.checked_target(settings, ROOT)
        publishing.check_newsletter_has_a_site(settings, target)
        # Without a target, the site built under .carnet/publish/ is moved to output/.
        _check_writable(CARNET_FOLDER, *([OUTPUT] if target is None else []))
        if target is None:
            _refuse_files_not_written_by_carnet(settings.get("OUTPUT_RETENTION"))
        publishing.check_clock(settings)
        with (
            publishing.one_at_a_time(settings, ROOT),
            publishing.private_folder(settings, ROOT) as run,
        ):

            def build_and_put_online(after_newsletter=False):
                result = _build(
                    PROD_SETTINGS, "production", strict, run.site, run.overrides, checked=True
                )
                _index_for_search(result)
                if not after_newsletter and target is not None:  # else Mailchimp sends nothing
                    _newsletter_account_checked(c, result.settings)
                deployed = publishing.put_online(
                    result.output_path,
                    target,
                    ROOT,
                    after_newsletter=after_newsletter,
                    retention=result.settings.get("OUTPUT_RETENTION"),
                )
                return result, deployed

            result, deployed = build_and_put_online()
            provider = _given_provider(c, result.settings, deployed)
            with _letters_page_kept_current(result.settings, build_and_put_online):
                _newsletter(newsletter.run, result.settings, deployed=deployed, provider=provider)
    except publishing.Stopped:
        raise Exit(code=1) from None
    except KeyboardInterrupt:
        # Said once its clean-ups are done: it stopped without a word, and the coach could
        # not tell whether the site went online or the letters out.
        console.fail(
            _(
                "Publish stopped before its end (Ctrl-C, or a signal): publish again to finish; "
                "a post already sent is not sent again"
            )
        )
        raise Exit(code=1) from None


@contextlib.contextmanager
def _letters_page_kept_current(settings, build_and_put_online):
    """After the newsletter, build, index and deploy the site again if letters went out
    (even when a later one failed): the letters page is rendered from the ledger, which
    the newsletter writes after the first build."""
    ledger_path = project_path(settings, "CARNET_NEWSLETTER_LEDGER")

    def letters():
        try:
            return {
                key
                for key, entry in ledger.load(ledger_path).items()
                if entry["provider"] != "baseline"
            }
        except ledger.LedgerError:
            return set()  # the newsletter itself says what is wrong with it

    before = letters()
    try:
        yield
    finally:
        if letters() != before:
            console.step(_("Updating the letters page with the letters just sent…"))
            build_and_put_online(after_newsletter=True)


# --- Newsletter (the logic is in carnet/newsletter/) -----------------------------------------


def _newsletter(action, *args, **kwargs):
    """Run a carnet.newsletter function; a NewsletterError is one line and exit code 1."""
    try:
        return action(*args, **kwargs)
    except newsletter.NewsletterError as error:
        console.fail(_("Newsletter: {problem}").format(problem=error))
        raise Exit(code=1) from None


def _newsletter_account_checked(c, settings):
    """Before publish puts the site online, when there are posts to send: a Mailchimp key
    or audience Mailchimp does not know stops it, one line naming the setting."""
    try:
        newsletter.check_before_deploy(settings, _given_provider(c, settings, deployed=True))
    except newsletter.NewsletterError as error:
        console.fail(_("Newsletter: {problem}; nothing was deployed or sent").format(problem=error))
        raise Exit(code=1) from None


def _given_provider(c, settings, deployed):
    """The provider given through invoke's configuration (carnet.provider_factory, a
    function of the settings and `deployed`: the benchmark counts its calls), else None:
    the settings and the environment choose (carnet/newsletter/providers/)."""
    make = c.config.get("carnet", {}).get("provider_factory")
    return make(settings, deployed) if make else None


def _production_settings(sends=False):
    """(the production settings, checked; the files changed since the last production
    build), for a task that reads what that build left (the newsletter manifest): no build
    here. Says when that build is older than a post or a settings file. sends: the task
    e-mails, so the Mailchimp environment is checked as publish checks it."""
    settings = _loaded_settings(PROD_SETTINGS)
    _check(settings, PROD_SETTINGS, publish=sends)
    newer = manifest.newer_sources(settings, also=[PROD_SETTINGS, DEV_SETTINGS])
    if newer:
        console.warn(
            _(
                "{path} changed after the last production build: the e-mails are that "
                "build's; run `invoke preview` to see the change"
            ).format(path=newer[0])
        )
    return settings, newer


@task(help={"slug": "the post (default: the next one to be sent, else the newest)"})
def newsletter_preview(c, slug=""):
    """Render a post's email to .carnet/newsletter-preview/; print its path and size."""
    settings, _changed = _production_settings()
    path, email = _newsletter(newsletter.preview, settings, slug)
    console.done(
        _("{path} ({size} KB of HTML), subject « {subject} »").format(
            path=os.path.relpath(path, ROOT), size=decimal(email.size / 1024), subject=email.subject
        )
    )


@task(
    help={
        "to": "the address to send the test to",
        "slug": "the post (default: as newsletter-preview)",
    }
)
def newsletter_test(c, to="", slug=""):
    """Send a post's email to one address only, subject prefixed « [TEST] »."""
    # Not a required argument: invoke would say it is missing in English.
    if not to:
        console.fail(_("newsletter-test needs the address to send to: --to ADDRESS"))
        raise Exit(code=1)
    settings, _changed = _production_settings(sends=True)
    where = _newsletter(newsletter.send_test, settings, to, slug)
    console.done(_("Test e-mail sent: {where}").format(where=where))


@task
def newsletter_status(c):
    """What the next publish would send, and what was sent."""
    settings, changed = _production_settings()
    report = _newsletter(newsletter.status, settings)
    plan = report.plan
    if plan.new:
        console.step(
            ngettext(
                "The next publish sends {count} post through {provider}:",
                "The next publish sends {count} posts through {provider}:",
                len(plan.new),
            ).format(count=len(plan.new), provider=report.provider)
        )
        for post in plan.new:
            console.step(
                f"  {post.date:%Y-%m-%d} « {post.title} » ({source_name(settings, post.source)})"
            )
    elif changed:
        # Said after the warning above: a post written since is not counted yet.
        console.warn(
            _(
                "The last production build has no new post; what changed since is not "
                "counted: `invoke preview`, then this again"
            )
        )
    else:
        console.done(_("The next publish sends nothing: no new post"))
    if plan.baseline:
        console.step(
            ngettext(
                "It records {count} older post as already sent, without e-mailing it",
                "It records {count} older posts as already sent, without e-mailing them",
                len(plan.baseline),
            ).format(count=len(plan.baseline))
        )
    if plan.site_only:
        console.step(
            ngettext(
                "{count} post is site-only (Newsletter: no)",
                "{count} posts are site-only (Newsletter: no)",
                len(plan.site_only),
            ).format(count=len(plan.site_only))
        )
    sent = sorted(report.entries.values(), key=lambda entry: entry["sent_at"])
    counted = [entry for entry in sent if entry["provider"] == "baseline"]
    if counted:
        console.step(
            ngettext(
                "{count} post was counted as sent when the newsletter started",
                "{count} posts were counted as sent when the newsletter started",
                len(counted),
            ).format(count=len(counted))
        )
    outbox = os.path.relpath(project_path(settings, "CARNET_NEWSLETTER_OUTBOX"), ROOT)
    now = datetime.now(UTC)
    for entry in sent:
        if entry["provider"] == "baseline":
            continue
        sent_at = datetime.fromisoformat(entry["sent_at"])
        # A scheduled send is in the ledger from when it was scheduled (never scheduled
        # twice), at the time it goes out: until then, it is not sent yet.
        scheduled = sent_at > now
        if entry["provider"] == "outbox":
            # Not « Sent … via outbox »: without Mailchimp nothing leaves the computer.
            line = _("Written {when} « {title} » to {path} (the outbox: not sent)")
        elif entry["provider"] == "mailchimp" and scheduled:
            line = _("Scheduled for {when} « {title} » through Mailchimp (campaign {campaign})")
        elif entry["provider"] == "mailchimp":
            line = _("Sent {when} « {title} » through Mailchimp (campaign {campaign})")
        elif scheduled:
            line = _("Scheduled for {when} « {title} » via {provider} ({campaign})")
        else:
            line = _("Sent {when} « {title} » via {provider} ({campaign})")
        console.step(
            line.format(
                # The ledger keeps UTC; the coach reads the site's own time.
                when=long_moment(sent_at, settings),
                title=entry["title"],
                provider=entry["provider"],
                campaign=entry["campaign_id"],
                path=os.path.join(outbox, f"{entry['campaign_id']}.eml"),
            )
        )


@task(
    help={
        "rounds": "how many randomized fault rounds (at least 200 for the real check)",
        "seed": "random seed",
    }
)
def stress(c, rounds=200, seed=0):
    """Randomized fault runs against the Mailchimp stand-in; prints duplicates and lost posts."""
    env = {"CARNET_STRESS_ROUNDS": str(rounds), "CARNET_STRESS_SEED": str(seed)}
    test = os.path.join(ROOT, "tests", "newsletter", "test_stress.py")
    # Quoted for the shell c.run uses: the project may be in « Mes Documents ».
    c.run(
        shlex.join([sys.executable, "-m", "pytest", test, "-q", "-p", "no:cacheprovider"]), env=env
    )


@task(
    help={
        "posts": "number of posts in the synthetic corpus (default 1000)",
        "sizes": "several corpus sizes at once, e.g. 100,1000,5000 (overrides --posts)",
        "runs": "runs of each step; the table shows medians (default 3)",
        "strict": "exit with code 1 when a target is missed",
    }
)
def bench(c, posts=1000, sizes="", runs=3, strict=False):
    """Time Carnet against vanilla Pelican on a synthetic corpus; see bench/README.md."""
    from bench.run import parse_sizes
    from bench.run import run as run_bench

    chosen = parse_sizes(sizes) if sizes else [int(posts)]
    command = f"invoke bench --sizes {','.join(map(str, chosen))} --runs {runs}"
    report = run_bench(chosen, int(runs), command=command)
    if strict and any(check["verdict"] == "FAIL" for check in report["targets"]):
        raise Exit(code=1)


# --- Reader reactions (the logic is in carnet/reactions.py) ----------------------------------


@task(
    help={
        "slug": "the post the e-mails answer (the end of its address: qu-est-ce-que-l-ecoute)",
        "path": "an .eml file, an mbox, a folder of .eml files, or a quoted pattern ('*.eml')",
        "name": "the name to show (default: the sender's first name)",
        "with-email": "also write the reader's e-mail address (only if she asked for it)",
        "draft": "write Status: draft (kept off the site until you change it)",
    }
)
def reaction_add(c, slug, path, name="", with_email=False, draft=False):
    """Turn readers' e-mail replies into reactions shown under a post (content/reactions/)."""
    import glob

    from carnet import reactions

    settings = _loaded_settings(DEV_SETTINGS)
    use_language(settings.get("DEFAULT_LANG"))
    # A saved e-mail is often named after its subject, « Re_ [Carnet de coach] Un an.eml »:
    # a file that exists is that file, not a pattern (« [Carnet de coach] » matched none).
    is_pattern = glob.has_magic(path) and not os.path.exists(path)
    paths = sorted(glob.glob(path)) if is_pattern else [path]
    if not paths:
        console.fail(_("{path}: no such file").format(path=path))
        raise Exit(code=1)
    try:
        written, already, private = reactions.add_reactions(
            settings, slug, paths, name=name or None, with_email=with_email, draft=draft
        )
    except reactions.ReactionError as error:
        for line in str(error).splitlines():
            console.fail(line)
        console.fail(_("No reaction written."))
        raise Exit(code=1) from None
    for target in already:
        console.step(_("Already added: {path}").format(path=os.path.relpath(target, ROOT)))
    for target in written:
        console.done(_("Reaction written: {path}").format(path=os.path.relpath(target, ROOT)))
    for target, details in private:
        console.warn(
            _(
                "{path}: its text holds {details}, so it is written as a draft: remove what "
                "the reader would not want on the site, then write Status: published"
            ).format(
                path=os.path.relpath(target, ROOT),
                details=", ".join(f"« {detail} »" for detail in details),
            )
        )
    if written:
        console.step(_("Read it, edit it if you like, then build: it shows under the post."))
