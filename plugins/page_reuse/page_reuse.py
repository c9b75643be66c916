"""Render again only the pages whose inputs changed (development builds).

Pelican renders every page of the site on every build: after editing one post, a
1000-post site spends seconds re-rendering pages that come out byte for byte the same.
This plugin gives each page a key, a hash of everything its rendering reads:

- the source of its template and of every template that one extends, includes or
  imports;
- the value of every variable those templates name (found by Jinja's own analysis of
  the templates, so a variable a template does not mention does not count):
  settings, the page's own article, category or list of articles, site-wide lists;
- for a post or page (Pelican's Content), its fields, plus the fields of each post it
  points to (neighbours, related posts, backlinks), plus the address of every post, page
  and image of the site (its text links to them through `{filename}`: a renamed link
  target changes the text). A list page counts each listed post's own fields; a
  paginator counts its size, not every post it pages through, and the pages before and
  after a list page count by their number and address.
- the text of a post the page lists or points to counts only if the templates read it
  (its `content`, `summary` or `word_count`, other than the page's own post's).
  Otherwise, adding a paragraph to a post would render again every page that merely
  shows its title (archives, tags, the posts around it or linking to it). When they read
  only its automatic `summary`, what counts is the start of its text the summary is cut
  from (up to the word after the last one a summary may keep): a sentence added further
  down leaves the lists showing that post as they are.

When a page's key is what the previous build wrote it with, and its file is still the one
that build wrote (same size and modification time), the file is left as it is: neither
rendered nor written. Everything else (settings, Carnet's code,
the versions of the libraries) is covered by the cache folder the keys are kept in, which
plugin content_cache makes one per configuration. A key that cannot be computed the
same way twice (an object with no stable description) only means that page is always
rendered.

What a template can read through two posts (`article.next_article.related_posts`) is not
in the key, nor the text a Python filter or function reads of a post it is given
(`item|my_filter`): Carnet's templates do neither, and tests/caching/ compares, edit after
edit, a build with this plugin against one without.

DELETE_OUTPUT_DIRECTORY keeps its meaning, the output holds what this build made and
nothing else, but without emptying the folder first: at the end, every file this build
did not write is removed (unless the output folder holds the content folder, which
Pelican does not empty either). The copies of the static files (images) are removed before
Pelican copies them, as from an emptied folder: Pelican leaves one it finds up to date as
it is (STATIC_CREATE_LINKS, STATIC_CHECK_IF_MODIFIED), which then looked like a file this
build did not write. CARNET_PAGE_REUSE turns the plugin on; publishconf.py turns it
off (a published site is always rendered in full), and so does writing feeds (the
feeds list every post: a production build's job). Files are written by Carnet's one writer,
carnet.writer.CarnetWriter, which asks this plugin's PageReuse which pages to keep.
"""

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
from datetime import date, datetime, tzinfo

from jinja2 import meta, nodes
from pelican import signals
from pelican.contents import Content
from pelican.paginator import Paginator
from pelican.urlwrappers import URLWrapper
from pelican.utils import sanitised_join, truncate_html_words

from carnet import files
from carnet.compact_texts import CompactText
from carnet.defaults import setting
from carnet.feeds import writes_feeds
from carnet.i18n import _
from carnet.pelican_private import around_generate_output, html_before_links, site_context
from carnet.writer import CarnetWriter

logger = logging.getLogger(__name__)

