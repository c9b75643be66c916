"""Every setting checked before anything is built, deployed or sent.

`check_settings(settings, settings_file, production=..., publish=...)` raises SettingError whose
message is one line naming the setting, the file that sets it, what was given and what is
expected:

    CARNET_READING_SPEED in pelicanconf.py: "230" is text; a whole number is expected

The CARNET_* settings are checked against carnet/defaults.py's SETTINGS (their kind and
allowed values); SITEURL must be an http(s) address with a host; for `invoke publish`
with MAILCHIMP_API_KEY set, the Mailchimp environment is checked too (the key's form, never
its value, is named). `python -m carnet.settings_check --table` prints the README's table.

`check_given_settings(given, settings_file, development)` checks the settings file as
Python ran it, before Pelican reads it: that publishconf.py has pelicanconf.py's settings,
that no name meant as a setting goes unread (CARNET_CATEGORIE, sitename), and the values of
Pelican's settings a coach edits (PELICAN_SETTINGS).
"""

import difflib
import json
import math
import os
import re
import string
import sys
import unicodedata
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from pelican.settings import DEFAULT_CONFIG

from carnet.defaults import SETTINGS, Setting
from carnet.files import expand_home
from carnet.i18n import _
from carnet.typography import typeset_text_once

API_KEY = re.compile(r"[0-9a-f]{32}-[a-z]+[0-9]+")
API_KEY_DIGITS = re.compile(r"[0-9a-f]{32}", re.IGNORECASE)  # a key's secret part
LIST_ID = re.compile(r"[0-9A-Za-z]{1,32}")
# An address as mail programs and Mailchimp take it in a From:, Reply-To: or To: header and
# a mailto: link: ASCII, words of letters, digits, _ + - joined by dots, and a domain
# (one with accents is written in its xn-- form). A colon, a bracket or a parenthesis made
# the outbox's From: header another address; an accent, a Python traceback.
EMAIL = re.compile(
    r"[A-Za-z0-9_+-]+(\.[A-Za-z0-9_+-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
)
NOT_IN_AN_EMAIL = re.compile(r"[^\sA-Za-z0-9.@_+-]")
SUBJECT_FIELDS = {"title", "site"}
AUTHOR_DETAILS = ("bio", "photo", "email")  # what the theme reads of CARNET_AUTHORS
# What a value pasted with its quotes starts or ends with.
QUOTES = "\"'«»“”‘’"
LINE_BREAK_OR_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class SettingError(Exception):
    """A setting is wrong; str() is the one line to show."""


def check_settings(settings, settings_file, *, production=False, publish=False, environ=os.environ):
    """Raise SettingError for the first wrong setting, else return None."""
    for name, spec in SETTINGS.items():
        if name in settings:
            problem = value_problem(spec, settings[name])
            if problem:
                raise SettingError(_line(name, where(name, settings_file), settings[name], problem))
    for name in ("CARNET_CATEGORIES", "CARNET_AUTHORS"):
        problem = same_name_problem(settings.get(name) or ())
        if problem:
            raise SettingError(_line(name, where(name, settings_file), settings[name], problem))
    problem = default_category_problem(settings)
    if problem:
        value = settings["CARNET_DEFAULT_CATEGORY"]
        file = where("CARNET_DEFAULT_CATEGORY", settings_file)
        raise SettingError(_line("CARNET_DEFAULT_CATEGORY", file, value, problem))
    problem = siteurl_problem(settings.get("SITEURL", ""), production)
    if problem:
        raise SettingError(
            _line("SITEURL", where("SITEURL", settings_file), settings.get("SITEURL", ""), problem)
        )
    if "TIMEZONE" in settings and timezone_problem(settings["TIMEZONE"]):
        value = settings["TIMEZONE"]
        file = where("TIMEZONE", settings_file)
        raise SettingError(_line("TIMEZONE", file, value, timezone_problem(value)))
    for url_name, save_as_name in ADDRESS_PAIRS:
        problem = address_problem(settings, url_name, save_as_name)
        if problem:
            value = _address_setting(settings, url_name)
            raise SettingError(_line(url_name, where(url_name, settings_file), value, problem))
    if "PATH" in settings:  # Pelican made it absolute: the project folder holds it
        project = os.path.dirname(os.path.abspath(settings["PATH"]))
        for name, folder in PATHS.items():
            value = settings.get(name, SETTINGS[name].default)
            problem = path_problem(project, value, folder)
            if problem:
                raise SettingError(_line(name, where(name, settings_file), value, problem))
    if publish and environ.get("MAILCHIMP_API_KEY"):
        _check_mailchimp(settings, settings_file, environ)


