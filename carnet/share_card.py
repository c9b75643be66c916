"""Share images (1200×630, what LinkedIn, Facebook and WhatsApp show) drawn with Pillow.

Plain functions of plain data, so that plugin share_cards can run them in worker
processes: `draw_card(spec)` draws a post's card (title, category, author and her
initials, the site's name, in the theme's colours), `crop_image(path)` makes a post's own
image the right size. Both return PNG bytes.

Everything is drawn inside MARGIN: the band around the card stays the background colour
(tests/foundation/test_share_cards.py checks it on a 200-character title and on emoji).
The title's size is the largest that fits its box; at the smallest size, a title still
too long ends with « … ». Characters the font has no glyph for (emoji, most of the time)
are left out rather than drawn as empty boxes.

Author photos are SVG (content/images), which Pillow cannot read: the card shows the
author's initials in a circle instead.
"""

import functools
import io
import re
import unicodedata

from PIL import Image, ImageDraw, ImageFont, ImageOps

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
JPEG_QUALITY = 90

# Debian's fonts-dejavu-core (scripts/setup.sh installs it): a serif like the site's
# titles, and a sans for the rest.
FONTS = {
    "title": "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "text": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}

# Joiners and variation selectors glue emoji together; without the emoji they mean nothing.
INVISIBLE = re.compile("[\u200d\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
BREAKABLE_SPACE = re.compile(r"[ \t\r\n]+")
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
    text = INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    kept = []
    for char in text:
        if has_glyph(face, char):
            kept.append(char)
        elif char.isspace() or unicodedata.category(char) == "Zs":
            kept.append(" ")
    return re.sub(r" {2,}", " ", "".join(kept)).strip()


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


def wrap(text, face, width):
    """Lines of `text` no wider than `width`, broken at plain spaces (never at the
    no-break spaces of French typography)."""
    lines, current = [], ""
    for word in BREAKABLE_SPACE.split(text.strip()):
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if face.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if face.getlength(word) <= width:
            current = word
        else:
            *whole, current = _break_word(word, face, width)
            lines += whole
    if current:
        lines.append(current)
    return lines


def _shorten(line, face, width):
    """The line, cut at a word if possible, ending with « … », no wider than `width`."""
    while line and face.getlength(line + "…") > width:
        cut = line.rsplit(" ", 1)[0] if " " in line else line[:-1]
        line = cut.rstrip(" ,;:")
    return line + "…"


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


def _text(draw, xy, text, face, fill, anchor):
    """Draw `text`, moved inside the margins if its ink would cross them (a « J » reaches
    left of where it starts, an accent above its line)."""
    left, top, right, bottom = draw.textbbox(xy, text, font=face, anchor=anchor)
    dx = max(0, MARGIN - left) - max(0, right - (RIGHT + 1))
    dy = max(0, MARGIN - top) - max(0, bottom - (BOTTOM + 1))
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


def render_card(spec):
    """The card as a Pillow image. spec: title, category, author (may be empty), site,
    colours ({bg, text, muted, accent, on_accent, line}: "#rrggbb"), fonts (optional:
    {kind: path of a TrueType file}, kinds as in FONTS)."""
    colours = tuple(sorted(spec["colours"].items()))
    fonts = tuple(sorted(spec["fonts"].items())) if spec.get("fonts") else None
    card = _frame(
        spec.get("category") or "", spec.get("author") or "", spec.get("site") or "", colours, fonts
    ).copy()
    # The title, as large as fits, vertically centred in its box.
    inner = WIDTH - 2 * MARGIN - INK_SLACK
    face, lines, line_height = fit_title(spec["title"], inner, TITLE_BOTTOM - TITLE_TOP, fonts)
    top = TITLE_TOP + (TITLE_BOTTOM - TITLE_TOP - len(lines) * line_height) // 2
    draw = ImageDraw.Draw(card)
    for index, line in enumerate(lines):
        position = (MARGIN, top + index * line_height)
        _text(draw, position, line, face, spec["colours"]["text"], "la")
    return card


def draw_card(spec):
    """JPEG bytes of the card (see render_card)."""
    return encode(render_card(spec))


def crop_image(path):
    """JPEG bytes of the image at `path`, cropped to 1200:630 around its centre, resized."""
    with Image.open(path) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        return encode(ImageOps.fit(image, (WIDTH, HEIGHT), Image.Resampling.LANCZOS))


def encode(image):
    # JPEG: a fifth of PNG's encoding time (PNG was two thirds of a card's cost), and
    # what every network that shows link previews reads.
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
