"""The invoke tasks, run as the author runs them."""

import socket
import subprocess
import sys
import time
import urllib.request


def test_build_writes_the_development_site(site):
    site.add_post("a.md", title="Un billet")
    done = site.invoke("build")
    assert done.returncode == 0, done.stderr
    assert "Site built in output/" in done.stdout
    assert (site.output / "un-billet" / "index.html").exists()
    assert not (site.output / "feeds").exists()


def test_clean_removes_output_and_cache(site):
    site.add_post("a.md", title="Un billet")
    assert site.invoke("build").returncode == 0
    assert (site.root / ".carnet" / "cache").exists()
    done = site.invoke("clean")
    assert done.returncode == 0
    assert not site.output.exists() and not (site.root / ".carnet" / "cache").exists()


def test_publish_deploys_to_a_local_folder(site, tmp_path):
    site.add_post("a.md", title="Un billet")
    target = tmp_path / "www"
    done = site.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(target)})
    assert done.returncode == 0, done.stderr
    assert f"Deployed to {target}" in done.stdout
    assert (target / "un-billet" / "index.html").exists()
    assert "https://" in (target / "feeds" / "all.atom.xml").read_text()


def test_publish_without_target_says_so_and_keeps_output(site):
    site.add_post("a.md", title="Un billet")
    done = site.invoke("publish")
    assert done.returncode == 0, done.stderr
    assert "No deploy target" in done.stderr
    assert (site.output / "un-billet" / "index.html").exists()


def test_publish_fails_clearly_when_the_deploy_fails(site, tmp_path):
    site.add_post("a.md", title="Un billet")
    # The target passes the checks, but its releases folder cannot be made: a file is there.
    (tmp_path / "www.carnet-releases").write_text("not a folder")
    done = site.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(tmp_path / "www")})
    assert done.returncode != 0
    assert "Deploy failed" in done.stderr


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_serves_the_built_site(site):
    site.add_post("a.md", title="Un billet")
    assert site.invoke("build").returncode == 0
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "invoke", "serve", "--port", str(port)],
        cwd=site.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(50):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/un-billet/").read()
                break
            except OSError:
                time.sleep(0.2)
        assert "Un billet" in page.decode()
    finally:
        server.terminate()
        server.wait(10)