# Pelican's own settings a coach is likely to edit, with their kinds (as Carnet's settings in
# carnet/defaults.py; the default here is only a right value, a list's shown as an example).
# Checked as the settings file gives them, before Pelican reads them: Pelican stops on some
# with a Python error naming neither the setting nor the file (DEFAULT_LANG = None), goes on
# with its own default on others (STATIC_PATHS = "images": content/extra/ left out of the
# site), fails on a post (DEFAULT_PAGINATION = "8") or builds a site without its home page
# (DEFAULT_PAGINATION = -1).
PELICAN_SETTINGS = {
    "SITENAME": Setting("Carnet de coach", "one-line text", "The site's name.", required=True),
    "SITESUBTITLE": Setting("", "one-line text", "The line under the site's name."),
    "AUTHOR": Setting("Claire Dumas", "one-line text", "The author of a post without Author:."),
    "DEFAULT_LANG": Setting("fr", "language", "The site's language.", required=True),
    "DEFAULT_PAGINATION": Setting(
        8, "posts a page", "Posts on each page of a list; False: all on one.", minimum=1
    ),
    "ARTICLE_PATHS": Setting(["posts"], "list of texts", "The folders of content/ with posts."),
    "PAGE_PATHS": Setting(["pages"], "list of texts", "The folders of content/ with pages."),
    "STATIC_PATHS": Setting(
        ["images", "extra", "extra/.well-known"], "list of texts", "Folders copied as they are."
    ),
    "IGNORE_FILES": Setting([".*"], "list of texts", "Names of files never read or copied."),
    "OUTPUT_RETENTION": Setting([".git"], "list of texts", "Names in output/ builds keep."),
    "MENUITEMS": Setting([], "links", "Links in the main menu, after the pages."),
    "SOCIAL": Setting([], "links", "The site's author elsewhere (Instagram…), in the footer."),
    "LINKS": Setting([], "links", "Sites the site recommends, in the footer."),
}
LANGUAGE = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*")  # fr, fr-CA, fr_CA


def check_given_settings(given, settings_file, development=()):
    """Raise SettingError when the settings file leaves out settings of `development` (the
    names pelicanconf.py sets, for publishconf.py), for the first name of `given` (every
    name the settings file sets, as Python ran it) that is no setting but was meant as
    one, or the first of PELICAN_SETTINGS it gives a value of the wrong kind."""
    # publishconf.py is pelicanconf.py's settings and a few of its own: without its
    # `from pelicanconf import *`, the build read the whole project folder as content
    # (Pelican's PATH) and said so in some forty lines naming the theme's templates.
    left_out = sorted(name for name in development if name.isupper() and name not in given)
    if left_out:
        raise SettingError(
            _(
                "{file}: the settings of pelicanconf.py are not in it ({names}…): keep its "
                "line « from pelicanconf import * », then change what production needs below it"
            ).format(file=os.path.basename(settings_file), names=", ".join(left_out[:3]))
        )
    for name, value in given.items():
        problem = name_problem(name, value, given)
        if problem:
            raise SettingError(
                _("{name} in {file} {problem}").format(
                    name=name, file=where(name, settings_file), problem=problem
                )
            )
    for name, spec in PELICAN_SETTINGS.items():
        if name in given:
            problem = value_problem(spec, given[name])
            if problem:
                raise SettingError(_line(name, where(name, settings_file), given[name], problem))
    siteurl = given.get("SITEURL", "")
    if not _is_text(siteurl):  # Pelican's own reading of it fails on anything but text
        problem = siteurl_problem(siteurl, production=False)
        raise SettingError(_line("SITEURL", where("SITEURL", settings_file), siteurl, problem))


# The names Pelican or Carnet read (Pelican reads TIMEZONE too, which has no default).
KNOWN_NAMES = {*SETTINGS, *DEFAULT_CONFIG, *PELICAN_SETTINGS, "TIMEZONE"}
# What a setting's value is: Python's names of modules, functions and classes (`import os`,
# `from datetime import timezone`) are in the file too, and are no setting.
SETTING_VALUE = (str, int, float, list, tuple, dict, type(None))


