"""The README's first command on a fresh clone: the served site's search works."""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def first_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"```sh\n(bash scripts/setup\.sh && [^\n]*serve)\n```", readme)[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, tries=600):
    for _ in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, b""
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"nothing answered at {url}")


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git repository")
def test_the_first_command_serves_a_site_whose_search_works(tmp_path):
    clone = tmp_path / "carnet"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    # The same command path as the README; setup.sh reuses a venv that already has
    # everything (pip installs only what is missing) instead of downloading it again. Its
    # `pip install -e .` points that venv's Carnet at the clone: pointed back at the end
    # (the tests after this one run Carnet's scripts with it).
    os.symlink(ROOT / ".venv", clone / ".venv")
    try:
        _first_command_serves_search(clone, tmp_path)
    finally:
        subprocess.run(
            [ROOT / ".venv" / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps"]
            + ["--disable-pip-version-check", "-e", str(ROOT)],
            check=True,
        )
    where = subprocess.run(
        [ROOT / ".venv" / "bin" / "python", "-c", "import carnet; print(carnet.__file__)"],
        cwd="/",
        capture_output=True,
        text=True,
    )
    assert where.stdout.strip() == str(ROOT / "carnet" / "__init__.py"), where


def _first_command_serves_search(clone, tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARNET_", "MAILCHIMP_"))}
    env["CARNET_PORT"] = str(port)
    log = tmp_path / "log.txt"
    with open(log, "w") as out:
        process = subprocess.Popen(
            ["bash", "-c", first_command()],
            cwd=clone,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        status, page = fetch(f"http://127.0.0.1:{port}/recherche/")
        assert status == 200, log.read_text()
        assert 'id="recherche"' in page.decode()
        status, script = fetch(f"http://127.0.0.1:{port}/pagefind/pagefind-ui.js")
        assert status == 200 and b"PagefindUI" in script
        status, _ = fetch(f"http://127.0.0.1:{port}/pagefind/pagefind-entry.json")
        assert status == 200
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    # The letters the first publish wrote are in the outbox.
    assert any(name.endswith(".eml") for name in os.listdir(clone / "outbox")), log.read_text()
