"""The published copies of JPEG photos, without where they were taken or by which phone.

Pelican copies each file of STATIC_PATHS as it is: a photo straight from a phone put the
GPS position of the coach's home or office online, with the phone's serial number. Once
the site is written, each copied JPEG is rewritten with its orientation as its only
metadata (carnet/photo_metadata.py); the picture's bytes are kept. The file in content/ is
never touched: the copy is replaced by a new file (carnet.files.write_atomically), never
written through (with Pelican's STATIC_CREATE_LINKS the copy is a link to the coach's file).

A photo of another format (PNG, WebP, HEIC, AVIF, TIFF) whose EXIF holds a GPS position
stops the build, naming it: its copy cannot be rewritten here without re-encoding it.
"""

import logging
import os
import stat

from pelican import signals

from carnet.files import write_atomically
from carnet.i18n import _
from carnet.photo_metadata import (
    START_OF_IMAGE,
    gps_position_outside_jpeg,
    is_a_photo,
    without_private_metadata,
)
from carnet.sources import source_name

logger = logging.getLogger(__name__)

_copies = []  # (output file, name of its source) of this build's static files


def remember_copies(generator):
    _copies[:] = [
        (
            os.path.join(generator.output_path, static.save_as),
            source_name(generator.settings, static.source_path),
        )
        for static in generator.staticfiles
    ]


def strip_photos(pelican_object):
    for path, source in _copies:
        try:
            with open(path, "rb") as copy:
                data = copy.read(12)
                if not is_a_photo(data):
                    continue  # a PDF, an SVG…: not read further
                data += copy.read()
        except OSError:
            continue  # not copied: Pelican said why
        if not data.startswith(START_OF_IMAGE):
            # A WebP or PNG from a phone or an editor published its GPS position as it was.
            if gps_position_outside_jpeg(data):
                logger.error(
                    "%s",
                    _(
                        "{path}: the photo says where it was taken (a GPS position in its "
                        "EXIF), and the site would publish it: save it as JPEG (Carnet removes "
                        "the position from JPEG photos), or remove the position with your "
                        "photo editor"
                    ).format(path=source),
                )
            continue
        stripped = without_private_metadata(data)
        if stripped is None:
            continue
        mode = os.stat(path).st_mode
        write_atomically(path, stripped, durable=False)
        # Readable by the web server, as Pelican's copy was (a temporary file is not).
        os.chmod(path, stat.S_IMODE(mode))
    _copies.clear()


def register():
    signals.static_generator_finalized.connect(remember_copies)
    signals.finalized.connect(strip_photos)
