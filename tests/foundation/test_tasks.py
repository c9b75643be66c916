"""The invoke tasks, run as the author runs them."""

import json
import os
import re
import shutil
import socket
import threading
import time
import urllib.request

from conftest import wait_for

from carnet.serve import site_server


def test_build_writes_the_development_site(site):
    site.add_post("a.md", title="Un billet")
    site.add_post("b.md", title="Un autre billet")
    site.add_post("c.md", title="Pas encore", status="draft")
    done = site.invoke("build")
    assert done.returncode == 0, done.stderr
    assert (
        "Site construit dans output/\u00a0: 2 billets et 0 page, "
        "1 laissé de côté (brouillon, ou daté plus tard)" in done.stdout
    )
    assert (site.output / "un-billet" / "index.html").exists()
    assert not (site.output / "feeds").exists()


def test_a_failed_development_build_says_what_became_of_output(site):
    # « nothing was published » is publish's line: a development build publishes nothing
    # ever. A post in error stops it before it writes (output/ stays the last site built,
    # which `invoke serve` goes on serving); a crash while writing may leave it in part.
    site.speak("en")
    site.add_post("a.md", title="A post")
    site.add_post("b.md", title=None)  # no Title: line, an error
    done = site.invoke("build")
    assert done.returncode == 1
    assert "The build failed; output/ was left as it was (the last site built):" in done.stderr
    assert "published" not in done.stderr
    assert not (site.output / "a-post" / "index.html").exists()
    # A crash in the theme, once pages are being written, may leave output/ in part.
    site.use_a_broken_template()
    site.add_post("b.md", title="Another post", template="broken")
    done = site.invoke("build")
    assert done.returncode == 1
    assert (
        "The build failed; output/ may have been rewritten all the same, in part or in full:"
        in done.stderr
    )

    site.add_post("b.md", title="Another post", colour="blue")  # unknown metadata, a warning
    done = site.invoke("build", "--strict")
    assert done.returncode == 1
    assert (
        "The build has warnings and --strict makes them errors; output/ was built all the same:"
        in done.stderr
    )
    assert "published" not in done.stderr
    assert (site.output / "another-post" / "index.html").exists()


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
    assert f"Déployé vers {target}" in done.stdout
    # Its build folder is its own, gone once the site is online: not named.
    assert "Site construit\u00a0: 1 billet et 0 page" in done.stdout
    assert "Index de recherche de 1 page écrit\n" in done.stdout and ".carnet" not in done.stdout
    assert (target / "un-billet" / "index.html").exists()
    assert "https://" in (target / "feeds" / "all.atom.xml").read_text()


def test_publish_without_target_says_so_and_keeps_output(site):
    site.add_post("a.md", title="Un billet")
    done = site.invoke("publish")
    assert done.returncode == 0, done.stderr
    assert "Aucune destination de déploiement" in done.stderr
    assert (site.output / "un-billet" / "index.html").exists()


def test_a_deploy_target_set_in_pelicanconf_is_said_to_belong_in_publishconf(site, tmp_path):
    """The guide says to set CARNET_DEPLOY_TARGET; set in pelicanconf.py (where the guide
    puts the other settings) publishconf.py's own empty one wins, and the line said only
    « (CARNET_DEPLOY_TARGET ou le réglage de publishconf) »."""
    site.add_post("a.md", title="Un billet")
    with open(site.root / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write(f"\nCARNET_DEPLOY_TARGET = {str(tmp_path / 'www')!r}\n")
    done = site.invoke("publish")
    assert done.returncode == 0, done.stderr
    assert "Aucune destination de déploiement" in done.stderr
    assert "réglez CARNET_DEPLOY_TARGET dans publishconf.py (pas dans pelicanconf.py" in done.stderr


def test_publish_fails_clearly_when_the_deploy_fails(site, tmp_path):
    site.add_post("a.md", title="Un billet")
    # The target passes the checks, but its releases folder cannot be made: its name,
    # the target's and ".carnet-releases", is longer than a file system allows (255).
    done = site.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(tmp_path / ("w" * 245))})
    assert done.returncode != 0
    assert "Le déploiement a échoué" in done.stderr
    # In French, not the system's « [Errno 36] File name too long: '/tmp/…' ».
    assert "(un nom est trop long pour ce disque)" in done.stderr
    assert "Errno" not in done.stderr and "File name" not in done.stderr


