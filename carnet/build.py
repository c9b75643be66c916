"""Run Pelican in-process and turn every error it logs into a failed build.

Pelican logs bad input (a post without a title, an unknown status, a file that is not
UTF-8, an impossible date) and carries on, so a site with holes would be deployed. Carnet
collects those errors, names the file in each, and raises BuildFailed at the end.
"""

import gc
import logging
import os
import re
import sys
import traceback
from dataclasses import dataclass, field

import blinker
import jinja2
from pelican import Pelican, signals
from pelican.contents import Content
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.log import console as pelican_console
from pelican.settings import load_source, read_settings

from carnet import forked, libc
from carnet.i18n import N_, _, reworded
from carnet.pelican_private import (
    PELICAN_MESSAGES,
    SAID_BY_CARNET,
    forget_logged_warnings,
    memos_for_one_build,
)
from carnet.settings_check import check_given_settings
from carnet.sources import project_folder, source_name


class BuildFailed(Exception):
    """The build logged errors; `problems` has one line per error. strict: the problems
    are warnings, made errors by a strict build."""

    def __init__(self, problems, strict=False, warnings=(), output_untouched=False):
        self.problems = problems
        self.strict = strict
        # Stopped before it wrote or removed anything: the output holds the last site built.
        self.output_untouched = output_untouched
        self.warnings = list(warnings)
        super().__init__("\n".join(problems))


class _StoppedBeforeWriting(Exception):
    """The build's errors are logged already: raised to stop it before it writes."""


@dataclass
class BuildResult:
    settings: dict
    output_path: str
    warnings: list = field(default_factory=list)
    # What was built: "posts" and "pages" published, "drafts" (posts and pages) left out.
    counts: dict = field(default_factory=dict)


def _describe_exception(exc):
    if isinstance(exc, UnicodeDecodeError):
        return _(
            "is not valid UTF-8 text (byte 0x{byte:02x} at offset {offset}); save it as UTF-8"
        ).format(byte=exc.object[exc.start], offset=exc.start)
    return str(exc) or exc.__class__.__name__


def _file_first(message, settings):
    """Pelican's own messages about a file (PELICAN_MESSAGES), reworded to start with the
    file like Carnet's."""
    for known in PELICAN_MESSAGES:
        match = known.pattern.match(message)
        if match:
            fields = match.groupdict()
            fields["path"] = source_name(settings, fields["path"])
            return _(known.carnet_wording).format(**fields)
    return message


# Jinja's commonest messages about a template (English), in Carnet's words; others are
# shown as Jinja says them.
JINJA_MESSAGES = (
    (
        re.compile(
            r"^Encountered unknown tag '(?P<name>[^']*)'\. Jinja was looking for the following"
            r" tags: (?P<expected>.*?)\. "
        ),
        N_("unknown tag « {name} », where {expected} was expected"),
    ),
    (re.compile(r"^Encountered unknown tag '(?P<name>[^']*)'"), N_("unknown tag « {name} »")),
    (re.compile(r"^No filter named '(?P<name>[^']*)'"), N_("no filter named « {name} »")),
    (re.compile(r"^No test named '(?P<name>[^']*)'"), N_("no test named « {name} »")),
    (re.compile(r"^'(?P<name>[^']*)' is undefined$"), N_("« {name} » is not defined")),
    (
        re.compile(r"^'(?P<owner>.*)' has no attribute '(?P<name>[^']*)'$"),
        N_("{owner} has no « {name} »"),
    ),
)


def _template_problem(exc, settings):
    """For a crash in a template of the site: (the template and its line, the problem in
    Carnet's words); None for any other crash. (Jinja's English was shown, after the post
    being written, when the typo was in the template.)"""
    if not isinstance(exc, jinja2.TemplateError):
        return None
    template, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not template:  # a template that ran: its innermost frame says where
        extensions = tuple(settings["TEMPLATE_EXTENSIONS"])
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith(extensions) and os.path.isfile(frame.filename):
                template, line = frame.filename, frame.lineno
                break
    if not template:
        return None
    problem = reworded(exc.message or str(exc), JINJA_MESSAGES)
    where = os.path.relpath(template, project_folder(settings)).replace(os.sep, "/")
    if line:
        where = _("{file}, line {line}").format(file=where, line=line)
    return where, problem