def name_problem(name, value, given):
    """Why `name` is a setting no one reads although it was meant as one, with what to
    write; None for a setting, and for a name of the file's own (a helper variable)."""
    if not isinstance(value, SETTING_VALUE):
        return None
    meant = name.upper()
    if (meant == "MAILCHIMP_API_KEY" and value) or (
        not name.startswith("__") and API_KEY.search(repr(value))
    ):
        # Carnet reads the key from the environment only: a settings file is shared with
        # the site's code (a Git repository, a copy sent for help), and Pelican keeps every
        # setting in the build's cache (.carnet/cache/). The value is never shown.
        return _(
            "holds a Mailchimp API key, which must not be in a settings file (it is shared "
            "with the site's code and kept in the build's cache): delete it there and set "
            "MAILCHIMP_API_KEY in the environment; if the file was shared, make a new key in "
            "Mailchimp (Profile → Extras → API keys)"
        )
    if name != meant and meant in KNOWN_NAMES and (meant not in given or given[meant] != value):
        # Pelican reads only the names in capitals: the site would go on without this
        # value (a helper variable of the same name holds the setting's own value).
        return _("is not read: a setting's name is written in capitals; write {meant}").format(
            meant=meant
        )
    if meant.startswith("CARNET_") and meant not in SETTINGS:
        # Its value would not be used, silently: a newsletter sent at once, or through
        # Mailchimp, when the coach wrote it would not be.
        close = difflib.get_close_matches(meant, SETTINGS, n=1, cutoff=0.8)
        if close:
            return _(
                "is not a Carnet setting, so its value would not be used: did you mean {close}?"
            ).format(close=close[0])
        return _(
            "is not a Carnet setting, so its value would not be used: carnet/defaults.py lists them"
        )
    return None


def category_key(name):
    """The name as typeset, without case, accents or extra spaces: « Éloge » and « eloge »
    match, and so do « L'art » and « L’art », « Oser! » and « Oser ! »: the site shows
    each pair as one name (plugin french_typography), at one address."""
    decomposed = unicodedata.normalize("NFD", typeset_text_once(str(name)))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def same_name_problem(names):
    """Two names that are one but for case, accents, spaces or typography: a post's
    category or author is matched against them that way (category_key), so only one of the
    two could be used, and which one depended on their order; typeset, the second replaced
    the first (an author's bio lost)."""
    seen = {}
    for name in names:
        first = seen.get(category_key(name))
        seen.setdefault(category_key(name), name)
        if first is not None:
            return _(
                "holds « {first} » and « {name} », one name but for case, accents, spaces or "
                "typography: keep one of them"
            ).format(first=first, name=name)
    return None


def default_category_problem(settings):
    """A CARNET_DEFAULT_CATEGORY not among CARNET_CATEGORIES stopped the build at the first
    post without Category:, naming the post, which says no such category."""
    default = settings.get("CARNET_DEFAULT_CATEGORY", "")
    categories = settings.get("CARNET_CATEGORIES", [])
    if not default.strip() or not categories:
        return None
    if category_key(default) in {category_key(name) for name in categories}:
        return None
    return _(
        "is not one of CARNET_CATEGORIES ({names}); write one of them, or add it there"
    ).format(names=", ".join(f"« {name} »" for name in categories))


def normalised_siteurl(value):
    """SITEURL without its trailing slash (feeds would have double slashes)."""
    return value.rstrip("/") if isinstance(value, str) else value


# --- one value against its kind -------------------------------------------------------------


def value_problem(spec: Setting, value):
    """'is text; a whole number is expected' (what is wrong, what is expected), or None."""
    check_kind = _KINDS[spec.kind]
    problem = check_kind(spec, value)
    if problem is None:
        return None
    return _("{problem}; {expected} is expected").format(problem=problem, expected=_expected(spec))


def _is_text(value):
    return isinstance(value, str)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _yes_no(spec, value):
    return None if isinstance(value, bool) else _is_a(value)


def _whole(spec, value):
    if not isinstance(value, int) or isinstance(value, bool):
        return _is_a(value)
    return _at_least(spec, value)


def _number(spec, value):
    if not _is_number(value):
        return _is_a(value)
    if not math.isfinite(value):  # nan passes every comparison, inf waits for ever
        return _("is not a finite number")
    return _at_least(spec, value)


def _at_least(spec, value):
    if spec.minimum is not None and value < spec.minimum:
        return _("is too small")
    return None


def _text(spec, value):
    if not _is_text(value):
        return _is_a(value)
    if spec.required and not value.strip():
        return _("is empty")
    return None


def _one_line_text(spec, value):
    problem = _text(spec, value)
    if problem:
        return problem
    # A header of an e-mail is one line: the outbox cannot write one holding a line break
    # (str.splitlines() knows U+2028 too), and Mailchimp would put it in its own.
    found = LINE_BREAK_OR_CONTROL.search(value)
    if found:
        return _("holds a line break or an invisible control character (U+{code:04X})").format(
            code=ord(found.group())
        )
    return None


