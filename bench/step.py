"""One measured step, run in a fresh process: `python -m bench.step '{"step": ..., ...}'`.

Each step calls Carnet's real entry points (carnet.build.build, carnet.search.build_index,
the `publish` task of tasks.py, carnet.newsletter.render.render) and times only that call:
imports and Python's start-up are left out, for vanilla Pelican as for Carnet (the
plugins' modules, which Pelican imports inside the build, are imported before the clock). It prints
one JSON line: {"seconds": ..., "cpu_seconds": ..., "rss_kb": ..., ...}, or
{"unavailable": "why"} when the code the step needs is not there yet. "cpu_seconds" is the
CPU time of the timed call, this process's and its children's (Pagefind) together.
"""

import importlib
import importlib.util
import json
import os
import resource
import sys
import time

# Carnet comes from the folder the runner starts this step in (its snapshot of the code),
# which `python -m` puts first on sys.path, before the installed (editable) package; the
# repository, on PYTHONPATH, only provides the benchmark.


class Unavailable(Exception):
    """The step cannot run yet: the module or function it measures does not exist."""


def _cpu_seconds():
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _timed(call):
    """(what call() returned, {"seconds": wall time, "cpu_seconds": CPU time})."""
    cpu = _cpu_seconds()
    started = time.perf_counter()
    value = call()
    return value, {"seconds": time.perf_counter() - started, "cpu_seconds": _cpu_seconds() - cpu}


def _need(module_name, attribute=None):
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            raise Unavailable(f"{module_name} does not exist yet") from None
        raise
    if attribute and not hasattr(module, attribute):
        raise Unavailable(f"{module_name}.{attribute} does not exist yet")
    return getattr(module, attribute) if attribute else module


def vanilla_build(spec):
    """Pelican as installed, default theme, no plugins, Atom feeds on (Pelican's default)."""
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(
        None,
        override={
            "PATH": spec["content"],
            "OUTPUT_PATH": spec["output"],
            "SITENAME": "Carnet de coach",
            "SITEURL": "https://carnet-de-coach.fr",
            "FEED_DOMAIN": "https://carnet-de-coach.fr",
            "TIMEZONE": "Europe/Paris",
            "DEFAULT_LANG": "fr",
            "DELETE_OUTPUT_DIRECTORY": True,
        },
    )
    return _timed(Pelican(settings).run)[1]


def _import_plugins(settings_file):
    """Import the site's plugins, which Pelican would import inside the timed build: the
    clock leaves imports out, Carnet's as vanilla's (Pelican, Markdown, Jinja...). Pelican
    then finds each module already imported, under the name it looks for."""
    load_settings = _need("carnet.build", "load_settings")
    settings = load_settings(settings_file)
    sys.path[:0] = [path for path in settings["PLUGIN_PATHS"] if path not in sys.path]
    for name in settings["PLUGINS"]:
        importlib.import_module(name)


def carnet_build(spec):
    """carnet.build.build with the site's settings file, the corpus, and a given cache."""
    build = _need("carnet.build", "build")
    _import_plugins(spec["settings_file"])
    overrides = {"PATH": spec["content"], "CACHE_PATH": spec["cache"]}
    if spec.get("without_plugins"):  # e.g. the cold build without share cards, to compare
        load_settings = _need("carnet.build", "load_settings")
        plugins = load_settings(spec["settings_file"])["PLUGINS"]
        overrides["PLUGINS"] = [p for p in plugins if p not in spec["without_plugins"]]
    _, result = _timed(
        lambda: build(spec["settings_file"], output_path=spec["output"], overrides=overrides)
    )
    cards = getattr(sys.modules.get("share_cards"), "last_build", None)
    if cards and not spec.get("without_plugins"):
        result["share_cards"] = dict(cards)
    if spec.get("expect_text"):
        # The edit this rebuild follows must be in the output (a stale cache would hide it).
        with open(os.path.join(spec["output"], spec["expect_in"]), encoding="utf-8") as page:
            result["edit_visible"] = spec["expect_text"] in page.read()
    return result


def search_index(spec):
    build_index = _need("carnet.search", "build_index")
    load_settings = _need("carnet.build", "load_settings")
    settings = load_settings(spec["settings_file"], spec["output"], {"PATH": spec["content"]})
    pages, result = _timed(lambda: build_index(spec["output"], settings))
    return {**result, "pages": pages}


class CountingProvider:
    """Wraps the provider the newsletter chose and counts the calls made to it."""

    def __init__(self, provider, calls):
        self._provider = provider
        self._calls = calls

    def __getattr__(self, name):
        value = getattr(self._provider, name)
        if not callable(value):
            return value

        def counted(*args, **kwargs):
            self._calls[name] = self._calls.get(name, 0) + 1
            return value(*args, **kwargs)

        return counted


