"""Share images (1200×630, what LinkedIn, Facebook and WhatsApp show) drawn with Pillow.

Plain functions of plain data, which plugin share_cards runs in whichever of the build's
processes draws: `draw_card(spec)` draws a post's card (title, category, author and her
initials, the site's name, in the theme's colours), `crop_image(path)` makes a post's own
image the right size. Both return JPEG bytes. `render_card(spec)` is the card as an image.

A card costs about a millisecond of CPU, because most of it is not drawn again: the frame
(background, category, author, site's name) is drawn and JPEG-encoded once per process;
the title's words are put together from characters rasterised once per size (the same
pixels as Pillow drawing the word); and only the pieces of the JPEG file the title's ink
reaches are encoded, the others copied from the frame's (see « Encoding by pieces »):
draw_card(spec) is byte for byte encode(render_card(spec)). `forget()` lets go of what is
kept between cards.

Everything is drawn inside MARGIN: the band around the card stays the background colour
(tests/foundation/test_share_cards.py checks it on a 200-character title and on emoji).
The title's size is the largest that fits its box; at the smallest size, a title still
too long ends with « … ». Characters the font has no glyph for (emoji, most of the time)
are left out rather than drawn as empty boxes.

Author photos are SVG (content/images), which Pillow cannot read: the card shows the
author's initials in a circle instead.
"""

import contextlib
import functools
import io
import math
import re
import unicodedata
import warnings

from PIL import Image, ImageColor, ImageDraw, ImageFont, ImageOps

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
# The title's box: between the category line and the author line.
TITLE_TOP = MARGIN + 64
TITLE_BOTTOM = HEIGHT - MARGIN - 110
TITLE_SIZES = range(68, 29, -4)  # largest first
LINE_SPACING = 1.18
AVATAR = 80
# The last column inside the margin (Pillow's boxes include their last pixel).
RIGHT = WIDTH - MARGIN - 1
BOTTOM = HEIGHT - MARGIN - 1
# Room kept at the end of each line: a letter's ink may reach past its advance.
INK_SLACK = 8
JPEG_QUALITY = 80

