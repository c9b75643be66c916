"""Every use Carnet makes of Pelican's private API, and nothing else.

Pelican's signals and public methods come first everywhere in Carnet. What they do not
offer is here, one function or class per need, each naming the Pelican function it
relies on in RELIED_ON. tests/foundation/test_pelican_private.py compares the source of
each of those functions with the hash recorded below and fails, naming the function,
when a Pelican upgrade changes one; `check_version` refuses a Pelican this was not
tested with (plugin carnet_wiring calls it at the start of every build).

After a Pelican upgrade: read the new source of each function the test names, adapt the
code here, then record the new hashes (the test prints them).
"""

import contextlib
import copy
import functools
import hashlib
import inspect
import io
import logging
import os
import pickle
import re
from dataclasses import dataclass
from importlib import metadata

from markdown import Markdown
from pelican.cache import FileDataCacher, FileStampDataCacher
from pelican.contents import Content
from pelican.log import LimitFilter
from pelican.plugins.yaml_metadata.yaml_metadata import YAMLMetadataReader
from pelican.readers import MarkdownReader, _filter_discardable_metadata
from pelican.urlwrappers import URLWrapper
from pelican.utils import file_suffix, mkdir_p, pelican_open, posixize_path
from pelican.writers import FileOverwriteFailedError, Writer

from carnet.compact_texts import CompactText
from carnet.i18n import N_

logger = logging.getLogger(__name__)

# The Pelican versions this module was read against ("4.12." is every 4.12.x).
TESTED_PELICAN = ("4.12.",)

