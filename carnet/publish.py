"""`invoke publish` as one whole: checked target, one publish at a time, a private build.

- The deploy target is checked before anything is built (carnet.deploy.check_target),
  and so is that there is one when Mailchimp sends the newsletter.
- One lock, .carnet/publish.lock, is held from before the build until the newsletter is
  sent: a second publish waits for the first (CARNET_NEWSLETTER_LOCK_WAIT seconds at most,
  saying so), then stops with a clear message, having done nothing.
- Each publish builds into a folder of its own under .carnet/publish/ (the site and the
  newsletter's manifest), so no other build, publish or preview can change what it deploys
  and emails. Without a deploy target, the site is then moved to output/.
"""

import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from carnet import console, output_record
from carnet.dates import long_moment
from carnet.defaults import setting
from carnet.deploy import DeployFailed, DeployRefused, check_target, deploy, deploy_target
from carnet.i18n import _
from carnet.newsletter import ledger, lock, providers
from carnet.newsletter.paths import project_folder, project_path


class Stopped(Exception):
    """The coach was told why on one line; the task exits with code 1."""


def check_clock(settings):
    """Stopped when the ledger holds a post dated later than the clock: the clock went
    back (a machine without a battery, a wrong time zone), and the build would leave
    that post out, breaking the address it was e-mailed with."""
    path = project_path(settings, "CARNET_NEWSLETTER_LEDGER")
    try:
        entries = ledger.load(path)
    except ledger.LedgerError:
        return  # the build says what is wrong with it
    now = datetime.now(UTC)
    for entry in entries.values():
        if entry.get("date") and datetime.fromisoformat(entry["date"]) > now:
            console.fail(
                _(
                    "{ledger} records « {title} », dated {date}, as published, but this "
                    "computer's clock says {now}: set the clock right, then publish again; "
                    "nothing was built, deployed or sent"
                ).format(
                    ledger=os.path.relpath(path, project_folder(settings)),
                    title=entry["title"],
                    date=long_moment(datetime.fromisoformat(entry["date"]), settings),
                    now=long_moment(now, settings),
                )
            )
            raise Stopped


def checked_target(settings, project):
    """The carnet.deploy.Target to deploy to, None when none is set; Stopped if refused."""
    text = deploy_target(settings)
    if not text:
        return None
    try:
        return check_target(text, project)
    except DeployRefused as reason:
        console.fail(
            _("Deploy target refused, nothing was built, deployed or sent: {reason}").format(
                reason=reason
            )
        )
        raise Stopped from None


def check_newsletter_has_a_site(settings, target):
    """Stopped when Mailchimp would send and there is no deploy target: its e-mails link to
    the site online, so it sends nothing for a site left in output/ (the provider refuses
    it, carnet/newsletter/providers/mailchimp.py), which publish said after the whole
    build. Said before it instead."""
    if target is None and providers.chosen_name(settings) == "mailchimp":
        console.fail(
            _(
                "CARNET_DEPLOY_TARGET is not set, so the site would not go online and "
                "Mailchimp (MAILCHIMP_API_KEY is set) would send nothing: subscribers would get "
                "links to pages that are not online; set a deploy target, or unset "
                "MAILCHIMP_API_KEY to write the outbox instead; nothing was built or sent"
            )
        )
        raise Stopped


@contextmanager
def one_at_a_time(settings, project):
    """Hold the publish lock for the `with` block; Stopped when the wait is over."""
    wait = setting(settings, "CARNET_NEWSLETTER_LOCK_WAIT")
    waiting = _("Another publish ({holder}) is running; waiting for it (at most {wait:g} s)…")
    busy = _(
        "Another publish ({holder}) is still running; this one built, deployed and sent "
        "nothing. Publish again when it has finished."
    )
    try:
        with lock.hold(
            os.path.join(project, ".carnet", "publish.lock"),
            wait,
            waiting=waiting.replace("{wait:g}", f"{wait:g}"),
            busy=busy,
        ):
            yield
    except lock.Busy as error:
        console.fail(str(error))
        raise Stopped from None


@dataclass(frozen=True)
class Folder:
    site: str  # where this publish builds the site
    overrides: dict  # settings for its build: its own newsletter manifest and content cache