def test_serve_serves_the_built_site(site):
    site.add_post("a.md", title="Un billet")
    assert site.invoke("build").returncode == 0
    with site.serving() as base:
        page = urllib.request.urlopen(f"{base}/un-billet/").read()
        assert "Un billet" in page.decode()


def test_serve_answers_while_a_browser_holds_a_connection_it_sends_nothing_on(site):
    """Chrome opens connections ahead of need and may send nothing on one: serve, answering
    one connection at a time, waited on it, and the page asked for meanwhile never came
    (no answer in 10 s, nor ever until the idle connection closed)."""
    site.add_post("a.md", title="Un billet")
    assert site.invoke("build").returncode == 0
    with site.serving(wait=60) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))):  # opened, nothing sent
            page = urllib.request.urlopen(f"{base}/un-billet/", timeout=10).read()
    assert "Un billet" in page.decode()


def test_the_search_index_is_made_by_one_request_at_a_time(tmp_path):
    """The search page asks for several files of the index at once; now that each is
    answered in a thread, two of them must not run Pagefind into one folder together."""
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "pagefind" / "pagefind.js").write_text("//")
    running, most = [], []

    def index_when_stale():
        running.append(1)
        most.append(len(running))
        time.sleep(0.2)
        running.pop()

    server = site_server(str(tmp_path), 0, index_when_stale=index_when_stale)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/pagefind/pagefind.js"
    try:
        askers = [
            threading.Thread(target=lambda: urllib.request.urlopen(url, timeout=10).read())
            for _ in range(4)
        ]
        for asker in askers:
            asker.start()
        for asker in askers:
            asker.join()
    finally:
        server.shutdown()
        server.server_close()
    assert len(most) == 4 and max(most) == 1


def test_serve_says_in_french_why_a_port_cannot_be_used(site):
    """The system's « Address already in use » was printed as it is, in a French line."""
    site.add_post("a.md", title="Un billet")
    assert site.invoke("build").returncode == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = site.invoke("serve", "--port", str(port))
    assert done.returncode == 1
    assert "peut-être un `invoke serve` encore ouvert" in done.stderr
    assert "Address already in use" not in done.stderr
    done = site.invoke("serve", "--port", "huit-mille")
    assert done.returncode == 1
    assert "un port est un nombre entier de 1 à 65535" in done.stderr
    assert "invalid literal" not in done.stderr


def test_serve_says_when_output_holds_the_production_site(site):
    """After `invoke publish` without a deploy target (« le site reste dans output/ ») or
    `invoke preview`, serve showed pages whose every link and stylesheet led to the
    publishconf SITEURL, not to the computer, and said nothing."""
    site.add_post("a.md", title="Un billet")
    siteurl = re.search(r'^SITEURL = "(.*)"$', (site.root / "publishconf.py").read_text(), re.M)
    with socket.socket() as taken:  # serve stops at once, having said what it says first
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        assert site.invoke("preview").returncode == 0
        done = site.invoke("serve", "--port", port)
        assert "output/ contient le site de production" in done.stderr
        assert f"ses liens mènent à {siteurl[1]}" in done.stderr
        assert "lancez d’abord `invoke build`" in done.stderr
        assert site.invoke("build").returncode == 0
        done = site.invoke("serve", "--port", port)
        assert "site de production" not in done.stderr


def test_build_says_how_to_get_search_and_serve_indexes_what_it_serves(site):
    site.add_post("a.md", title="Un billet")
    done = site.invoke("build")
    assert "`invoke serve` indexe le site qu’il sert" in done.stdout
    assert not (site.output / "pagefind").exists()
    # serve indexes before it listens, so its first answer already has the index.
    with site.serving(wait=60) as base:
        answer = urllib.request.urlopen(f"{base}/pagefind/pagefind-ui.js")
        assert answer.status == 200
    assert (site.output / "pagefind" / "pagefind-entry.json").exists()


