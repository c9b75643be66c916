"""Carnet's settings: every CARNET_* default filled in, SITEURL's trailing slash dropped,
and typos reported. The values themselves are checked before the build, by
carnet/settings_check.py (called by the tasks).

Templates see only the settings a site defines, so the documented defaults of
carnet/defaults.py are put in first. Python, for its part, happily accepts
`CARNET_CATEGORIE = [...]` in pelicanconf.py and the site would then silently use the
default: such a name is reported with the closest known one.
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
    settings = pelican_object.settings
    known = set(DEFAULTS)
    for name in sorted(settings):
        if not name.isupper() or name in known or name in DEFAULT_CONFIG:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
        if name.startswith("CARNET_") or close:
            if close:
                message = _("settings: {name} is not a Carnet setting; did you mean {close}?")
            else:
                message = _("settings: {name} is not a Carnet setting")
            logger.warning("%s", message.format(name=name, close=close[0] if close else ""))


def register():
    signals.initialized.connect(warn_about_unknown_settings)
    signals.initialized.connect(fill_defaults)
    signals.initialized.connect(drop_siteurl_trailing_slash)
