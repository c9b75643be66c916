"""A JPEG photo's metadata cut down to what a published copy needs: its orientation.

A phone writes, in the EXIF block of each photo, where it was taken (GPS), when, the
phone's make, model and serial number, and a thumbnail of the whole picture (which an
editor that crops the photo may leave uncropped); XMP and IPTC blocks may say the place
again. The copy the site publishes keeps none of it. Only the blocks before the picture
are rewritten: the picture's own bytes are kept as they are, so its quality is the same.

A phone may write more pictures after the one shown (Multi-Picture Format: a depth map, an
HDR gain map, the other eye of a 3D camera), each with its own EXIF (the GPS position and
serial number again): their blocks are blanked in place, at the same length, so that the
offsets the first picture keeps to them stay right.
"""

import bisect
import re
import warnings

from PIL import Image

ORIENTATION = 0x0112
START_OF_IMAGE = b"\xff\xd8"
START_OF_SCAN, END_OF_IMAGE = 0xDA, 0xD9
APP1, APP13 = 0xE1, 0xED  # APP1: EXIF or XMP; APP13: Photoshop's IPTC
COMMENT = b"\xff\xfe"
EXIF = b"Exif\x00\x00"
XMP = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")
IPTC = b"Photoshop 3.0\x00"
# An EXIF, XMP or IPTC block anywhere after the first picture's blocks. Inside a picture's
# compressed data a 0xFF byte is always followed by 0x00 or a restart marker (0xD0-0xD7),
# so this finds only the blocks of the pictures that follow it.
LATER_BLOCK = re.compile(rb"\xff[\xe1\xed]")
GPS = 0x8825  # the EXIF's GPS block
# The first bytes of the other formats a phone or an editor writes EXIF into: PNG, WebP,
# HEIC or AVIF (ISO media: « ftyp » at 4, then an image's brand; a video's brand, as in
# an MP4, is not: a film would be read whole at every build), TIFF.
OTHER_PHOTO = re.compile(
    rb"\x89PNG|RIFF....WEBP|....ftyp(?:hei[cmsx]|hev[cmsx]|mif1|msf1|avi[fs])|II\*\x00|MM\x00\*",
    re.S,
)
# Where an EXIF block starts in them (its TIFF header), whatever wraps it.
TIFF_HEADER = re.compile(rb"II\*\x00|MM\x00\*")


def without_private_metadata(data):
    """The JPEG `data` with an EXIF block holding the orientation only, and no XMP or IPTC
    block; None when it has nothing else to take out, or is not a JPEG read here."""
    if not data.startswith(START_OF_IMAGE):
        return None
    kept, changed, position = [START_OF_IMAGE], False, 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            # Stray bytes between two blocks: browsers skip them (as libjpeg does) and read
            # the blocks after them, an EXIF block with the GPS position among them.
            following = data.find(b"\xff", position)
            if following < 0:
                break
            changed, position = True, following
            continue
        marker = data[position + 1]
        if marker == 0xFF:  # a fill byte before a marker
            position += 1
            continue
        if marker in (START_OF_SCAN, END_OF_IMAGE):
            break
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if end > len(data):
            # The file is cut short inside this block (no picture follows): the block may
            # still hold the GPS position, so it is not published.
            return b"".join(kept)
        segment = data[position:end]
        payload = segment[4:]
        if marker == APP1 and payload.startswith(EXIF):
            orientation = _orientation_only(payload)
            if orientation != payload:
                changed = True
                segment = (
                    b"\xff\xe1" + (len(orientation) + 2).to_bytes(2, "big") + orientation
                    if orientation
                    else b""
                )
        elif (marker == APP1 and payload.startswith(XMP)) or marker == APP13:
            changed, segment = True, b""
        kept.append(segment)
        position = end
    rest, blanked = _later_blocks_blanked(data[position:])
    if not (changed or blanked):
        return None
    return b"".join(kept) + rest