# The Pelican functions used or copied here: their qualified name and the SHA-256 of
# their source (inspect.getsource) when this module was last checked against them.
RELIED_ON = {
    # WriterKeepingFiles overrides it; Writer.__init__ makes _written_files.
    "pelican.writers.Writer._open_w": (
        "69700ea0b4668663b0886011eee71e8b4ea9debd376fe2a2fe322c90ec5aee6d"
    ),
    "pelican.writers.Writer.__init__": (
        "2f892e0aa5e8eba8da4f6a3c72d190c85f006d381d812427567dc3667d665cf4"
    ),
    # claim_output_file copies _open_w's bookkeeping; carnet.writer relies on
    # write_file rendering (template.render) right before it opens the file (_open_w) and
    # writes what render returned; around_generate_output on Pelican.run calling
    # each generator's generate_output in turn, then sending finalized.
    "pelican.writers.Writer.write_file": (
        "6a604ad67bbeec997e58ef69a393930c22cf3178a760fdc21d2c42f1871da373"
    ),
    # carnet.build: Pelican.run ends with a line printed on pelican.log.console, which it
    # makes quiet during a build.
    "pelican.Pelican.run": ("296180f3ec4d7bff349b930f2e0fca689fceb970fa50648d194a81000cf46487"),
    # _save_cache copies save_cache; __init__ makes the attributes it reads.
    "pelican.cache.FileDataCacher.save_cache": (
        "ac07627d0831e861cca7e8d8f042f710c035e7b1335b286f9462d80556a273d1"
    ),
    "pelican.cache.FileDataCacher.__init__": (
        "0e94df62b258a9c2801579e71fcf8d45382b6668f93934019e323dfeb2aad57d"
    ),
    # stamps_only_for_a_cache: CachingGenerator.__init__ gives the generator its own cache
    # (FileStampDataCacher), empty and unused unless CONTENT_CACHING_LAYER is "generator";
    # its get_cached_data and cache_data (FileStampDataCacher's, above and below) stamp the
    # file even then.
    "pelican.generators.CachingGenerator.__init__": (
        "e7f8f4e24c65f7e59728bfba2c2ecc0db1f9b206371aae5852518ce78dc86e90"
    ),
    # intrasite_link_regex; Content.__init__ sets _content (texts_kept_compact makes it a
    # property) and _context.
    "pelican.contents.Content._get_intrasite_link_regex": (
        "5d6b5c2523b5193e478029b63b1bc16b6b69e0b41d49dc0985db49fb98782292"
    ),
    "pelican.contents.Content.__init__": (
        "38b67e4211facf9d8f5c97ab1ac9c3345d87c5c093dd1c53dfb7583c1c9eb652"
    ),
    # rewrite_texts sets _content and _summary, which refresh_metadata_intersite_links
    # (after all_generators_finalized) writes over metadata["summary"].
    "pelican.contents.Content.refresh_metadata_intersite_links": (
        "3b1caecaf71617f30630e0ef01c8f926cec43114769efb1d1d19c5a9b02c2bf9"
    ),
    # same_name reads the name, and the slug when one was set by hand, where __init__ (and
    # the name and slug setters) keep them.
    "pelican.urlwrappers.URLWrapper.__init__": (
        "b5477f72881a6cae2cdc1cca2ba0e38077e26abc2667a5a6aebf4f55a6786a47"
    ),
    # memos_for_one_build gives the two methods Content memoizes new memories: memoized
    # reads and sets its `cache` with `in`, [] and [] = only.
    "pelican.contents.Content.get_content": (
        "5b963ce7e6237a1bc08c29c1fcf173b29ca51e86d42a4e88b42cccf0242315a4"
    ),
    "pelican.utils.memoized.__call__": (
        "4e739d13a9818c9cff118d068c3188b972bff08756e85b08521548baa0ef35db"
    ),
    # forget_logged_warnings empties the class-level memory LimitFilter.filter keeps.
    "pelican.log.LimitFilter.filter": (
        "11437b9793cd6bef3a256ffe245c40c5076982cb2f754ec725dcca706d8e7b58"
    ),
    # use_boundary_summaries replaces the name get_summary calls (imported from utils).
    "pelican.contents.Content.get_summary": (
        "4a3c3104bdebd41dce041371c8c8cb442e82503e4205a3746b6a3a8178490593"
    ),
    # Not Pelican's own but its YAML plugin's (pelican-yaml-metadata, pinned): the reader
    # class of plugins/content_checks overrides the first (a YAML error named, not a post
    # without metadata) and calls the second.
    "pelican.plugins.yaml_metadata.yaml_metadata.YAMLMetadataReader._load_yaml_metadata": (
        "2f83999b4cf78b10365d2f74d908a70f11c41aa44ed37e688a66d08bba3943ca"
    ),
    "pelican.plugins.yaml_metadata.yaml_metadata.YAMLMetadataReader._parse_yaml_metadata": (
        "067dbbf13141ff8dc4e87f3a4d8bea00cebdc7fb1c392e0537789a35fa7da3ac"
    ),
    # markdown_made_when_read skips the first (it makes the reader's Markdown object) and
    # makes that object as it does; Readers.__init__ makes every reader instance after
    # sending readers_init, from the classes then in reader_classes. _MarkdownMadeOnce.read
    # is MarkdownReader.read with its Markdown object kept, which YAMLMetadataReader.read
    # calls for a post without a YAML header; MarkdownReader._parse_metadata deregisters
    # the meta preprocessor of the object it is given.
    "pelican.plugins.yaml_metadata.yaml_metadata.YAMLMetadataReader.__init__": (
        "007dc689d3698682a0d56861bd189b93c76d2be74b11d50afb27e54cb8f40d31"
    ),
    "pelican.readers.Readers.__init__": (
        "3026099450bc1e15471a4ba7230112fc24a2d9aa3b6c2e27eaf253ce387ae1cb"
    ),
    "pelican.readers.MarkdownReader.read": (
        "1c8cfd04d8822d5708f08f3ad16acd33b34ebe9981c932d49688be7733de5985"
    ),
    "pelican.readers.MarkdownReader._parse_metadata": (
        "3f01f071bbc3672d341454c22fed793740b7a1014344f6db540c2b0bb3537a21"
    ),
    "pelican.plugins.yaml_metadata.yaml_metadata.YAMLMetadataReader.read": (
        "9f424d1df399eacd7bf5656771e05aae04737edde8e1550e28bbb843e8b30a4a"
    ),
    # relative_source_paths_once replaces get_relative_source_path with the same steps,
    # the path worked out once per (path, content folder, working folder).
    "pelican.contents.Content.get_relative_source_path": (
        "6c1f5107e08bf7eaf5bc3b05b246a3187e7be458752bd2826eff0fcb6e9d32bc"
    ),
    "pelican.utils.truncate_html_words": (
        "788d67751bdba1ba013c068fb66f791ecbff090de670ff410baf9b8ff7ee0214"
    ),
    # Posts read ahead in a second process (plugin parallel_reading): article_files lists
    # them as generate_context does; read_file's steps for a file missing from the readers'
    # cache are read_like_read_file's; in_readers_cache asks the cache without the
    # wrappers of its instance, and without the file's stamp (FileStampDataCacher keeps
    # (stamp, data) through FileDataCacher.cache_data); the plugin takes a miss of
    # get_cached_data to be its `default` argument itself. readers_cache_shares_texts
    # finds the entry read_file cached under the same key as read_file (the absolute path
    # of base_path and path).
    "pelican.generators.ArticlesGenerator.generate_context": (
        "16f8066e3e5b8a42181fdf7a90d98bfc2000abec5bac48a7eb9d1586b5731702"
    ),
    "pelican.readers.Readers.read_file": (
        "356c609e59c1b30a36f6ea886b0d32e21f991d577f37f7ecf0dab7a48097bbbd"
    ),
    "pelican.readers._filter_discardable_metadata": (
        "ddc12a0fe7a35f45223fd9cd0e08d4815297554776f64983e96e120cd1b0ccee"
    ),
    "pelican.cache.FileDataCacher.get_cached_data": (
        "456291ef6722761b18f90c2471a7bb12695f5822993a9e846aae259bd42a8e2a"
    ),
    "pelican.cache.FileStampDataCacher.cache_data": (
        "1278c0b3c9b2ca32e638730a6a4bb5ef9a1a2762a21b6084bd0f971a24673ceb"
    ),
    "pelican.cache.FileStampDataCacher.get_cached_data": (
        "9e22f9c49dede667229137f7bf19e7dca9a059902b8e93c21321f0482e97131f"
    ),
    # stamp_before_reading: get_cached_data and cache_data (above) each stamp the file
    # once, through self._get_file_stamp.
    "pelican.cache.FileStampDataCacher._get_file_stamp": (
        "771a0b92fd2c314a8557db1ad49cbe66085a6740a08f20238768cf69f04e0b74"
    ),
    "pelican.generators.Generator.get_files": (
        "1abfc730be9af343d23703f6a5384c45f49aa6f3b939328585ff7807c08cde64"
    ),
    # period_archives_in_one_pass: generate_context calls it as
    # self._build_period_archives(self.dates, self.articles, self.settings), and it lists
    # each archive's posts as [a for a in articles if a in dates].
    "pelican.generators.ArticlesGenerator._build_period_archives": (
        "c19e3024444c4c43b91c678d95652b51960e73fd307d749d2dc86c9f036104e9"
    ),
}


