"""The share images' drawer: a fresh Python that draws into the build cache the images a
build sends it, while the build goes on (plugin share_cards starts it and sends the jobs).

Fresh, not forked from the build: a forked copy holds as its own every page of the build's
memory that either process writes while both live, and the build writes all along (the
drawing child of a cold build held 28 MB of its own at 1000 posts, 70 MB at 5000); a fresh
Python holds the interpreter, Pillow and what it draws, 11 to 16 MB whatever the site. So
this module imports as little as it can: every module imported is the drawer's memory
(dataclasses, subprocess and tempfile would add 2 MB).

The jobs come in batches: each pickled into a file without a name that both processes keep
open, and where it is in the file written to a pipe (the build never waits for the drawer
to read). The drawer draws each batch as it comes until the pipe closes, then writes its
Report, pickled, to its standard output.

    python -S -m carnet.card_drawer BUILD_PID PIPE_FD FILE_FD CACHE_FOLDER
"""

import collections
import os
import pickle
import signal
import sys
import time

from carnet import libc

PROTOCOL = pickle.HIGHEST_PROTOCOL

# An image to make: a card to draw (spec, see share_card.render_card), or an image to crop
# (source, the file; shown, its name for the coach: content/images/x.jpg); key, the hash of
# what it shows, names it in the cache; save_as, its place in the site.
Job = collections.namedtuple("Job", "key save_as spec source shown", defaults=(None,) * 3)

# What the drawer did: its process, the size of each batch it drew, the CPU seconds it
# took, and the (job, Pillow's words) of each image it could not read.
Report = collections.namedtuple("Report", "pid batches cpu_seconds unreadable")


def cached_name(job):
    """The name of the image of `job` in the cache folder."""
    return job.key + ".jpg"


def cached_path(cache, job):
    """Where the image of `job` is kept in the cache folder `cache`."""
    return os.path.join(cache, cached_name(job))


def draw_into_cache(jobs, cache):
    """Draw (or crop) each job's image into the cache, in whichever process calls it; the
    (job, Pillow's words) of each image whose header read but whose picture did not."""
    # Imported here, not with the module: the drawer is bound to the build's life (main)
    # before it spends a tenth of a second importing Pillow.
    from PIL import Image

    from carnet import share_card

    # One folder: a few thousand files are nothing to a file system's directory index, and
    # each folder made is an inode to allocate (slow on a disk that just deleted many).
    os.makedirs(cache, exist_ok=True)
    unreadable = []
    for job in jobs:
        if job.source:
            try:
                data = share_card.crop_image(job.source)
            except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
                unreadable.append((job, str(error) or error.__class__.__name__))
                continue
        else:
            data = share_card.draw_card(job.spec)
        path = cached_path(cache, job)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    return unreadable


def _batches(pipe, file):
    """Each batch of jobs the build sends, as it sends it, until it closes the pipe."""
    with open(pipe, "rb") as lines:
        for line in lines:
            offset, length = map(int, line.split())
            yield pickle.loads(os.pread(file, length, offset))


def main(build, pipe, file, cache):
    libc.end_with(build)
    # Ctrl-C reaches every process of the terminal: the build stops the drawer itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    libc.give_big_blocks_back()
    # Pillow imported now, while the build reads its posts, not as the first images come.
    from carnet import share_card  # noqa: F401

    began = time.process_time()
    batches, unreadable = [], []
    for batch in _batches(pipe, file):
        unreadable += draw_into_cache(batch, cache)
        batches.append(len(batch))
    report = Report(os.getpid(), batches, time.process_time() - began, unreadable)
    sys.stdout.buffer.write(pickle.dumps(report, PROTOCOL))


if __name__ == "__main__":
    # By its name: what it pickles (Report, Job) is then carnet.card_drawer's, as the build
    # reads it, not __main__'s.
    from carnet import card_drawer

    build, pipe, file, cache = sys.argv[1:]
    card_drawer.main(int(build), int(pipe), int(file), cache)
