"""The search index: built by `invoke preview` and `invoke publish` (after the build, before
the deploy), in French, and never by `invoke build`."""

import ast
import gzip
import json
import re
import shutil
import sys

import pytest

import carnet.search
from carnet.search import SearchIndexFailed, build_index, copy_with_elisions_split
from carnet.typography import typeset_text


def index_languages(site):
    entry = site.output / "pagefind" / "pagefind-entry.json"
    return json.loads(entry.read_text(encoding="utf-8"))["languages"]


def indexed_pages(site):
    """Each page of the index as Pagefind stores it (url, content, meta): one fragment per
    page, gzipped JSON after a "pagefind_dcd" signature."""
    for fragment in (site.output / "pagefind" / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        yield json.loads(data)


def indexed_urls(site):
    """The URL of every page in the index."""
    return {page["url"] for page in indexed_pages(site)}


def index_files(site):
    """Every file of output/pagefind/ by its path (the same pages make the same bytes)."""
    bundle = site.output / "pagefind"
    return {
        path.relative_to(bundle): path.read_bytes() for path in bundle.rglob("*") if path.is_file()
    }


def test_index_has_every_article_and_nothing_else(site):
    # Listing, tag, category, author, archive pages and the page all quote « cliente » too.
    site.add_post("a.md", title="Une cliente", body="Ma cliente est partie.", tags="écoute")
    site.add_post("b.md", title="Un client", date="2020-09-10 08:30", body="Sa cliente aussi.")
    site.add_page("a-propos.md", title="À propos", body="Ma première cliente.")
    result = site.build()
    assert build_index(str(site.output), result.settings) == 2
    assert indexed_urls(site) == {"/une-cliente/", "/un-client/"}


def test_a_hidden_post_is_on_the_site_but_not_in_the_index(site):
    site.add_post("a.md", title="Une cliente", body="Ma cliente est partie.")
    site.add_post("b.md", title="En coulisse", body="Motcache ici.", status="hidden")
    result = site.build()
    assert (site.output / "en-coulisse" / "index.html").is_file()
    assert build_index(str(site.output), result.settings) == 1
    assert indexed_urls(site) == {"/une-cliente/"}


def test_a_hidden_post_is_not_in_the_index_of_a_site_that_lists_no_post(site):
    """With no page marked for the index (no published post yet, or only hidden and
    e-mail-only ones), Pagefind indexes every page it reads: the hidden post's too."""
    site.add_post("b.md", title="En coulisse", body="Motcache ici.", status="hidden")
    site.add_post("c.md", title="La lettre", body="Motlettre ici.", newsletter="only")
    site.add_page("a-propos.md", title="À propos", body="Ma première cliente.")
    result = site.build()
    build_index(str(site.output), result.settings)
    assert "/a-propos/" in indexed_urls(site)
    assert "/en-coulisse/" not in indexed_urls(site)


def test_the_authors_portrait_is_not_searchable_in_every_post(site):
    """Pagefind takes the first image after the title as the page's image, and searches its
    alt text: the byline's « Portrait de Claire Dumas » made « portrait » or « Dumas » find
    every post, with an excerpt that does not say it."""
    (site.content / "images" / "claire-dumas.svg").write_text("<svg/>", encoding="utf-8")
    site.add_post("a.md", title="Une cliente", body="Ma cliente est partie.")
    result = site.build()
    assert '<img class="avatar"' in site.read("une-cliente/index.html")
    build_index(str(site.output), result.settings)
    [page] = indexed_pages(site)
    assert page["meta"]["title"] == "Une cliente"
    assert "Portrait" not in json.dumps(page["meta"]), page["meta"]


def test_the_words_struck_through_are_not_in_a_search_result(site):
    # Its excerpt read « Je vends donne mes livres », the opposite of the post; and
    # « vends » found the post that gives its books.
    site.add_post("a.md", title="Mes livres", body="Je ~~vends~~ donne mes livres, <s>cher</s>.")
    result = site.build()
    build_index(str(site.output), result.settings)
    [page] = indexed_pages(site)
    assert page["content"] == "Mes livres. Je donne mes livres, ."


def test_index_follows_the_article_url_pattern(site):
    # Pagefind reads only the files ARTICLE_SAVE_AS names: another pattern, the same articles.
    site.add_post("a.md", title="Une cliente", body="Ma cliente est partie.")
    site.add_post("b.md", title="Un client", date="2021-03-10 08:30", body="Sa cliente aussi.")
    pattern = "{date:%Y/%m}/{slug}.html"  # one field, two folders
    result = site.build(ARTICLE_URL=pattern, ARTICLE_SAVE_AS=pattern)
    assert build_index(str(site.output), result.settings) == 2
    assert indexed_urls(site) == {"/2020/09/une-cliente.html", "/2021/03/un-client.html"}


def test_preview_builds_a_french_search_index(site):
    site.add_post("a.md", title="Une cliente", body="Ma cliente est partie.")
    done = site.invoke("preview")
    assert done.returncode == 0, done.stderr
    languages = index_languages(site)
    assert list(languages) == ["fr"]
    assert languages["fr"]["page_count"] >= 1
    assert "pagefind/" in done.stdout


# A string of a JavaScript object literal, as Pagefind's minified UI and the search page
# write them: its key and its text (escapes such as \xE9 included).
JS_STRING = re.compile(r'(\w+):\s*"((?:[^"\\]|\\.)*)"')


def test_the_search_pages_messages_are_typeset(site):
    """What Pagefind's UI writes while searching (« Recherche [SEARCH_TERM]... », « suivantes:
    ») is read on the site like a post: each French string it has, as the search page
    translates it, comes out of the typesetting unchanged."""
    site.add_post("a.md", title="Une cliente", body="Ma cliente est partie.")
    done = site.invoke("preview")
    assert done.returncode == 0, done.stderr
    ui = (site.output / "pagefind" / "pagefind-ui.js").read_text(encoding="utf-8")
    french = re.search(r'\{placeholder:"Rechercher",.*?\}', ui)
    assert french, "Pagefind's UI no longer has its French strings where this test looks"
    page = site.read("recherche/index.html")
    translations = re.search(r"translations: (\{.*?\})", page, re.S)
    shown = dict(JS_STRING.findall(french[0])) | dict(JS_STRING.findall(translations[1]))
    assert "searching" in shown and "search_suggestion" in shown
    untypeset = {}
    for key, text in shown.items():
        text = re.sub(r"\[[A-Z_]+\]", "mot", ast.literal_eval(f'"{text}"'))
        if typeset_text(text) != text:
            untypeset[key] = text
    assert not untypeset


def test_build_does_not_index(site):
    site.add_post("a.md", title="Une cliente")
    done = site.invoke("build")
    assert done.returncode == 0, done.stderr
    assert not (site.output / "pagefind").exists()


def test_publish_indexes_before_deploying(site, tmp_path):
    site.add_post("a.md", title="Une cliente")
    target = tmp_path / "deployed"
    done = site.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(target)})
    assert done.returncode == 0, done.stderr
    assert (target / "pagefind" / "pagefind-entry.json").is_file()