# The Pelican functions Carnet replaces, as Pelican defines them: what source_hash reads
# once a build has replaced them.
PELICANS_OWN = {
    "pelican.contents.Content.get_relative_source_path": Content.get_relative_source_path,
}


def source_hash(qualified_name):
    """SHA-256 of the source of a Pelican function named like a key of RELIED_ON."""
    module_name, class_name, function_name = qualified_name.rsplit(".", 2)
    module = __import__(module_name, fromlist=[class_name])
    function = PELICANS_OWN.get(qualified_name) or inspect.getattr_static(
        getattr(module, class_name), function_name
    )
    # A method Pelican memoizes (pelican.utils.memoized) keeps the function as .func.
    function = getattr(function, "func", function)
    return hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()


def untested_pelican():
    """The installed Pelican's version if this module was not checked against it, else None."""
    version = metadata.version("pelican")
    return None if version.startswith(TESTED_PELICAN) else version


# --- Posts' texts held once, compact ------------------------------------------------------
# Content.__init__ keeps the HTML its reader made in self._content; Readers.read_file keeps
# the same str in the readers' cache (FileStampDataCacher.cache_data: _cache[path] =
# (stamp, (content, metadata))), under the path it asked get_cached_data for.


def texts_kept_compact():
    """Content._content held as a CompactText (carnet/compact_texts.py, which says why):
    set as a str, read as a new str each time; a Content given its text otherwise (a copy
    made by pickling) reads it as it is. Pelican offers no setting or signal for it."""
    if not isinstance(Content.__dict__.get("_content"), property):
        Content._content = property(_text_of, _keep_text)


def _text_of(content):
    try:
        text = content.__dict__["_content"]
    except KeyError:
        raise AttributeError("_content") from None
    return str(text) if type(text) is CompactText else text


def _keep_text(content, text):
    content.__dict__["_content"] = CompactText(text) if type(text) is str and text else text