def _source_of_failure(exc, settings):
    """The post, page or output file being handled when `exc` was raised, if any.

    A crash in a template, the writer or a plugin comes from deep inside Pelican; the
    frames of its traceback still hold the post it was working on (a generator's
    `article`, the writer's `name`). The innermost writer frame decides: above it, an
    `article` may be a loop's leftover (Pelican's generate_feeds keeps the last post of
    the loop before it writes a feed of all of them, which was blamed for the feed)."""
    frames = []
    trace = exc.__traceback__
    while trace is not None:
        frames.append(trace.tb_frame)
        trace = trace.tb_next
    for frame in reversed(frames):
        local = frame.f_locals
        candidates = [local.get(name) for name in ("article", "page", "content")]
        kwargs = local.get("kwargs")
        if isinstance(kwargs, dict):
            candidates += [kwargs.get("article"), kwargs.get("page")]
        for value in candidates:
            if isinstance(value, Content) and getattr(value, "source_path", None):
                return source_name(settings, value.source_path)
        output_file = None
        if frame.f_code.co_name == "write_file":
            output_file = local.get("name")
        elif frame.f_code.co_name == "write_feed":
            output_file = local.get("path")
        if isinstance(output_file, str) and output_file:
            return _("output/{name}").format(name=output_file)
    return None


# Pelican's own warnings (English, naming no post, or several lines) about what Carnet's
# checks report as an error naming the post: a link to a missing file, two posts at one
# address. Left out when the build fails (the error says it); said when it does not.
PELICAN_ECHOES = (
    "Unable to find '%s', skipping url replacement.",
    "There are %s items ",
    "There are %s original (not translated) items ",
)


_PELICANS_SAID_BY_CARNET = {message for _function, message in SAID_BY_CARNET}


class _ProblemCollector(logging.Handler):
    """Keeps every ERROR and WARNING record as one plain sentence."""

    def __init__(self, settings):
        super().__init__(level=logging.WARNING)
        self.settings = settings
        self.project = project_folder(settings)
        self.errors = []
        self.warnings = []
        self.echoes = []  # those of the warnings that are PELICAN_ECHOES

    def warnings_beside_errors(self):
        """The warnings worth saying with the errors: all but PELICAN_ECHOES."""
        return [line for line in self.warnings if line not in self.echoes]

    def _relative(self, text):
        text = _file_first(text, self.settings)
        return text.replace(self.project + os.sep, "").removeprefix("./")

    def _add_error(self, message, from_pelican):
        # One line per file of Pelican's: it reports a post without a title twice (the
        # second time as a consequence), and the first reason is the one to fix. Carnet's
        # checks say each problem once: a post's two broken links are two lines.
        path = message.split(": ", 1)[0]
        if from_pelican and any(line.split(": ", 1)[0] == path for line in self.errors):
            return
        if message not in self.errors:
            self.errors.append(message)

    def emit(self, record):
        if record.name.startswith("pelican") and record.msg in _PELICANS_SAID_BY_CARNET:
            return
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            # Pelican logs "Could not process X" from inside its except block without the
            # exception; it is still the one being handled, so the reason can be named.
            current = sys.exc_info()[1]
            if message.startswith("Could not process") and current is not None:
                path = message.removeprefix("Could not process").strip()
                message = _("{path}: {problem}").format(
                    path=source_name(self.settings, path), problem=_describe_exception(current)
                )
            self._add_error(self._relative(message), record.name.startswith("pelican"))
        elif not any(line == self._relative(message) for line in self.warnings[-1:]):
            self.warnings.append(self._relative(message))
            if record.name.startswith("pelican") and str(record.msg).startswith(PELICAN_ECHOES):
                self.echoes.append(self.warnings[-1])