KEYS_FILE = "pages.json"
# The pages before and after a list page (articles_previous_page...): templates link to
# them, and what they list is not on this page.
NEIGHBOUR_PAGES = ("_previous_page", "_next_page")
# Never part of a key: the settings are covered by the cache folder, the context is what
# a key is made of, variable by variable.
IGNORED_FIELDS = {"settings", "_context"}
# The types described as they print (str() of the value), tested by exact type.
SCALARS = {str, int, bool, float, type(None)}
# A description naming a memory address is different in every process.
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
# The names a template reads a post's text under; of them, those of its summary.
SUMMARY_NAMES = {"summary", "_summary", "get_summary"}
TEXT_NAMES = {"content", "_content", "get_content", "word_count", *SUMMARY_NAMES}
# How the posts other than the page's own count: with their text, with the start of their
# text their summary is cut from, or without text.
TEXT, SUMMARY, NO_TEXT = "text", "summary", "no text"
# A post's fields that change with any change of its text (plugin reading_time counts the
# words, the minutes it makes of them count as any other field; plugin backlinks keeps the
# links found in it, what it makes of them is the other posts' `backlinks`).
TEXT_FIELDS = {"_content", "word_count", "outgoing_links"}
# The variables that hold the page's own post: their text is always in the key.
OWN_POST = ("article", "page")


def _hash(text):
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Digests:
    """A short, stable description of each value a template can read, memoised per object
    for the length of one build (the objects are kept alive so that an id is not reused)."""

    def __init__(self, known_summaries=None):
        self._own = {}
        self._deep = {}
        self._summarised = {}
        self._site_addresses = None
        # A post's digest with its text -> the digest of what its summary is cut from:
        # the last build's (`known_summaries`, asked first), and this build's (`summaries`,
        # saved for the next).
        self._known_summaries = known_summaries or {}
        self.summaries = {}

    def of_variable(self, value, text):
        """A template variable: a post counts with the posts it points to. text: how the
        text of the posts it lists or points to counts (TEXT, SUMMARY or NO_TEXT)."""
        if isinstance(value, Content):
            return self._deep_content(value, text)
        return self.of(value, self._other_posts(text))

    def _other_posts(self, text):
        """How a post that is not the page's own counts."""
        return functools.partial(self._own_content, text=text)

    def of(self, value, content=None):
        """content: how a post inside value counts (default: its own fields)."""
        kind = type(value)
        if kind in SCALARS:  # most of what is described: checked first, by its exact type
            return f"{kind.__name__}:{value}"
        content = content or self._own_content
        if isinstance(value, (bool, int, float, str)):  # Markup, and other subclasses
            return f"{kind.__name__}:{value}"
        if kind is CompactText:  # a post's text (Content._content): described as before
            return f"str:{value}"
        if isinstance(value, Content):
            return content(value)
        if isinstance(value, URLWrapper):
            return f"{type(value).__name__}:{value.name}:{value.slug}"
        if isinstance(value, (datetime, date, tzinfo)):
            return repr(value)
        if isinstance(value, (list, tuple)):
            return "[" + ",".join([self.of(item, content) for item in value]) + "]"
        if isinstance(value, (set, frozenset)):
            return "{" + ",".join(sorted(self.of(item, content) for item in value)) + "}"
        if isinstance(value, dict):
            return self._mapping(value, content)
        if isinstance(value, Paginator):
            # The page's own posts are in its Page: the paginator counts only its size.
            return f"Paginator:{value.name}:{value.url}:{value.count}:{value.num_pages}:{value.per_page}"
        if callable(value) and hasattr(value, "__qualname__"):
            return f"callable:{value.__module__}.{value.__qualname__}"  # its code: the cache folder
        if hasattr(value, "__dict__"):
            return type(value).__qualname__ + self._mapping(vars(value), content)
        description = repr(value)
        if ADDRESS.search(description):
            raise UnstableValue(type(value).__qualname__)
        return description

    def _mapping(self, mapping, content):
        items = sorted((str(k), v) for k, v in mapping.items() if k not in IGNORED_FIELDS)
        return "{" + ",".join(f"{k}={self.of(v, content)}" for k, v in items) + "}"

    def _own_content(self, post, text=TEXT):
        found = self._own.get(id(post))
        if found is None:
            found = self._own[id(post)] = (post, self._describe_own(post))
        with_text, without_text = found[1]
        if text == TEXT:
            return with_text
        if text == NO_TEXT:
            return without_text
        summarised = self._summarised.get(id(post))
        if summarised is None:
            source = self._known_summaries.get(with_text) or _summary_source(post)
            self.summaries[with_text] = source
            summarised = self._summarised[id(post)] = (
                with_text if source is None else _hash(f"{without_text}|summary from {source}")
            )
        return summarised

    def _deep_content(self, post, text):
        found = self._deep.get((id(post), text))
        if found is None:
            found = self._deep[id(post), text] = (post, self._describe_deep(post, text))
        return found[1]

    def _describe_own(self, post):
        """(with its text, without it): hashes of the post's fields and metadata, each
        described once for both. The posts it points to count by their address: their
        fields are the deep part."""
        attributes = vars(post)
        of = self.of
        fields = sorted(
            # Most fields are strings and numbers: described here, without a call.
            (
                str(name),
                f"{type(value).__name__}:{value}"
                if type(value) in SCALARS
                else of(value, _address),
            )
            for name, value in attributes.items()
            if name not in IGNORED_FIELDS and name != "metadata"
        )
        # Pelican makes most metadata an attribute of the post (lowercased): the same
        # object, described once.
        metadata = sorted(
            (
                str(name),
                "=attribute"
                if attributes.get(str(name).lower(), _MISSING) is value
                else self.of(value, _address),
            )
            for name, value in post.metadata.items()
        )
        addresses = self._addresses(post)

        def digest(fields, metadata):
            return _hash(
                f"{type(post).__name__}{_joined(fields)}|metadata{_joined(metadata)}|{addresses}"
            )

        return digest(fields, metadata), digest(
            [(k, v) for k, v in fields if k not in TEXT_FIELDS],
            [(k, v) for k, v in metadata if k not in TEXT_FIELDS],
        )

    def _describe_deep(self, post, text):
        other = self._other_posts(text)
        pointed = ",".join(self.of(value, other) for value in _pointed_values(post))
        return _hash(self._own_content(post) + "|" + pointed)

    def _addresses(self, post):
        """Where every post, page and file of the site is: what `{filename}` links become."""
        if self._site_addresses is None:
            context = site_context(post)
            pairs = []
            for table in ("generated_content", "static_content"):
                for path, item in (context.get(table) or {}).items():
                    pairs.append(f"{path}>{getattr(item, 'url', '')}")
            self._site_addresses = _hash("\n".join(sorted(pairs)))
        return self._site_addresses


