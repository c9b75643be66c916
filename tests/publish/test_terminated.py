"""A task stopped by SIGTERM (`kill`, a service manager) or SIGHUP (a closed terminal)
stops as on Ctrl-C: what it made to work in is removed, and the next publish works.

The child sends the signal to itself at one exact moment, seen through Python's audit
hooks: as Pagefind starts, when the site's copy it indexes is in the temporary folder."""

import os
import signal
import subprocess
import sys

import pytest

TERMINATED = r"""
import os, runpy, signal, sys

main, number = os.getpid(), int(os.environ["STOP_SIGNAL"])

def stop_at_pagefind(event, args):
    if event == "subprocess.Popen" and os.getpid() == main and "pagefind" in str(args[0]):
        os.kill(main, number)

sys.addaudithook(stop_at_pagefind)
sys.argv = ["invoke", "publish"]
runpy.run_module("invoke", run_name="__main__", alter_sys=True)
"""


STOPPED = (
    "✗ Publish stopped before its end (Ctrl-C, or a signal): publish again to finish; a post "
    "already sent is not sent again\n"
)


def publish(site, target, temporary, stop_signal=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARNET_", "MAILCHIMP_"))}
    env.update(CARNET_DEPLOY_TARGET=str(target), TMPDIR=str(temporary))
    command = [sys.executable, "-m", "invoke", "publish"]
    if stop_signal:
        command = [sys.executable, "-c", TERMINATED]
        env["STOP_SIGNAL"] = str(int(stop_signal))
    return subprocess.run(
        command, cwd=site.root, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_publish_stopped_while_indexing_leaves_no_copy_of_the_site(site, tmp_path, stop_signal):
    # It died at once: the copy of the site Pagefind indexed stayed in /tmp for ever
    # (tens of MB at 1000 posts), and its build folder in .carnet/publish/.
    site.add_post("a.md", title="Un billet", date="2021-10-01 08:00")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    target = tmp_path / "www"
    done = publish(site, target, temporary, stop_signal)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr == STOPPED
    assert list(temporary.iterdir()) == []
    assert list((site.root / ".carnet" / "publish").iterdir()) == []
    assert not target.exists()
    done = publish(site, target, temporary)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (target / "un-billet" / "index.html").exists()


def test_a_signal_ignored_from_the_start_stays_ignored(site):
    # `nohup invoke publish &`: closing the terminal must not stop it.
    said = subprocess.run(
        [sys.executable, "-c", "import signal, tasks; print(signal.getsignal(signal.SIGHUP))"],
        cwd=site.root,
        env=dict(os.environ, PYTHONPATH=str(site.root)),
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert said.returncode == 0, said.stderr
    assert said.stdout.strip() == str(signal.SIG_IGN)


def test_the_same_signal_again_ends_the_task_at_once(site):
    # The first stops the task as Ctrl-C does; a second one (a service manager's, or
    # `timeout` and `kill` both) came as Python shut down after the first, and printed
    # « Exception ignored … Traceback »: it now ends the task at once, as before.
    program = (
        "import os, signal, tasks\n"
        "try:\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    signal.pause()\n"
        "except KeyboardInterrupt:\n"
        "    print(signal.getsignal(signal.SIGTERM) == signal.SIG_DFL)\n"
    )
    said = subprocess.run(
        [sys.executable, "-c", program],
        cwd=site.root,
        env=dict(os.environ, PYTHONPATH=str(site.root)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert said.returncode == 0, said.stderr
    assert said.stdout.strip() == "True"
