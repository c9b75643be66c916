"""Carnet's one French date formatter (Babel, never the OS locale), for the site, the feeds
and the e-mail: « 1er novembre 2021 » for a post's own date (CARNET_DATE_LONG), and one short
form for every list (CARNET_DATE_SHORT, « 5 oct. 2021 », « 1er oct. 2021 »)."""

from datetime import date, datetime
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

    # One formatting per day: a 1000-post build formats some 24 000 dates (every list
    # shows its posts' dates) among a few hundred days. Babel's format_date reads only the
    # date of a datetime, so the day is the whole key.
    formatted = {}

    def format_(value):
        if not value:
            return ""
        day = value.date() if isinstance(value, datetime) else value
        text = formatted.get(day)
        if text is None:
            chosen = first_day_pattern if day.day == 1 else pattern
            text = formatted[day] = format_date(day, chosen, locale=locale)
        return text

    return format_


def iso_day(value):
    """« 2020-09-09 », for <time datetime>: the standard library's strftime. Pelican's
    dates (SafeDatetime) parse the format again on every call, some 15 000 times a
    build; for this format both write the same text."""
    return date.strftime(value, "%Y-%m-%d")