def _texts(spec, value):
    if not isinstance(value, (list, tuple)):
        return _is_a(value)
    for item in value:
        if not _is_text(item) or not item.strip():
            return _("holds {item}, which is not a text").format(item=_shown(item))
    return None


def _links(spec, value):
    if value is None:  # Pelican's default: no such links
        return None
    if not isinstance(value, (list, tuple)):
        return _is_a(value)
    for item in value:
        if not (isinstance(item, (list, tuple)) and len(item) == 2 and all(map(_is_text, item))):
            return _("holds {item}, which is not a (name, address) pair").format(item=_shown(item))
        name, address = item
        if not name.strip() or LINE_BREAK_OR_CONTROL.search(name):
            return _("holds the name {name}, which is not a text on one line").format(
                name=_shown(name)
            )
        # An address of the site is written from its root (« /a-propos/ »): SITEURL is put
        # before it, as before every link of the theme.
        on_the_site = address.startswith("/") and not address.startswith("//")
        if not on_the_site and not address.startswith("mailto:") and _url_problem(address):
            return _("holds the address {address}, which {problem}").format(
                address=_shown(address), problem=_url_problem(address)
            )
    return None


def _language(spec, value):
    problem = _text(spec, value)
    if problem is None and not LANGUAGE.fullmatch(value):
        return _("is not a language code")
    return problem


def _locale(spec, value):
    problem = _text(spec, value)
    if problem:
        return problem
    # Babel formats every date with it: one it does not know stopped the build at the
    # first date, in Babel's words, naming no setting.
    try:
        Locale.parse(value)
    except (ValueError, UnknownLocaleError):
        return _("is not a locale Babel knows")
    return None


def _posts_a_page(spec, value):
    # False (or 0, or None): Pelican puts every post of a list on one page.
    return None if value in (False, None) else _whole(spec, value)


def _day(spec, value):
    if not _is_text(value):
        return _is_a(value)
    if value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return _("is not a day")
    if value:
        from datetime import date

        try:
            date.fromisoformat(value)
        except ValueError:
            return _("is not a day of the calendar")
    return None


def _time(spec, value):
    if not _is_text(value):
        return _is_a(value)
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value)
    if value and not match:
        return _("is not a time")
    if value and int(match[2]) % 15:
        return _("is not on a quarter hour (Mailchimp schedules on quarter hours only)")
    return None


def _email(spec, value):
    if not _is_text(value):
        return _is_a(value)
    if not value or EMAIL.fullmatch(value):
        return None
    odd = NOT_IN_AN_EMAIL.search(value)
    if odd and "@" in value:
        return _(
            "holds « {character} », which an e-mail address cannot (letters without "
            "accents, digits and . _ + -; a domain with accents in its xn-- form)"
        ).format(character=odd.group())
    return _("is not an e-mail address")


def _subject(spec, value):
    problem = _text(spec, value)
    if problem:
        return problem
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(value) if field is not None]
    except ValueError:
        return _(
            "has an opening or closing brace without its pair (write {{ or }} for a brace itself)"
        )
    for field in fields:
        name = re.split(r"[.\[!:]", field, maxsplit=1)[0]
        if name not in SUBJECT_FIELDS:
            return _("uses {{{field}}}, which Carnet does not know").format(field=field)
    return None


def _web_address(spec, value):
    if not _is_text(value):
        return _is_a(value)
    if value and _url_problem(value):
        return _url_problem(value)
    return None


def _authors(spec, value):
    if not isinstance(value, dict):
        return _is_a(value)
    for name, details in value.items():
        if not _is_text(name) or not isinstance(details, dict):
            return _("has {name}: {details}, which is not a name and its details").format(
                name=_shown(name), details=_shown(details)
            )
        for key, text in details.items():
            if key not in AUTHOR_DETAILS:  # the theme reads these only: « Bio » went unseen
                return _("has {key} for {name}, which Carnet does not read").format(
                    key=_shown(key), name=_shown(name)
                )
            if not _is_text(text):
                return _("has {key} of {name} as {value}, which is not a text").format(
                    key=_shown(key), name=_shown(name), value=_shown(text)
                )
    return None


def _segments(spec, value):
    if not isinstance(value, dict):
        return _is_a(value)
    for name, segment in value.items():
        if not _is_text(name) or not isinstance(segment, dict):
            return _("has {name}, which is not a name and its audience").format(name=_shown(name))
        saved = segment.get("saved_segment_id")
        interest = segment.get("interest_category_id")
        ids = segment.get("interest_ids")
        good_saved = isinstance(saved, int) and not isinstance(saved, bool)
        good_interest = (
            _is_text(interest)
            and interest
            and isinstance(ids, (list, tuple))
            and ids
            and all(_is_text(item) and item for item in ids)
        )
        if not (good_saved or good_interest) or not _is_text(segment.get("label", "")):
            return _("has {name}: {segment}, which is not a segment").format(
                name=_shown(name), segment=_shown(segment)
            )
    return None


