"""What Carnet asks of the C library's memory allocator (glibc's malloc), for the build's
peak memory: the sum of its processes' (carnet/forked.py, carnet/card_drawer.py). ctypes
only: the share images' drawer imports it, and every module it imports is its memory."""

import ctypes

# glibc's malloc.h: mallopt's parameters.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
BIG_BLOCK = 128 * 1024


def give_big_blocks_back():
    """Have glibc's malloc give a freed block of BIG_BLOCK or more back to the system at
    once, and the top of its heap once that much is free there. By default it raises both
    limits to the largest block freed so far (up to 32 MB): once a share image (a 3 MB
    picture) was drawn and freed, each process kept that memory for good, and the build's
    peak is the sum of its processes' (at 100 posts, 85 MB while the images are drawn; 82
    with this). Set once in each process that starts afresh (the build's, the drawer's):
    forked children inherit it. Not every C library has mallopt: then nothing is done."""
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, BIG_BLOCK)
        mallopt(M_TRIM_THRESHOLD, BIG_BLOCK)


def free_pages_back():
    """Give the pages of the C heap that hold nothing back to the system (glibc's
    malloc_trim), before a fork: a free page both processes still map is copied as soon as
    either puts a new object in it, so that every page the build freed earlier would count
    twice while the child lives (some 4 MB at 1000 posts, 6 at 5000, for well under a
    millisecond). Not every C library has malloc_trim: then nothing is done."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    if trim is not None:
        trim(0)
