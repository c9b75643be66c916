"""Typesetting in worker processes (a cold build of many posts) gives the very same site."""

import sys

from bench.corpus import CATEGORIES, post_text


def write_posts(site, count):
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text() + f"\nCARNET_CATEGORIES = {CATEGORIES!r}\n")
    for index in range(count):
        site.add_post(f"{index:05d}.md", text=post_text(index, count, words=150))


def test_worker_processes_typeset_exactly_like_the_build_process(site, tmp_path, monkeypatch):
    write_posts(site, 24)  # above MIN_POSTS_FOR_WORKERS
    site.build(production=False, CARNET_TYPOGRAPHY_WORKERS=1)
    alone = {p.relative_to(site.output): p.read_bytes() for p in site.html_files()}

    plugin = sys.modules["french_typography.french_typography"]
    started = []
    real_pool = plugin.ProcessPoolExecutor

    def counted_pool(*args, **kwargs):
        started.append(args)
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(plugin, "ProcessPoolExecutor", counted_pool)
    site.build(production=False, CARNET_TYPOGRAPHY_WORKERS=2, CACHE_PATH=str(tmp_path / "cold"))
    assert started, "the cold build should have typeset in worker processes"
    together = {p.relative_to(site.output): p.read_bytes() for p in site.html_files()}
    assert together.keys() == alone.keys()
    assert [path for path in alone if alone[path] != together[path]] == []
