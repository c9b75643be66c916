"""Carnet's one French date formatter (Babel, never the OS locale), for the site, the feeds
and the e-mail: « 1er novembre 2021 » for a post's own date (CARNET_DATE_LONG), and one short
form for every list (CARNET_DATE_SHORT, « 5 oct. 2021 », « 1er oct. 2021 »)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date

from carnet.defaults import setting
from carnet.i18n import _


def long_date(value, settings):
    return formatter(settings, setting(settings, "CARNET_DATE_LONG"))(value)


def long_moment(value, settings):
    """« 1er novembre 2021 à 00:30 »: an aware datetime (the ledger's, the clock's) in the
    site's TIMEZONE, for the coach's terminal."""
    local = value.astimezone(ZoneInfo(settings["TIMEZONE"]))
    return _("{date} at {time}").format(date=long_date(local, settings), time=f"{local:%H:%M}")


def in_site_time(value, settings):
    """A datetime in the site's TIMEZONE: one without an offset is the site's time (as
    Pelican reads it); one written with an offset (« 2021-09-30T23:30Z ») is the same
    moment there (« 2021-10-01 01:30 »), so that the day, month and hour every page, feed
    and e-mail shows are France's, and every date of the site has one offset (Pelican
    groups the month archives by a date's own month: two offsets that disagree on it made
    two archives at one address)."""
    zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value.astimezone(zone)


def short_date(value, settings):
    return formatter(settings, setting(settings, "CARNET_DATE_SHORT"))(value)


def formatter(settings, pattern):
    """A function formatting a date (or datetime) with the Babel `pattern`."""
    return _formatter_for(setting(settings, "CARNET_LOCALE"), pattern)


# (locale name, pattern) -> its formatter: the build asks for one on every post.
_formatters = {}


def _formatter_for(locale_name, pattern):
    found = _formatters.get((locale_name, pattern))
    if found is None:
        found = _formatters[locale_name, pattern] = _Formatter(locale_name, pattern)
    return found


class _Formatter:
    """One formatting per day: a 1000-post build formats some 24 000 dates (every list
    shows its posts' dates) among a few hundred days. Babel's format_date reads only the
    date of a datetime, so the day is the whole key. Babel loads its French data (7 ms)
    for the first date it formats: a development build starts from the days an earlier
    one formatted (known_days, learn_days)."""

    def __init__(self, locale_name, pattern):
        self.pattern = pattern
        # French writes the first day of a month as an ordinal: « 1er avril ».
        self.first_day_pattern = pattern
        if pattern.startswith("d ") and locale_name.startswith("fr"):
            self.first_day_pattern = pattern.replace("d ", "d'er' ", 1)
        self.locale = Locale.parse(locale_name)  # once: Babel parses it on every call otherwise
        self.formatted = {}

    def __call__(self, value):
        if not value:
            return ""
        day = value.date() if isinstance(value, datetime) else value
        text = self.formatted.get(day)
        if text is None:
            chosen = self.first_day_pattern if day.day == 1 else self.pattern
            text = self.formatted[day] = format_date(day, chosen, locale=self.locale)
        return text


def known_days():
    """Every day formatted in this process, as JSON: [[locale, pattern, {ISO day: text}]]."""
    return [
        [locale_name, pattern, {day.isoformat(): text for day, text in made.formatted.items()}]
        for (locale_name, pattern), made in _formatters.items()
    ]


def learn_days(known):
    """Days formatted by an earlier build of the same configuration (known_days()): none
    is formatted again. The caller keeps them in a cache of that configuration only (the
    text depends on Babel's version, the locale, the patterns and this code)."""
    for locale_name, pattern, days in known:
        formatted = _formatter_for(locale_name, pattern).formatted
        for day, text in days.items():
            formatted.setdefault(date.fromisoformat(day), text)


def iso_day(value):
    """« 2020-09-09 », for <time datetime>: the standard library's strftime. Pelican's
    dates (SafeDatetime) parse the format again on every call, some 15 000 times a
    build; for this format both write the same text."""
    return date.strftime(value, "%Y-%m-%d")
