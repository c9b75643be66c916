"""The search index: built by `invoke preview` and `invoke publish` (after the build, before
the deploy), in French, and never by `invoke build`."""

import json

from carnet.search import build_index


def index_languages(site):
    entry = site.output / "pagefind" / "pagefind-entry.json"
    return json.loads(entry.read_text(encoding="utf-8"))["languages"]


def test_preview_builds_a_french_search_index(site):
    site.add_post("a.md", title="Une cliente", body="Ma cliente est partie.")
    done = site.invoke("preview")
    assert done.returncode == 0, done.stderr
    languages = index_languages(site)
    assert list(languages) == ["fr"]
    assert languages["fr"]["page_count"] >= 1
    assert "pagefind/" in done.stdout


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


def test_index_language_is_forced_whatever_the_page_says(site):
    site.add_post("a.md", title="Une cliente")
    site.build()
    page = site.output / "une-cliente" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('lang="fr"', 'lang="en"'), encoding="utf-8")
    build_index(str(site.output), {"CARNET_SEARCH_LANGUAGE": "fr"})
    assert list(index_languages(site)) == ["fr"]