# Debian's fonts-dejavu-core (scripts/setup.sh installs it): a serif like the site's
# titles, and a sans for the rest.
FONTS = {
    "title": "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "text": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}

# Joiners and variation selectors glue emoji together; without the emoji they mean nothing.
INVISIBLE = re.compile("[\u200d\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
# Emoji joined into one (🧘‍♀️ is 🧘, a joiner, ♀ and a variation selector): all or nothing.
JOINED = re.compile("[^\\s\u200d](?:[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]*\u200d[^\\s\u200d])+")
BREAKABLE_SPACE = re.compile(r"[ \t\r\n]+")
# What str.splitlines() breaks a line at: U+2029 and U+0085 stopped the build (« raqm_layout()
# failed », naming no post); on a card, each is the space between two words.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# The letters the title's font joins into one glyph (its standard ligatures).
LIGATURE = re.compile("f[fil]")
# What a font draws for a character it does not have (the private use area is empty in
# the fonts Carnet uses).
NO_SUCH_CHARACTER = "\U0010fffd"


@functools.cache
def font(kind, size, fonts=None):
    path = dict(fonts or FONTS.items())[kind]
    return ImageFont.truetype(path, size)


def _pixels(face, char):
    image = Image.new("L", (face.size * 2, face.size * 2))
    ImageDraw.Draw(image).text((0, 0), char, font=face, fill=255)
    return image.tobytes()


@functools.cache
def has_glyph(face, char):
    """Whether `face` draws `char` as something else than its « no such character » box."""
    if char.isspace():
        return True
    return _pixels(face, char) != _pixels(face, NO_SUCH_CHARACTER)


def drawable(text, face):
    """`text` without the characters `face` cannot draw (a space it lacks becomes a plain
    one), spaces collapsed."""
    text = JOINED.sub(lambda joined: _all_or_nothing(joined[0], face), text)
    text = INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    kept = []
    for char in text:
        if char in LINE_BREAKS:  # pasted into a title: Pillow's layout (raqm) fails on some
            kept.append(" ")
            continue
        if has_glyph(face, char):
            kept.append(char)
            continue
        # 𝗕𝗼𝗹𝗱 letters, as LinkedIn posts write them, are plain ones in another font.
        plain = unicodedata.normalize("NFKC", char)
        if plain != char and plain.strip() and all(has_glyph(face, c) for c in plain):
            kept.append(plain)
        elif char.isspace() or unicodedata.category(char) == "Zs":
            kept.append(" ")
    return re.sub(r" {2,}", " ", "".join(kept)).strip()


def _all_or_nothing(joined, face):
    # Without 🧘, the ♀ of 🧘‍♀️ (which the font has) would stand alone on the card.
    return joined if all(has_glyph(face, char) for char in INVISIBLE.sub("", joined)) else ""


def _break_word(word, face, width):
    """A word longer than the line, cut into pieces that fit."""
    pieces, current = [], ""
    for char in word:
        if current and face.getlength(current + char) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    return pieces + [current]


@functools.lru_cache(maxsize=2048)
def _width(face, word):
    return face.getlength(word)


def wrap(text, face, width):
    """Lines of `text` no wider than `width`, broken at plain spaces (never at the
    no-break spaces of French typography). A line's width is the sum of its words' and
    spaces' (the same as measuring the line: the fonts have no kerning with a space)."""
    lines, current, current_width = [], "", 0.0
    space = _width(face, " ")
    for word in BREAKABLE_SPACE.split(text.strip()):
        if not word:
            continue
        word_width = _width(face, word)
        if current and current_width + space + word_width <= width:
            current, current_width = f"{current} {word}", current_width + space + word_width
            continue
        if current:
            lines.append(current)
        if word_width <= width:
            current, current_width = word, word_width
        else:
            *whole, current = _break_word(word, face, width)
            current_width = face.getlength(current)
            lines += whole
    if current:
        lines.append(current)
    return lines


def _shorten(line, face, width):
    """The line, cut at a word if possible, ending with « … », no wider than `width`: the
    longest of the cuts (the last word dropped, then the last letter once one word is
    left; « ,;: » and spaces before the cut too) that fits. The cuts are found by their
    ends, then searched by halves (a longer cut is never narrower): measured one after the
    other, a name of 2000 words took 1.2 s, and the time grew with the square of it."""
    ends = [len(line)]
    while ends[-1]:
        end = ends[-1]
        space = line.rfind(" ", 0, end)
        end = space if space >= 0 else end - 1
        while end and line[end - 1] in " ,;:":
            end -= 1
        ends.append(end)

    def fits(end):
        return not end or face.getlength(line[:end] + "…") <= width

    low, high = 0, len(ends) - 1  # ends[high] == 0 fits
    while low < high:
        middle = (low + high) // 2
        if fits(ends[middle]):
            high = middle
        else:
            low = middle + 1
    return line[: ends[low]] + "…"


def fit_title(text, width, height, fonts=None):
    """(face, lines, line height): the largest size at which `text` fits the box; at the
    smallest size, the lines that fit, the last one ending with « … »."""
    for size in TITLE_SIZES:
        face = font("title", size, fonts)
        line_height = round(size * LINE_SPACING)
        lines = wrap(drawable(text, face), face, width)
        if len(lines) * line_height <= height:
            return face, lines, line_height
    room = max(1, height // line_height)
    if len(lines) > room:
        lines = lines[: room - 1] + [_shorten(lines[room - 1], face, width)]
    return face, lines, line_height


def _fit_line(text, kind, size, width, fonts=None):
    """One line of text in `width`, shortened with « … » if it must be."""
    face = font(kind, size, fonts)
    text = drawable(text, face)
    if face.getlength(text) > width:
        text = _shorten(text, face, width)
    return face, text


def initials(name):
    """« Claire Dumas » → « CD », « Marie-Hélène » → « MH »."""
    words = [w for w in re.split(r"[\s\-]+", name or "") if w and w[0].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def _inside(bbox):
    """How far to move a box of ink to bring it inside the margins (a « J » reaches left of
    where it starts, an accent above its line)."""
    left, top, right, bottom = bbox
    dx = max(0, MARGIN - left) - max(0, right - (RIGHT + 1))
    dy = max(0, MARGIN - top) - max(0, bottom - (BOTTOM + 1))
    return dx, dy


def _text(draw, xy, text, face, fill, anchor):
    """Draw `text`, moved inside the margins if its ink would cross them."""
    dx, dy = _inside(draw.textbbox(xy, text, font=face, anchor=anchor))
    draw.text((xy[0] + dx, xy[1] + dy), text, font=face, fill=fill, anchor=anchor)


@functools.lru_cache(maxsize=16)
def _initials_disc(name, colours, fonts):
    colours = dict(colours)
    disc = Image.new("RGB", (AVATAR, AVATAR), colours["bg"])
    draw = ImageDraw.Draw(disc)
    draw.ellipse((0, 0, AVATAR - 1, AVATAR - 1), fill=colours["accent"])
    face = font("bold", 32, fonts)
    text = drawable(initials(name), face)
    draw.text((AVATAR / 2, AVATAR / 2), text, font=face, fill=colours["on_accent"], anchor="mm")
    return disc


@functools.lru_cache(maxsize=1)  # 2 MB each; consecutive cards often share one
def _frame(category, author, site, colours, fonts):
    """Everything but the title (the same on many cards: drawn once per process)."""
    colours = dict(colours)
    card = Image.new("RGB", (WIDTH, HEIGHT), colours["bg"])
    draw = ImageDraw.Draw(card)
    inner = WIDTH - 2 * MARGIN - INK_SLACK
    # Top: the category in the accent colour, a short rule under it.
    if category:
        face, text = _fit_line(category.upper(), "bold", 24, inner, fonts)
        _text(draw, (MARGIN, MARGIN), text, face, colours["accent"], "la")
    draw.rectangle((MARGIN, MARGIN + 40, MARGIN + 96, MARGIN + 45), fill=colours["accent"])
    # Bottom: the author's initials in a circle and her name; the site's name on the right.
    bottom = HEIGHT - MARGIN
    rule = bottom - AVATAR - 20
    draw.rectangle((MARGIN, rule, RIGHT, rule + 1), fill=colours["line"])
    site_face, site = _fit_line(site, "bold", 26, inner // 2 - 16, fonts)
    middle = bottom - AVATAR // 2
    _text(draw, (RIGHT - 2, middle), site, site_face, colours["accent"], "rm")
    if author:
        card.paste(_initials_disc(author, tuple(colours.items()), fonts), (MARGIN, bottom - AVATAR))
        room = inner - AVATAR - 20 - site_face.getlength(site) - 32
        face, name = _fit_line(author, "text", 28, room, fonts)
        _text(draw, (MARGIN + AVATAR + 20, middle), name, face, colours["muted"], "lm")
    return card


def _keys(spec):
    colours = tuple(sorted(spec["colours"].items()))
    fonts = tuple(sorted(spec["fonts"].items())) if spec.get("fonts") else None
    frame = (spec.get("category") or "", spec.get("author") or "", spec.get("site") or "")
    return frame + (colours, fonts), fonts


# The caches are kept small: each process that draws holds its own.
@functools.lru_cache(maxsize=1024)
def _glyph(face, char):
    """(mask of the character's ink, the box it covers from its pen position), or None
    for a character without ink (a space)."""
    left, top, right, bottom = face.getbbox(char, anchor="la")
    if right <= left or bottom <= top:
        return None
    mask = Image.new("L", (right - left, bottom - top))
    ImageDraw.Draw(mask).text((-left, -top), char, font=face, fill=255, anchor="la")
    return mask, (left, top, right, bottom)


@functools.lru_cache(maxsize=4096)
def _step(face, previous, char):
    """How far the pen moves from `previous` to `char`: the advance of `previous` and the
    kerning of the pair, as the font lays out text."""
    return face.getlength(previous + char) - face.getlength(char)


@functools.lru_cache(maxsize=128)  # some 12 KB each: the words French titles share most
def _word(face, word):
    """(mask of the word's ink, the box it covers from where the word starts). Put
    together from its characters' masks, each at its pen position rounded as FreeType's
    renderer rounds it (a character is rasterised once per size, not once per word): the
    same pixels as Pillow drawing the word, except where the font joins letters into a
    ligature, so such a word is drawn whole (a test checks every pair of characters)."""
    if LIGATURE.search(word):
        left, top, right, bottom = face.getbbox(word, anchor="la")
        mask = Image.new("L", (max(1, right - left), max(1, bottom - top)))
        ImageDraw.Draw(mask).text((-left, -top), word, font=face, fill=255, anchor="la")
        return mask, (left, top, right, bottom)
    placed, pen, previous = [], 0.0, None
    for char in word:
        if previous is not None:
            pen += _step(face, previous, char)
        previous = char
        glyph = _glyph(face, char)
        if glyph is not None:
            placed.append((math.floor(pen + 0.5), *glyph))
    if not placed:
        return Image.new("L", (1, 1)), (0, 0, 0, 0)
    left = min(x + box[0] for x, _mask, box in placed)
    top = min(box[1] for _x, _mask, box in placed)
    right = max(x + box[2] for x, _mask, box in placed)
    bottom = max(box[3] for _x, _mask, box in placed)
    mask = Image.new("L", (right - left, bottom - top))
    for x, glyph_mask, (glyph_left, glyph_top, _right, _bottom) in placed:
        mask.paste(255, (x + glyph_left - left, glyph_top - top), glyph_mask)
    return mask, (left, top, right, bottom)


def _title_lines(spec, fonts):
    """(face, [(x, y, [(x of the word, word)], ink top, ink bottom, ink right)]): the title,
    as large as fits, vertically centred in its box, each line moved inside the margins if
    its ink would cross them."""
    inner = WIDTH - 2 * MARGIN - INK_SLACK
    face, lines, line_height = fit_title(spec["title"], inner, TITLE_BOTTOM - TITLE_TOP, fonts)
    top = TITLE_TOP + (TITLE_BOTTOM - TITLE_TOP - len(lines) * line_height) // 2
    space = _width(face, " ")
    placed = []
    for index, line in enumerate(lines):
        words, boxes, advance = [], [], 0.0
        for word in line.split(" "):
            if word:
                left, top_ink, right, bottom = _word(face, word)[1]
                start = round(advance)
                words.append((start, word))
                boxes.append((start + left, top_ink, start + right, bottom))
            advance += _width(face, word) + space
        if not words:
            continue
        x, y = MARGIN, top + index * line_height
        left = min(box[0] for box in boxes)
        top_ink = min(box[1] for box in boxes)
        right = max(box[2] for box in boxes)
        bottom = max(box[3] for box in boxes)
        dx, dy = _inside((x + left, y + top_ink, x + right, y + bottom))
        placed.append((x + dx, y + dy, words, y + dy + top_ink, y + dy + bottom, x + dx + right))
    return face, placed


def _title_ink(face, placed, first, last, width=WIDTH):
    """How much ink covers each pixel of rows first*ROW to last*ROW (0 to 255), from the
    left edge to `width`."""
    ink = Image.new("L", (width, (last - first) * ROW))
    for x, y, words, *_ink in placed:
        for offset, word in words:
            mask, (left, top, _right, _bottom) = _word(face, word)
            ink.paste(255, (x + offset + left, y - first * ROW + top), mask)
    return ink


def _coloured(ink, spec):
    ink.putpalette(_shades(spec["colours"]["bg"], spec["colours"]["text"]))
    return ink.convert("RGB")


@functools.lru_cache(maxsize=4)
def _shades(background, text):
    """A palette from how much ink covers a pixel to its colour: from the background's to
    the text's."""
    bg, text = ImageColor.getrgb(background)[:3], ImageColor.getrgb(text)[:3]
    return bytes(
        round(b + (t - b) * level / 255)
        for level in range(256)
        for b, t in zip(bg, text, strict=True)
    )


def _band_rows(placed):
    """The rows of blocks (see ROW) the title's ink covers, and whether they are all in
    the blank middle of the frame (always, with the title's box inside it)."""
    first = min(line[3] for line in placed) // ROW
    last = -(-max(line[4] for line in placed) // ROW)
    return first, last, BLANK_TOP <= first * ROW and last * ROW <= BLANK_BOTTOM


def render_card(spec):
    """The card as a Pillow image. spec: title, category, author (may be empty), site,
    colours ({bg, text, muted, accent, on_accent, line}: "#rrggbb"), fonts (optional:
    {kind: path of a TrueType file}, kinds as in FONTS)."""
    frame_key, fonts = _keys(spec)
    card = _frame(*frame_key).copy()
    face, placed = _title_lines(spec, fonts)
    if placed:
        first, last, blank = _band_rows(placed)
        ink = _title_ink(face, placed, first, last)
        if blank:
            card.paste(_coloured(ink, spec), (0, first * ROW))
        else:  # the ink reaches the frame's drawing: over it
            card.paste(spec["colours"]["text"], (0, first * ROW), ink)
    return card


def draw_card(spec):
    """JPEG bytes of the card: exactly encode(render_card(spec)), but only the pieces of
    the card the title's ink reaches are drawn and encoded; the rest of the file is the
    encoded frame (category, author, site), made once per process (see _encoded_frame)."""
    frame_key, fonts = _keys(spec)
    frame = _encoded_frame(*frame_key)
    face, placed = _title_lines(spec, fonts)
    if not placed:
        return frame.header + b"".join(frame.rows) + END_OF_IMAGE
    first, last, blank = _band_rows(placed)
    if not blank:
        return encode(render_card(spec))
    # The pieces from the left edge to the right end of the title's ink (its lines are
    # aligned left), in each of its rows of blocks.
    end = -(-max(line[5] for line in placed) // PIECE)
    ink = _title_ink(face, placed, first, last, end * PIECE)
    inked = _pieces(encode(_coloured(ink, spec)))[1]
    out = [frame.header, *frame.rows[:first]]
    for row in range(last - first):
        number = (first + row) * PIECES_PER_ROW
        for piece in inked[row * end : (row + 1) * end]:
            out += (piece, MARKERS[number % 8])
            number += 1
        out += frame.pieces[first + row][end:]
    out += frame.rows[last:]
    out.append(END_OF_IMAGE)
    return b"".join(out)


# --- Encoding by pieces -------------------------------------------------------------------
#
# The JPEG has a restart marker after each piece of PIECE×ROW pixels (ENCODE): the
# entropy-coded data of a piece then depends on that piece's pixels alone (the DC
# predictions start again at each marker), and the tables are the same in every file of the
# same options. So a card is its frame's header and pieces, with the pieces the title's ink
# reaches encoded alone put in their place: the same bytes as encoding the whole card (a test
# checks it), for the cost of encoding the few pieces that have ink (JPEG encoding is most of
# a card's cost, and grows with the pixels encoded).
ROW = 16  # pixel rows per row of blocks (4:2:0 sub-sampling: blocks of 16×16)
PIECE = 5 * ROW  # a restart marker every 5 blocks: 15 pieces a row, some 2 KB of markers
PIECES_PER_ROW = WIDTH // PIECE
ENCODE = {"quality": JPEG_QUALITY, "subsampling": "4:2:0", "restart_marker_blocks": PIECE // ROW}
RESTART = re.compile(rb"\xff[\xd0-\xd7]")
START_OF_SCAN = b"\xff\xda"
END_OF_IMAGE = b"\xff\xd9"
MARKERS = [b"\xff" + bytes([0xD0 + number]) for number in range(8)]
# The frame draws nothing between its top (category and its rule) and its bottom (rule,
# author, site): there, a card's rows are its title's (a test checks the frame is blank).
BLANK_TOP = -(-(MARGIN + 46) // ROW) * ROW
BLANK_BOTTOM = (HEIGHT - MARGIN - AVATAR - 20) // ROW * ROW


def _pieces(jpeg):
    """(header up to the scan's data, [entropy-coded data of each piece])."""
    scan = jpeg.index(START_OF_SCAN)
    data = scan + 2 + int.from_bytes(jpeg[scan + 2 : scan + 4], "big")
    assert jpeg.endswith(END_OF_IMAGE)
    return jpeg[:data], RESTART.split(jpeg[data:-2])


class _EncodedFrame:
    """A frame encoded (see ENCODE), by pieces: `pieces[row]` is the list of each piece's
    data followed by its restart marker (the last piece of the image has none), `rows[row]`
    those of a row joined."""

    def __init__(self, jpeg):
        self.header, pieces = _pieces(jpeg)
        marked = [piece + MARKERS[number % 8] for number, piece in enumerate(pieces[:-1])]
        marked.append(pieces[-1])
        self.pieces = [
            marked[start : start + PIECES_PER_ROW]
            for start in range(0, len(marked), PIECES_PER_ROW)
        ]
        self.rows = [b"".join(row) for row in self.pieces]


@functools.lru_cache(maxsize=64)  # some 20 KB each
def _encoded_frame(category, author, site, colours, fonts):
    # The frame drawn afresh, not kept by _frame's cache: a 3 MB picture (4 bytes a pixel)
    # held while every card is drawn, which render_card alone needs again.
    return _EncodedFrame(encode(_frame.__wrapped__(category, author, site, colours, fonts)))


@contextlib.contextmanager
def opened(path):
    """Image.open(path) without Pillow's warning for an image of 89 to 179 million pixels
    (a phone's 108-megapixel photo): it printed lines of its own in the build's output, and
    crop_image reads a JPEG that large at a reduced size. Over 179 million, Pillow raises
    Image.DecompressionBombError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(path) as image:
            yield image


def crop_image(path):
    """JPEG bytes of the image at `path`, cropped to 1200:630 around its centre, resized."""
    with opened(path) as image:
        # A JPEG decoded at 1/2 to 1/8 of its size when it stays at least 1200 pixels each
        # way (turned or not): a 12000×9000 photo took 1.3 GB and a second to crop.
        image.draft(None, (WIDTH, WIDTH))
        image = _opaque(ImageOps.exif_transpose(image))
        return encode(ImageOps.fit(image, (WIDTH, HEIGHT), Image.Resampling.LANCZOS))


def _opaque(image):
    """`image` in RGB, as a browser shows it on a white page: a transparent logo's
    background was black (the colour hidden under its transparent pixels), and a 16-bit
    grey photo white (its levels, up to 65535, cut at 255)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        image = image.convert("I").point(lambda level: level / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        image = image.convert("RGBA")
        opaque = Image.new("RGB", image.size, "white")
        opaque.paste(image, mask=image.getchannel("A"))
        return opaque
    return image.convert("RGB")


def encode(image):
    # JPEG: a fifth of PNG's encoding time (PNG was two thirds of a card's cost), and
    # what every network that shows link previews reads.
    out = io.BytesIO()
    image.save(out, "JPEG", **ENCODE)
    return out.getvalue()


def forget():
    """Let go of what was kept to draw many cards (masks, frames, fonts: some 10 MB once
    hundreds were drawn), for the memory to serve the rest of the build."""
    caches = (font, has_glyph, _width, _initials_disc, _frame, _encoded_frame)
    caches += (_glyph, _step, _word, _shades)
    for kept in caches:
        kept.cache_clear()