def readers_cache_shares_texts(readers):
    """readers_init: once read_file made a post, the readers' cache holds the post's
    CompactText in place of the str its reader returned: each text is held once."""
    readers.read_file = functools.partial(_read_file_sharing_text, readers, readers.read_file)


def _read_file_sharing_text(readers, read_file, base_path, path, *args, **kwargs):
    content = read_file(base_path, path, *args, **kwargs)
    key = os.path.abspath(os.path.join(base_path, path))  # read_file's, for the cache
    entry = readers._cache.get(key)
    kept = content.__dict__.get("_content")
    if entry is not None and type(kept) is CompactText:
        stamp, (text, metadata) = entry
        if type(text) is str and text == str(kept):
            readers._cache[key] = (stamp, (kept, metadata))
    return content


# --- A post's HTML before Pelican resolves its links --------------------------------------
# Content.content resolves `{filename}` links with the site's context and memoises the
# result: read before every page and article is known, it would keep broken links. The
# plugins that read a post's text while the site is being read use the reader's HTML.


def same_name(wrapper):
    """What makes two of Pelican's tags, categories or authors (URLWrapper) one and the
    same: their kind, settings and name, and their slug when it was set by hand (else it is
    made from the name when first asked). Not their equality, which is their slug's alone
    (« Écoute » and « écoute » are equal, and each post shows the one it wrote)."""
    by_hand = None if wrapper._slug_from_name else wrapper._slug
    return (type(wrapper), id(wrapper.settings), wrapper._name, by_hand)


def html_before_links(content):
    """The HTML the reader produced for `content` (Content._content)."""
    return content._content or ""


def rewrite_texts(contents, rewrite):
    """Each of `contents` given the reader's HTML and the Summary: field that
    `rewrite(content, html)` returns for them, before Pelican resolves their links: what
    Pelican memoized of a text changed is forgotten. Called at all_generators_finalized:
    Pelican then writes `_summary` over `metadata["summary"]`
    (refresh_metadata_intersite_links)."""
    changed = set()
    for content in contents:
        text = content._content or ""
        rewritten = rewrite(content, text)
        if rewritten is not text:
            content._content = rewritten
            changed.add(id(content))
        summary = content.metadata.get("summary")
        if isinstance(summary, str):
            rewritten = rewrite(content, summary)
            if rewritten is not summary:
                content.metadata["summary"] = content._summary = rewritten
                changed.add(id(content))
    if changed:
        for memoized in (Content.__dict__["get_content"], Content.__dict__["get_summary"]):
            for key in [key for key in memoized.cache if id(key[0]) in changed]:
                del memoized.cache[key]


def intrasite_link_regex(content):
    """Pelican's regular expression for `{filename}`, `{static}`... links in `content`
    (Content._get_intrasite_link_regex: groups "what" and "value")."""
    return content._get_intrasite_link_regex()


def site_context(content):
    """The site-wide context a Content was made with (Content._context), or {}."""
    return getattr(content, "_context", None) or {}


# --- A writer that leaves some files as they are -----------------------------------------


class WriterKeepingFiles(Writer):
    """Pelican's Writer, except that a file for which `keeps(path)` is true is not opened
    for writing (what is "written" goes nowhere), while Pelican's rule of one page per file
    still holds. Writer._open_w is where Pelican opens every output file; no signal or
    public method decides whether a file is written."""

    def keeps(self, path):
        return False

    def _open_w(self, filename, encoding, override=False):
        if not self.keeps(filename):
            return super()._open_w(filename, encoding, override)
        claim_output_file(self, filename, override)  # Pelican's rule of one page per file
        return io.StringIO()  # no file opened: hundreds of pages in a warm build


# --- Pages rendered after the generator that asked for them --------------------------


def claim_output_file(writer, filename, override=False):
    """Writer._open_w without opening the file: Pelican's rule of one page per file (an
    error for a second page, unless `override` says which one wins) applied now, for a page
    written later. Returns where the page goes: `filename`, or os.devnull for a page that
    loses to an overriding one (Pelican writes it there too)."""
    if filename in writer._overridden_files:
        if override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" a second time (was previously overwritten)'
            )
        logger.info('Skipping "%s", not overwriting', filename)
        filename = os.devnull
    elif filename in writer._written_files:
        if override:
            logger.info('Overwriting "%s"', filename)
        else:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already '
                "written to it previously (set `override=True` if intended)"
            )
    if override:
        writer._overridden_files.add(filename)
    writer._written_files.add(filename)
    return filename