def _address(post):
    return f"->{post.source_path}"


def _summary_source(post):
    """A digest of the start of the post's text its automatic summary is cut from, "" when
    its summary is its metadata (described with its fields), or None when the summary may
    take all of its text (no SUMMARY_MAX_LENGTH, or SUMMARY_MAX_PARAGRAPHS).

    Pelican cuts the summary after SUMMARY_MAX_LENGTH words of the text (carnet/summaries.py
    then only shortens it): what it reads ends before the end of the next word. So the text
    cut after one word more, with the tags then open closed, decides the summary: two texts
    cut the same have the same summary (each cut ends in a word, the closing tags after it;
    a text that short is its own cut). The text is the reader's, before links are resolved:
    where links lead is in every post's description (_addresses)."""
    settings = post.settings
    if "summary" in post.metadata:
        return ""
    length = settings.get("SUMMARY_MAX_LENGTH")
    if length is None or settings.get("SUMMARY_MAX_PARAGRAPHS") is not None:
        return None
    return _hash(truncate_html_words(html_before_links(post), int(length) + 1, ""))


def _joined(descriptions):
    return "{" + ",".join(f"{name}={description}" for name, description in descriptions) + "}"


_MISSING = object()


def _pointed_values(content):
    """The fields of `content` that are or hold other posts."""
    for name, value in sorted(vars(content).items()):
        if type(value) not in SCALARS and name not in IGNORED_FIELDS and _holds_content(value):
            yield value


def _holds_content(value):
    if isinstance(value, Content):
        return True
    if isinstance(value, (list, tuple)):
        return any(_holds_content(item) for item in value)
    if hasattr(value, "__dict__") and not isinstance(value, (URLWrapper, Paginator, type)):
        return any(isinstance(item, Content) for item in vars(value).values())
    return False


