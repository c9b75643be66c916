"""French dates with Babel, whatever locales the machine has.

Pelican formats dates with the OS locale; on a machine without fr_FR it logs an error and
drops the post. Carnet sets `locale_date` with Babel instead and gives templates four
filters, all from carnet.dates (the one formatter, also used by the feeds and the e-mail):
date_long (« 9 septembre 2020 », « 1er avril 2021 ») for a post's own date, date_short
(« 9 sept. 2020 », « 1er avr. 2021 ») for every list, and month_year (« septembre 2020 »);
and iso_day (« 2020-09-09 ») for <time datetime>.
"""

from pelican import signals

from carnet.dates import formatter, iso_day
from carnet.defaults import setting


def add_filters(generator):
    settings = generator.settings
    generator.env.filters.update(
        date_long=formatter(settings, setting(settings, "CARNET_DATE_LONG")),
        date_short=formatter(settings, setting(settings, "CARNET_DATE_SHORT")),
        month_year=formatter(settings, "LLLL y"),
        iso_day=iso_day,
    )


def set_locale_dates(content):
    if not hasattr(content, "date"):
        return
    long_date = formatter(content.settings, setting(content.settings, "CARNET_DATE_LONG"))
    content.locale_date = long_date(content.date)
    if hasattr(content, "modified"):
        content.locale_modified = long_date(content.modified)


def register():
    signals.generator_init.connect(add_filters)
    signals.content_object_init.connect(set_locale_dates)