def around_generate_output(generators, around):
    """Run each generator's generate_output(writer) inside `around(writer)`, a context
    manager: Pelican.run calls them one after the other, then sends finalized. Pelican has
    no signal at the end of every generator's output (article_writer_finalized and
    page_writer_finalized cover two of them, and a plugin's receivers of one signal run in
    no set order); all_generators_finalized gives the generators just before."""
    for generator in generators:
        if hasattr(generator, "generate_output"):
            generator.generate_output = functools.partial(
                _generate_output_around, generator.generate_output, around
            )


def _generate_output_around(generate_output, around, writer=None):
    with around(writer):
        return generate_output(writer)


# --- Saving the readers' cache without pickle's UTF-8 copies -------------------------------


def save_cache_with_python_pickler(readers):
    """Make `readers` (Pelican's Readers, a FileDataCacher) save its cache with Python's own
    pickler on a cold build: pickle.dump's C pickler leaves in every non-ASCII string it
    writes a UTF-8 copy of it, kept as long as the string (27 MB at 5000 posts). A warm
    build saves with Pelican's own save_cache, which is faster."""
    readers.save_cache = functools.partial(_save_cache, readers)


def _save_cache(cacher):
    if os.path.exists(cacher._cache_path):  # a warm build
        return FileDataCacher.save_cache(cacher)
    # FileDataCacher.save_cache, with pickle._Pickler in place of pickle.dump.
    if cacher._cache_data_policy:
        try:
            mkdir_p(cacher.settings["CACHE_PATH"])
            with cacher._cache_open(cacher._cache_path, "wb") as handle:
                pickle._Pickler(handle, pickle.DEFAULT_PROTOCOL).dump(cacher._cache)
        except (OSError, pickle.PicklingError, TypeError) as err:
            logger.warning("Could not save cache %s\n ... %s", cacher._cache_path, err)


# --- A generator that caches nothing stamps no file ---------------------------------------


def stamps_only_for_a_cache(generator):
    """article_generator_init, page_generator_init: a generator whose own cache is off and
    empty (Carnet caches at the readers' layer, CONTENT_CACHING_LAYER "reader") answers
    from it without stamping the file. FileStampDataCacher.get_cached_data stamps the file
    to compare with the stamp of nothing, and cache_data to store nothing: with
    CHECK_MODIFIED_METHOD "sha256", two reads and hashes of every post a build, for the
    answers an empty cache gives."""
    if generator._cache_data_policy or generator._cache:
        return
    generator.get_cached_data = _nothing_cached
    generator.cache_data = _nothing_to_cache


def _nothing_cached(filename, default=None):
    return default


def _nothing_to_cache(filename, data):
    return None


# --- Posts read ahead in a second process (plugin parallel_reading) ---------------------
# ArticlesGenerator.generate_context reads each file of get_files() with Readers.read_file,
# which reads a file missing from the readers' cache in three steps: reader.read(path),
# _filter_discardable_metadata, cache_data(path, (content, metadata)), between a
# get_cached_data that misses and the rest of read_file. Another process may do the middle
# step ahead of time; get_cached_data is then where the build takes its result.


def article_files(generator):
    """The article files generate_context reads, in its order (paths relative to PATH)."""
    settings = generator.settings
    return list(
        generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"])
    )


def full_path(generator, path):
    """The path read_file reads `path` (one of article_files) under, and asks the cache for."""
    return os.path.abspath(os.path.join(generator.path, path))


def reader_of(readers, path):
    """The reader read_file uses for the file at `path` (Readers.readers by suffix), or None."""
    return readers.readers.get(file_suffix(path))


def read_like_read_file(readers, path):
    """(content, metadata) as read_file reads a file the readers' cache does not have."""
    content, metadata = reader_of(readers, path).read(path)
    return content, _filter_discardable_metadata(metadata)


def in_readers_cache(readers, path):
    """Whether the readers' cache holds the file at `path`, as it is now or not: no file is
    stamped (hashed) for this, so a warm build pays nothing. Asked of Pelican's class, not
    of `readers`: the plugins' wrappers of its get_cached_data act on a miss."""
    return FileDataCacher.get_cached_data(readers, path, None) is not None


