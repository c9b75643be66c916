"""Carnet's tasks: `invoke --list` shows them, `invoke --help TASK` explains one."""

import os
import shutil
import sys

from invoke import Exit, task

from carnet import console, newsletter
from carnet.build import BuildFailed, load_settings
from carnet.build import build as run_build
from carnet.deploy import DeployFailed, deploy_target
from carnet.deploy import deploy as run_deploy
from carnet.i18n import _
from carnet.newsletter import manifest
from carnet.search import SearchIndexFailed, build_index

ROOT = os.path.dirname(os.path.abspath(__file__))

DEV_SETTINGS = os.path.join(ROOT, "pelicanconf.py")
PROD_SETTINGS = os.path.join(ROOT, "publishconf.py")
OUTPUT = os.path.join(ROOT, "output")
PORT = int(os.environ.get("CARNET_PORT", "8000"))


def _build(settings_file, what):
    console.step(f"Building the {what} site…")
    try:
        result = run_build(settings_file, output_path=OUTPUT)
    except BuildFailed as failure:
        console.problems("The build failed, nothing was published:", failure.problems)
        raise Exit(code=1) from None
    console.done(f"Site built in {os.path.relpath(result.output_path, ROOT)}/")
    return result


def _index_for_search(result):
    console.step("Indexing the site for search (Pagefind, French)…")
    try:
        pages = build_index(result.output_path, result.settings)
    except SearchIndexFailed as failure:
        # publish stops here too: a site whose search is broken is not deployed.
        console.fail(f"Search indexing failed: {failure}")
        raise Exit(code=1) from None
    where = os.path.relpath(result.output_path, ROOT)
    console.done(f"Search index of {pages} pages written in {where}/pagefind/")


@task
def clean(c):
    """Delete output/ and Carnet's build cache."""
    for path in (OUTPUT, os.path.join(ROOT, ".carnet", "cache")):
        shutil.rmtree(path, ignore_errors=True)
    console.done("Removed output/ and .carnet/cache/")


@task
def build(c):
    """Build the development site into output/ (relative URLs, no feeds)."""
    _build(DEV_SETTINGS, "development")


@task(clean, build)
def rebuild(c):
    """Clean, then build."""


