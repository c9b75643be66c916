"""The benchmark runner: `invoke bench` (or `python -m bench.run --sizes 100,1000`).

For each size N it writes a synthetic corpus (bench/corpus.py), then, run after run, times
in a fresh process each: vanilla Pelican, Carnet's cold production build (with and without
share images), the search index alone, then once more Carnet's cold build, untimed, for
its memory (memory_run); once that is done for every size (nothing is deleted before, see
below), Carnet's warm development rebuild after editing one post,
`publish` with no new post and with one new post (outbox), and rendering one email. The
runs are interleaved (vanilla, Carnet, ..., vanilla, Carnet, ...) so that whatever else
the machine does falls on both alike. It prints medians, ratios to vanilla and the targets,
and writes everything to bench/results/ (JSON, plus latest.md, the table for the README).
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time

from rich.console import Console
from rich.table import Table

from bench import corpus

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RESULTS = os.path.join(ROOT, "bench", "results")
SITE_FILES = ("pelicanconf.py", "publishconf.py", "tasks.py")
SITE_LINKS = ("theme", "plugins", "carnet")
EMAIL_WORDS = 1500

STEPS = [
    ("vanilla", "Vanilla Pelican, cold build"),
    ("cold", "Carnet, cold production build"),
    ("cold_no_cards", "Carnet, the same without share cards"),
    ("search", "Carnet, search index alone"),
    ("warm", "Carnet, warm dev rebuild, 1 post edited"),
    ("publish_none", "publish, no new post"),
    ("publish_one", "publish, 1 new post (outbox)"),
    ("email", f"Render 1 email ({EMAIL_WORDS} words)"),
    ("typography", "French typography alone, every post"),
]

# Nothing is deleted until every cold build is measured: the cold builds of every size and
# run (and the search index, which makes as many files) come first, each into folders of
# its own, and what an earlier benchmark left in bench/results/work/ is moved aside, and
# deleted only at the end. Ext4 without a journal (this project's machine) does not reuse
# an inode freed in the last minute (six while its block waits to be written back, which
# the making of new files keeps it doing): a build in the minutes after thousands of files
# were deleted (the last run's outputs, the releases `publish` removes) has its kernel step
# over each of them for every file and folder it makes. At 1000 posts, the cold build took
# 3.7–5.0 s right after such a deletion, 3.44–3.46 s a minute after it (bench/README.md).
# It weighs on the build that makes the most files, Carnet's (a folder per post), more
# than on vanilla's.
SET_ASIDE = "work-deleted-"  # the start of the name an earlier benchmark's folder is moved to

# Wide enough for the tables even when the output is not a terminal (invoke, a log file).
console = Console(highlight=False, width=max(Console().width, 130))


# --- Measuring one step in a fresh process ---------------------------------------------


def _descendants(pid):
    """pid and every process below it (Linux /proc): from each process's list of the
    children its threads started, else from every process's parent."""
    found, todo = [], [pid]
    try:
        while todo:
            current = todo.pop()
            found.append(current)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(child) for child in children.read().split())
        return found
    except OSError:  # a process that just ended, or no such list: look at every process
        pass
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    # The command name may hold spaces: the fields after its ")" are fixed.
                    fields = stat.read().rsplit(")", 1)[1].split()
                parents.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError):
                continue
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


# How often the memory of a timed step is sampled. A child of the build may live a tenth
# of a second (drawing 100 share images), which this misses more often than not; sampling
# every 50 ms slowed a 1000-post cold build by 7% (reading a process's memory map holds
# its lock), so Carnet's cold build is measured once more, untimed, with memory sampled
# every FINE_SAMPLE_SECONDS (memory_run).
SAMPLE_SECONDS = 0.2
FINE_SAMPLE_SECONDS = 0.02


def _pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory(threading.Thread):
    """Samples the memory of a process and all its children together (the build, and
    Pagefind), every SAMPLE_SECONDS. PSS shares a page between the processes that share
    it, so a page a child inherits from its parent counts once."""

    def __init__(self, pid, every):
        super().__init__(daemon=True)
        self.pid = pid
        self.every = every
        self.peak_kb = 0
        self.stopped = threading.Event()

    def run(self):
        if not os.path.isdir("/proc"):
            return
        while not self.stopped.wait(self.every):
            total = sum(_pss_kb(pid) for pid in _descendants(self.pid))
            self.peak_kb = max(self.peak_kb, total)