# --- A post cached under the stamp its file had before it was read -----------------------
# Readers.read_file asks the readers' cache for a file (FileStampDataCacher.get_cached_data
# stamps it: a hash of the file), reads it on a miss, then caches what it read (cache_data
# stamps the file again). A post saved in between (an editor saving as the coach types,
# while livereload builds) went into the cache as read, under the stamp of its new text:
# every later build, in any process, served the old text, until the next edit.


def stamp_before_reading(readers):
    """readers_init: `readers` caches each file under the stamp get_cached_data took,
    before the file was read (and hashes it once, not twice). Both stamp the file through
    self._get_file_stamp, replaced on the instance: the wrappers other plugins put around
    get_cached_data and cache_data are left as they are."""
    if not isinstance(readers._get_file_stamp, _StampTakenBeforeReading):
        readers._get_file_stamp = _StampTakenBeforeReading(readers)


_MISSING = object()


class _StampTakenBeforeReading:
    def __init__(self, readers):
        self.readers = readers
        self.taken = {}  # file -> the stamp get_cached_data took, for the cache_data next

    def __call__(self, filename):
        # Pelican asks the cache for a file once a build, and caches it right after reading
        # it: the call after get_cached_data's, for that file, is cache_data's.
        stamp = self.taken.pop(filename, _MISSING)
        if stamp is _MISSING:
            stamp = self.taken[filename] = file_stamp(self.readers, filename)
        return stamp


def file_stamp(readers, path):
    """The stamp the readers' cache keeps with the file at `path`, as the file is now."""
    return FileStampDataCacher._get_file_stamp(readers, path)


def cache_as_read(readers, path, data, stamp):
    """cache_data(path, data) for a file read by another process, under `stamp`, which
    that process took (file_stamp) before it read the file."""
    stamp_before_reading(readers)
    readers._get_file_stamp.taken[path] = stamp
    readers.cache_data(path, data)


# --- The YAML reader's Markdown objects: made when a post is read, then reused ----------
# The YAML plugin's reader makes a Markdown object as it is made (its extensions loaded and
# configured: 0.8 ms), and Pelican makes one reader per file extension (4) in each of its
# generators' Readers (4): 16 objects a build, 13 ms, while a warm build reads one post.
# A post without a YAML header is read by MarkdownReader.read (the plugin's fallback), which
# makes a new Markdown object for every file: 0.2 ms a post, 2.5% of a cold build.


def markdown_made_when_read(readers):
    """readers_init: the YAML plugin's reader class of `readers` replaced by a subclass that
    makes its Markdown object (`_md`) the first time it reads (before any other plugin's
    layer wraps it), and that reads a post without a YAML header with one Markdown object,
    reset before each post."""
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is YAMLMetadataReader:
            readers.reader_classes[extension] = _YAMLReaderMarkdownWhenRead


# Where Markdown's meta extension registers its preprocessor (MetaExtension.extendMarkdown).
META_PRIORITY = 27


class _MarkdownMadeOnce(MarkdownReader):
    """MarkdownReader.read with one Markdown object per reader, reset before each file (as
    the YAML plugin resets its own). MarkdownReader._parse_metadata takes the meta
    extension's preprocessor out of the object (to convert a formatted field such as a
    summary without reading metadata in it): it is put back before the next post, so that
    between two posts the object is as MarkdownReader.read leaves its own (the YAML
    plugin's reader then converts its posts with it)."""

    @functools.cached_property
    def _markdown_for_each_post(self):
        markdown = Markdown(**self.settings["MARKDOWN"])
        self._meta_preprocessor = markdown.preprocessors["meta"]
        return markdown

    def read(self, source_path):
        markdown = self._markdown_for_each_post
        if "meta" not in markdown.preprocessors:
            markdown.preprocessors.register(self._meta_preprocessor, "meta", META_PRIORITY)
        # From here on, MarkdownReader.read with `markdown` for the object it makes.
        self._source_path = source_path
        self._md = markdown.reset()
        with pelican_open(source_path) as text:
            content = self._md.convert(text)
        if hasattr(self._md, "Meta"):
            metadata = self._parse_metadata(self._md.Meta)
        else:
            metadata = {}
        return content, metadata


class _YAMLReaderMarkdownWhenRead(YAMLMetadataReader, _MarkdownMadeOnce):
    def __init__(self, *args, **kwargs):
        MarkdownReader.__init__(self, *args, **kwargs)  # all of it but the Markdown object

    @functools.cached_property
    def _md(self):
        # As YAMLMetadataReader.__init__ makes it: the meta extension left out (the plugin
        # reads the metadata itself).
        markdown_settings = copy.deepcopy(self.settings["MARKDOWN"])
        with contextlib.suppress(KeyError, ValueError):
            markdown_settings["extensions"].remove("markdown.extensions.meta")
        return Markdown(**markdown_settings)


