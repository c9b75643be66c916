"""carnet.dates: one formatting per day, and iso_day, write what Babel and Pelican write."""

import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from pelican.utils import SafeDatetime

from carnet.dates import _formatter_for, iso_day


def _days():
    paris = ZoneInfo("Europe/Paris")
    start = SafeDatetime(2019, 12, 25, 23, 30, tzinfo=paris)
    for number in range(400):
        yield start + datetime.timedelta(days=number, hours=number % 5)
    yield datetime.date(2021, 4, 1)
    yield datetime.datetime(999, 3, 1, 8, 0)


def test_a_date_formatted_twice_reads_as_babel_writes_it():
    locale = Locale.parse("fr_FR")
    for pattern in ("d MMMM y", "d MMM y", "LLLL y"):
        format_ = _formatter_for("fr_FR", pattern)
        for value in list(_days()) * 2:  # the second time from what was kept
            first_day = pattern.replace("d ", "d'er' ", 1) if pattern.startswith("d ") else pattern
            expected = format_date(value, first_day if value.day == 1 else pattern, locale=locale)
            assert format_(value) == expected, (pattern, value)
    assert _formatter_for("fr_FR", "d MMMM y")(datetime.date(2021, 4, 1)) == "1er avril 2021"
    assert _formatter_for("fr_FR", "d MMMM y")(None) == ""


def test_iso_day_is_what_pelican_dates_write():
    for value in _days():  # Pelican's SafeDatetime.strftime, or the standard library's
        assert iso_day(value) == value.strftime("%Y-%m-%d")
    assert iso_day(SafeDatetime(2020, 9, 9, 8, 30)) == "2020-09-09"


def test_a_development_build_starts_from_the_days_the_last_one_formatted(site, monkeypatch):
    """The days a development build formatted are kept in its content cache; the next
    build (another process: here, the formatters emptied) formats none with Babel, and
    writes the same pages. A file it cannot read is only left unused."""
    import carnet.dates

    for number in range(3):
        site.add_post(f"{number}.md", title=f"Billet {number}", date=f"2021-0{number + 3}-01")
    site.build(production=False)
    pages = {path: path.read_bytes() for path in site.html_files()}
    (kept,) = site.root.glob(".carnet/cache/*/french-dates.json")
    assert "1er mars 2021" in kept.read_text(encoding="utf-8")

    def babel_called(*args, **kwargs):
        raise AssertionError("a day was formatted again")

    carnet.dates._formatters.clear()
    monkeypatch.setattr(carnet.dates, "format_date", babel_called)
    site.build(production=False)
    assert {path: path.read_bytes() for path in site.html_files()} == pages

    monkeypatch.undo()
    carnet.dates._formatters.clear()
    kept.write_text("[[", encoding="utf-8")
    site.build(production=False)
    assert {path: path.read_bytes() for path in site.html_files()} == pages
    assert "1er mars 2021" in kept.read_text(encoding="utf-8")