def _choice(spec, value):
    return None if value in spec.choices else _("is not one of the choices")


def _plugins(spec, value):
    if not isinstance(value, (list, tuple)):
        return _is_a(value)
    for entry in value:
        good = (
            isinstance(entry, (list, tuple))
            and len(entry) in (2, 3)
            and _is_text(entry[0])
            and entry[0].strip()
            and all(
                isinstance(part, dict) and all(_is_text(k) and _is_text(v) for k, v in part.items())
                for part in entry[1:]
            )
        )
        if not good:
            return _("holds {entry}, which is not a plugin and its needs").format(
                entry=_shown(entry)
            )
    return None


_KINDS = {
    "yes/no": _yes_no,
    "whole number": _whole,
    "number": _number,
    "text": _text,
    "one-line text": _one_line_text,
    "list of texts": _texts,
    "links": _links,
    "language": _language,
    "locale": _locale,
    "posts a page": _posts_a_page,
    "day": _day,
    "time": _time,
    "e-mail address": _email,
    "subject": _subject,
    "web address": _web_address,
    "authors": _authors,
    "segments": _segments,
    "choice": _choice,
    "plugins": _plugins,
}


def _expected(spec, with_minimum=False):
    expected = {
        "yes/no": _("True or False"),
        "whole number": _("a whole number"),
        "number": _("a number"),
        "text": _("a text"),
        "one-line text": _("a text on one line"),
        "list of texts": _('a list of texts like ["Journal intime", "Lancer son business"]')
        if not spec.default
        else _("a list of texts like {example}").format(example=_shown(spec.default)),
        "language": _('a language code like "fr" (or "fr-CA")'),
        "links": _(
            'a list of (name, address) pairs like [("Instagram", "https://instagram.com/…"), '
            '("Ateliers", "/ateliers/")]'
        ),
        "locale": _('a locale like "fr" (or "fr_CA")'),
        "posts a page": _("a whole number of at least 1 (or False: every post on one page)"),
        "day": _('a day like "2021-09-01" (or "")'),
        "time": _('a time on a quarter hour like "07:30" (or "")'),
        "e-mail address": _('an e-mail address like "bonjour@carnet-de-coach.fr"'),
        "subject": _("a text using only {title} and {site}"),
        "web address": _('an address like "https://example.org/…" (or "")'),
        "authors": _('a mapping of author name to {"bio": "…", "photo": "…", "email": "…"}'),
        "segments": _(
            'a mapping of segment name to {"saved_segment_id": 123} or '
            '{"interest_category_id": "…", "interest_ids": ["…"]}'
        ),
        "plugins": _(
            'a list of (plugin, needs) like ("page_reuse", {"content_cache": "why it is needed"})'
        ),
        "choice": _("one of {choices}").format(
            choices=", ".join(_shown(choice) for choice in spec.choices)
        ),
    }[spec.kind]
    if with_minimum:
        expected = _("{expected} of at least {minimum:g}").format(
            expected=expected, minimum=spec.minimum
        )
    return expected


def _is_a(value):
    """'is text', 'is a list'…: what `value` is, in the coach's words."""
    if isinstance(value, bool):
        return _("is True or False")
    if isinstance(value, str):
        return _("is text")
    if isinstance(value, int):
        return _("is a whole number")
    if isinstance(value, float):
        return _("is a decimal number")
    if isinstance(value, (list, tuple)):
        return _("is a list")
    if isinstance(value, dict):
        return _("is a mapping")
    if value is None:
        return _("is empty")
    return _("is a {type}").format(type=type(value).__name__)


def _shown(value):
    if isinstance(value, str):
        # JSON writes U+2028 and U+2029 as they are, which would break the message's line.
        shown = json.dumps(value, ensure_ascii=False)
        return shown.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    if isinstance(value, bool) or value is None:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _line(name, file, value, problem):
    return _("{name} in {file}: {value} {problem}").format(
        name=name, file=file, value=_shown(value), problem=problem
    )


