"""Whatever fails deep in a build names the post; `invoke serve` answers a missing page
with the site's own 404 page."""

import contextlib
import threading
import urllib.error
import urllib.request

import jinja2
import pytest
from conftest import post_text

from carnet.build import BuildFailed
from carnet.serve import site_server


def test_a_template_that_fails_on_one_post_names_that_post(site, monkeypatch):
    site.add_post("good.md", post_text(title="Bon billet"))
    site.add_post("boom.md", post_text(title="Billet piège"))
    render = jinja2.Template.render

    def render_failing_on_one_post(self, *args, **kwargs):
        context = args[0] if args else kwargs
        article = context.get("article")
        if getattr(article, "slug", "") == "billet-piege":
            raise jinja2.UndefinedError("'dict object' has no attribute 'photo'")
        return render(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", render_failing_on_one_post)
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert failure.value.problems == [
        "content/posts/boom.md: 'dict object' has no attribute 'photo'"
    ]


def test_a_writer_failure_on_a_list_page_names_the_page(site, monkeypatch):
    site.add_post("good.md", post_text(title="Bon billet", tags="écoute"))
    render = jinja2.Template.render

    def render_failing_on_tags(self, *args, **kwargs):
        context = args[0] if args else kwargs
        if context.get("tag") is not None:
            raise OSError(36, "File name too long")
        return render(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", render_failing_on_tags)
    with pytest.raises(BuildFailed) as failure:
        site.build()
    [line] = failure.value.problems
    assert line.startswith("output/etiquette/ecoute/index.html: ") and "too long" in line


def _get(url):
    try:
        with urllib.request.urlopen(url) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@contextlib.contextmanager
def _served(folder):
    """carnet.serve's server on `folder`, in this process, on a free port: its base URL."""
    server = site_server(str(folder), 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_serve_answers_a_missing_page_with_the_site_404_page(site):
    site.add_post("a.md", post_text(title="Un billet"))
    assert site.invoke("build").returncode == 0
    with site.serving() as base:
        status, page = _get(f"{base}/un-billet/")
        assert status == 200 and "Un billet" in page
        status, page = _get(f"{base}/nulle-part/ni-ailleurs")
        assert status == 404
        # The development build's 404 page links from the root (./theme/...): read from there.
        assert page == site.read("404.html").replace("<head>", '<head>\n<base href="/">', 1)
        request = urllib.request.Request(f"{base}/absent/", method="HEAD")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(request)
        assert missing.value.code == 404


def test_serve_answers_a_folder_without_a_page_with_the_site_404_page(site):
    """/etiquette/ (a tag's address cut short) is a folder of the output with no index.html:
    serve answered it with Python's English list of the folder's files."""
    site.add_post("a.md", post_text(title="Un billet", tags="écoute"))
    site.build(production=False)
    not_found = site.read("404.html").replace("<head>", '<head>\n<base href="/">', 1)
    with _served(site.output) as base:
        for folder in ("/etiquette/", "/etiquette", "/theme/", "/categorie/"):
            assert _get(base + folder) == (404, not_found), folder
        assert _get(base + "/etiquette/ecoute/")[0] == 200
        assert _get(base + "/un-billet")[0] == 200


def test_serve_answers_a_file_asked_for_as_a_folder_with_the_site_404_page(site):
    """/index.html/ or /un-billet/index.html/ (a slash typed after a page's file): serve
    answered with the page, which then read its stylesheet and images from under the file
    (./theme/ as /index.html/theme/), so the coach saw an unstyled page with no images,
    where a web host answers « page introuvable »."""
    site.add_post("a.md", post_text(title="Un billet"))
    site.build(production=False)
    not_found = site.read("404.html").replace("<head>", '<head>\n<base href="/">', 1)
    with _served(site.output) as base:
        for address in ("/index.html/", "/un-billet/index.html/", "/robots.txt/"):
            assert _get(base + address) == (404, not_found), address
        for address in ("/index.html", "/un-billet/index.html", "/un-billet/", "/robots.txt"):
            assert _get(base + address)[0] == 200, address


def test_serve_sends_the_part_of_a_video_asked_for(tmp_path):
    """Safari plays a <video> only from the parts of the file it asks for (Range:
    bytes=0-1 first): serve sent the whole file with 200 OK, and a post's video did not
    play in Safari on the coach's computer, though it does once published."""
    video = bytes(range(256)) * 4  # 1024 bytes
    (tmp_path / "film.mp4").write_bytes(video)

    def get(byte_range):
        request = urllib.request.Request(url, headers={"Range": byte_range})
        try:
            with urllib.request.urlopen(request) as answer:
                return answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    with _served(tmp_path) as base:
        url = base + "/film.mp4"
        status, headers, body = get("bytes=0-1")
        assert (status, body) == (206, video[:2])
        assert headers["Content-Range"] == "bytes 0-1/1024"
        assert headers["Content-Type"] == "video/mp4"
        assert headers["Content-Length"] == "2"
        assert get("bytes=1000-")[::2] == (206, video[1000:])
        assert get("bytes=1000-5000")[::2] == (206, video[1000:])
        assert get("bytes=-10")[::2] == (206, video[-10:])
        status, headers, _body = get("bytes=2000-")
        assert (status, headers["Content-Range"]) == (416, "bytes */1024")
        # A range serve does not read (several at once, another unit): the whole file.
        assert get("bytes=0-1,5-6")[::2] == (200, video)
        assert get("pages=1")[::2] == (200, video)
        assert get("bytes=5-2")[::2] == (200, video)
        with urllib.request.urlopen(url) as answer:
            assert (answer.status, answer.read()) == (200, video)


def test_serve_on_a_port_in_use_says_so_in_one_line(site):
    site.add_post("a.md", post_text(title="Un billet"))
    assert site.invoke("build").returncode == 0
    with site.serving() as base:
        port = base.rsplit(":", 1)[1]
        done = site.invoke("serve", "--port", port, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert f"port {port}" in line.lower() and "--port" in line


def test_a_settings_file_python_cannot_run_is_one_line_naming_it(site):
    settings = site.root / "pelicanconf.py"
    lines = settings.read_text(encoding="utf-8").count("\n")
    settings.write_text(settings.read_text(encoding="utf-8") + "SITENAME = \n", encoding="utf-8")
    done = site.invoke("build")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"✗ pelicanconf.py, ligne {lines + 1}\u00a0: ")  # the site speaks French


@pytest.mark.parametrize("paste", ["MAILCHIMP_API_KEY = {key}", "MAILCHIMP_API_KEY: {key}"])
def test_a_mailchimp_key_pasted_without_quotes_is_said_not_shown(site, paste):
    """Python's NameError named the key's 32 digits (its start a letter: an unknown name)."""
    key = "f9a7c21e4b05d86a1c2e3f4a5b6c7d8a-us21"
    settings = site.root / "pelicanconf.py"
    lines = settings.read_text(encoding="utf-8").count("\n")
    text = settings.read_text(encoding="utf-8") + paste.format(key=key) + "\n"
    settings.write_text(text, encoding="utf-8")
    done = site.invoke("build")
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(
        f"✗ pelicanconf.py, ligne {lines + 1}\u00a0: Python ne peut pas exécuter ce fichier de "
        "réglages (une clé d’API Mailchimp est sur cette ligne, et une clé ne doit pas du tout "
        "être dans un fichier de réglages\u00a0: supprimez-la"
    ), line
    assert key[:32] not in (done.stdout + done.stderr).lower()