def test_a_site_with_no_post_yet_is_published_without_an_index(site, tmp_path):
    """Before the first post, with articles saved in a folder of their own, Pagefind found
    no page to read and stopped `invoke publish`: the « À propos » page could not go online."""
    site.add_page("a-propos.md", title="À propos", body="Bonjour.")
    with open(site.root / "publishconf.py", "a", encoding="utf-8") as conf:
        conf.write('\nARTICLE_URL = "billets/{slug}.html"\nARTICLE_SAVE_AS = ARTICLE_URL\n')
    target = tmp_path / "deployed"
    done = site.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(target)})
    assert done.returncode == 0, done.stderr
    assert (target / "a-propos" / "index.html").is_file()
    assert not (target / "pagefind").exists()
    assert "Aucun billet à indexer pour la recherche" in done.stdout


def test_index_language_is_forced_whatever_the_page_says(site):
    site.add_post("a.md", title="Une cliente")
    site.build()
    page = site.output / "une-cliente" / "index.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace('lang="fr"', 'lang="en"'), encoding="utf-8"
    )
    build_index(str(site.output), {"CARNET_SEARCH_LANGUAGE": "fr"})
    assert list(index_languages(site)) == ["fr"]


def test_a_failing_pagefind_is_said_in_one_line(site, monkeypatch):
    """Pagefind says why it failed over several lines, some twice, with a backtrace when it
    panics: the coach got them all under the ✗ line. Now one line, each reason once."""
    site.add_post("a.md", title="Une cliente")
    result = site.build()
    said = (
        "Error: Pagefind was not able to build an index. \n"
        "Most likely, the directory passed to Pagefind was empty.\n"
        "Error: Pagefind was not able to build an index. \n"
        "\nstack backtrace:\n"
        "note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.\n"
    )
    script = f"import sys; sys.stderr.write({said!r}); sys.exit(101)"
    monkeypatch.setattr(carnet.search, "pagefind_command", lambda: [sys.executable, "-c", script])
    with pytest.raises(SearchIndexFailed) as failure:
        build_index(str(site.output), result.settings)
    assert str(failure.value) == (
        "Pagefind failed: Error: Pagefind was not able to build an index. Most likely, the "
        "directory passed to Pagefind was empty."
    )