_YAMLReaderMarkdownWhenRead.__name__ = YAMLMetadataReader.__name__


# --- Period archives listed in one pass -----------------------------------------------


def period_archives_in_one_pass(generator):
    """Give the ArticlesGenerator `generator` a _build_period_archives that lists each
    year's and month's posts in one pass over the posts. Pelican's tests every post of the
    site against each period (`a in dates`): a cost in posts × posts per period, half a
    second at 5000 posts, in every build. Pelican's own function still makes each archive
    (given no posts to test); the posts are then put in their archives, in the same order."""
    generator._build_period_archives = functools.partial(
        _period_archives_in_one_pass, generator._build_period_archives
    )


def _period_archives_in_one_pass(build_period_archives, sorted_articles, articles, settings):
    archives = build_period_archives(sorted_articles, [], settings)
    for periods in archives.values():
        # `a in dates` is a test of identity: Pelican's Content defines no __eq__.
        lists_of = {}
        for archive in periods:
            for post in archive["dates"]:
                lists_of.setdefault(id(post), []).append(archive["articles"])
        for post in articles:
            for listed in lists_of.get(id(post), ()):
                listed.append(post)
    return archives


# --- Pelican's English messages about a file, reworded -----------------------------------
# carnet/build.py rewrites them to start with the file, like Carnet's. Pelican offers no
# code for them, only the text it logs: each entry names the Pelican functions that log
# it and their format strings, which tests/foundation/test_pelican_private.py finds in
# those functions' source (a reworded Pelican message fails the test, naming the function).


@dataclass(frozen=True)
class PelicanMessage:
    logged_by: dict  # qualified name of a Pelican function -> the format string it logs
    pattern: re.Pattern  # the logged message, with a `path` group (and others)
    carnet_wording: str  # the groups, file first (an N_ msgid, translated when used)


PELICAN_MESSAGES = [
    PelicanMessage(
        {
            "pelican.contents.Content._has_valid_mandatory_properties": (
                "Skipping %s: could not find information about '%s'"
            ),
            "pelican.contents.Content._has_valid_save_as": (
                "Skipping %s: file %r would be written outside output path"
            ),
        },
        re.compile(r"^Skipping (?P<path>\S+): (?P<problem>.*)$", re.S),
        "{path}: {problem}",
    ),
    PelicanMessage(
        {
            "pelican.contents.Content._has_valid_status": (
                "Unknown status '%s' for file %s, skipping it. (Not in %s)"
            ),
        },
        re.compile(
            r"^Unknown status (?P<status>'[^']*') for file (?P<path>\S+), skipping it\."
            r" \(Not in (?P<known>.*)\)$",
            re.S,
        ),
        N_("{path}: Unknown status {status} (use one of {known})"),
    ),
    PelicanMessage(
        {
            "pelican.readers.MarkdownReader._parse_metadata": (
                "Duplicate definition of `%s` for %s. Using first one."
            ),
        },
        re.compile(
            r"^Duplicate definition of `(?P<name>[^`]*)` for (?P<path>.+)\. Using first one\.$"
        ),
        N_("{path}: two « {name}: » lines; the first one is used (remove the other)"),
    ),
    PelicanMessage(
        # Logged on two lines, the OSError on the second: a dangling link, most often.
        {
            "pelican.cache.FileStampDataCacher._get_file_stamp": (
                "Cannot get modification stamp for %s\n\t%s"
            ),
        },
        re.compile(r"^Cannot get modification stamp for (?P<path>.+?)\n\t(?P<error>.*)$", re.S),
        N_("{path}: the file cannot be read (a link to a file that no longer exists?)"),
    ),
]

# Left unsaid: plugin content_checks says each image with no description, with its
# address and what to write; Pelican named the file only, and said « Other images have
# empty alt attributes » from the fifth on, for the whole site.
SAID_BY_CARNET = [
    ("pelican.readers.find_empty_alt", "Empty alt attribute for image %s in %s"),
    ("pelican.readers.find_empty_alt", "Other images have empty alt attributes"),
]

