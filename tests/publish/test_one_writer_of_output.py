"""Tasks that write output/ (a build, `preview`, livereload's builds, `clean`, a publish
without a deploy target) write it one at a time: `invoke preview` started while another
task built left output/ a mix of both sites, production pages beside development ones.
The second one says it waits, then does its work."""

import os
import subprocess
import sys
import time

import pytest
from conftest import started_and_waiting

from carnet import output_record


def _started_while_output_is_held(site, tmp_path, *task):
    from carnet.newsletter import lock

    log = tmp_path / "task.log"
    with lock.hold(str(site.root / ".carnet" / "output.lock"), 0):
        waiting = started_and_waiting(site, log, "waiting for it to finish", *task)
        text = log.read_text()
        assert f"Another task (process {os.getpid()}) is writing output/" in text, text
        time.sleep(1)
        assert waiting.poll() is None, log.read_text()
        untouched = sorted(output_record.files_in(site.output))
    assert waiting.wait(timeout=300) == 0, log.read_text()
    return untouched, log.read_text()


@pytest.mark.parametrize("task", ["build", "preview"])
def test_a_build_waits_while_another_task_writes_output(site, tmp_path, task):
    site.add_post("a.md", title="Un billet", date="2021-10-01 08:00")
    site.build(production=False)
    before = sorted(output_record.files_in(site.output))
    (site.output / "un-billet" / "index.html").write_text("as the other task wrote it")
    untouched, text = _started_while_output_is_held(site, tmp_path, task)
    assert untouched == before
    assert "Building" not in text.split("waiting for it to finish", 1)[0]
    assert "Un billet" in site.read("un-billet/index.html")


def test_clean_waits_while_another_task_writes_output(site, tmp_path):
    site.add_post("a.md", title="Un billet", date="2021-10-01 08:00")
    site.build(production=False)
    before = sorted(output_record.files_in(site.output))
    untouched, _text = _started_while_output_is_held(site, tmp_path, "clean")
    assert untouched == before
    assert not site.output.exists()


def test_preview_and_build_at_once_leave_one_whole_site(site):
    """Started together, five times: output/ is the site of the one that ended last, every
    page of it, never production pages beside development ones."""
    for number in range(5):
        site.add_post(f"p{number}.md", title=f"Billet {number}", date="2021-10-01 08:00")
        env = {k: v for k, v in os.environ.items() if not k.startswith("CARNET_")}
        # What each task said, for a failure to say why (one failed once, under the load
        # of two test runs at once, and was not seen again in 17 runs). Files, not pipes:
        # a task waiting for the other's lock must not wait for its reader too.
        logs = [(site.root.parent / f"{task}.log").open("w+") for task in ("preview", "build")]
        tasks = [
            subprocess.Popen(
                [sys.executable, "-m", "invoke", task],
                cwd=site.root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            for task, log in zip(("preview", "build"), logs, strict=True)
        ]
        for task in tasks:
            task.wait(timeout=300)
        said = []
        for log in logs:
            log.seek(0)
            said.append(log.read())
            log.close()
        assert [task.returncode for task in tasks] == [0, 0], said
        online = {
            'stylesheet" href="https://' in page.read_text(encoding="utf-8")
            for page in site.html_files()
        }
        assert len(online) == 1, f"round {number}: production and development pages"