def test_a_build_while_serve_runs_leaves_search_working(site):
    site.add_post("a.md", title="Un billet")
    assert site.invoke("build").returncode == 0
    with site.serving(wait=60) as base:
        site.add_post("b.md", title="Un second billet")
        assert site.invoke("build").returncode == 0  # a development build: no index
        assert not (site.output / "pagefind").exists()
        answer = urllib.request.urlopen(f"{base}/pagefind/pagefind-ui.js", timeout=60)
        assert answer.status == 200
    entry = json.loads((site.output / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["fr"]["page_count"] == 2


def test_the_deployed_letters_page_lists_the_letters_just_sent(site, tmp_path):
    site.add_post("old.md", title="Un ancien billet", date="2021-01-05 08:30")
    site.add_post("a.md", title="Première lettre", date="2021-10-05 08:30")
    site.add_post("b.md", title="Deuxième lettre", date="2021-10-06 08:30")
    target = tmp_path / "www"
    done = site.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(target)})
    assert done.returncode == 0, done.stderr
    letters = _letters(target / "newsletter" / "archives" / "index.html")
    # The old post was counted as sent when the newsletter started, never emailed.
    assert letters == ["Deuxième lettre", "Première lettre"]


def test_a_letter_whose_send_failed_is_not_listed(site, tmp_path):
    site.add_post("a.md", title="Première lettre", date="2021-10-05 08:30")
    site.add_post("b.md", title="Deuxième lettre", date="2021-10-06 08:30")
    # The second letter's file in the outbox cannot be written: a folder is in its way.
    (site.root / "outbox" / "2021-10-06-deuxieme-lettre.html").mkdir(parents=True)
    target = tmp_path / "www"
    done = site.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(target)})
    assert done.returncode != 0
    assert _letters(target / "newsletter" / "archives" / "index.html") == ["Première lettre"]


def _letters(path):
    """The titles the letters page lists (each line says when it was sent)."""
    return re.findall(
        r'<li><a href="[^"]*">([^<]*)</a> <span class="issues__date">', path.read_text()
    )


def test_livereload_sees_every_save_of_the_settings_by_an_editor_that_renames(site):
    """Editors that save by writing a new file and renaming it over the old one (an atomic
    save) left livereload watching the old, deleted pelicanconf.py: the first change of a
    setting was built, every later one never (the site kept the first new name for 30 s)."""
    site.add_post("a.md", title="Un billet")
    settings = site.root / "pelicanconf.py"
    home = site.output / "index.html"
    with site.livereloading():
        for name in ("Deuxième nom", "Troisième nom", "Quatrième nom"):
            text = re.sub(
                r"^SITENAME = .*$", f"SITENAME = {name!r}", settings.read_text(), flags=re.M
            )
            saved = site.root / "pelicanconf.py.tmp"
            saved.write_text(text, encoding="utf-8")
            os.replace(saved, settings)
            wait_for(lambda name=name: name in home.read_text(), 30)


def test_livereload_started_on_a_broken_post_watches_until_it_is_fixed(site):
    """A failed build made livereload go on watching, but the first one made it stop: a
    coach starting it on the post she left half-written got the error and no livereload
    (exit code 1), though fixing the post is what she starts it for."""
    site.add_post("a.md", title=None)  # no Title: line
    home = site.output / "index.html"
    with site.livereloading():
        site.add_post("a.md", title="Un billet réparé")
        wait_for(lambda: home.exists() and "Un billet réparé" in home.read_text(), 30)


def test_livereload_without_its_content_folder_says_so_in_one_line(site):
    """content/ missing (renamed, or the task run from elsewhere): the build said so, then
    livereload stopped with a traceback of watchfiles' « No path was found »."""
    shutil.rmtree(site.content)
    done = site.invoke("livereload", timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "✗ content/ n’existe pas, et livereload le surveille\u00a0: remettez-le (ou lancez la "
        "tâche depuis le dossier du projet), puis relancez livereload"
    )


def test_the_tasks_the_readme_names_exist(site):
    listed = site.invoke("--list").stdout
    for task in ("build", "preview", "publish", "serve", "clean", "newsletter-status"):
        assert task in listed
    assert "livereload (regenerate)" in listed
