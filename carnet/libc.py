"""What Carnet asks of the C library (glibc) for the build's helper processes: freed memory
given back (the build's peak memory is the sum of its processes'), and a helper's end with
the build (carnet/forked.py, carnet/card_drawer.py). ctypes only: the share images' drawer
imports it, and every module it imports is its memory."""

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1  # linux/prctl.h: helpers are started on Linux only (forked.processes)
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


def end_with(parent):
    """In a helper process: be killed when `parent`, the build, ends. A build killed
    half-way (kill -9, the out-of-memory killer) would otherwise leave its helper working
    on a share nobody takes, holding the files the build had open: the publish lock among
    them, so the next publish waited for « another publish » whose process no longer
    exists."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before prctl
        os._exit(1)
