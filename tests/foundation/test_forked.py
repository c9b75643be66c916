"""carnet.forked: a forked child's result and log lines come back to the build process."""

import logging
import os
import time

import pytest
from conftest import python_prints

from carnet import forked


def _square_and_warn(value):
    logging.getLogger("carnet.test").warning("child says %s", value)
    return {"square": value * value, "pid": os.getpid()}


def _fail():
    raise ValueError("bad post")


def test_result_and_warnings_come_back_once(caplog):
    caplog.set_level(logging.WARNING)
    child = forked.Child(_square_and_warn, 7)
    value = child.result()
    assert value["square"] == 49
    assert value["pid"] != os.getpid()  # the work ran in another process
    said = [(r.name, r.getMessage()) for r in caplog.records]
    assert said == [("carnet.test", "child says 7")]


def test_an_exception_in_the_child_is_child_failed_naming_it():
    child = forked.Child(_fail)
    with pytest.raises(forked.ChildFailed, match="ValueError: bad post"):
        child.result()


def test_a_result_that_cannot_be_pickled_is_child_failed():
    child = forked.Child(lambda: lambda: None)
    with pytest.raises(forked.ChildFailed, match="pickle"):
        child.result()


def _wait_for(flag):
    while not flag.exists():
        time.sleep(0.005)
    return "released"


def test_a_child_at_work_is_seen_and_its_result_kept_once_it_ends(tmp_path):
    flag = tmp_path / "flag"
    assert not forked.another_child_working()
    child = forked.Child(_wait_for, flag)
    assert forked.another_child_working() and not child.done()
    flag.touch()
    for _ in range(1000):  # it ends within a few milliseconds
        if not forked.another_child_working():
            break
        time.sleep(0.01)
    assert child.done() and not forked.another_child_working()
    assert child.result() == "released"  # taken after done() saw it end


def test_a_stopped_child_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(forked.tempfile, "tempdir", str(tmp_path))
    child = forked.Child(lambda: __import__("time").sleep(30))
    child.stop()
    assert list(tmp_path.iterdir()) == []


def test_processes_follow_the_setting_and_the_cpus():
    cpus = len(os.sched_getaffinity(0))
    assert forked.processes({"CARNET_BUILD_PROCESSES": 1}) == 1
    assert forked.processes({"CARNET_BUILD_PROCESSES": 64}) == cpus
    assert forked.processes({}) == min(2, cpus)


# Run in a fresh Python: in the tests' own process, earlier tests leave the C heap with
# free room where the blocks kept below may go, and free() then gives most pages back by
# itself.
FREED_THEN_FORKED = """
from carnet import forked

def resident_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

# 16 MB in blocks below glibc's mmap threshold (so in its heap), each followed by a block
# kept (over 512 bytes: from the same heap, not Python's small-object arenas): freeing the
# large ones leaves free pages inside the heap, not at its end (which free() gives back by
# itself).
large, kept = [], []
for _ in range(256):
    large.append(bytearray(b"x" * (64 * 1024)))
    kept.append(bytearray(b"y" * 1000))
del large
freed = resident_kb()
forked.Child(int).result()
print(freed, resident_kb(), len(kept))
"""


def test_pages_the_build_freed_are_given_back_before_a_fork():
    """A free page both processes map would be copied as soon as either reused it."""
    freed, after_fork, kept = map(int, python_prints(FREED_THEN_FORKED).split())
    assert after_fork < freed - 8 * 1024 and kept == 256


# glibc's malloc, as a build's processes use it: a share image's picture (3 MB) freed, then
# blocks of 1 MB (a page being rendered, an image's rows) freed, with a small block after
# them. How many KB the process gives back to the system as they are freed.
_BLOCKS_GIVEN_BACK = """
import ctypes, sys
from carnet import libc as carnet_libc
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
def resident_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
def touched(size):
    block = libc.malloc(size)
    ctypes.memset(block, 1, size)
    return block
if sys.argv[1] == "given back":
    carnet_libc.give_big_blocks_back()
libc.free(touched(3 << 20))
blocks = [touched(1 << 20) for _ in range(4)]
kept = touched(64)
before = resident_kb()
for block in blocks:
    libc.free(block)
print(before - resident_kb())
"""


def test_freed_big_blocks_are_given_back_to_the_system():
    """glibc keeps a freed block when it is smaller than the largest one freed before (up
    to 32 MB): once a share image was drawn, every process of the build kept its freed
    megabytes, and the build's peak memory is the sum of its processes'."""

    assert int(python_prints(_BLOCKS_GIVEN_BACK, "kept")) < 512  # glibc's default
    assert int(python_prints(_BLOCKS_GIVEN_BACK, "given back")) >= 4 * 1024


def test_the_posts_are_frozen_once_read(site):
    """Once every post is read, the posts live until the build ends: frozen, the garbage
    collector's full collections no longer scan them (some 1.2 s of CPU at 1000 posts, now
    that no forked child freezes them while the share images are drawn). One process: no
    fork freezes anything here."""
    import gc

    from pelican import signals

    seen = {}

    def look(generators):
        articles = next(g for g in generators if hasattr(g, "articles")).articles
        collected = {id(o) for generation in range(3) for o in gc.get_objects(generation)}
        seen["scanned"] = [a.title for a in articles if id(a) in collected]
        seen["posts"] = len(articles)

    site.add_post("un.md", title="Un billet")
    signals.all_generators_finalized.connect(look)
    try:
        site.build(CARNET_BUILD_PROCESSES=1)
    finally:
        signals.all_generators_finalized.disconnect(look)
    assert seen["posts"] >= 1 and seen["scanned"] == []
