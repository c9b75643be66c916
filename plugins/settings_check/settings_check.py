"""Warn about a setting name that is a typo of one of Carnet's (with the close match).

Python happily accepts `CARNET_CATEGORIE = [...]` in pelicanconf.py, and the site would
then silently use the default: the author would never know why.
"""

import difflib
import logging

from pelican.settings import DEFAULT_CONFIG

from carnet.defaults import DEFAULTS

from pelican import signals

logger = logging.getLogger(__name__)


def warn_about_unknown_settings(pelican_object):
    settings = pelican_object.settings
    known = set(DEFAULTS)
    for name in sorted(settings):
        if not name.isupper() or name in known or name in DEFAULT_CONFIG:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
        if name.startswith("CARNET_") or close:
            hint = f"; did you mean {close[0]}?" if close else ""
            logger.warning("settings: %s is not a Carnet setting%s", name, hint)


def register():
    signals.initialized.connect(warn_about_unknown_settings)
