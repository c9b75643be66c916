"""Carnet's tasks: `invoke --list` shows them, `invoke --help TASK` explains one."""

import os
import shutil
import sys

from invoke import Exit, task

ROOT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, ROOT)

from carnet import console  # noqa: E402
from carnet.build import BuildFailed, build as run_build  # noqa: E402
from carnet.deploy import DeployFailed, deploy as run_deploy, deploy_target  # noqa: E402

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
    _build(PROD_SETTINGS, "production")


@task
def publish(c):
    """Production build, then deploy, then send each new post as a newsletter."""
    result = _build(PROD_SETTINGS, "production")
    target = deploy_target(result.settings)
    if not target:
        console.warn(
            "No deploy target (CARNET_DEPLOY_TARGET or the publishconf setting): the site "
            "stays in output/ and no newsletter is sent."
        )
        return
    console.step(f"Deploying to {target}…")
    try:
        run_deploy(result.output_path, target)
    except DeployFailed as failure:
        console.fail(f"Deploy failed, no newsletter sent: {failure}")
        raise Exit(code=1) from None
    console.done(f"Deployed to {target}")