@task
def serve(c, port=PORT):
    """Serve output/ on http://127.0.0.1:PORT (Ctrl-C stops)."""
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

    if not os.path.isdir(OUTPUT):
        console.fail("output/ does not exist yet: run `invoke build` first")
        raise Exit(code=1)
    server = RootedHTTPServer(OUTPUT, ("127.0.0.1", int(port)), ComplexHTTPRequestHandler)
    console.done(f"Serving output/ on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


@task
def livereload(c):
    """Rebuild whenever content/, theme/, plugins/ or a settings file changes."""
    import watchfiles

    _build(DEV_SETTINGS, "development")
    watched = [os.path.join(ROOT, p) for p in ("content", "theme", "plugins", "pelicanconf.py")]
    console.step("Watching content/, theme/, plugins/ and pelicanconf.py (Ctrl-C to stop)")
    for _changes in watchfiles.watch(*watched):
        try:
            run_build(DEV_SETTINGS, output_path=OUTPUT)
            console.done("Rebuilt")
        except BuildFailed as failure:
            console.problems("The build failed:", failure.problems)


regenerate = livereload


@task
def preview(c):
    """Build the production site into output/ (absolute URLs, feeds, search index)."""
    _index_for_search(_build(PROD_SETTINGS, "production"))


@task
def publish(c):
    """Production build, then deploy, then send each new post as a newsletter."""
    result = _build(PROD_SETTINGS, "production")
    _index_for_search(result)
    target = deploy_target(result.settings)
    if not target:
        console.warn(
            "No deploy target (CARNET_DEPLOY_TARGET or the publishconf setting): the site "
            "stays in output/."
        )
    else:
        console.step(f"Deploying to {target}…")
        try:
            run_deploy(result.output_path, target)
        except DeployFailed as failure:
            console.fail(f"Deploy failed, no newsletter sent: {failure}")
            raise Exit(code=1) from None
        console.done(f"Deployed to {target}")
    deployed = bool(target)
    provider = _given_provider(c, result.settings, deployed)
    _newsletter(newsletter.run, result.settings, deployed=deployed, provider=provider)


# --- Newsletter (the logic is in carnet/newsletter/) -----------------------------------------


def _newsletter(action, *args, **kwargs):
    """Run a carnet.newsletter function; a NewsletterError is one line and exit code 1."""
    try:
        return action(*args, **kwargs)
    except newsletter.NewsletterError as error:
        console.fail(f"Newsletter: {error}")
        raise Exit(code=1) from None


def _given_provider(c, settings, deployed):
    """The provider given through invoke's configuration (carnet.provider_factory, a
    function of the settings and `deployed`: the benchmark counts its calls), else None:
    the settings and the environment choose (carnet/newsletter/providers/)."""
    make = c.config.get("carnet", {}).get("provider_factory")
    return make(settings, deployed) if make else None


def _production_settings():
    """The production settings, for a task that reads what the last production build left
    (the newsletter manifest): no build here. Says when that build is older than a post or
    a settings file."""
    try:
        settings = load_settings(PROD_SETTINGS)
    except Exception as error:  # a broken settings file: one line, not a traceback
        console.fail(_("publishconf.py: {problem}").format(problem=error))
        raise Exit(code=1) from None
    newer = manifest.newer_sources(settings, also=[PROD_SETTINGS, DEV_SETTINGS])
    if newer:
        console.warn(
            _(
                "{path} changed after the last production build: the e-mails are that "
                "build's; run `invoke preview` to see the change"
            ).format(path=newer[0])
        )
    return settings


@task(help={"slug": "the post (default: the next one to be sent, else the newest)"})
def newsletter_preview(c, slug=""):
    """Render a post's email to .carnet/newsletter-preview/; print its path and size."""
    path, email = _newsletter(newsletter.preview, _production_settings(), slug)
    console.done(
        f"{os.path.relpath(path, ROOT)} ({email.size / 1024:.1f} KB of HTML), subject « {email.subject} »"
    )


@task(
    help={
        "to": "the address to send the test to",
        "slug": "the post (default: as newsletter-preview)",
    }
)
def newsletter_test(c, to, slug=""):
    """Send a post's email to one address only, subject prefixed « [TEST] »."""
    where = _newsletter(newsletter.send_test, _production_settings(), to, slug)
    console.done(f"Test email sent: {where}")


@task
def newsletter_status(c):
    """What the next publish would send, and what was sent."""
    report = _newsletter(newsletter.status, _production_settings())
    plan = report.plan
    if plan.new:
        console.step(f"The next publish sends {len(plan.new)} post(s) through {report.provider}:")
        for post in plan.new:
            console.step(f"  {post.date:%Y-%m-%d} « {post.title} » ({post.source})")
    else:
        console.done("The next publish sends nothing: no new post")
    if plan.baseline:
        console.step(
            f"It records {len(plan.baseline)} older post(s) as already sent, without emailing them"
        )
    if plan.site_only:
        console.step(f"{len(plan.site_only)} post(s) are site-only (Newsletter: no)")
    sent = sorted(report.entries.values(), key=lambda entry: entry["sent_at"])
    counted = [entry for entry in sent if entry["provider"] == "baseline"]
    if counted:
        console.step(f"{len(counted)} post(s) were counted as sent when the newsletter started")
    for entry in sent:
        if entry["provider"] != "baseline":
            console.step(
                f"Sent {entry['sent_at']} « {entry['title']} » via {entry['provider']} ({entry['campaign_id']})"
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
    c.run(f"{sys.executable} -m pytest {test} -q -p no:cacheprovider", env=env)


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