def _orientation_only(payload):
    """An EXIF block (b"Exif\\0\\0…") with the orientation of `payload` alone; b"" when the
    photo needs none (upright) or the block cannot be read (nor could a browser)."""
    exif = Image.Exif()
    try:
        exif.load(payload)
        orientation = exif.get(ORIENTATION)
    except Exception:
        return b""
    if orientation in (None, 1):
        return b""
    kept = Image.Exif()
    kept[ORIENTATION] = orientation
    return kept.tobytes()


def _later_blocks_blanked(rest):
    """(`rest`, the bytes after the first picture's blocks, with each EXIF, XMP or IPTC
    block of a later picture made a comment of zeros of the same length; whether any was)."""
    blanked, until = bytearray(rest), 0
    for found in LATER_BLOCK.finditer(rest):
        start = found.start()
        if start < until or not rest[start + 4 : start + 4 + 64].startswith((EXIF, IPTC, *XMP)):
            continue  # inside a block blanked already, or not such a block
        until = min(len(rest), start + 2 + int.from_bytes(rest[start + 2 : start + 4], "big"))
        blanked[start : start + 2] = COMMENT
        blanked[start + 4 : until] = bytes(until - start - 4)
    return (bytes(blanked), True) if until else (rest, False)


def is_a_photo(start):
    """Whether a file starting with `start` (its first 12 bytes) may hold EXIF."""
    return start.startswith(START_OF_IMAGE) or bool(OTHER_PHOTO.match(start))


# The GPS block's tag (GPS) as an EXIF's first list of fields writes it, in each byte order.
GPS_TAG = {b"II": GPS.to_bytes(2, "little"), b"MM": GPS.to_bytes(2, "big")}
FIELD_SIZE = 12  # each field of the list: its tag first


def gps_position_outside_jpeg(data):
    """Whether `data`, an image file of another format than JPEG (PNG, WebP, HEIC, AVIF,
    TIFF), holds an EXIF block with a GPS position: such a file is published as it is.

    Only a TIFF header whose first list of fields holds the GPS block's tag is read by
    Pillow (the same ones: Pillow reads the list's fields one after the other, 12 bytes
    each): Pillow read each header's list to the end of the file, and a file of many
    headers took the square of its size (160 KB of them: 268 s)."""
    tag_places = _places_by_field(data)
    for found in TIFF_HEADER.finditer(data):
        if not _may_list_gps(data, found.start(), tag_places):
            continue
        exif = Image.Exif()
        try:
            # Four bytes of a picture's data that happen to look like a TIFF header make
            # Pillow warn « Corrupt EXIF data », lines of its own in the build's output.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exif.load(EXIF + data[found.start() :])
                if exif.get_ifd(GPS):
                    return True
        except Exception:
            continue  # not an EXIF block, only the same four bytes
    return False


def _places_by_field(data):
    """For each byte order, the places of the GPS block's tag in `data`, sorted, by their
    place within a field (modulo FIELD_SIZE)."""
    places = {}
    for order, tag in GPS_TAG.items():
        places[order] = [[] for _ in range(FIELD_SIZE)]
        at = data.find(tag)
        while at >= 0:
            places[order][at % FIELD_SIZE].append(at)
            at = data.find(tag, at + 1)
    return places


def _may_list_gps(data, header, tag_places):
    """Whether the first list of fields of the TIFF header at `header` may hold the GPS
    block's tag: one of its places is that of a field's start in the list."""
    order = data[header : header + 2]
    byte_order = "little" if order == b"II" else "big"
    listed = header + int.from_bytes(data[header + 4 : header + 8], byte_order)
    count = int.from_bytes(data[listed : listed + 2], byte_order)
    first, end = listed + 2, listed + 2 + FIELD_SIZE * count
    places = tag_places[order][first % FIELD_SIZE]
    at = bisect.bisect_left(places, first)
    return at < len(places) and places[at] < end


# The orientations that turn the picture a quarter (EXIF): shown, its width is its height.
QUARTER_TURNS = (5, 6, 7, 8)


def shown_width(path):
    """The width in pixels of the image at `path` as a browser shows it (its orientation
    applied), read from its header alone; None when Pillow cannot read it (an SVG)."""
    try:
        with Image.open(path) as image:
            width, height = image.size
            if image.getexif().get(ORIENTATION) in QUARTER_TURNS:
                return height
            return width
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return None