def measure(spec, log_path, code, sample_seconds=SAMPLE_SECONDS):
    """Run bench.step with spec in a fresh Python; its JSON result plus the tree's peak.

    The step imports Carnet from `code` (the run's snapshot, first on sys.path as the
    current folder) and the benchmark itself from the repository."""
    command = [sys.executable, "-m", "bench.step", json.dumps(spec)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARNET_", "MAILCHIMP_"))}
    env["PYTHONPATH"] = ROOT
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(f"\n$ {' '.join(command)}\n")
        log.flush()
        process = subprocess.Popen(
            command, cwd=code, env=env, stdout=subprocess.PIPE, stderr=log, text=True
        )
        sampler = TreeMemory(process.pid, sample_seconds)
        sampler.start()
        output, _ = process.communicate()
        sampler.stopped.set()
        sampler.join()
        log.write(output)
    lines = [line for line in output.splitlines() if line.startswith("BENCH-RESULT ")]
    if not lines:
        return {"error": f"the step crashed (exit {process.returncode}), see {log_path}"}
    result = json.loads(lines[-1].removeprefix("BENCH-RESULT "))
    # The sampler can miss a short peak; the build process's own peak is a floor.
    result["peak_kb"] = max(sampler.peak_kb, result.get("rss_kb", 0))
    return result


# --- Preparing the corpus and the sites -----------------------------------------------


def snapshot_code(folder):
    """A copy of Carnet's code as it is now, which every step of the run uses: others work
    in the same tree, and an edit there in the middle of a run must not turn a warm
    rebuild into a cold one (the cache follows the code) or mix two versions."""
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for name in SITE_FILES:
        shutil.copy(os.path.join(ROOT, name), folder)
    for name in SITE_LINKS:
        shutil.copytree(
            os.path.join(ROOT, name),
            os.path.join(folder, name),
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    return folder


def make_site(folder, code, content_from=None, count=0, seed=0):
    """A folder laid out like the repository (settings and tasks copied, theme, plugins and
    carnet linked to the snapshot `code`), with the corpus in content/."""
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for name in SITE_FILES:
        shutil.copy(os.path.join(code, name), folder)
    # The corpus files its posts under more categories than the sample site lists.
    with open(os.path.join(folder, "pelicanconf.py"), "a", encoding="utf-8") as conf:
        conf.write(f"\nCARNET_CATEGORIES = {corpus.CATEGORIES!r}\n")
    for name in SITE_LINKS:
        os.symlink(os.path.join(code, name), os.path.join(folder, name))
    content = os.path.join(folder, "content")
    if content_from:
        shutil.copytree(content_from, content)
    else:
        corpus.generate(content, count, seed=seed, extra_from=os.path.join(ROOT, "content"))
    return folder


class Workspace:
    """bench/results/work/nN: the corpus, and copies of it for the steps that change it."""

    def __init__(self, count, seed, code, results=RESULTS):
        self.count = count
        self.seed = seed
        self.code = code
        self.folder = os.path.join(results, "work", f"n{count}")
        self.log = os.path.join(self.folder, "steps.log")
        self.corpus = os.path.join(self.folder, "corpus")  # never changed by a step
        self.dev = os.path.join(self.folder, "dev")  # the warm rebuild edits one post here
        self.site = os.path.join(self.folder, "publish")  # publish adds posts here
        self.deploy_target = os.path.join(self.folder, "deployed")
        self.edited_index = count // 2  # the post the warm rebuild edits
        self.edited_page = None  # its page in the output, found after the first build
        self.baseline = None  # the first publish, untimed

    def prepare(self):
        shutil.rmtree(self.folder, ignore_errors=True)
        os.makedirs(self.folder)
        make_site(self.corpus, self.code, count=self.count, seed=self.seed)
        content = os.path.join(self.corpus, "content")
        make_site(self.dev, self.code, content_from=content)
        make_site(self.site, self.code, content_from=content)

    def measure(self, spec, **options):
        return measure(spec, self.log, self.code, **options)

    def path(self, *parts):
        return os.path.join(self.folder, *parts)

    def cold_folder(self, name, run):
        return self.path(f"{name}-{run + 1}")

    def content(self, site):
        return os.path.join(site, "content")


def _page_of_post(output, index):
    """The output page of post `index`: its slug ends with « n° INDEX »."""
    suffix = f"-ndeg-{index}"
    for name in os.listdir(output):
        if name.endswith(suffix):
            return os.path.join(name, "index.html")
    return None


def _setup(ws, say):
    """Untimed: the dev site's first build (the cache the warm rebuild starts from) and the
    first publish (the newsletter's baseline: existing posts count as sent)."""
    say("setting up: first development build (warms the cache)")
    first = ws.measure(
        {
            "step": "carnet",
            "settings_file": os.path.join(ws.dev, "pelicanconf.py"),
            "content": ws.content(ws.dev),
            "output": ws.path("dev-output"),
            "cache": ws.path("dev-cache"),
        }
    )
    ws.edited_page = (
        _page_of_post(ws.path("dev-output"), ws.edited_index) if "seconds" in first else None
    )
    say("setting up: first publish (the newsletter's baseline)")
    ws.baseline = ws.measure(_publish_spec(ws))


def _publish_spec(ws):
    return {"step": "publish", "site": ws.site, "env": {"CARNET_DEPLOY_TARGET": ws.deploy_target}}


def _edit_post(ws, run):
    path = os.path.join(ws.content(ws.dev), "posts", corpus.post_filename(ws.edited_index))
    # One plain word: nothing typography would change, so it shows in the page as written.
    marker = f"retouchebancdessai{run}"
    with open(path, "a", encoding="utf-8") as post:
        post.write(f"\n{marker}\n")
    return marker


def _new_post(ws, run):
    index = ws.count + run
    now = datetime.datetime.now().replace(second=0, microsecond=0)
    corpus.add_post(
        ws.content(ws.site),
        index,
        index + 1,
        words=EMAIL_WORDS,
        seed=ws.seed,
        date=now - datetime.timedelta(hours=1),
    )
    return f"posts/{corpus.post_filename(index)}"


def cold_round(ws, run, say):
    """One run of the cold builds, vanilla's and Carnet's two, each into folders of its
    own (ending in the run's number): none starts with an output or a cache, none deletes
    one. Then the search index of Carnet's build. Returns {step: result}."""
    corpus_content = ws.content(ws.corpus)
    prod = os.path.join(ws.corpus, "publishconf.py")
    results = {}
    say("vanilla Pelican, cold")
    results["vanilla"] = ws.measure(
        {
            "step": "vanilla",
            "content": corpus_content,
            "output": ws.cold_folder("vanilla-output", run),
        }
    )

    def cold_build(name, **spec):
        output, cache = ws.cold_folder(f"{name}-output", run), ws.cold_folder(f"{name}-cache", run)
        return ws.measure(_carnet_cold_spec(ws, output, cache, **spec))

    def with_cards():
        say("Carnet, cold production build")
        results["cold"] = cold_build("cold")

    def without_cards():
        say("Carnet, cold production build without share cards")
        results["cold_no_cards"] = cold_build("no-cards", without_plugins=["share_cards"])

    # Every other run builds without share images first: a drift of the machine's speed
    # within a run weighs on each of the two in turn.
    for step in (without_cards, with_cards) if run % 2 else (with_cards, without_cards):
        step()
    say("Carnet, search index alone")  # it writes thousands of files too, and deletes none
    results["search"] = ws.measure(
        {
            "step": "search",
            "settings_file": prod,
            "content": corpus_content,
            "output": ws.cold_folder("cold-output", run),  # the index is added to it
        }
    )
    return results


def memory_run(ws, say):
    """Untimed, once the cold builds are measured: Carnet's cold production build again,
    into folders of its own, its memory sampled every FINE_SAMPLE_SECONDS."""
    say("Carnet, cold production build again, for its memory")
    spec = _carnet_cold_spec(ws, ws.path("memory-output"), ws.path("memory-cache"))
    return ws.measure(spec, sample_seconds=FINE_SAMPLE_SECONDS)


def _carnet_cold_spec(ws, output, cache, **spec):
    """Carnet's production build of the corpus into `output`, with the cache `cache`."""
    return {
        "step": "carnet",
        "settings_file": os.path.join(ws.corpus, "publishconf.py"),
        "content": ws.content(ws.corpus),
        "output": output,
        "cache": cache,
        **spec,
    }


def run_round(ws, run, say):
    """One run of every other step (cold_round has run); returns {step: result}."""
    corpus_content = ws.content(ws.corpus)
    results = {}

    say("Carnet, warm development rebuild after editing one post")
    marker = _edit_post(ws, run)
    results["warm"] = ws.measure(
        {
            "step": "carnet",
            "settings_file": os.path.join(ws.dev, "pelicanconf.py"),
            "content": ws.content(ws.dev),
            "output": ws.path("dev-output"),
            "cache": ws.path("dev-cache"),
            "expect_text": marker,
            "expect_in": ws.edited_page or "index.html",
        }
    )

    say("publish, no new post")
    results["publish_none"] = ws.measure(_publish_spec(ws))

    say("publish, one new post")
    source = _new_post(ws, run)
    results["publish_one"] = ws.measure(_publish_spec(ws))

    say("French typography alone")
    results["typography"] = ws.measure({"step": "typography", "content": corpus_content})

    say("render one email")
    results["email"] = ws.measure(
        {
            "step": "email",
            "settings_file": os.path.join(ws.site, "publishconf.py"),
            "source": source,
        }
    )
    return results


# --- Summaries and targets -------------------------------------------------------------


def summarise(runs):
    """Medians of the runs that worked; the first problem otherwise."""
    good = [r for r in runs if "seconds" in r]
    if not good:
        problem = next((r.get("unavailable") or r.get("error") for r in runs), "no run")
        return {
            "runs": runs,
            "problem": problem,
            "unavailable": all("unavailable" in r for r in runs),
        }
    summary = {
        "runs": runs,
        "seconds": statistics.median(r["seconds"] for r in good),
        "cpu_seconds": statistics.median(r["cpu_seconds"] for r in good),
        "peak_mb": max(r["peak_kb"] for r in good) / 1024,
        "build_process_peak_mb": max(r["rss_kb"] for r in good) / 1024,
    }
    for key in ("seconds_per_mb", "scattered_seconds_per_mb"):
        if key in good[0]:
            summary[key] = statistics.median(r[key] for r in good)
    if "share_cards" in good[0]:
        summary["share_cards"] = {
            key: statistics.median(r["share_cards"][key] for r in good)
            for key in good[0]["share_cards"]
        }
    for key in ("provider_calls", "emails", "html_bytes", "pages"):  # the worst run
        if key in good[0]:
            summary[key] = max(r[key] for r in good)
    if "seconds_again" in good[0]:
        summary["seconds_again"] = statistics.median(r["seconds_again"] for r in good)
    if "edit_visible" in good[0]:
        summary["edit_visible"] = all(r.get("edit_visible") for r in good)
    if len(good) < len(runs):
        summary["problem"] = next(
            r.get("error") or r.get("unavailable") for r in runs if "seconds" not in r
        )
    return summary


def _ratio(size_result, step):
    if step in ("email", "typography"):  # not a build: no meaningful ratio
        return None
    vanilla = size_result.get("vanilla", {}).get("seconds")
    seconds = size_result.get(step, {}).get("seconds")
    return seconds / vanilla if vanilla and seconds is not None else None


def _cards_add(size_result):
    """What share images add to the cold build, × vanilla: the median of each run's two
    cold builds' difference. The two are measured one right after the other, so the drift
    of the machine's speed over a run weighs on both (a difference of the two medians
    would take each from another run)."""
    vanilla = size_result.get("vanilla", {}).get("seconds")
    with_cards = size_result.get("cold", {}).get("runs", [])
    without = size_result.get("cold_no_cards", {}).get("runs", [])
    differences = [
        a["seconds"] - b["seconds"]
        for a, b in zip(with_cards, without, strict=False)
        if "seconds" in a and "seconds" in b
    ]
    if not vanilla or not differences:
        return None
    return statistics.median(differences) / vanilla


def check_targets(by_size):
    """[(target, measured, verdict)], verdict PASS, FAIL or "n/a" (step not available)."""
    checks = []

    def add(name, measured, ok):
        checks.append(
            {
                "target": name,
                "measured": measured,
                "verdict": "n/a" if ok is None else ("PASS" if ok else "FAIL"),
            }
        )

    for n, result in sorted(by_size.items()):
        for step, limit, label in (
            ("cold", 1.0, "cold production build"),
            ("search", 0.5, "search index"),
            ("warm", 0.25, "warm rebuild"),
        ):
            ratio = _ratio(result, step)
            add(
                f"N={n}: {label} ≤ {limit}× vanilla",
                f"{ratio:.2f}×" if ratio else "—",
                None if ratio is None else ratio <= limit,
            )
        cards = _cards_add(result)
        add(
            f"N={n}: share cards add ≤ 0.05× to the cold build",
            "—" if cards is None else f"{cards:+.2f}×",
            None if cards is None else cards <= 0.05,
        )
        warm = result.get("warm", {})
        if "edit_visible" in warm:
            add(
                f"N={n}: the edited post shows after the warm rebuild",
                str(warm["edit_visible"]),
                warm["edit_visible"],
            )
        vanilla_peak = result.get("vanilla", {}).get("peak_mb")
        cold_peak = result.get("cold", {}).get("peak_mb")
        ratio = cold_peak / vanilla_peak if vanilla_peak and cold_peak else None
        add(
            f"N={n}: peak memory ≤ 1.5× vanilla",
            f"{ratio:.2f}× ({cold_peak:.0f} MB)" if ratio else "—",
            None if ratio is None else ratio <= 1.5,
        )
        calls = result.get("publish_none", {}).get("provider_calls")
        add(
            f"N={n}: publish with no new post, ≤ 1 provider call",
            "—" if calls is None else str(calls),
            None if calls is None else calls <= 1,
        )
        email = result.get("email", {})
        if "seconds" in email:
            add(
                f"N={n}: one email ≤ 50 ms",
                f"{email['seconds'] * 1000:.0f} ms (then {email['seconds_again'] * 1000:.0f} ms)",
                email["seconds"] <= 0.050,
            )
            add(
                f"N={n}: email HTML ≤ 60 KB ({EMAIL_WORDS}-word post)",
                f"{email['html_bytes'] / 1024:.1f} KB",
                email["html_bytes"] <= 60 * 1024,
            )
        else:
            add(f"N={n}: one email ≤ 50 ms, ≤ 60 KB", "—", None)

    sizes = sorted(by_size)
    for step, label in (
        ("vanilla", "vanilla"),
        ("cold", "cold build"),
        ("search", "search"),
        ("warm", "warm rebuild"),
        ("publish_one", "publish"),
    ):
        for small, large in zip(sizes, sizes[1:], strict=False):
            a = by_size[small].get(step, {}).get("seconds")
            b = by_size[large].get(step, {}).get("seconds")
            growth = (b / a) / (large / small) if a and b else None
            # 1.0 is exactly linear; fixed costs make it lower; 1.3 leaves room for noise.
            add(
                f"linear growth, {label}, N={small}→{large}",
                f"{growth:.2f} of linear" if growth else "—",
                None if growth is None else growth <= 1.3,
            )
    return checks


# --- Output ----------------------------------------------------------------------------


def _fmt_seconds(value):
    return "—" if value is None else (f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s")


def results_table(by_size):
    table = Table(title="Carnet benchmark (medians)")
    for column in ("N", "step", "time", "CPU", "× vanilla", "peak memory", "notes"):
        table.add_column(column, justify="right" if column not in ("step", "notes") else "left")
    for n, result in sorted(by_size.items()):
        for step, label in STEPS:
            summary = result.get(step, {})
            if "seconds" not in summary:
                status = "not available yet" if summary.get("unavailable") else "failed"
                table.add_row(
                    str(n), label, "—", "—", "—", "—", f"{status}: {summary.get('problem', '')}"
                )
                continue
            ratio = _ratio(result, step) if step != "vanilla" else 1.0
            notes = []
            if "provider_calls" in summary:
                notes.append(
                    f"{summary['provider_calls']} provider call(s), {summary['emails']} email(s)"
                )
            if "html_bytes" in summary:
                notes.append(f"{summary['html_bytes'] / 1024:.1f} KB HTML")
            if "pages" in summary:
                notes.append(f"{summary['pages']} pages indexed")
            if "seconds_per_mb" in summary:
                notes.append(
                    f"{summary['seconds_per_mb']:.2f} s per MB of posts, "
                    f"{summary['scattered_seconds_per_mb']:.2f} s per MB of scattered « » ? ! :"
                )
            if "share_cards" in summary:
                cards = summary["share_cards"]
                notes.append(
                    f"share images: {cards['drawn']:.0f} drawn of {cards['images']:.0f}, "
                    f"the build process spent {cards['seconds']:.2f} s on them "
                    f"({cards['cpu_seconds']:.2f} s CPU)"
                    + (
                        f", drawing took {cards['drawing_cpu_seconds']:.2f} s CPU in all"
                        if "drawing_cpu_seconds" in cards
                        else ""
                    )
                )
            if summary.get("problem"):
                notes.append(f"some runs failed: {summary['problem']}")
            table.add_row(
                str(n),
                label,
                _fmt_seconds(summary["seconds"]),
                _fmt_seconds(summary["cpu_seconds"]),
                f"{ratio:.2f}" if ratio is not None else "—",
                f"{summary['peak_mb']:.0f} MB",
                "; ".join(notes),
            )
        table.add_section()
    return table


def targets_table(checks):
    table = Table(title="Targets")
    table.add_column("target")
    table.add_column("measured", justify="right")
    table.add_column("verdict")
    colours = {"PASS": "green", "FAIL": "red", "n/a": "yellow"}
    for check in checks:
        verdict = check["verdict"]
        table.add_row(check["target"], check["measured"], f"[{colours[verdict]}]{verdict}[/]")
    return table


def markdown_summary(report):
    """The results as Markdown tables, for bench/README.md."""
    lines = [
        f"Measured {report['when']} on {report['machine']['description']}, code "
        f"{report['machine']['code']}; "
        f"{report['runs']} runs each, medians; command: `{report['command']}`.",
        "",
        "| N | step | time | CPU | × vanilla | peak memory |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for n, result in sorted(report["sizes"].items(), key=lambda item: int(item[0])):
        for step, label in STEPS:
            summary = result.get(step, {})
            if "seconds" not in summary:
                status = "not available yet" if summary.get("unavailable") else "failed"
                lines.append(f"| {n} | {label} | {status} | | | |")
                continue
            ratio = 1.0 if step == "vanilla" else _ratio(result, step)
            if "seconds_per_mb" in summary:
                label = (
                    f"{label} ({summary['seconds_per_mb']:.2f} s/MB; scattered « » ? ! :: "
                    f"{summary['scattered_seconds_per_mb']:.2f} s/MB)"
                )
            lines.append(
                f"| {n} | {label} | {_fmt_seconds(summary['seconds'])} | {_fmt_seconds(summary['cpu_seconds'])} "
                f"| {'—' if ratio is None else f'{ratio:.2f}'} | {summary['peak_mb']:.0f} MB |"
            )
    lines += ["", "| target | measured | verdict |", "|---|---:|---|"]
    lines += [f"| {c['target']} | {c['measured']} | {c['verdict']} |" for c in report["targets"]]
    return "\n".join(lines) + "\n"


def _machine():
    import pelican

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        code = f"{commit} with uncommitted changes" if changed else commit
    except OSError:
        code = "unknown"
    return {
        "code": code,
        "cpus": cpus,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pelican": pelican.__version__,
        "description": f"{cpus} CPUs, {platform.system()} {platform.machine()}, Python "
        f"{platform.python_version()}, Pelican {pelican.__version__}",
    }


# --- Main ------------------------------------------------------------------------------


def run(sizes, runs=3, seed=0, command=None, results=RESULTS):
    """Benchmark every size; print the tables; write the results. Returns the report."""
    os.makedirs(results, exist_ok=True)
    started = time.time()
    loads = []
    # Moved, not deleted (see the comment at the top): deleted once everything is measured.
    _set_aside(os.path.join(results, "work"))
    code = snapshot_code(os.path.join(results, "work", "code"))
    workspaces = [Workspace(n, seed, code, results) for n in sizes]
    rounds = {n: [{} for _ in range(runs)] for n in sizes}
    memory = {}

    def say_for(n):
        return lambda what: console.print(f"  N={n} · {what}", style="dim")

    for ws in workspaces:  # first, every cold build, before anything is deleted
        n = ws.count
        console.print(
            f"[bold]N = {n}[/]: writing the corpus in {os.path.relpath(ws.folder, ROOT)}/"
        )
        ws.prepare()
        for index in range(runs):
            console.print(f"  N={n} · cold builds, run {index + 1}/{runs}")
            loads.append(os.getloadavg()[0] if hasattr(os, "getloadavg") else None)
            rounds[n][index].update(cold_round(ws, index, say_for(n)))
        memory[n] = memory_run(ws, say_for(n))
    for ws in workspaces:
        n = ws.count
        console.print(f"[bold]N = {n}[/]: the other steps")
        _setup(ws, say_for(n))
        for index in range(runs):
            console.print(f"  N={n} · run {index + 1}/{runs}")
            rounds[n][index].update(run_round(ws, index, say_for(n)))
    by_size = {}
    for ws in workspaces:
        n = ws.count
        by_size[n] = {step: summarise([r[step] for r in rounds[n]]) for step, _ in STEPS}
        cold = by_size[n]["cold"]
        if "peak_kb" in memory[n] and "peak_mb" in cold:
            # The timed runs' sampling may miss a short-lived child's peak (memory_run).
            cold["peak_mb"] = max(cold["peak_mb"], memory[n]["peak_kb"] / 1024)
            cold["memory_run"] = memory[n]
        by_size[n]["setup"] = {"first_publish": ws.baseline}
    for name in os.listdir(results):  # this one's, and any an interrupted benchmark left
        if name.startswith(SET_ASIDE):
            shutil.rmtree(os.path.join(results, name), ignore_errors=True)

    checks = check_targets(by_size)
    report = {
        "when": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "command": command or f"invoke bench --sizes {','.join(map(str, sizes))} --runs {runs}",
        "machine": _machine(),
        "load_average_at_runs": loads,
        "runs": runs,
        "seed": seed,
        "words_per_post": 800,
        "duration_seconds": round(time.time() - started),
        "sizes": {str(n): result for n, result in by_size.items()},
        "targets": checks,
    }
    console.print(results_table(by_size))
    console.print(targets_table(checks))
    busy = [load for load in loads if load is not None and load > report["machine"]["cpus"]]
    if busy:
        console.print(
            f"[yellow]! The machine was busy during {len(busy)} run(s) (load average above "
            f"{report['machine']['cpus']}): times are less reliable.[/]"
        )
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for name in (f"bench-{stamp}.json", "latest.json"):
        with open(os.path.join(results, name), "w", encoding="utf-8") as out:
            json.dump(report, out, ensure_ascii=False, indent=1)
    with open(os.path.join(results, "latest.md"), "w", encoding="utf-8") as out:
        out.write(markdown_summary(report))
    where = os.path.relpath(results, ROOT)
    console.print(
        f"Results: {where}/bench-{stamp}.json (and latest.json, latest.md); "
        f"took {report['duration_seconds']} s"
    )
    return report


def _set_aside(folder):
    """Move `folder` (if it exists) to a new name beside it, starting with SET_ASIDE."""
    if os.path.exists(folder):
        stamp = f"{datetime.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}"
        os.rename(folder, os.path.join(os.path.dirname(folder), SET_ASIDE + stamp))


def parse_sizes(text):
    return [int(part) for part in str(text).split(",") if part.strip()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000", help="comma-separated numbers of posts (default 1000)"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each step (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    report = run(
        parse_sizes(args.sizes),
        args.runs,
        args.seed,
        command=f"python -m bench.run --sizes {args.sizes} --runs {args.runs}",
    )
    return 1 if any(c["verdict"] == "FAIL" for c in report["targets"]) else 0


if __name__ == "__main__":
    sys.exit(main())
