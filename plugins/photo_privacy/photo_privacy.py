"""The published copies of JPEG photos, without where they were taken or by which phone.

Pelican copies each file of STATIC_PATHS as it is: a photo straight from a phone put the
GPS position of the coach's home or office online, with the phone's serial number. Once
the site is written, each copied JPEG is rewritten with its orientation as its only
metadata (carnet/photo_metadata.py); the picture's bytes are kept. The file in content/ is
never touched: the copy is replaced by a new file (carnet.files.write_atomically), never
written through (with Pelican's STATIC_CREATE_LINKS the copy is a link to the coach's file).
"""

import os
import stat

from pelican import signals

from carnet.files import write_atomically
from carnet.photo_metadata import START_OF_IMAGE, without_private_metadata

_copies = []  # the output files of this build's static files


def remember_copies(generator):
    _copies[:] = [
        os.path.join(generator.output_path, static.save_as) for static in generator.staticfiles
    ]


def strip_photos(pelican_object):
    for path in _copies:
        try:
            with open(path, "rb") as copy:
                if copy.read(2) != START_OF_IMAGE:
                    continue
                data = START_OF_IMAGE + copy.read()
        except OSError:
            continue  # not copied: Pelican said why
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
