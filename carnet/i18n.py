"""Carnet's own messages in the site's language.

Every line Carnet prints is written in English in the code and wrapped in ``_()``; the
French catalog is ``carnet/locale/fr/LC_MESSAGES/carnet.po``, compiled with Babel when it is
first needed (no compiled file is committed). ``use_language(settings["DEFAULT_LANG"])``
picks the catalog; a language without one speaks English.
"""

import ast
import functools
import io
import os
import re

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")
DOMAIN = "carnet"

_active = NullTranslations()
_language = "en"


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
    global _active, _language
    _language = (language or "en").split("_")[0].split("-")[0].lower()
    _active = _catalog(_language)


def _(message):
    """`message` in the active language."""
    return _active.gettext(message)


def decimal(number):
    """`number` with one decimal at most, written as the active language writes it: « 6,3 »
    in French (Python's « 6.3 » read as a typo there), « 6 » for 6.0."""
    return format_decimal(number, format="0.#", locale=_language)


def N_(message):
    """Marks `message` for the catalog where it is written; `_()` translates it later."""
    return message


def reworded(said, known):
    """`said`, a library's message (in English), in Carnet's words: the wording of the
    first of `known`, (start, wording marked with N_) pairs, whose start begins it — a text,
    or a compiled pattern whose named groups fill the wording; `said` when none does."""
    for start, wording in known:
        if isinstance(start, re.Pattern):
            found = start.match(said)
            if found:
                return _(wording).format(**found.groupdict())
        elif said.startswith(start):
            return _(wording)
    return said


def ngettext(singular, plural, count):
    return _active.ngettext(singular, plural, count)


# A line `DEFAULT_LANG = "fr"`, for a settings file Python cannot read.
_LANGUAGE_LINE = re.compile(r"""^DEFAULT_LANG\s*=\s*["']([^"']*)["']""", re.M)


def site_language(settings_file):
    """DEFAULT_LANG as the settings file (or a settings file it star-imports) sets it,
    read without running it, so the first line a task prints is already in that language;
    "en" when none sets it or the file cannot be read."""
    try:
        with open(settings_file, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return "en"
    try:
        tree = ast.parse(text)
    except SyntaxError:
        # A typo elsewhere in the file: the task says so, in the language the file sets.
        found = _LANGUAGE_LINE.findall(text)
        return found[-1] if found else "en"
    language = "en"
    for node in tree.body:
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and any(a.name == "*" for a in node.names)
        ):
            imported = os.path.join(os.path.dirname(settings_file), node.module + ".py")
            if os.path.exists(imported):
                language = site_language(imported)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            if any(isinstance(t, ast.Name) and t.id == "DEFAULT_LANG" for t in node.targets):
                language = str(node.value.value)
    return language
