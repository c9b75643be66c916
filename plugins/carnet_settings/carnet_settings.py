"""Carnet's settings: every CARNET_* default filled in, SITEURL's trailing slash dropped,
and typos reported. The values themselves are checked before the build, by
carnet/settings_check.py (called by the tasks).

Templates see only the settings a site defines, so the documented defaults of
carnet/defaults.py are put in first. Python, for its part, happily accepts
`CARNET_CATEGORIE = [...]` in pelicanconf.py and the site would then silently use the
default: such a name stops the build before it starts (carnet/settings_check.py), with
the closest known one; a name close to a Carnet setting's is reported here.
"""

import copy
import difflib
import logging

from pelican import signals
from pelican.settings import DEFAULT_CONFIG

from carnet.defaults import DEFAULTS
from carnet.i18n import _
from carnet.settings_check import normalised_siteurl

logger = logging.getLogger(__name__)


def fill_defaults(pelican_object):
    for name, value in DEFAULTS.items():
        pelican_object.settings.setdefault(name, copy.deepcopy(value))


def drop_siteurl_trailing_slash(pelican_object):
    """SITEURL = "https://x/" is accepted: Pelican drops SITEURL's slash, but not that of
    FEED_DOMAIN (publishconf.py's `FEED_DOMAIN = SITEURL`), which doubles it in every link
    to the feeds."""
    settings = pelican_object.settings
    for name in ("SITEURL", "FEED_DOMAIN"):
        if name in settings:
            settings[name] = normalised_siteurl(settings[name])


def warn_about_unknown_settings(pelican_object):
    """A name close to a Carnet setting's (CARNET_CATEGORIES written CARNETCATEGORIES). A
    name starting with CARNET_ that is not a setting stopped the build before it started
    (carnet/settings_check.py)."""
    settings = pelican_object.settings
    known = set(DEFAULTS)
    for name in sorted(settings):
        if not name.isupper() or name in known or name in DEFAULT_CONFIG:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
        if close:
            message = _("settings: {name} is not a Carnet setting; did you mean {close}?")
            logger.warning("%s", message.format(name=name, close=close[0]))


def register():
    signals.initialized.connect(warn_about_unknown_settings)
    signals.initialized.connect(fill_defaults)
    signals.initialized.connect(drop_siteurl_trailing_slash)
