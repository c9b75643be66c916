"""Carnet's one way to write a file: a crash leaves either the old file or the new one,
never half of it (the ledger, the manifest, the outbox, the caches)."""

import os
import tempfile

TEMPORARY_SUFFIX = ".carnet-tmp"
# How much of the file's name its temporary file's keeps: with the dots, mkstemp's eight
# random characters and the suffix, at most 221 of the 255 bytes a name may have.
NAME_KEPT_BYTES = 200


def write_atomically(path, data, durable=True):
    """Write `data` to `path`: str, bytes, or an iterable of either written one after the
    other (str as UTF-8). A temporary file beside it, then os.replace. durable: also fsync
    the file and the rename (the ledger and the e-mails; a cache, which the next build can
    make again, does without)."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    pieces = [data] if isinstance(data, (str, bytes)) else data
    # Named so that git ignores one a killed process leaves (.gitignore: *.carnet-tmp), and
    # no longer than a file name may be: a photo named with 240 characters stopped the build.
    name = os.path.basename(path).encode("utf-8")[:NAME_KEPT_BYTES].decode("utf-8", "ignore")
    descriptor, temporary = tempfile.mkstemp(
        dir=folder, prefix="." + name + ".", suffix=TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for piece in pieces:
                handle.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    if durable:
        # The rename itself must reach the disk too, or a power cut could undo it.
        folder_descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(folder_descriptor)
        finally:
            os.close(folder_descriptor)
