"""carnet/compact_texts.py and its wiring: each post's text held once, in UTF-8, in blocks
shared by many posts, so that a forked child reading the texts does not copy them."""

import pickle
import sys

import pytest
from conftest import python_prints
from pelican import signals

from carnet import forked
from carnet.compact_texts import BLOCK_SIZE, CompactText

TEXTS = [
    "",
    "<p>Aujourd\u2019hui, une cliente m\u2019a dit\u202f: «\u00a0je n\u2019ose pas\u00a0»\u202f!</p>",
    "Un émoji 🌱 et un demi-caractère \ud800 qu'aucun fichier n'a, mais qu'un str peut tenir.",
    "é" * BLOCK_SIZE,  # longer than a block
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_text_comes_back_as_it_was_given_and_pickles_as_that_str(text):
    compact = CompactText(text)
    assert str(compact) == text
    unpickled = pickle.loads(pickle.dumps(compact, forked.PROTOCOL))
    assert type(unpickled) is str and unpickled == text


def test_texts_share_blocks_of_memory():
    texts = [f"<p>Billet {n} : l\u2019écoute.</p>" * 120 for n in range(100)]  # 5 KB each
    compacts = [CompactText(text) for text in texts]
    assert [str(compact) for compact in compacts] == texts
    assert len({id(compact._memory) for compact in compacts}) <= 10


# A forked child reads each post's title, then each post's text: how many pages of memory
# it has copied from the parent for the texts alone.
_PAGES_COPIED_READING_TEXTS = """
import gc, os, sys
from datetime import datetime
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from carnet.pelican_private import texts_kept_compact
if sys.argv[1] == "compact":
    texts_kept_compact()
def private_kb():
    with open("/proc/self/smaps_rollup") as rollup:
        return sum(int(line.split()[1]) for line in rollup if line.startswith("Private_"))
paragraph = "<p>Aujourd\u2019hui, elle m\u2019a dit\u202f: «\u00a0je n\u2019ose pas\u00a0»\u202f!</p>"
posts = [
    Article(paragraph * (80 + n % 20), metadata={"title": f"Billet {n}",
            "date": datetime(2024, 1, 1)}, settings=dict(DEFAULT_CONFIG))
    for n in range(400)
]
gc.collect()
gc.freeze()
read, write = os.pipe()
if os.fork() == 0:
    titles = sum(len(post.title) for post in posts)
    before = private_kb()
    texts = sum(len(post._content) for post in posts)
    os.write(write, str((private_kb() - before) // 4).encode())
    os._exit(0)
os.wait()
print(os.read(read, 100).decode())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and fork")
def test_a_forked_child_reading_every_text_copies_few_pages():
    """Python writes a str's reference count in its first page: a child rendering pages
    copied one page per post it read (4 KB a post, 20 MB at 5000 posts). What it copies now
    (44 to 48 pages for 400 posts, measured): the CompactTexts, glibc's free lists as each
    text is made again, and gone."""
    # Pelican's own str: one page for nearly every post.
    assert int(python_prints(_PAGES_COPIED_READING_TEXTS, "str")) >= 300
    assert int(python_prints(_PAGES_COPIED_READING_TEXTS, "compact")) < 100


def test_a_built_post_holds_its_text_once_and_the_site_is_the_same_warm(site):
    seen = []

    def look(generators):
        articles_generator = next(g for g in generators if hasattr(g, "articles"))
        cache = articles_generator.readers._cache
        for article in articles_generator.articles:
            held = vars(article)["_content"]
            _stamp, (cached, _metadata) = cache[article.source_path]
            seen.append((type(held), cached is held, article._content))

    for number in range(3):
        site.add_post(f"b{number}.md", title=f"Billet {number}", body="L'écoute ? Oui !")
    signals.all_generators_finalized.connect(look)
    try:
        site.build()
        cold = {path: path.read_bytes() for path in site.html_files()}
        site.build()  # warm: the texts come from the readers' cache on disk
    finally:
        signals.all_generators_finalized.disconnect(look)
    assert len(seen) == 6
    assert all(kind is CompactText and shared for kind, shared, _text in seen)
    assert any("L\u2019écoute\u202f? Oui\u202f!" in text for _kind, _shared, text in seen)
    assert {path: path.read_bytes() for path in site.html_files()} == cold
