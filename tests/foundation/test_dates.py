"""carnet.dates: one formatting per day, and iso_day, write what Babel and Pelican write."""

import datetime
import re
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from pelican.utils import SafeDatetime

from carnet.dates import _formatter_for, iso_day
from carnet.newsletter import manifest


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


def test_a_date_written_with_an_offset_is_that_moment_in_the_sites_time_zone(site):
    """`Date: 2021-09-30T23:30Z` is 1 October, 01:30 in France (TIMEZONE): the post read
    « 30 septembre » and went into September's archive, whose address its own month made;
    beside a post of 1 October in French time, October 2021 had two archives at one address
    and the build stopped, naming no post. A YAML date and a reader's reaction likewise."""
    site.add_post("utc.md", title="Écrit en UTC", date="2021-09-30T23:30Z")
    site.add_post("paris.md", title="Écrit à Paris", date="2021-10-01 00:30")
    site.add_post(
        "loin.md", "---\ntitle: Écrit loin\ndate: 2021-10-09 08:00:00+14:00\n---\n\nTexte.\n"
    )
    reactions = site.content / "reactions" / "ecrit-en-utc"
    reactions.mkdir(parents=True)
    (reactions / "sophie.md").write_text(
        "Name: Sophie\nDate: 2021-10-01T23:30:00+00:00\nStatus: published\n\nMerci !\n",
        encoding="utf-8",
    )
    site.build()
    page = site.read("ecrit-en-utc/index.html")
    assert '<time datetime="2021-10-01T01:30:00+02:00">1er octobre 2021</time>' in page
    assert '"datePublished": "2021-10-01T01:30:00+02:00"' in page
    assert '<time datetime="2021-10-02T01:30:00+02:00">2 octobre 2021</time>' in page  # Sophie
    assert '<time datetime="2021-10-08T20:00:00+02:00">8 octobre 2021</time>' in site.read(
        "ecrit-loin/index.html"
    )
    october = site.read("archives/2021/10/index.html")
    assert "Écrit en UTC" in october and "Écrit à Paris" in october
    assert not (site.output / "archives" / "2021" / "09").exists()
    assert "<published>2021-10-01T01:30:00+02:00</published>" in site.read("feeds/all.atom.xml")
    assert "<lastmod>2021-10-01T01:30:00+02:00</lastmod>" in site.read("sitemap.xml")


def test_posts_of_one_date_and_time_have_one_order_everywhere(site):
    """Pelican lists posts of one moment by slug (the home page, archives, categories);
    the neighbours ordered them by file, the sidebar by category, the e-mails by the
    opposite of the lists: « Article suivant » was not the post above on the home page,
    and the e-mails went out in another order than the site's."""
    for name, title, category in [
        ("a.md", "Zèbre", "Journal intime"),
        ("b.md", "Abeille", "Lancer son business"),
        ("c.md", "Moustique", "Journal intime"),
    ]:
        site.add_post(name, title=title, date="2021-10-10 10:00", category=category)
    result = site.build()
    home = site.read("index.html")
    listed = re.findall(r'<h2 class="entry__title"><a [^>]*>([^<]+)</a>', home)
    assert listed == ["Abeille", "Moustique", "Zèbre"]  # newest first, as Pelican lists them
    sidebar = home[home.index('id="marge-recents"') :]
    assert re.findall(r"<li><a [^>]*>([^<]+)</a>", sidebar)[:3] == listed
    page = site.read("moustique/index.html")
    assert re.search(r'rel="prev">.*</span> Zèbre</a>', page)  # older: below it on the list
    assert re.search(r'rel="next">.*</span> Abeille</a>', page)  # newer: above it
    assert [post.title for post in manifest.read(result.settings)] == listed[::-1]
