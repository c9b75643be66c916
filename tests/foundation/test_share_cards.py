"""Share images: the cards Carnet draws stay inside their margins whatever the title, each
post gets its own 1200×630 image, and a warm build draws nothing."""

import importlib
import io
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pytest
from conftest import make_site
from PIL import Image, ImageChops, ImageDraw

from carnet import card_drawer, forked, share_card
from carnet.build import BuildFailed

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
COLOURS = {
    "bg": "#fbf5ec",
    "text": "#2e2419",
    "muted": "#6b5444",
    "accent": "#9a3b17",
    "on_accent": "#ffffff",
    "line": "#e2d3be",
}
LONG_TITLE = (
    "Ce que j’ai appris en accompagnant quarante femmes qui quittaient un emploi salarié "
    "pour lancer leur activité de coach ou de naturopathe, et pourquoi aucune d’elles "
    "n’a suivi le plan prévu au départ\u202f!"
)
EMOJI_TITLE = "Merci 🙏 pour cette première année 🎉👩‍👩‍👧 ✨ ☕ et à l’an prochain 🌱"


def card_spec(title, author="Claire Dumas", category="Journal intime"):
    return {
        "title": title,
        "category": category,
        "author": author,
        "site": "Carnet de coach",
        "colours": COLOURS,
    }


def hex_rgb(value):
    return tuple(int(value[i : i + 2], 16) for i in (1, 3, 5))


def margin_pixels(image):
    """Every pixel of the band MARGIN wide around the card."""
    width, height, margin = image.width, image.height, share_card.MARGIN
    pixels = image.load()
    for y in range(height):
        for x in range(width):
            if x < margin or x >= width - margin or y < margin or y >= height - margin:
                yield pixels[x, y]


@pytest.mark.parametrize("name, title", [("long-title", LONG_TITLE), ("emoji-title", EMOJI_TITLE)])
def test_nothing_is_drawn_outside_the_margins(name, title):
    assert len(LONG_TITLE) == 200
    image = share_card.render_card(card_spec(title))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image.save(ARTIFACTS / f"share-card-{name}.png")
    (ARTIFACTS / f"share-card-{name}.jpg").write_bytes(share_card.encode(image))
    assert image.size == (1200, 630)
    background = hex_rgb(COLOURS["bg"])
    assert set(margin_pixels(image)) == {background}
    # And the title is there: text-coloured pixels in the title's box.
    box = image.crop(
        (share_card.MARGIN, share_card.TITLE_TOP, 1200 - share_card.MARGIN, share_card.TITLE_BOTTOM)
    )
    assert hex_rgb(COLOURS["text"]) in {colour for _count, colour in box.getcolors(1 << 20)}


def test_a_title_too_long_for_the_smallest_size_ends_with_an_ellipsis():
    title = "Un mot " * 200
    face, lines, line_height = share_card.fit_title(
        title, 1200 - 2 * share_card.MARGIN, share_card.TITLE_BOTTOM - share_card.TITLE_TOP
    )
    assert lines[-1].endswith("…")
    assert len(lines) * line_height <= share_card.TITLE_BOTTOM - share_card.TITLE_TOP
    assert all(face.getlength(line) <= 1200 - 2 * share_card.MARGIN for line in lines)
    image = share_card.render_card(card_spec(title + "Anticonstitutionnellement" * 20))
    assert set(margin_pixels(image)) == {hex_rgb(COLOURS["bg"])}


def test_emoji_the_font_lacks_are_left_out_and_french_spaces_kept():
    face = share_card.font("title", 40)
    assert share_card.drawable("Merci 🙏 beaucoup\u202f!", face) == "Merci beaucoup\u202f!"
    assert share_card.initials("Marie-Hélène Dupont") == "MD"


@pytest.mark.parametrize("line_break", ["\u2028", "\u2029", "\x85", "\n"])
def test_a_line_break_pasted_into_a_title_is_a_space_on_the_card(line_break):
    """Pillow's layout (raqm) failed on U+2029 and U+0085: the build stopped on « raqm_layout()
    failed », naming no post."""
    drawn = share_card.draw_card(card_spec(f"Avant{line_break}après la séance"))
    assert drawn == share_card.draw_card(card_spec("Avant après la séance"))


