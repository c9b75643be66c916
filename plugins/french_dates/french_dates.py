"""French dates with Babel, whatever locales the machine has.

Pelican formats dates with the OS locale; on a machine without fr_FR it logs an error and
drops the post. Carnet sets `locale_date` with Babel instead and gives templates three
filters: date_long (« 9 septembre 2020 », « 1er avril 2021 »), date_short (« 09/09/2020 »)
and month_year (« septembre 2020 »).
"""

from functools import cache

from babel import Locale
from babel.dates import format_date
from pelican import signals

from carnet.defaults import setting


def _formatter(settings, pattern):
    return _formatter_for(setting(settings, "CARNET_LOCALE"), pattern)


@cache
def _formatter_for(locale, pattern):
    # Cached: set_locale_dates asks for one on every post.
    # French writes the first day of a month as an ordinal: « 1er avril ».
    first_day_pattern = pattern.replace("d ", "d'er' ", 1) if pattern.startswith("d ") else pattern
    locale = Locale.parse(locale)  # once: Babel parses a locale name on every call otherwise

    def format_(value):
        if not value:
            return ""
        return format_date(value, first_day_pattern if value.day == 1 else pattern, locale=locale)

    return format_


def add_filters(generator):
    settings = generator.settings
    generator.env.filters.update(
        date_long=_formatter(settings, setting(settings, "CARNET_DATE_LONG")),
        date_short=_formatter(settings, setting(settings, "CARNET_DATE_SHORT")),
        month_year=_formatter(settings, "LLLL y"),
    )


def set_locale_dates(content):
    if not hasattr(content, "date"):
        return
    long_date = _formatter(content.settings, setting(content.settings, "CARNET_DATE_LONG"))
    content.locale_date = long_date(content.date)
    if hasattr(content, "modified"):
        content.locale_modified = long_date(content.modified)


def register():
    signals.generator_init.connect(add_filters)
    signals.content_object_init.connect(set_locale_dates)