def test_pagefind_reads_the_article_not_the_whole_page(site, tmp_path):
    """Pagefind read a copy of each whole article page: the head, the menu, the sidebar, the
    related posts, three times the article it indexes, to write and then to parse."""
    site.add_post("a.md", title="Une cliente", body="Ma cliente est partie.")
    result = site.build()
    page = site.read("une-cliente/index.html")
    assert 'aria-label="Menu principal"' in page and 'class="sidebar"' in page
    copy_with_elisions_split(str(site.output), str(tmp_path), result.settings)
    copy = (tmp_path / "une-cliente" / "index.html").read_text(encoding="utf-8")
    assert "Ma cliente est partie." in copy and "<title>Une cliente" in copy
    assert "Menu principal" not in copy and 'class="sidebar"' not in copy
    assert len(copy) < len(page) / 2


# What Pagefind reads outside an article (a theme may add it): each keeps the whole page
# for Pagefind to read, so that the index stays the one whole pages give. Which page it is
# added to, and how.
ARTICLE = "une-cliente/index.html"
OUTSIDE_THE_ARTICLE = {
    "nothing": (
        ARTICLE,
        lambda page: page.replace("</article>", "</article><p data-pagefind-ignore>Hors index</p>"),
    ),
    "a filter in the head": (
        ARTICLE,
        lambda page: page.replace(
            "</head>", '<meta data-pagefind-filter="auteur[content]" content="Claire"></head>'
        ),
    ),
    "a meta after": (
        ARTICLE,
        lambda page: page.replace(
            "</article>", '</article><p data-pagefind-meta="auteur">Claire</p>'
        ),
    ),
    "an h1 before, the title not given": (
        ARTICLE,
        lambda page: page.replace(' data-pagefind-meta="title"', "").replace(
            '<main id="contenu" class="main">', '<main id="contenu" class="main"><h1>Le carnet</h1>'
        ),
    ),
    "an image after, none given nor in the article": (
        ARTICLE,
        lambda page: re.sub(
            r'<img class="avatar"[^>]*>', "", page.replace(' data-pagefind-meta="image:"', "")
        ).replace("</article>", '</article><img src="/ailleurs.png" alt="Ailleurs">'),
    ),
    "an h1 after, none given nor in the article": (
        ARTICLE,
        lambda page: re.sub(
            r'<h1 class="post__title" data-pagefind-meta="title">(.*?)</h1>', r"<p>\1</p>", page
        ).replace("</article>", "</article><h1>Ailleurs</h1>"),
    ),
    "the page left out": (
        ARTICLE,
        lambda page: page.replace("<body>", '<body data-pagefind-ignore="all">'),
    ),
    "a comment saying data-pagefind-body": (
        "a-propos/index.html",
        lambda page: page.replace("</head>", "<!-- <div data-pagefind-body> --></head>"),
    ),
}


@pytest.mark.parametrize("page, change", OUTSIDE_THE_ARTICLE.values(), ids=OUTSIDE_THE_ARTICLE)
def test_the_index_is_the_one_whole_pages_give(site, monkeypatch, page, change):
    site.add_post("a.md", title="Une cliente", body="## L’écoute\n\nMa cliente est partie.")
    site.add_post("b.md", title="Un client", date="2020-09-10 08:30", body="Sa cliente aussi.")
    site.add_page("a-propos.md", title="À propos", body="Ma première cliente.")
    result = site.build()
    html = site.read(page)
    assert change(html) != html
    (site.output / page).write_text(change(html), encoding="utf-8")
    build_index(str(site.output), result.settings)
    from_what_pagefind_reads = index_files(site)
    shutil.rmtree(site.output / "pagefind")
    monkeypatch.setattr(carnet.search, "what_pagefind_reads", lambda html: html)
    build_index(str(site.output), result.settings)
    assert index_files(site) == from_what_pagefind_reads