def where(name, settings_file):
    """The settings file that sets `name`: settings_file, else the pelicanconf.py it imports,
    else neither (its default)."""
    candidates = [settings_file, os.path.join(os.path.dirname(settings_file), "pelicanconf.py")]
    for candidate in candidates:
        try:
            with open(candidate, encoding="utf-8") as handle:
                text = handle.read()
        except OSError:
            continue
        if re.search(rf"^{re.escape(name)}\s*(=|:)", text, re.M):
            return os.path.basename(candidate)
    # Not written in either file: the value is Carnet's (or Pelican's) default.
    return _("its default (not set in {file})").format(file=os.path.basename(settings_file))


# --- Pelican's addresses and the files they lead to ----------------------------------------

# A page is written at its SAVE_AS and linked (on the site, in feeds, in the e-mails) at its
# URL: they must agree, a URL ending in / leading to its folder's index.html.
ADDRESS_PAIRS = (
    ("ARTICLE_URL", "ARTICLE_SAVE_AS"),
    ("PAGE_URL", "PAGE_SAVE_AS"),
    ("CATEGORY_URL", "CATEGORY_SAVE_AS"),
    ("TAG_URL", "TAG_SAVE_AS"),
    ("AUTHOR_URL", "AUTHOR_SAVE_AS"),
    # The site's own pages, at one address each (the menu, the search box, the e-mails'
    # unsubscribe and preferences links lead to them).
    ("CATEGORIES_URL", "CATEGORIES_SAVE_AS"),
    ("TAGS_URL", "TAGS_SAVE_AS"),
    ("AUTHORS_URL", "AUTHORS_SAVE_AS"),
    ("ARCHIVES_URL", "ARCHIVES_SAVE_AS"),
    ("YEAR_ARCHIVE_URL", "YEAR_ARCHIVE_SAVE_AS"),
    ("MONTH_ARCHIVE_URL", "MONTH_ARCHIVE_SAVE_AS"),
    ("SEARCH_URL", "SEARCH_SAVE_AS"),
    ("CARNET_NEWSLETTER_ARCHIVE_URL", "CARNET_NEWSLETTER_ARCHIVE_SAVE_AS"),
    ("CARNET_NEWSLETTER_UNSUBSCRIBE_URL", "CARNET_NEWSLETTER_UNSUBSCRIBE_SAVE_AS"),
    ("CARNET_NEWSLETTER_PREFERENCES_URL", "CARNET_NEWSLETTER_PREFERENCES_SAVE_AS"),
    ("CARNET_NEWSLETTER_FORM_SETUP_URL", "CARNET_NEWSLETTER_FORM_SETUP_SAVE_AS"),
)
INDEX = "index.html"


class _Sample(dict):
    """The fields Pelican fills an address with, for a made-up post; any other field is
    its own name."""

    def __missing__(self, key):
        return key


SAMPLE = _Sample(  # every field unlike the others: a mix-up shows (a name for a slug, %m for %d)
    slug="mon-billet",
    name="Mon billet",
    lang="fr",
    date=datetime(2021, 10, 5, 13, 45),
    category="journal",
    author="claire",
)


def _address_setting(settings, name):
    """The site's value, else Carnet's default (not filled in yet when the settings are
    checked: plugin carnet_settings does it)."""
    return settings.get(name, SETTINGS[name].default if name in SETTINGS else None)


def address_problem(settings, url_name, save_as_name):
    url = _address_setting(settings, url_name)
    save_as = _address_setting(settings, save_as_name)
    if not (_is_text(url) and _is_text(save_as) and save_as):
        return None  # not written (an empty SAVE_AS), or a wrong kind Pelican reports
    try:
        linked = url.format_map(SAMPLE).lstrip("/")
        written = save_as.format_map(SAMPLE).lstrip("/")
    except (ValueError, IndexError, AttributeError, TypeError):
        return None  # not a format Pelican can fill either: it says so itself
    # A folder's index.html is served at the folder's address, with or without its slash.
    folder = written[: -len(INDEX)] if written.endswith(INDEX) else None
    if linked == written or (folder is not None and linked in (folder, folder.rstrip("/"))):
        return None
    if "{" not in url:  # one page's own address, not one made for each post
        agreeing = linked if linked.endswith(".html") else linked.rstrip("/") + "/" + INDEX
        return _(
            "leads to {linked}, but {save_as_name} ({save_as}) writes that page at {written}: "
            "every link to it, e-mailed ones too, would lead nowhere; make the two agree: "
            "{save_as_name} = {agreeing}"
        ).format(
            linked=linked,
            save_as_name=save_as_name,
            save_as=_shown(save_as),
            written=written,
            agreeing=_shown(agreeing),
        )
    return _(
        "leads to {linked} (for a page « Mon billet », slug mon-billet), but {save_as_name} ({save_as}) "
        "writes that page at {written}: every link to it, e-mailed ones too, would lead "
        'nowhere; make the two agree ("{{slug}}/" with "{{slug}}/index.html", or the same '
        '"{{slug}}.html")'
    ).format(linked=linked, save_as_name=save_as_name, save_as=_shown(save_as), written=written)