def _counted(generators):
    counts = {"posts": 0, "pages": 0, "drafts": 0}
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            counts["posts"] += len(generator.articles)
            counts["drafts"] += len(generator.drafts)
        elif isinstance(generator, PagesGenerator):
            counts["pages"] += len(generator.pages)
            counts["drafts"] += len(generator.draft_pages)
    return counts


def load_settings(settings_file, output_path=None, overrides=None):
    # publishconf.py does `from pelicanconf import *`: drop the module Python cached from an
    # earlier build in this process (livereload, tests), or an edit to it would be ignored.
    for name in ("pelicanconf", "publishconf"):
        sys.modules.pop(name, None)
    # publishconf.py's `from pelicanconf import *` finds pelicanconf.py through the current
    # folder (Pelican's quickstart convention); Carnet also builds sites that are not the
    # current folder (tests, the benchmark), so the pelicanconf.py beside the settings file
    # is loaded first, under the name that import looks for.
    beside = os.path.join(os.path.dirname(os.path.abspath(settings_file)), "pelicanconf.py")
    development = {}
    if os.path.basename(settings_file) != "pelicanconf.py" and os.path.exists(beside):
        development = vars(load_source("pelicanconf", beside))
    # The settings as the file gives them, before Pelican reads them (and crashes on some,
    # puts its own default in place of others, and leaves a name in small letters out):
    # SettingError names the setting. Every name, as Pelican reads only those in capitals.
    name = os.path.splitext(os.path.basename(settings_file))[0]
    check_given_settings(vars(load_source(name, settings_file)), settings_file, development)
    override = dict(overrides or {})
    if output_path:
        override["OUTPUT_PATH"] = os.path.abspath(output_path)
    return read_settings(settings_file, override=override)


# The plugins whose signal handlers an earlier build of this process connected, by their
# import names, and in what order the last build listed them.
_plugins_connected = {"names": set(), "last": []}


def plugins_connected_afresh(settings):
    """When this build lists other plugins than the last one of this process (or in another
    order), disconnect every handler the plugins of earlier builds connected: Pelican
    connects each listed plugin's handlers as it starts a build and never disconnects any,
    so a plugin taken out of CARNET_PLUGINS while `invoke livereload` runs went on acting on
    every later build. Pelican then connects those of this build's plugins, in their order,
    as in a new process. Carnet's own modules' handlers go too: plugins connect them as
    they register (carnet.readers' when the first reader layer is added, after the YAML
    plugin's, whose reader it wraps)."""
    listed = [getattr(plugin, "__name__", plugin) for plugin in settings.get("PLUGINS") or []]
    earlier = _plugins_connected["names"]
    changed = _plugins_connected["last"] != listed
    _plugins_connected["last"] = listed
    if earlier and changed:
        owners = (*earlier, "carnet")
        for signal in list(blinker.default_namespace.values()):  # Pelican's and Carnet's
            for receiver in list(signal.receivers_for(blinker.ANY)):
                module = getattr(receiver, "__module__", None) or ""
                if any(module == name or module.startswith(name + ".") for name in owners):
                    signal.disconnect(receiver)
        earlier.clear()
    earlier.update(listed)


# How many builds this process has started (`invoke livereload` builds at every change).
_builds_in_this_process = {"count": 0}


def _freeze_the_posts(_generator):
    """Every post is read: the posts and what was made with them live until the build
    ends. Out of the garbage collector's reach, its full collections no longer scan them
    (1.2 s of CPU at 1000 posts, where nothing froze them while the share images were
    drawn; carnet/forked.py freezes at each fork too, and unfreezes once no child lives)."""
    gc.freeze()