@contextmanager
def private_folder(settings, project):
    """A build folder of this publish's own, removed at the end (call it under the lock).

    Its newsletter manifest is then moved to the usual place (CARNET_NEWSLETTER_MANIFEST),
    where the newsletter tasks and the benchmark find the last production build's."""
    base = os.path.join(project, ".carnet", "publish")
    os.makedirs(base, exist_ok=True)
    # Under the lock, any other run's folder is left over from a publish that was killed.
    for name in os.listdir(base):
        if name.startswith("run-"):
            shutil.rmtree(os.path.join(base, name), ignore_errors=True)
    folder = tempfile.mkdtemp(prefix="run-", dir=base)
    manifest = os.path.join(folder, "newsletter-manifest.json")
    # Its content cache too: the folder's name is in the settings the cache is kept for,
    # so each publish had a new cache in .carnet/cache/, which pushed out the development
    # build's (plugin content_cache keeps the last four).
    overrides = {
        "CARNET_NEWSLETTER_MANIFEST": manifest,
        "CACHE_PATH": os.path.join(folder, "cache"),
    }
    try:
        yield Folder(os.path.join(folder, "site"), overrides)
    finally:
        if os.path.exists(manifest):
            usual = project_path(settings, "CARNET_NEWSLETTER_MANIFEST")
            os.makedirs(os.path.dirname(usual), exist_ok=True)
            shutil.move(manifest, usual)
        shutil.rmtree(folder, ignore_errors=True)


def put_online(output_path, target, project, after_newsletter=False, retention=()):
    """Deploy the built site to `target`; True once it is online. Stopped if it failed.
    The site's folder is this publish's own: a local target takes it as it is (moved).

    Without a target the site is moved to output/ (for `invoke serve`) and False returned;
    what `retention` (OUTPUT_RETENTION) names in output/ stays there, as a build keeps it,
    unless the site holds a file of the same name."""
    if target is None:
        if not after_newsletter:  # said once a publish, not again with the letters page
            console.warn(
                _(
                    "No deploy target: the site stays in output/. To put it online, set "
                    "CARNET_DEPLOY_TARGET in publishconf.py (not in pelicanconf.py, which "
                    "publishconf.py overrides), or in the environment"
                )
            )
        carnet_folder = os.path.join(project, ".carnet")
        with output_record.only_writer(carnet_folder):  # not while a build writes it
            return _moved_to_output(output_path, project, carnet_folder, retention)
    console.step(_("Deploying to {target}…").format(target=target.text))
    try:
        deploy(output_path, target, move=True, carnet_folder=os.path.join(project, ".carnet"))
    except DeployFailed as failure:
        if after_newsletter:
            message = _("Deploy failed, the letters page online is not up to date: {reason}")
        else:
            message = _("Deploy failed, no newsletter sent: {reason}")
        console.fail(message.format(reason=failure))
        raise Stopped from None
    console.done(_("Deployed to {target}").format(target=target.text))
    if target.inside:
        console.step(
            _(
                "Its folder is not writable, or it is a mount point, so the releases are kept "
                "inside it: the web server must serve {served}"
            ).format(served=target.served)
        )
    return True


def _moved_to_output(output_path, project, carnet_folder, retention):
    """put_online without a target: the site built replaces output/, under its lock."""
    output = os.path.join(project, "output")
    output_record.writing(carnet_folder)
    for name in retention or ():
        kept = os.path.join(output, name)
        if os.path.lexists(kept) and not os.path.lexists(os.path.join(output_path, name)):
            os.rename(kept, os.path.join(output_path, name))
    shutil.rmtree(output, ignore_errors=True)
    try:
        os.rename(output_path, output)
    except OSError:
        # Something deep in output/ it may not remove (publish checked output/ and the
        # folders in it before building).
        console.fail(
            _(
                "output/ could not be emptied to receive the site just built: give "
                "yourself the right to write in every folder of it (for folders made "
                "with sudo: sudo chown -R $USER output), then publish again"
            )
        )
        raise Stopped from None
    output_record.written(output, carnet_folder, retention)
    return False
