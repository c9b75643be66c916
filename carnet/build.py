"""Run Pelican in-process and turn every error it logs into a failed build.

Pelican logs bad input (a post without a title, an unknown status, a file that is not
UTF-8, an impossible date) and carries on, so a site with holes would be deployed. Carnet
collects those errors, names the file in each, and raises BuildFailed at the end.
"""

import logging
import os
import re
import sys
from dataclasses import dataclass, field

from pelican import Pelican
from pelican.settings import load_source, read_settings


class BuildFailed(Exception):
    """The build logged errors; `problems` has one line per error."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class BuildResult:
    settings: dict
    output_path: str
    warnings: list = field(default_factory=list)


def _describe_exception(exc):
    if isinstance(exc, UnicodeDecodeError):
        return (
            f"is not valid UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8"
        )
    return str(exc) or exc.__class__.__name__


# Pelican's own messages about a file, rewritten to start with the file like Carnet's.
_PELICAN_PHRASES = [
    (re.compile(r"^Skipping (?P<path>\S+): (?P<problem>.*)$", re.S), "{path}: {problem}"),
    (
        re.compile(r"^Empty alt attribute for image (?P<image>\S+) in (?P<path>\S+)$"),
        "{path}: the image {image} has no alt text (describe it for readers who cannot see it)",
    ),
    (
        re.compile(
            r"^Unknown status (?P<status>'[^']*') for file (?P<path>\S+), skipping it\."
            r" \(Not in (?P<known>.*)\)$",
            re.S,
        ),
        "{path}: Unknown status {status} (use one of {known})",
    ),
]


def _file_first(message):
    for pattern, template in _PELICAN_PHRASES:
        match = pattern.match(message)
        if match:
            return template.format(**match.groupdict())
    return message


class _ProblemCollector(logging.Handler):
    """Keeps every ERROR and WARNING record as one plain sentence."""

    def __init__(self, content_path):
        super().__init__(level=logging.WARNING)
        self.content_path = content_path
        self.errors = []
        self.warnings = []

    def _relative(self, text):
        return _file_first(text.replace(self.content_path + os.sep, "").replace("./", "", 1))

    def _add_error(self, message):
        # One line per file: Pelican reports a post without a title twice (the second
        # time as a consequence), and the first reason is the one to fix.
        path = message.split(": ", 1)[0]
        if not any(line.split(": ", 1)[0] == path for line in self.errors):
            self.errors.append(message)

    def emit(self, record):
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            # Pelican logs "Could not process X" from inside its except block without the
            # exception; it is still the one being handled, so the reason can be named.
            current = sys.exc_info()[1]
            if message.startswith("Could not process") and current is not None:
                path = message.removeprefix("Could not process").strip()
                message = f"{path}: {_describe_exception(current)}"
            self._add_error(self._relative(message))
        else:
            self.warnings.append(self._relative(message))


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
    if os.path.basename(settings_file) != "pelicanconf.py" and os.path.exists(beside):
        load_source("pelicanconf", beside)
    override = dict(overrides or {})
    if output_path:
        override["OUTPUT_PATH"] = os.path.abspath(output_path)
    return read_settings(settings_file, override=override)


def build(settings_file, output_path=None, overrides=None):
    """Build the site; raise BuildFailed naming each bad file, else return a BuildResult."""
    settings = load_settings(settings_file, output_path, overrides)
    collector = _ProblemCollector(settings["PATH"])
    # The root logger: plugins loaded from PLUGIN_PATHS log under their own module names.
    root_logger = logging.getLogger()
    root_logger.addHandler(collector)
    try:
        Pelican(settings).run()
    except Exception as exc:  # a crash in Pelican or a plugin
        # After a reported problem, a crash is most often its consequence (Pelican copying
        # a missing image a post links to): the problem itself is the useful line.
        if not collector.errors:
            collector.errors.append(f"the build stopped: {_describe_exception(exc)}")
    finally:
        root_logger.removeHandler(collector)
    if collector.errors:
        raise BuildFailed(collector.errors)
    return BuildResult(settings, settings["OUTPUT_PATH"], collector.warnings)
