"""Carnet's one French date formatter (Babel, never the OS locale), for the site, the feeds
and the e-mail: « 1er novembre 2021 » for a post's own date (CARNET_DATE_LONG), and one short
form for every list (CARNET_DATE_SHORT, « 5 oct. 2021 », « 1er oct. 2021 »)."""

from functools import cache

from babel import Locale
from babel.dates import format_date

from carnet.defaults import setting


def long_date(value, settings):
    return formatter(settings, setting(settings, "CARNET_DATE_LONG"))(value)


def short_date(value, settings):
    return formatter(settings, setting(settings, "CARNET_DATE_SHORT"))(value)


def formatter(settings, pattern):
    """A function formatting a date (or datetime) with the Babel `pattern`."""
    return _formatter_for(setting(settings, "CARNET_LOCALE"), pattern)


@cache
def _formatter_for(locale, pattern):
    # Cached: the build asks for one on every post.
    # French writes the first day of a month as an ordinal: « 1er avril ».
    first_day_pattern = pattern.replace("d ", "d'er' ", 1) if pattern.startswith("d ") else pattern
    if not locale.startswith("fr"):
        first_day_pattern = pattern
    locale = Locale.parse(locale)  # once: Babel parses a locale name on every call otherwise

    def format_(value):
        if not value:
            return ""
        return format_date(value, first_day_pattern if value.day == 1 else pattern, locale=locale)

    return format_