def build(settings_file, output_path=None, overrides=None, strict=False):
    """Build the site; raise BuildFailed naming each bad file, else return a BuildResult.

    strict: every warning is an error too (BuildFailed.strict says so)."""
    settings = load_settings(settings_file, output_path, overrides)
    forget_logged_warnings()
    memos_for_one_build()
    plugins_connected_afresh(settings)
    collector = _ProblemCollector(settings)
    # The root logger: plugins loaded from PLUGIN_PATHS log under their own module names.
    root_logger = logging.getLogger()
    root_logger.addHandler(collector)
    # What exists before the build (the code of Pelican, Jinja, Carnet...: some 45 000
    # objects) outlives it: out of the garbage collector's reach until the build ends, it
    # is not scanned again at each full collection (19 ms of a 200 ms warm rebuild at 100
    # posts). carnet/forked.py also freezes before each fork, and unfreezes once it has
    # the child's result: from then on a cold build's collections scan it, as before.
    # An earlier build of this process (`invoke livereload`) left garbage, its posts and
    # pages among it: collected first, or frozen with the rest and, as the collector
    # seldom makes a full collection after an unfreeze, kept for good (3 MB more at each
    # rebuild of 100 posts, without end). A build in a fresh process has none to collect.
    if _builds_in_this_process["count"]:
        gc.collect()
    else:
        libc.give_big_blocks_back()
    _builds_in_this_process["count"] += 1
    gc.freeze()
    counts = {}

    def count(generators):
        counts.update(_counted(generators))

    signals.all_generators_finalized.connect(count)
    signals.article_generator_pretaxonomy.connect(_freeze_the_posts)
    writing = {"started": False}

    def stop_before_writing(_pelican):
        # Every post is read and checked, nothing is written yet (Pelican asks for its
        # writer next): a post that could not be read would be left out of a site written
        # now, its page removed and every list rewritten without it. Stopped here, output/
        # stays the last site built, which `invoke serve` goes on serving while the coach
        # fixes the post (`invoke livereload`); a published build would fail all the same.
        if collector.errors:
            raise _StoppedBeforeWriting()
        writing["started"] = True

    signals.get_writer.connect(stop_before_writing)
    # Pelican ends with a line of its own, in English (« Done: Processed 14 articles… »);
    # the tasks say what was built in the site's language, from `counts`.
    pelican_console.quiet = True
    try:
        pelican = Pelican(settings)
        # Pelican empties the output folder as it starts, unless told not to (plugin
        # page_reuse, in a development build, removes at the end what it did not write).
        writing["started"] = pelican.delete_outputdir
        pelican.run()
    except Exception as exc:  # a crash in Pelican or a plugin
        # After a reported problem, a crash is most often its consequence (Pelican copying
        # a missing image a post links to): the problem itself is the useful line.
        if not collector.errors:
            where = _source_of_failure(exc, settings)
            problem = _describe_exception(exc).replace(collector.project + os.sep, "")
            in_template = _template_problem(exc, settings)
            # A template that cannot be read is wrong for every page; one that fails as
            # it shows a post may be wrong for that post only (a field it lacks).
            if in_template and (not where or isinstance(exc, jinja2.TemplateSyntaxError)):
                collector.errors.append(
                    _(
                        "{where}: the template cannot be used ({problem}); fix it and build again"
                    ).format(where=in_template[0], problem=in_template[1])
                )
            elif in_template:
                collector.errors.append(
                    _("{path}: the template {template} cannot show this post ({problem})").format(
                        path=where, template=in_template[0], problem=in_template[1]
                    )
                )
            elif where:
                collector.errors.append(_("{path}: {problem}").format(path=where, problem=problem))
            else:
                collector.errors.append(_("the build stopped: {problem}").format(problem=problem))
    finally:
        # A build that stopped half-way may leave a helper at work: the share images'
        # drawer waiting for images that will never come. Ended with the build, not at the
        # next one (or when the process exits).
        forked.stop_unfinished()
        gc.unfreeze()
        pelican_console.quiet = False
        signals.all_generators_finalized.disconnect(count)
        signals.article_generator_pretaxonomy.disconnect(_freeze_the_posts)
        signals.get_writer.disconnect(stop_before_writing)
        root_logger.removeHandler(collector)
    if collector.errors:
        raise BuildFailed(
            collector.errors,
            warnings=collector.warnings_beside_errors(),
            output_untouched=not writing["started"],
        )
    if strict and collector.warnings:
        raise BuildFailed(collector.warnings, strict=True)
    return BuildResult(settings, settings["OUTPUT_PATH"], collector.warnings, counts)