class UnstableValue(Exception):
    """A value with no description that stays the same from one build to the next."""


def _text_readers(tree):
    """Where a template reads a post's text (TEXT_NAMES): ([the variable it reads more than
    the summary from], [the variable it reads only the summary from]), a variable being ""
    when it is anything else (a loop's item, a post reached through another, a name in a
    string such as `map(attribute="summary")`, a name chosen at render time such as
    `item[name]` or `attr(name)`)."""
    readers, summary_readers = set(), set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Const, nodes.Filter)):
        if isinstance(node, nodes.Getattr) and node.attr in TEXT_NAMES:
            reader = node.node.name if isinstance(node.node, nodes.Name) else ""
            (summary_readers if node.attr in SUMMARY_NAMES else readers).add(reader)
        elif isinstance(node, nodes.Const) and isinstance(node.value, str):
            if TEXT_NAMES.intersection(node.value.split(".")):
                readers.add("")
        elif isinstance(node, nodes.Getitem) and not isinstance(
            node.arg, (nodes.Const, nodes.Slice)
        ):
            readers.add("")
        elif isinstance(node, nodes.Filter) and (
            (node.name == "attr" and not all(isinstance(arg, nodes.Const) for arg in node.args))
            or any(
                kw.key == "attribute" and not isinstance(kw.value, nodes.Const)
                for kw in node.kwargs
            )
        ):
            readers.add("")
    return sorted(readers), sorted(summary_readers)


def _bound_names(tree):
    """Every name the template binds itself (loop items, macro arguments, `set`, imports)."""
    names = {node.name for node in tree.find_all(nodes.Name) if node.ctx in ("store", "param")}
    names.update(node.target for node in tree.find_all(nodes.Import))
    for node in tree.find_all(nodes.FromImport):
        names.update(name if isinstance(name, str) else name[1] for name in node.names)
    return sorted(names)


class TemplateInputs:
    """For each template: its source and the sources of the templates it uses, every
    variable any of them names, and how they read the text of posts other than the page's
    own. Each file is read once per build, and analysed again only when its source
    changed (`known`: what the last build found, by a hash of the source)."""

    def __init__(self, env, known):
        self.env = env
        self.known = known
        self._files = {}
        self._found = {}

    def _file(self, name):
        if name not in self._files:
            source, filename, _uptodate = self.env.loader.get_source(self.env, name)
            source_hash = _hash(source)
            known = self.known.get(name)
            if not known or known[0] != source_hash or len(known) != 6:
                # Named, so that a syntax error says which template it is in.
                tree = self.env.parse(source, name, filename)
                used = list(meta.find_referenced_templates(tree))
                if None in used:  # a template chosen at render time: its inputs cannot be known
                    raise UnstableValue(f"{name} uses a template chosen at render time")
                variables = sorted(meta.find_undeclared_variables(tree))
                text, summary = _text_readers(tree)
                known = [source_hash, variables, used, text, summary, _bound_names(tree)]
            self._files[name] = known
        return self._files[name]

    def analysed(self):
        return self._files

    def of(self, name):
        """(hash of the sources, variables named, how the text of posts other than the
        page's own counts: TEXT, SUMMARY or NO_TEXT)."""
        if name not in self._found:
            sources, variables, bound, seen, todo = [], set(), set(), set(), [name]
            readers, summary_readers = set(), set()
            while todo:
                current = todo.pop()
                if current not in seen:
                    seen.add(current)
                    source_hash, names, used, text, summary, bound_names = self._file(current)
                    sources.append(f"{current}:{source_hash}")
                    variables.update(names)
                    readers.update(text)
                    summary_readers.update(summary)
                    bound.update(bound_names)
                    todo += used

            # A template included in a loop sees the loop's item under the name the loop
            # gave it: `article` is the page's own post only if no template of the page
            # binds that name.
            def others(found):
                return any(reader not in OWN_POST or reader in bound for reader in found)

            others_text = (
                TEXT if others(readers) else SUMMARY if others(summary_readers) else NO_TEXT
            )
            self._found[name] = (_hash("\n".join(sorted(sources))), sorted(variables), others_text)
        return self._found[name]