def test_an_emoji_joined_from_several_is_left_out_whole():
    # 🧘‍♀️ is 🧘, a joiner and ♀, which the font has: the card read « Lâcher prise ♀ ».
    face = share_card.font("title", 40)
    assert share_card.drawable("Lâcher prise 🧘‍♀️ enfin", face) == "Lâcher prise enfin"
    assert share_card.drawable("👩‍💻 Coder", face) == "Coder"


def test_styled_letters_the_font_lacks_are_drawn_as_plain_ones():
    # LinkedIn's 𝗯𝗼𝗹𝗱 letters are mathematical ones, which DejaVu lacks: the card had no title.
    face = share_card.font("title", 40)
    assert share_card.drawable("𝗠𝗼𝗻 𝗽𝗿𝗲𝗺𝗶𝗲𝗿 𝗰𝗹𝗶𝗲𝗻𝘁 🙏", face) == "Mon premier client"
    assert share_card.drawable("Ｃｏａｃｈ", face) == "Coach"


def test_the_largest_size_that_fits_is_chosen():
    short = share_card.fit_title("Court", 1072, 300)
    longer = share_card.fit_title(LONG_TITLE, 1072, 300)
    assert short[0].size == max(share_card.TITLE_SIZES)
    assert longer[0].size < short[0].size


# --- In a build -------------------------------------------------------------------------


def og(page, name):
    match = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', page)
    return match.group(1) if match else None


def image_of(site, url):
    path = site.output / re.sub(r"^(https?://[^/]+)?/", "", url)
    return Image.open(path)


def test_each_post_gets_its_own_card_and_the_rest_the_site_card(site):
    site.add_post("a.md", title="Premier billet", category="Journal intime", author="Claire Dumas")
    site.add_post("b.md", title="Second billet", date="2020-09-10 08:00", author="Claire Dumas")
    site.add_page("p.md", title="À propos")
    site.build(production=True)
    first, second = site.read("premier-billet/index.html"), site.read("second-billet/index.html")
    assert og(first, "og:image") != og(second, "og:image")
    for page in (first, second):
        image = image_of(site, og(page, "og:image"))
        assert image.size == (1200, 630) and image.format == "JPEG"
        assert og(page, "og:image:width") == "1200" and og(page, "og:image:height") == "630"
        assert og(page, "og:image:alt").startswith("«\u00a0")
        assert og(page, "twitter:card") == "summary_large_image"
        assert og(page, "og:image").startswith("https://")
        assert '"image": "' + og(page, "og:image") + '"' in page  # JSON-LD
    site_card = og(site.read("index.html"), "og:image")
    assert site_card not in (og(first, "og:image"), og(second, "og:image"))
    assert og(site.read("a-propos/index.html"), "og:image") == site_card
    category = next(site.output.glob("categorie/*/index.html")).read_text()
    assert og(category, "og:image") == site_card
    assert image_of(site, site_card).size == (1200, 630)


def test_a_post_with_its_own_image_shares_it_cropped(site):
    photo = site.content / "images" / "photo.png"
    Image.new("RGB", (800, 800), "#3366aa").save(photo)
    site.add_post("a.md", title="Avec photo", body="![Un ciel bleu]({static}/images/photo.png)")
    site.build()
    page = site.read("avec-photo/index.html")
    image = image_of(site, og(page, "og:image"))
    assert image.size == (1200, 630)
    red, green, blue = image.convert("RGB").getpixel((600, 315))
    assert abs(red - 0x33) < 8 and abs(green - 0x66) < 8 and abs(blue - 0xAA) < 8
    assert og(page, "og:image:alt") == "Un ciel bleu"


@pytest.mark.parametrize("field", ["{static}/images/photo.png", "images/photo.png"])
def test_the_image_field_chooses_the_share_image_written_as_a_link_or_a_path(site, field):
    Image.new("RGB", (800, 800), "#3366aa").save(site.content / "images" / "photo.png")
    Image.new("RGB", (800, 800), "#aa3333").save(site.content / "images" / "autre.png")
    site.add_post(
        "a.md",
        title="Avec photo",
        image=field,
        body="![Une autre]({static}/images/autre.png)",
    )
    site.build()
    page = site.read("avec-photo/index.html")
    image = image_of(site, og(page, "og:image"))
    red, green, blue = image.convert("RGB").getpixel((600, 315))
    assert abs(red - 0x33) < 8 and abs(green - 0x66) < 8 and abs(blue - 0xAA) < 8


