"""A JPEG photo's metadata cut down to what a published copy needs: its orientation.

A phone writes, in the EXIF block of each photo, where it was taken (GPS), when, the
phone's make, model and serial number, and a thumbnail of the whole picture (which an
editor that crops the photo may leave uncropped); XMP and IPTC blocks may say the place
again. The copy the site publishes keeps none of it. Only the blocks before the picture
are rewritten: the picture's own bytes are kept as they are, so its quality is the same.
"""

from PIL import Image

ORIENTATION = 0x0112
START_OF_IMAGE = b"\xff\xd8"
START_OF_SCAN, END_OF_IMAGE = 0xDA, 0xD9
APP1, APP13 = 0xE1, 0xED  # APP1: EXIF or XMP; APP13: Photoshop's IPTC
EXIF = b"Exif\x00\x00"
XMP = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")


def without_private_metadata(data):
    """The JPEG `data` with an EXIF block holding the orientation only, and no XMP or IPTC
    block; None when it has nothing else to take out, or is not a JPEG read here."""
    if not data.startswith(START_OF_IMAGE):
        return None
    kept, changed, position = [START_OF_IMAGE], False, 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xFF:  # a fill byte before a marker
            position += 1
            continue
        if marker in (START_OF_SCAN, END_OF_IMAGE):
            break
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if end > len(data):
            return None
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
    if not changed:
        return None
    return b"".join(kept) + data[position:]


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