class PageReuse:
    """What one build knows: the keys of the previous build and of this one."""

    def __init__(self, settings, output_path):
        self.output_path = output_path
        self.keys_path = os.path.join(settings["CACHE_PATH"], KEYS_FILE)
        self.previous, self.known_templates, known_summaries = self._load()
        self.current = {}  # output file -> [key, size, mtime_ns] (the stamp once written)
        self.kept_paths = set()
        self.digests = Digests(known_summaries)
        self.templates = None
        self._shared_digests = {}
        self.started_ns = None
        self.rendered = 0

    def _load(self):
        try:
            with open(self.keys_path, encoding="utf-8") as file:
                saved = json.load(file)
        except (OSError, ValueError):
            return {}, {}, {}
        templates = saved.get("templates", {})
        summaries = saved.get("summaries", {})
        if saved.get("output_path") != self.output_path:  # keys of another output folder
            return {}, templates, summaries
        return saved.get("pages", {}), templates, summaries

    def save(self):
        for name, entry in self.current.items():
            if len(entry) == 1:  # rendered by this build: note what its file looks like
                found = os.stat(sanitised_join(self.output_path, name))
                entry += [found.st_size, found.st_mtime_ns]
        templates = self.templates.analysed() if self.templates else self.known_templates
        keys = {
            "output_path": self.output_path,
            "pages": self.current,
            "templates": templates,
            # Working out what a summary is cut from costs a pass over the start of the
            # post: kept for the next build, by the post's digest with its text.
            "summaries": self.digests.summaries,
        }
        files.write_atomically(self.keys_path, json.dumps(keys), durable=False)

    def key(self, template, localcontext, site_context):
        if self.templates is None:
            self.templates = TemplateInputs(template.environment, self.known_templates)
        try:
            sources, variables, others_text = self.templates.of(template.name)
            # Most variables are the site's own (settings, site-wide lists), the same on
            # every page: described once per template. The page's own are described here.
            shared = tuple(
                n for n in variables if n in site_context and localcontext.get(n) is site_context[n]
            )
            parts = [sources, localcontext.get("output_file", ""), str(others_text)]
            parts.append(self._shared(template.name, shared, site_context, others_text))
            parts += [
                f"{name}={self._variable(name, localcontext, others_text)}"
                for name in variables
                if name not in shared
            ]
        except UnstableValue:
            return None
        return _hash("\n".join(parts))

    def _shared(self, template_name, names, site_context, text):
        found = self._shared_digests.get((template_name, names))
        if found is None:
            found = _hash(
                "\n".join(f"{name}={self._variable(name, site_context, text)}" for name in names)
            )
            self._shared_digests[template_name, names] = found
        return found

    def _variable(self, name, localcontext, text):
        if name not in localcontext:
            return "undefined"
        value = localcontext[name]
        if name.endswith(NEIGHBOUR_PAGES) and value is not None:
            return f"page {value.number} at {value.url}"
        return self.digests.of_variable(value, text)

    def render(self, template, localcontext, site_context):
        name = localcontext["output_file"]
        path = sanitised_join(self.output_path, name)
        key = self.key(template, localcontext, site_context)
        if key is not None and self._unchanged(name, key, path):
            # Left as it is: CarnetWriter does not open it for writing.
            self.kept_paths.add(path)
            self.current[name] = self.previous[name]
            return ""
        self.rendered += 1
        if key is not None:
            self.current[name] = [key]
        return template.render(localcontext)

    def _unchanged(self, name, key, path):
        previous = self.previous.get(name)
        if previous is None or previous[0] != key or len(previous) != 3:
            return False
        try:
            found = os.stat(path)
        except OSError:
            return False
        # The file must still be what that build wrote (not edited, not another build's).
        return [found.st_size, found.st_mtime_ns] == previous[1:]


_build = None