def publish(spec):
    """The site's own `invoke publish` task (build, search, deploy, newsletter), in-process."""
    _need("carnet.newsletter", "run")
    choose = _need("carnet.newsletter.providers", "choose")
    from invoke import Config, Context

    calls = {}

    def counting_provider(settings, deployed):
        return CountingProvider(choose(settings, deployed), calls)

    # The task takes its provider from invoke's configuration: nothing of Carnet is patched.
    context = Context(Config(overrides={"carnet": {"provider_factory": counting_provider}}))
    loaded = importlib.util.spec_from_file_location(
        "site_tasks", os.path.join(spec["site"], "tasks.py")
    )
    tasks = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(tasks)
    if not hasattr(tasks, "publish"):
        raise Unavailable("tasks.py has no publish task")
    _, result = _timed(lambda: tasks.publish(context))
    # The calls that reach the provider's service (describe() only words a message).
    reaching = sum(
        count
        for name, count in calls.items()
        if name in ("check_account", "check", "deliver", "find", "send_test")
    )
    return {**result, "provider_calls": reaching, "calls": calls, "emails": calls.get("deliver", 0)}


def render_email(spec):
    """carnet.newsletter.render.render of one post of the last production build."""
    render = _need("carnet.newsletter.render", "render")
    manifest = _need("carnet.newsletter.manifest", "read")
    load_settings = _need("carnet.build", "load_settings")
    settings = load_settings(spec["settings_file"])
    post = next(post for post in manifest(settings) if post.source == spec["source"])
    email, result = _timed(lambda: render(post, settings))
    again = sorted(_timed(lambda: render(post, settings))[1]["seconds"] for _ in range(5))
    return {
        **result,
        "seconds_again": again[len(again) // 2],
        "html_bytes": len(email.html.encode("utf-8")),
        "words": len(post.content.split()),
    }


def _scattered_marks(size):
    """About `size` characters of French text with « » ? ! : scattered through it: the input
    that made polytypo's time grow with the square of the text."""
    words = ("« oui »", "non ?", "vraiment !", "note :", "l'autre", "« bon", "fin »", "mot")
    parts, length, index = [], 0, 0
    while length < size:
        word = words[(index * 7 + index // 3) % len(words)]
        parts.append(word)
        length += len(word) + 1
        index += 1
    return "<p>" + " ".join(parts) + "</p>"


def typography(spec):
    """carnet.typography over every post of the corpus (as HTML), then over scattered marks."""
    typography = _need("carnet.typography", "typeset_html")
    import glob

    import markdown

    converter = markdown.Markdown(extensions=["extra"], output_format="html")
    pages = []
    for path in sorted(glob.glob(os.path.join(spec["content"], "posts", "*.md"))):
        with open(path, encoding="utf-8") as source:
            text = source.read()
        pages.append(converter.reset().convert(text.split("\n\n", 1)[-1]))
    corpus_mb = sum(len(page.encode("utf-8")) for page in pages) / 1e6
    _, result = _timed(lambda: [typography(page) for page in pages])
    scattered = _scattered_marks(1_000_000)
    scattered_mb = len(scattered.encode("utf-8")) / 1e6
    _, scattered_result = _timed(lambda: typography(scattered))
    return {
        **result,
        "megabytes": corpus_mb,
        "seconds_per_mb": result["seconds"] / corpus_mb,
        "scattered_seconds_per_mb": scattered_result["seconds"] / scattered_mb,
    }


STEPS = {
    "typography": typography,
    "vanilla": vanilla_build,
    "carnet": carnet_build,
    "search": search_index,
    "publish": publish,
    "email": render_email,
}


def main():
    spec = json.loads(sys.argv[1])
    os.environ.update(spec.get("env", {}))
    try:
        result = STEPS[spec["step"]](spec)
    except Unavailable as missing:
        result = {"unavailable": str(missing)}
    except Exception as error:  # reported, not raised: the other steps still run
        problems = getattr(error, "problems", None)
        result = {
            "error": "; ".join(problems[:5]) if problems else f"{type(error).__name__}: {error}"
        }
    if "carnet" in sys.modules:  # which copy of Carnet this step measured
        result["carnet_code"] = os.path.dirname(os.path.dirname(sys.modules["carnet"].__file__))
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    scale = 1024 if sys.platform == "darwin" else 1
    result["rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // scale
    result["children_rss_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // scale
    sys.stdout.flush()
    print("\nBENCH-RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
