"""Run Pelican in-process and turn every error it logs into a failed build.

Pelican logs bad input (a post without a title, an unknown status, a file that is not
UTF-8, an impossible date) and carries on, so a site with holes would be deployed. Carnet
collects those errors, names the file in each, and raises BuildFailed at the end.
"""

import logging
import os
import sys
from dataclasses import dataclass, field

from pelican import Pelican
from pelican.settings import read_settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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


class _ProblemCollector(logging.Handler):
    """Keeps every ERROR and WARNING record as one plain sentence."""

    def __init__(self, content_path):
        super().__init__(level=logging.WARNING)
        self.content_path = content_path
        self.errors = []
        self.warnings = []

    def _relative(self, text):
        return text.replace(self.content_path + os.sep, "").replace("./", "", 1)

    def emit(self, record):
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            # Pelican logs "Could not process X" from inside its except block without the
            # exception; it is still the one being handled, so the reason can be named.
            current = sys.exc_info()[1]
            if message.startswith("Could not process") and current is not None:
                path = message.removeprefix("Could not process").strip()
                message = f"{path}: {_describe_exception(current)}"
            self.errors.append(self._relative(message))
        else:
            self.warnings.append(self._relative(message))


def load_settings(settings_file, output_path=None, overrides=None):
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
    except Exception as exc:  # a crash in Pelican or a plugin: report it with the rest
        collector.errors.append(f"the build stopped: {_describe_exception(exc)}")
    finally:
        root_logger.removeHandler(collector)
    if collector.errors:
        raise BuildFailed(collector.errors)
    return BuildResult(settings, settings["OUTPUT_PATH"], collector.warnings)