# --- TIMEZONE and the newsletter's files ---------------------------------------------------


def timezone_problem(value):
    """Pelican would stop on every post with its own error, never naming TIMEZONE."""
    if not _is_text(value):
        problem = _is_a(value)
    else:
        try:
            ZoneInfo(value)
            return None
        except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
            problem = _("is not a known time zone")
    return _("{problem}; {expected} is expected").format(
        problem=problem, expected=_('a time zone like "Europe/Paris"')
    )


# The settings that name a file (False) or a folder (True) Carnet writes into. Relative
# to the project folder; Carnet overwrites what is there, so each must be its own.
PATHS = {
    "CARNET_NEWSLETTER_LEDGER": False,
    "CARNET_NEWSLETTER_MANIFEST": False,
    "CARNET_NEWSLETTER_OUTBOX": True,
}
# The project's folders Carnet reads, builds into or is made of: never written by these.
NOT_IN = ("content", "theme", "plugins", "carnet", "output", ".git")
# What Carnet writes in the ledger and the manifest starts this way.
CARNET_JSON = re.compile(rb'\s*\{\s*"version"\s*:')


def path_problem(project, value, folder):
    """Why `value` may not be the file (or folder) Carnet writes, with what is expected;
    None when it may. Judged where it really is (links followed)."""
    project = os.path.realpath(project)
    path = os.path.realpath(os.path.join(project, expand_home(value)))
    inside = os.path.relpath(path, project)
    first = inside.split(os.sep, 1)[0]
    if path == project:
        problem = _("is the project folder itself")
    elif first == os.pardir:
        problem = _("is outside the project folder")
    elif first in NOT_IN:
        problem = _("is inside {folder}/, which Carnet needs").format(folder=first)
    elif folder and os.path.exists(path) and not os.path.isdir(path):
        problem = _("is a file, not a folder")
    elif not folder and os.path.isdir(path):
        problem = _("is a folder")
    elif not folder and os.path.isfile(path) and os.path.getsize(path) == 0:
        # Emptied (by hand, a sync tool, a full disk): what it recorded is not there.
        problem = _(
            "is empty: restore it from git or a backup (or delete it if Carnet never wrote it)"
        )
    elif not folder and os.path.exists(path) and not _carnet_json(path):
        problem = _("is a file Carnet did not write, which it would overwrite")
    else:
        return None
    expected = (
        _("a new folder or Carnet's own, in the project folder, outside {folders}")
        if folder
        else _("a new file or one Carnet wrote, in the project folder, outside {folders}")
    )
    folders = ", ".join(name + "/" for name in NOT_IN)
    return _("{problem}; {expected} is expected").format(
        problem=problem, expected=expected.format(folders=folders)
    )


# Version control's folders: a repository kept in the output folder (as some hosts'
# guides have it) would lose its history to the next build.
REPOSITORIES = (".git", ".hg", ".svn")


def check_output_folder(path, retention=()):
    """SettingError when the output folder is a link or a file, or holds a repository that
    OUTPUT_RETENTION does not keep: a production build empties it first
    (DELETE_OUTPUT_DIRECTORY), a development build removes the files it did not write, and
    Pelican follows a link to do so, into the folder it points to."""
    repository = next(
        (
            name
            for name in REPOSITORIES
            if name not in (retention or ()) and os.path.lexists(os.path.join(path, name))
        ),
        None,
    )
    if repository and os.path.isdir(path) and not os.path.islink(path):
        folder = os.path.basename(path)
        raise SettingError(
            _(
                "{folder}/{name} is a repository inside {folder}/, which a build empties: "
                "move it out of {folder}/ (invoke publish copies the site where it goes), "
                "then build again"
            ).format(folder=folder, name=repository)
        )
    if os.path.islink(path):
        problem = _(
            "{folder}/ is a symbolic link (to {pointed}): building would delete or replace "
            "the files there; remove the link (not what it points to), then build again"
        )
    elif os.path.exists(path) and not os.path.isdir(path):
        problem = _("{folder}/ is a file, not a folder: move it away, then build again")
    else:
        return
    folder = os.path.basename(path)
    pointed = os.readlink(path) if os.path.islink(path) else ""
    raise SettingError(problem.format(folder=folder, pointed=pointed))