def start(pelican_object):
    global _build
    _build = CarnetWriter.pages = None
    settings = pelican_object.settings
    if not setting(settings, "CARNET_PAGE_REUSE") or not settings.get("CACHE_CONTENT"):
        return
    if writes_feeds(settings):
        # Feeds list every post: writing them is a production build's job.
        logger.warning(
            "%s",
            _("CARNET_PAGE_REUSE is for development builds, which write no feeds: turned off"),
        )
        return
    output_path = os.path.abspath(pelican_object.output_path)
    _build = PageReuse(settings, output_path)
    CarnetWriter.pages = _build
    if pelican_object.delete_outputdir and not _holds(output_path, pelican_object.path):
        # The output is not emptied first; finish() removes what this build did not write.
        pelican_object.delete_outputdir = False
        _build.started_ns = _now_on_disk(output_path)


def _holds(output_path, content_path):
    """Whether the output folder is the content folder or holds it (`pelican -o .` in the
    project folder): Pelican then empties nothing, and neither must finish(), which would
    remove the posts, the settings and .git as files this build did not write."""
    output_path = os.path.realpath(output_path)
    return os.path.commonpath([output_path, os.path.realpath(content_path)]) == output_path


def _now_on_disk(folder):
    """The filesystem's clock: a file written from now on has a ctime at least this."""
    os.makedirs(folder, exist_ok=True)
    marker = os.path.join(folder, ".carnet-build-started")
    with open(marker, "w"):
        pass
    stamp = os.stat(marker).st_ctime_ns
    os.remove(marker)
    return stamp


def _remove_untouched(output_path, started_ns, retention, kept_paths):
    """Remove the files this build neither kept nor wrote (it wrote or copied every other
    file it made, which sets their ctime), then the folders left empty; OUTPUT_RETENTION is
    left alone."""
    emptied = set()
    for directory, folders, names in os.walk(output_path):
        if directory == output_path:
            folders[:] = [name for name in folders if name not in retention]
            names = [name for name in names if name not in retention]
        for name in names:
            path = os.path.join(directory, name)
            if path not in kept_paths and os.lstat(path).st_ctime_ns < started_ns:
                os.remove(path)
                emptied.add(directory)
    # Only where a file went can a folder be left empty (listing every folder again was
    # most of this function's time); then up, as long as the parent is empty too.
    for folder in sorted(emptied, key=len, reverse=True):
        while folder != output_path and os.path.isdir(folder) and not os.listdir(folder):
            os.rmdir(folder)
            folder = os.path.dirname(folder)


def empty_static_places_when_copying(generators):
    """Remove the output's copies of a generator's static files right before it copies
    them (as into an emptied folder), once it has its list of them. Not sooner: a build
    stopped before it writes (a post it could not read, two posts at one address) leaves
    the output as it was, its images with it."""
    if _build is None or _build.started_ns is None:
        return
    for generator in generators:
        if getattr(generator, "staticfiles", ()):
            around_generate_output(
                [generator], functools.partial(_static_places_emptied, generator, _build)
            )


@contextlib.contextmanager
def _static_places_emptied(generator, build, _writer):
    for static in generator.staticfiles:
        # Not `static.save_as`: Pelican then takes the file's place as used by a link,
        # and an {attach} link no longer moves it.
        path = sanitised_join(build.output_path, static.get_url_setting("save_as"))
        if os.path.lexists(path) and not os.path.isdir(path):
            os.remove(path)
    yield


def finish(pelican_object):
    global _build
    CarnetWriter.pages = None
    if _build is None:
        return
    if _build.started_ns is not None:
        _remove_untouched(
            _build.output_path,
            _build.started_ns,
            pelican_object.output_retention,
            _build.kept_paths,
        )
    _build.save()
    logger.info(
        "%s",
        _("Pages rendered: {rendered}, kept as they were: {kept}").format(
            rendered=_build.rendered, kept=len(_build.kept_paths)
        ),
    )
    _build = None


def register():
    signals.initialized.connect(start)
    signals.all_generators_finalized.connect(empty_static_places_when_copying)
    signals.finalized.connect(finish)