@pytest.mark.parametrize("written", ["../images/photo.png", "/images/photo.png"])
def test_a_post_image_written_as_a_path_is_shared_as_one_written_as_a_link(site, written):
    # As a Markdown editor's preview writes it: the page showed the photo, the share
    # image was a drawn card.
    Image.new("RGB", (800, 800), "#3366aa").save(site.content / "images" / "photo.png")
    site.add_post("a.md", title="Avec photo", body=f"![Un ciel bleu]({written})")
    site.build()
    page = site.read("avec-photo/index.html")
    image = image_of(site, og(page, "og:image"))
    red, green, blue = image.convert("RGB").getpixel((600, 315))
    assert abs(red - 0x33) < 8 and abs(green - 0x66) < 8 and abs(blue - 0xAA) < 8
    assert og(page, "og:image:alt") == "Un ciel bleu"


def cache_files(site):
    return {p: p.stat().st_ino for p in (site.root / ".carnet" / "cache").rglob("*.jpg")}


def test_a_warm_build_draws_nothing_and_a_new_title_draws_one_card(site):
    for number in range(12):
        site.add_post(f"{number}.md", title=f"Billet {number}", date=f"2020-09-{number + 1:02d}")
    site.build()
    drawn = cache_files(site)
    assert len(drawn) == 13  # 12 posts and the site
    site.build()
    assert cache_files(site) == drawn  # the same files: nothing drawn again
    site.add_post("0.md", title="Billet zéro", date="2020-09-01")
    site.build()
    after = cache_files(site)
    assert len(set(after) - set(drawn)) == 1
    assert all(after[path] == inode for path, inode in drawn.items() if path in after)
    cards = sorted(p.name for p in (site.output / "partage").iterdir())
    assert len(cards) == 13 and any(name.startswith("billet-zero-") for name in cards)


def test_every_card_is_a_real_jpeg(site):
    site.add_post("a.md", title="Un billet")
    site.build()
    for path in (site.output / "partage").iterdir():
        with Image.open(io.BytesIO(path.read_bytes())) as image:
            image.verify()