def _carnet_json(path):
    try:
        with open(path, "rb") as handle:
            return bool(CARNET_JSON.match(handle.read(200)))
    except OSError:
        return False


# --- SITEURL and the environment ----------------------------------------------------------


def _url_problem(value):
    if re.search(r"\s", value):
        return _("has a space")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        return _("does not start with https:// (or http://)")
    if not parts.hostname:
        return _("has no host name")
    return None


def siteurl_problem(value, production):
    if not isinstance(value, str):
        problem = _is_a(value)
    elif not value:
        if not production:
            return None  # development: relative links
        problem = _("is empty, so every link of the site would be broken")
    else:
        problem = _url_problem(value)
    if problem is None and re.search(r"[?#]", value):
        # Every address of the site is SITEURL followed by its path: after a « ? » or a
        # « # », the path is no longer the page's, and every link leads to the home page.
        problem = _(
            "has a « ? » or « # » part, so every link of the site would lead to its home page"
        )
    if problem is None:
        return None
    return _("{problem}; {expected} is expected").format(
        problem=problem, expected=_('an address like "https://carnet-de-coach.fr"')
    )


def _check_mailchimp(settings, settings_file, environ):
    def stop(message):
        raise SettingError(message)

    for name in ("MAILCHIMP_API_KEY", "MAILCHIMP_LIST_ID", "MAILCHIMP_API_URL"):
        value = environ.get(name, "").strip()
        # A .env file or a service's settings may keep the quotes it was written with
        # (MAILCHIMP_API_KEY="…"): « not a Mailchimp API key » did not say what was wrong.
        if value and value != value.strip(QUOTES):
            stop(
                _(
                    "{name} in the environment starts or ends with a quote, which is then "
                    "part of its value: set it again without the quotes"
                ).format(name=name)
            )
    key = environ["MAILCHIMP_API_KEY"].strip()
    if not API_KEY.fullmatch(key):
        stop(
            _(
                "MAILCHIMP_API_KEY in the environment is not a Mailchimp API key (32 "
                "hexadecimal digits, a dash and the data centre, like …-us21); copy the whole "
                "key from Mailchimp (Profile → Extras → API keys)"
            )
        )
    list_id = environ.get("MAILCHIMP_LIST_ID", "").strip()
    if not list_id:
        stop(
            _(
                "MAILCHIMP_LIST_ID in the environment is not set: set it to the id of the "
                "audience to send to (Audience → Settings → Audience name and defaults)"
            )
        )
    # The values of MAILCHIMP_* are never shown: one of them may be the key itself.
    if list_id in key:  # its 32 digits pass for an id; Mailchimp's « no audience » shows it
        stop(
            _(
                "MAILCHIMP_LIST_ID in the environment is MAILCHIMP_API_KEY or a part of it, "
                "not an audience id: copy the audience ID from Mailchimp (Audience → Settings → "
                "Audience name and defaults)"
            )
        )
    if not LIST_ID.fullmatch(list_id):
        stop(
            _(
                "MAILCHIMP_LIST_ID in the environment is not an audience id (letters and "
                "digits, like a1b2c3d4e5)"
            )
        )
    api_url = environ.get("MAILCHIMP_API_URL", "").strip()
    # Its digits alone too: a failed connection names the address's host, and urllib3
    # logs the whole address at DEBUG.
    digits = key.partition("-")[0]
    if api_url and (_url_problem(api_url) or digits in api_url.lower()):
        stop(
            _(
                "MAILCHIMP_API_URL in the environment is not the address of Mailchimp's API "
                '(like "https://us21.api.mailchimp.com/3.0"); leave it unset to use the one '
                "of the key's data centre"
            )
        )
    if not settings.get("CARNET_NEWSLETTER_REPLY_TO"):
        stop(
            _(
                'CARNET_NEWSLETTER_REPLY_TO in {file}: "" is empty; Mailchimp needs the '
                "address readers reply to"
            ).format(file=where("CARNET_NEWSLETTER_REPLY_TO", settings_file))
        )


# --- the README's table ---------------------------------------------------------------------


def table():
    """The Markdown table of every CARNET_* setting: name, type, default, what it does."""
    lines = ["| setting | type | default | what it does |", "| --- | --- | --- | --- |"]
    for name, spec in SETTINGS.items():
        default = _shown(spec.default).replace("|", "\\|")
        description = spec.description.replace("|", "\\|")
        lines.append(f"| `{name}` | {spec.kind} | `{default}` | {description} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["--table"]:
        sys.stdout.write(table())
    else:
        sys.exit("usage: python -m carnet.settings_check --table")
