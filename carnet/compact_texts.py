"""Posts' texts held in UTF-8, many to a block of memory, for the build's peak memory.

A post's HTML is its largest object, some 12 KB: Carnet's French typography puts U+202F
and ’ into nearly every text, so Python holds it with two bytes a character. And a build
that renders its pages in two processes (carnet/writer.py) shares its memory with a forked
child: every time a template reads a text, Python writes the text's reference count,
in the same page of memory as the text's first characters, and that page is then copied
into the process that wrote it. At 5000 posts that made 20 MB of copies, beside the 60 MB
the texts held.

A CompactText keeps the text's UTF-8 bytes (some 5 KB for a post in French) in a shared
block of BLOCK_SIZE, and gives the text back as a new str each time it is asked (some
3 µs for a post). Reading it writes only the reference counts of the block and of the
CompactText, both small objects among many. Measured on a cold build of the benchmark's
corpus (the PSS of every process every 10 ms): 5000 posts, 234 → 206 MB at the peak; 1000
posts, 99–101 → 95 MB (`invoke bench`: 1.44× and 1.41× of vanilla's, bench/README.md).

Carnet keeps Pelican's Content._content this way (carnet/pelican_private.py,
texts_kept_compact). A CompactText is unpickled as the str it holds (the readers' cache on
disk, a post sent to another process).
"""

# Below glibc's threshold for a block of its own (carnet/libc.py, BIG_BLOCK): a block is
# taken from the C heap, where the texts read before it were freed.
BLOCK_SIZE = 64 * 1024


class _Block:
    """The block texts are added to, until the next one no longer fits. Not locked: texts
    are made by the thread that builds, one build at a time."""

    memory = bytearray(BLOCK_SIZE)
    used = 0


class CompactText:
    """A text held in UTF-8; str(compact_text) is the text."""

    __slots__ = ("_memory", "_start", "_end")

    def __init__(self, text):
        data = text.encode("utf-8", "surrogatepass")
        size = len(data)
        if size > BLOCK_SIZE // 2:  # a long text: a block of its own
            self._memory, self._start, self._end = data, 0, size
            return
        if _Block.used + size > BLOCK_SIZE:
            _Block.memory, _Block.used = bytearray(BLOCK_SIZE), 0
        self._memory, self._start = _Block.memory, _Block.used
        self._end = _Block.used = self._start + size
        self._memory[self._start : self._end] = data

    def _utf8(self):
        return memoryview(self._memory)[self._start : self._end]

    def __str__(self):
        return str(self._utf8(), "utf-8", "surrogatepass")

    def __reduce__(self):
        # Unpickled as the text itself, a str. Pickled as its UTF-8 bytes: a pickler keeps
        # each object it wrote until it ends, and these are some 5 KB, the str 12.
        return (_text_from_utf8, (bytes(self._utf8()),))


def _text_from_utf8(data):
    return str(data, "utf-8", "surrogatepass")
