"""sitemap.xml and robots.txt in the output.

The sitemap lists, with absolute URLs and a lastmod, the pages readers can reach: the home
page, the articles the site lists (no draft, hidden or email-only post), the published
pages, and the category, tag and author pages. robots.txt lets every crawler in and points
to the sitemap.

A sitemap needs absolute URLs, so it is written only when SITEURL is set (production);
robots.txt is always written.

Why not the pelican-plugins `sitemap` package (pelican-sitemap 1.2.2, read for this): it
lists every file the build writes (pagination pages, the 404 and search pages, the month
and year archives: Carnet's lists only what readers look for), writes the sitemap in
development builds too (with SITEURL empty, so relative <loc>s, which a sitemap may not
have), dates list pages with the time of the build (each build changes the file; Carnet's
are the date of their newest post), writes no robots.txt, and its translation links carry
a `ref=` where `href=` is meant. Its `exclude` patterns could trim the list, but not the
other points. Email-only posts it would leave out as Carnet does (no page is written).
"""

import datetime
import os
from xml.sax.saxutils import escape

from pelican import signals

from carnet.listing import listed_articles


def _lastmod(content):
    return getattr(content, "modified", None) or getattr(content, "date", None)


def _newest(articles):
    dates = [_lastmod(article) for article in articles if _lastmod(article)]
    return max(dates) if dates else None


def _file_date(path, timezone):
    # A page with no Date: when its file last changed is when its content did.
    return datetime.datetime.fromtimestamp(os.path.getmtime(path), tz=timezone)


class SitemapGenerator:
    def __init__(self, context, settings, path, theme, output_path, *args, **kwargs):
        self.context = context
        self.settings = settings
        self.output_path = output_path

    def entries(self):
        """(site-relative URL, lastmod datetime or None) for each page of the sitemap."""
        articles = listed_articles(self.context.get("articles", []))
        newest = _newest(articles)
        entries = [("", newest)]
        for page in self.context.get("pages", []):
            lastmod = _lastmod(page)
            if lastmod is None and newest is not None:
                lastmod = _file_date(page.source_path, newest.tzinfo)
            entries.append((page.url, lastmod))
        for article in sorted(articles, key=_lastmod, reverse=True):
            entries.append((article.url, _lastmod(article)))
        for group in ("categories", "tags", "authors"):
            for wrapper, its_articles in self.context.get(group, []):
                its_articles = listed_articles(its_articles)
                if wrapper.save_as and its_articles:
                    entries.append((wrapper.url, _newest(its_articles)))
        return entries

    def sitemap_xml(self, siteurl):
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        for url, lastmod in self.entries():
            lines.append("  <url>")
            lines.append(f"    <loc>{escape(siteurl + '/' + url)}</loc>")
            if lastmod is not None:
                lines.append(f"    <lastmod>{lastmod.isoformat(timespec='seconds')}</lastmod>")
            lines.append("  </url>")
        lines.append("</urlset>")
        return "\n".join(lines) + "\n"

    def generate_output(self, writer):
        siteurl = (self.settings.get("SITEURL") or "").rstrip("/")
        robots = "User-agent: *\nAllow: /\n"
        if siteurl:
            self._write("sitemap.xml", self.sitemap_xml(siteurl))
            robots += f"\nSitemap: {siteurl}/sitemap.xml\n"
        self._write("robots.txt", robots)

    def _write(self, name, text):
        os.makedirs(self.output_path, exist_ok=True)
        with open(os.path.join(self.output_path, name), "w", encoding="utf-8") as file:
            file.write(text)


def get_generators(pelican_object):
    return SitemapGenerator


def register():
    signals.get_generators.connect(get_generators)
