"""Carnet's own messages in the site's language.

Every line Carnet prints is written in English in the code and wrapped in ``_()``; the
French catalog is ``carnet/locale/fr/LC_MESSAGES/carnet.po``, compiled with Babel when it is
first needed (no compiled file is committed). ``use_language(settings["DEFAULT_LANG"])``
picks the catalog; a language without one speaks English.
"""

import functools
import io
import os

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")
DOMAIN = "carnet"

_active = NullTranslations()


@functools.cache
def _catalog(language):
    path = os.path.join(LOCALE_DIR, language, "LC_MESSAGES", f"{DOMAIN}.po")
    if not os.path.exists(path):
        return NullTranslations()
    with open(path, "rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def use_language(language):
    """Speak `language` (a DEFAULT_LANG such as "fr" or "fr_CA") from now on."""
    global _active
    _active = _catalog((language or "en").split("_")[0].split("-")[0].lower())


def _(message):
    """`message` in the active language."""
    return _active.gettext(message)


def ngettext(singular, plural, count):
    return _active.ngettext(singular, plural, count)