# Logged with no reason while Pelican handles the exception: build.py names the exception.
COULD_NOT_PROCESS = {
    "pelican.generators.ArticlesGenerator.generate_context": "Could not process %s",
    "pelican.generators.PagesGenerator.generate_context": "Could not process %s",
}


# --- Warnings said again by each build of one process ----------------------------------


def forget_logged_warnings():
    """Let this build say again a warning an earlier build in this process said.

    Pelican's loggers drop a warning already logged once in the process (LimitFilter's
    class-level memory), so a second build in one process (`invoke livereload`, the
    tests) stayed silent about a post that still has the problem."""
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


# --- What Pelican memoizes, kept for one build ------------------------------------------
# Content.get_content (a post's text, its links resolved) and Content.get_summary keep what
# they return (pelican.utils.memoized) in a memory of their own for the life of the process,
# keyed by the post. A later build in the process (`invoke livereload`) made new posts, and
# each page it made again added some, each post holding its whole build (Content._context):
# 2.4 MB more at each edit of a 100-post site, without end. And get_content kept the text
# of every post a second time (the reader's HTML stays in the readers' cache, saved as the
# build ends): 48 MB at 5000 posts, for pages that read it a few times in a row.

# How many posts' resolved texts are kept: those of the last pages made, so that a page
# reading its post's text three times resolves its links once.
RESOLVED_TEXTS_KEPT = 64


class _LastOnly(dict):
    """The `size` entries set last: setting one more forgets the oldest."""

    def __init__(self, size):
        super().__init__()
        self.size = size

    def __setitem__(self, key, value):
        if len(self) >= self.size:
            del self[next(iter(self))]
        super().__setitem__(key, value)


def memos_for_one_build():
    """Empty memories for the build that starts (this process's earlier builds' posts are
    forgotten); the resolved texts of the last RESOLVED_TEXTS_KEPT posts only. Summaries
    are all kept: short, and read by every list showing their post."""
    Content.__dict__["get_content"].cache = _LastOnly(RESOLVED_TEXTS_KEPT)
    Content.__dict__["get_summary"].cache = {}


# --- Relative source paths worked out once ----------------------------------------------


def relative_source_paths_once():
    """Content.get_relative_source_path works out os.path.relpath (pure Python, some 4 µs)
    about ten times per post and build: for each address setting of the post, its links,
    the checks. The answer depends only on the path, the content folder and the working
    folder: kept for each. Pelican offers no setting or signal for it."""
    Content.get_relative_source_path = _get_relative_source_path


def _get_relative_source_path(self, source_path=None):
    # Content.get_relative_source_path's steps, the path itself from _relative_path.
    if not source_path:
        source_path = self.source_path
    if source_path is None:
        return None
    return _relative_path(source_path, self.settings["PATH"], os.getcwd())


@functools.lru_cache(maxsize=65536)
def _relative_path(source_path, content_folder, _working_folder):
    return posixize_path(
        os.path.relpath(
            os.path.abspath(os.path.join(content_folder, source_path)),
            os.path.abspath(content_folder),
        )
    )


# --- Summaries that end at a sentence or a whole word ------------------------------------


def use_boundary_summaries():
    """Pelican's automatic summaries (Content.get_summary calls the name
    pelican.contents.truncate_html_words) end at a sentence or word boundary with « … »
    attached: carnet.summaries.truncate. Pelican offers no setting or signal for it."""
    import pelican.contents

    from carnet.summaries import truncate

    pelican.contents.truncate_html_words = truncate


__all__ = [
    "COULD_NOT_PROCESS",
    "FileDataCacher",
    "PELICAN_MESSAGES",
    "PelicanMessage",
    "RELIED_ON",
    "TESTED_PELICAN",
    "URLWrapper",
    "Writer",
    "WriterKeepingFiles",
    "around_generate_output",
    "article_files",
    "claim_output_file",
    "forget_logged_warnings",
    "full_path",
    "in_readers_cache",
    "memos_for_one_build",
    "period_archives_in_one_pass",
    "read_like_read_file",
    "readers_cache_shares_texts",
    "reader_of",
    "relative_source_paths_once",
    "rewrite_texts",
    "same_name",
    "html_before_links",
    "intrasite_link_regex",
    "save_cache_with_python_pickler",
    "site_context",
    "source_hash",
    "texts_kept_compact",
    "untested_pelican",
    "use_boundary_summaries",
]