def test_a_post_whose_image_pillow_cannot_read_gets_a_drawn_card(site):
    (site.content / "images" / "schema.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    )
    site.add_post("a.md", title="Avec un SVG", body="![Un schéma]({static}/images/schema.svg)")
    site.build()
    page = site.read("avec-un-svg/index.html")
    assert og(page, "og:image:alt").startswith("«\u00a0Avec un SVG\u00a0»")
    assert image_of(site, og(page, "og:image")).size == (1200, 630)


@pytest.mark.parametrize("processes", [2, 1])
def test_a_post_image_cut_short_stops_the_build_with_one_line_naming_it(site, processes):
    """Its header reads (so it is not given a drawn card), its picture does not: the line
    names the image, drawn by the build or by the child drawing ahead, cold or warm."""
    whole = io.BytesIO()
    Image.new("RGB", (800, 600), "#3366aa").save(whole, "JPEG")
    (site.content / "images" / "seance.jpg").write_bytes(
        whole.getvalue()[: len(whole.getvalue()) // 2]
    )
    for number in range(10):  # enough images for a child to draw them
        site.add_post(f"{number}.md", title=f"Billet {number}", date=f"2020-09-{number + 1:02d}")
    site.add_post("a.md", title="Avec photo", image="{static}/images/seance.jpg")
    for _build in ("cold", "warm"):
        with pytest.raises(BuildFailed) as failure:
            site.build(CARNET_BUILD_PROCESSES=processes)
        assert failure.value.problems == [
            # In Carnet's words, not Pillow's (« image file is truncated (5 bytes not
            # processed) »), so the site's language has them.
            "content/images/seance.jpg: the image cannot be read (the file ends too soon): "
            "it may be cut short or damaged; copy it again from the original"
        ]


def test_no_stale_image_after_a_new_slug_between_production_and_development(site):
    site.add_post("a.md", title="Un titre", slug="ancien")
    site.add_post("b.md", title="Un autre", date="2020-09-10 08:00")
    site.build(production=True)  # images hard-linked from the cache
    assert any(p.name.startswith("ancien-") for p in (site.output / "partage").iterdir())
    site.add_post("a.md", title="Un titre", slug="nouveau")  # the same card, a new name
    site.build(production=False)  # page_reuse keeps the output, removes what it did not make
    names = sorted(p.name for p in (site.output / "partage").iterdir())
    assert not any(name.startswith("ancien-") for name in names), names
    assert any(name.startswith("nouveau-") for name in names)
    site.build(production=False)
    assert sorted(p.name for p in (site.output / "partage").iterdir()) == names


def test_no_stale_image_after_a_new_title_when_the_old_card_is_forgotten_from_the_cache(site):
    """A post over a month old, retitled after `invoke preview`: its old card, hard-linked
    into output/ by the production build, is no longer used, and is old enough to leave
    the cache. Removing it from the cache changed the ctime of the link in output/ (one
    file, two names), which page_reuse then took for a file this build wrote: the old card
    stayed in output/partage/, where a build from scratch has none."""
    site.add_post("a.md", title="Premier titre")
    site.add_post("b.md", title="Un autre", date="2020-09-10 08:00")
    site.build(production=False)
    site.build(production=True)  # invoke preview: images hard-linked from the cache
    forget_after_days = sys.modules["share_cards.share_cards"].FORGET_AFTER_DAYS
    month_and_more = time.time() - (forget_after_days + 10) * 86400
    for card in (site.root / ".carnet" / "cache" / "share-cards").rglob("*.jpg"):
        os.utime(card, (month_and_more, month_and_more))  # drawn long ago
    site.add_post("a.md", title="Nouveau titre")
    site.build(production=False)
    built = sorted(p.name for p in (site.output / "partage").iterdir())
    cold = make_site(site.root.parent / "cold")
    shutil.rmtree(cold.content)
    shutil.copytree(site.content, cold.content)
    cold.build(production=False)
    assert built == sorted(p.name for p in (cold.output / "partage").iterdir())


def test_a_post_dated_in_the_future_puts_no_image_online(site):
    site.add_post("a.md", title="Un billet publié", date="2020-09-10 08:00")
    site.add_post("b.md", title="Le billet de demain", date="2999-01-01 08:00")
    site.build(production=True)
    images = sorted(path.name for path in (site.output / "partage").iterdir())
    assert any(name.startswith("un-billet-publie-") for name in images), images
    assert not any(name.startswith("le-billet-de-demain") for name in images), images


# --- Drawn by pieces --------------------------------------------------------------------

OTHER_COLOURS = dict(COLOURS, bg="#1d2733", text="#f4efe6", accent="#e0a03c", line="#3a4a5c")


@pytest.mark.parametrize(
    "spec",
    [
        card_spec("Court"),
        card_spec(LONG_TITLE),
        card_spec(EMOJI_TITLE, author="", category=""),
        card_spec("Anticonstitutionnellement" * 6, author="Marie-Hélène Dupont-Lefèvre"),
        card_spec("Journal d’une séance\u202f: « Et maintenant\u202f? »", category="Lancer son"),
        card_spec(""),
        dict(card_spec("Un soir d’hiver, la séance a basculé"), colours=OTHER_COLOURS),
    ],
    ids=["short", "200-characters", "emoji-no-author", "one-long-word", "french", "empty", "dark"],
)
def test_a_card_drawn_by_pieces_is_the_whole_card_encoded(spec):
    """draw_card puts together the frame's JPEG pieces and the title's: the very bytes
    Pillow writes for the whole card, so what the margin tests check is what is shared."""
    for _ in range(2):  # and the same again with every cache warm
        data = share_card.draw_card(spec)
        assert data == share_card.encode(share_card.render_card(spec))
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        assert image.size == (1200, 630) and image.format == "JPEG"
    assert len(data) < 100_000


def test_the_frame_leaves_the_title_rows_blank():
    """The title's pieces replace whole rows of the frame's: the frame must draw nothing
    there, whatever the length of the category, author or site name."""
    long = "Accompagnement des dirigeantes et des équipes en transition " * 3
    for spec in (card_spec("", author=long, category=long), dict(card_spec(""), site=long)):
        image = share_card.render_card(spec)
        middle = image.crop((0, share_card.BLANK_TOP, 1200, share_card.BLANK_BOTTOM))
        assert middle.getcolors() == [(1200 * middle.height, hex_rgb(COLOURS["bg"]))]
        # and the frame does draw above and below
        assert len(image.getcolors(1 << 20)) > 2


def decoded(data):
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB")


def test_the_frame_drawn_once_follows_the_colours_and_the_author():
    title = "Une semaine avec mes tarifs"
    first = share_card.draw_card(card_spec(title))
    # The same title by another author, then in other colours: each its own frame.
    other_author = share_card.draw_card(card_spec(title, author="Julien Moreau"))
    dark = dict(card_spec(title), colours=OTHER_COLOURS)
    dark_card = share_card.draw_card(dark)
    assert len({first, other_author, dark_card}) == 3
    assert other_author == share_card.encode(
        share_card.render_card(card_spec(title, author="Julien Moreau"))
    )
    assert dark_card == share_card.encode(share_card.render_card(dark))
    # The author's part of the card differs, the title's does not.
    author_box = (share_card.MARGIN, 630 - share_card.MARGIN - share_card.AVATAR, 600, 566)
    title_box = (0, share_card.BLANK_TOP, 1200, share_card.BLANK_BOTTOM)
    one, two = decoded(first), decoded(other_author)
    assert one.crop(author_box).tobytes() != two.crop(author_box).tobytes()
    assert one.crop(title_box).tobytes() == two.crop(title_box).tobytes()
    # The dark card's background is the dark one, everywhere in its margins.
    red, green, blue = decoded(dark_card).getpixel((10, 10))
    assert max(abs(a - b) for a, b in zip((red, green, blue), hex_rgb("#1d2733"), strict=True)) <= 3
    # Back to the first colours and author: the first card again.
    assert share_card.draw_card(card_spec(title)) == first


def test_cards_drawn_by_pieces_keep_no_frame_picture():
    """Cards drawn by pieces need the frame's encoded pieces only: its picture (3 MB, 4
    bytes a pixel) was kept while every card was drawn, in each process that draws."""
    share_card.forget()
    for category in ("Journal intime", "Lancer son business"):
        share_card.draw_card(card_spec("Une semaine avec mes tarifs", category=category))
    assert share_card._encoded_frame.cache_info().currsize == 2
    assert share_card._frame.cache_info().currsize == 0


# --- Drawn by a second process once the posts are read ---------------------------------


def cards_of(site):
    return {p.name: p.read_bytes() for p in (site.output / "partage").iterdir()}


def test_the_images_drawn_ahead_are_the_ones_a_build_draws_alone(site, caplog):
    """With two processes, a child forked once every post is read draws the images the
    cache lacks; they are the cards a one-process build draws, byte for byte."""
    for number in range(12):
        site.add_post(f"{number}.md", title=f"Billet {number}", date=f"2020-09-{number + 1:02d}")
    caplog.set_level(logging.DEBUG, logger="share_cards")
    site.build(CARNET_BUILD_PROCESSES=2)
    report = dict(sys.modules["share_cards.share_cards"].last_build)
    assert report["drawn"] == 13 and report["drawing_cpu_seconds"] > 0  # 12 posts, the site
    drawn = drawing_processes(caplog.records)
    assert os.getpid() not in drawn  # the child draws the site's image too
    assert list(drawn.values()) == [13]
    drawn_in_two = cards_of(site)
    assert len(drawn_in_two) == 13

    shutil.rmtree(site.root / ".carnet")
    site.build(CARNET_BUILD_PROCESSES=1)
    assert cards_of(site) == drawn_in_two


def test_with_posts_read_in_two_processes_the_drawing_starts_once_the_reading_child_ends(
    site, caplog
):
    """When a child reads the last posts, the build makes their objects alone once that
    child has ended: a child draws the images of the posts made so far from there, and is
    sent the rest (the last posts', the site's) once every post is read. One child draws
    them all; they are the cards of a one-process build."""
    for number in range(60):
        site.add_post(
            f"{number}.md", title=f"Billet {number}", date=f"2020-09-{number % 28 + 1:02d}"
        )
    caplog.set_level(logging.DEBUG, logger="share_cards")
    caplog.set_level(logging.DEBUG, logger="parallel_reading")
    site.build(CARNET_BUILD_PROCESSES=2)
    messages = [record.getMessage() for record in caplog.records]
    assert any(re.match(r"parallel_reading: a second process reads \d+ posts", m) for m in messages)
    taken = next(
        i for i, m in enumerate(messages) if m.startswith("parallel_reading: the build waited")
    )
    forked_at = next(i for i, m in enumerate(messages) if m.endswith("to draw in a second process"))
    assert taken < forked_at
    batches = [
        (int(match.group(2)), int(match.group(1)))
        for match in (re.match(r"(\d+) share images drawn in process (\d+)", m) for m in messages)
        if match
    ]
    assert len(batches) == 2 and batches[0][0] == batches[1][0] != os.getpid()
    first, rest = batches[0][1], batches[1][1]
    assert 20 <= first < 60 and first + rest == 61
    drawn_in_two = cards_of(site)
    assert len(drawn_in_two) == 61

    shutil.rmtree(site.root / ".carnet")
    site.build(CARNET_BUILD_PROCESSES=1)
    assert cards_of(site) == drawn_in_two


@pytest.mark.parametrize("posts", [10, 60])
def test_images_the_second_process_did_not_draw_are_drawn_by_the_build(
    site, caplog, monkeypatch, posts
):
    """The drawer is killed as it starts (the out-of-memory killer, say): the build draws
    every image itself (with 60 posts, the drawer was started before every post was read,
    and the rest was sent to it)."""
    share_cards = importlib.import_module("share_cards.share_cards")
    start = share_cards._Drawer.__init__
    killed = []

    def killed_as_it_starts(drawer, jobs, cache):
        start(drawer, jobs, cache)
        os.kill(drawer._process.pid, signal.SIGKILL)
        killed.append(drawer._process.pid)

    monkeypatch.setattr(share_cards._Drawer, "__init__", killed_as_it_starts)
    left_before = set(Path(tempfile.gettempdir()).glob("carnet-cards-*"))
    for number in range(posts):
        site.add_post(
            f"{number}.md", title=f"Billet {number}", date=f"2020-09-{number % 28 + 1:02d}"
        )
    caplog.set_level(logging.DEBUG, logger="share_cards")
    site.build(CARNET_BUILD_PROCESSES=2)
    assert len(killed) == 1
    assert any(
        "did not draw them: exit status -9" in record.getMessage() for record in caplog.records
    )
    assert drawing_processes(caplog.records) == {os.getpid(): posts + 1}
    assert len(cards_of(site)) == posts + 1
    assert set(Path(tempfile.gettempdir()).glob("carnet-cards-*")) == left_before
    for data in cards_of(site).values():
        assert decoded(data).size == (1200, 630)


def test_the_drawer_imports_pillow_and_the_drawing_code_only():
    """The drawer is a fresh Python, not a fork of the build: every module it imports is
    memory of its own (a forked drawer held 28 MB at 1000 posts, the build's pages it
    kept). It imports Pillow and the drawing code, nothing of Pelican, Jinja, Markdown or
    Babel, nor dataclasses, subprocess, tempfile or logging (2 MB more)."""
    code = "import sys, carnet.card_drawer, carnet.share_card; print(*sorted(sys.modules))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    modules = subprocess.run(
        [sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "PIL.ImageDraw" in modules and "carnet.share_card" in modules
    heavy = {"pelican", "jinja2", "markdown", "babel", "blinker", "dataclasses", "logging"}
    heavy |= {"subprocess", "tempfile", "inspect"}
    assert [name for name in modules if name.split(".")[0] in heavy] == []


def test_the_drawer_draws_each_batch_sent_and_leaves_no_file(tmp_path, monkeypatch):
    """The drawer, a fresh Python (carnet/card_drawer.py), draws each batch the build sends
    it, the cards a build draws alone; the jobs and what it says go through files without
    a name: a build killed with kill -9, its drawer dying with it, left
    carnet-cards-*.pickle files in the temporary folder."""
    monkeypatch.syspath_prepend(str(ROOT / "plugins"))
    share_cards = importlib.import_module("share_cards.share_cards")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temporary"))
    (tmp_path / "temporary").mkdir()
    cache = tmp_path / "cache"
    jobs = [
        card_drawer.Job(f"clé{number}", f"partage/{number}.jpg", spec=card_spec(title))
        for number, title in enumerate(["Premier billet", "Deuxième", "Troisième"])
    ]
    drawer = share_cards._Drawer(jobs[:2], str(cache))
    drawer.send(jobs[2:])
    assert list((tmp_path / "temporary").iterdir()) == []
    drawer.close()
    report = drawer.report()
    assert report.batches == [2, 1] and report.pid != os.getpid() and report.unreadable == []
    assert not forked.another_child_working()
    for job in jobs:
        drawn = (cache / card_drawer.cached_name(job)).read_bytes()
        assert drawn == share_card.draw_card(job.spec)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache", "temporary"]


def pillow_word(face, word):
    """The word as Pillow draws it, on a canvas with room around it."""
    image = Image.new("L", (face.size * (len(word) + 4), face.size * 4))
    ImageDraw.Draw(image).text((face.size, face.size), word, font=face, fill=255, anchor="la")
    return image


def composed_word(face, word, size):
    mask, (left, top, _right, _bottom) = share_card._word(face, word)
    image = Image.new("L", size)
    image.paste(mask, (face.size + left, face.size + top))
    return image


FRENCH_CHARACTERS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZàâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊËÎÏÔÙÛŒ"
    "0123456789’'«»\u202f\u00a0!?;:,.-–—()…/&%€"
)


def test_words_put_together_from_characters_are_drawn_as_pillow_draws_them():
    """A title's words are put together from masks of their characters: for every pair of
    characters a French title may hold, the pixels are Pillow's own (kerning included);
    where the font makes a ligature, the word is drawn whole."""
    face = share_card.font("title", max(share_card.TITLE_SIZES))
    differ = []
    for first in FRENCH_CHARACTERS:
        for second in FRENCH_CHARACTERS:
            pair = first + second
            expected = pillow_word(face, pair)
            if composed_word(face, pair, expected.size).tobytes() != expected.tobytes():
                differ.append(pair)
    assert differ == []
    for word in (
        "difficile",
        "efficace",
        "fleur",
        "Journal",
        "d’une",
        "séance\u202f:",
        "«\u202fOui",
    ):
        expected = pillow_word(face, word)
        assert composed_word(face, word, expected.size).tobytes() == expected.tobytes(), word


def drawing_processes(records):
    """{process id: images it drew} from the build's debug lines."""
    drawn = {}
    for record in records:
        match = re.match(r"(\d+) share images drawn in process (\d+)", record.getMessage())
        if match:
            drawn[int(match.group(2))] = drawn.get(int(match.group(2)), 0) + int(match.group(1))
    return drawn


@pytest.mark.parametrize("processes", [2, 1])
def test_the_images_are_drawn_ahead_by_one_child_or_by_the_build(site, caplog, processes):
    """With two processes the images the cache lacks (the site's with the posts') are drawn
    by one child, forked once the posts are read, while the build goes on; with one, the
    build draws them all at the end. No other process draws (each process that draws holds
    its glyphs and frames)."""
    for number in range(20):
        site.add_post(f"{number}.md", title=f"Billet {number}", date=f"2020-09-{number + 1:02d}")
    caplog.set_level(logging.DEBUG, logger="share_cards")
    site.build(CARNET_BUILD_PROCESSES=processes)
    drawn = drawing_processes(caplog.records)
    assert drawn.pop(os.getpid(), 0) == (0 if processes == 2 else 21)
    assert list(drawn.values()) == ([21] if processes == 2 else [])
    assert len(cards_of(site)) == 21


def test_a_card_drawn_after_forget_is_the_same():
    spec = card_spec("Ce que m’a appris la peur de mal faire")
    before = share_card.draw_card(spec)
    share_card.forget()
    assert share_card._word.cache_info().currsize == 0
    assert share_card._encoded_frame.cache_info().currsize == 0
    assert share_card.draw_card(spec) == before


def test_a_title_reaching_the_frame_drawing_is_drawn_over_it(monkeypatch):
    """Should the title's rows ever reach what the frame draws (a change of layout), the
    card is drawn whole instead of by pieces: still inside its margins."""
    spec = card_spec(LONG_TITLE)
    by_pieces = share_card.draw_card(spec)
    monkeypatch.setattr(share_card, "BLANK_BOTTOM", share_card.BLANK_TOP + 4 * share_card.ROW)
    whole = share_card.draw_card(spec)
    assert whole == share_card.encode(share_card.render_card(spec))
    # The same card to the eye as drawn by pieces, and still inside its margins.
    difference = ImageChops.difference(decoded(whole), decoded(by_pieces))
    assert max(high for _low, high in difference.getextrema()) <= 16
    assert set(margin_pixels(share_card.render_card(spec))) == {hex_rgb(COLOURS["bg"])}


def _transparent_logo(path):
    logo = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    ImageDraw.Draw(logo).rectangle((100, 100, 300, 200), fill=(255, 0, 0, 255))
    logo.save(path)


def _transparent_palette_logo(path):
    logo = Image.new("P", (400, 300), 0)
    logo.putpalette([0, 0, 0, 255, 0, 0])
    ImageDraw.Draw(logo).rectangle((100, 100, 300, 200), fill=1)
    logo.save(path, transparency=0)


def _grey_16_bits(path):
    Image.new("I;16", (400, 300), 30000).save(path)  # 46 % grey


@pytest.mark.parametrize(
    "make, corner",
    [
        (_transparent_logo, (255, 255, 255)),
        (_transparent_palette_logo, (255, 255, 255)),
        (_grey_16_bits, (117, 117, 117)),
    ],
)
def test_a_post_image_is_cropped_in_the_colours_a_browser_shows(tmp_path, make, corner):
    """A transparent logo on white (its hidden pixels were black), a 16-bit grey as grey
    (its levels were cut at 255: white)."""
    make(tmp_path / "image.png")
    with Image.open(io.BytesIO(share_card.crop_image(tmp_path / "image.png"))) as card:
        for pixel in (card.getpixel((5, 5)), card.getpixel((1194, 624))):
            assert all(abs(got - want) < 6 for got, want in zip(pixel, corner, strict=True))


def test_a_large_jpeg_is_decoded_at_the_smallest_scale_that_covers_the_card(tmp_path, monkeypatch):
    Image.new("RGB", (4800, 3600), "#3366aa").save(tmp_path / "grande.jpg", quality=60)
    fitted = []
    fit = share_card.ImageOps.fit
    monkeypatch.setattr(
        share_card.ImageOps,
        "fit",
        lambda image, *a, **k: fitted.append(image.size) or fit(image, *a, **k),
    )
    with Image.open(io.BytesIO(share_card.crop_image(tmp_path / "grande.jpg"))) as card:
        assert card.size == (1200, 630)
        red, green, blue = card.getpixel((600, 315))
        assert abs(red - 0x33) < 8 and abs(green - 0x66) < 8 and abs(blue - 0xAA) < 8
    assert fitted == [(2400, 1800)]  # not 4800×3600: a quarter of the memory


def test_a_photo_over_pillows_warning_size_is_cropped_without_its_warning(site, monkeypatch):
    """A phone's 108-megapixel photo (over Pillow's 89 million) printed Pillow's warning in
    lines of its own among the build's; its card is cropped all the same (here the limits
    are lowered: a 1500×1000 image stands for it)."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    Image.new("RGB", (1500, 1000), "#3366aa").save(site.content / "images" / "grande.jpg")
    site.add_post("a.md", title="Avec photo", image="images/grande.jpg")
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        site.build(CARNET_BUILD_PROCESSES=1)
    assert not [w for w in warned if issubclass(w.category, Image.DecompressionBombWarning)]
    image = image_of(site, og(site.read("avec-photo/index.html"), "og:image"))
    red, green, blue = image.convert("RGB").getpixel((600, 315))
    assert abs(red - 0x33) < 8 and abs(green - 0x66) < 8 and abs(blue - 0xAA) < 8


def test_a_photo_over_pillows_limit_stops_the_build_with_one_line_naming_it(site, monkeypatch):
    """Over twice that (a 200-megapixel photo), Pillow's English named the post only."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    Image.new("RGB", (2000, 1250), "#3366aa").save(site.content / "images" / "immense.jpg")
    site.add_post("a.md", title="Avec photo", image="images/immense.jpg")
    with pytest.raises(BuildFailed) as failure:
        site.build()
    [line] = failure.value.problems
    assert line.startswith("content/images/immense.jpg: more than ")
    assert line.endswith("save a smaller copy (4000 pixels wide is plenty for a page)")


def test_a_build_stopped_by_a_broken_post_leaves_no_drawer_at_work(site):
    """A cold build starts the drawer before reading the posts; one that stops on a broken
    post never sends it images: it was left waiting, a process of its own, until the next
    build or the end of the process (`invoke livereload` keeps both for hours)."""
    for number in range(10):
        site.add_post(f"{number}.md", title=f"Billet {number}", date="2020-09-01")
    (site.content / "posts" / "casse.md").write_text("Date: 2020-09-02\n\nSans titre.\n")
    with pytest.raises(BuildFailed):
        site.build(CARNET_BUILD_PROCESSES=2)
    assert _drawers_started_here() == [] and not forked.another_child_working()


def _drawers_started_here():
    """This process's children that are share images' drawers still at work (the list
    Linux keeps of the children each thread started, as test_one_at_a_time reads it:
    another test run's drawers, on the same machine, are not this build's)."""
    with open(f"/proc/self/task/{os.getpid()}/children") as children:
        pids = children.read().split()
    return [pid for pid in pids if b"carnet.card_drawer" in _command_line(pid)]


def _command_line(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as command:
            return command.read()
    except OSError:  # ended meanwhile
        return b""
