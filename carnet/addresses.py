"""Every file a build will write, and what writes it, known before one is written.

Pelican writes a post over the home page or a feed without a word (`Save_as: index.html`),
turns an image into a folder (`Slug: images/x.png`), or stops half-way with « Is a
directory » (`Slug: sitemap.xml`). Once every generator has read its content,
`planned_files(generators, settings)` lists each file of the site with what writes it, and
`clashes(planned)` finds two writers of one file, or a file that another one needs as a
folder. Pelican's own rules are used to name the files (each content's, tag's, category's
and author's `save_as`, the paginator's pages, the period archives it computed).
"""

import os
from dataclasses import dataclass

from pelican.contents import Static
from pelican.paginator import Paginator

from carnet.defaults import setting
from carnet.i18n import N_, _
from carnet.sources import CONTENT_LISTS, source_name

# Files written after the build, by Carnet itself: the search index (carnet/search.py).
FOLDERS_WRITTEN_LATER = {
    "pagefind": N_("the search index (Pagefind)"),
    "partage": N_("the share images"),  # plugin share_cards, after the pages
}
# The newsletter's own small pages (plugin newsletter_archive), by their SAVE_AS setting.
NEWSLETTER_PAGES = {
    "CARNET_NEWSLETTER_UNSUBSCRIBE_SAVE_AS": N_("the newsletter's unsubscribe page"),
    "CARNET_NEWSLETTER_PREFERENCES_SAVE_AS": N_("the newsletter's preferences page"),
    "CARNET_NEWSLETTER_FORM_SETUP_SAVE_AS": N_("the subscribe form's set-up page"),
}


@dataclass(frozen=True)
class Writer:
    """What writes a file: a source file of the content (`source`), or a part of the site;
    `extra_file`, a file the settings copy to an address of its own (content/extra/)."""

    what: str
    source: str | None = None
    extra_file: str | None = None


def _placed_by_the_settings(static):
    """True for a file copied to an address the settings chose for it, not to its own path
    in the content folder: content/extra/CNAME is published as /CNAME (PATH_METADATA's, or
    EXTRA_PATH_METADATA's, `path` or `save_as`)."""
    return "path" in static.metadata or "save_as" in static.metadata


def _clean(path):
    """`path` as one spelling: no `./`, `//` or leading `/`; a folder keeps its final `/`."""
    text = str(path)
    cleaned = os.path.normpath(text).replace(os.sep, "/").lstrip("/")
    return cleaned + "/" if text.endswith("/") else cleaned


def address(path):
    """The address a reader types for the file at `path` in the output."""
    if path == "index.html":
        return "/"
    if path.endswith("/index.html"):
        return "/" + path[: -len("index.html")]
    return "/" + path


def leads_to(url, save_as):
    """True when a web server answers the address `url` (Pelican's, from SITEURL) with the
    file `save_as`: the same path, or the folder of an index.html, with or without its /."""
    linked, written = str(url).lstrip("/"), str(save_as).lstrip("/")
    if linked == written:
        return True
    if written == "index.html" or written.endswith("/index.html"):
        folder = written[: -len("index.html")]
        return linked in (folder, folder.rstrip("/"))
    return False


def _paginated(name, url, count, template, settings):
    """The file of each page of a list of `count` posts written at `name`."""
    per_page = settings["PAGINATED_TEMPLATES"].get(template, False)
    if per_page is False or not count:
        return [name]
    paginator = Paginator(
        name, url, range(count), settings, per_page or settings["DEFAULT_PAGINATION"]
    )
    return [paginator.page(number).save_as for number in paginator.page_range]


def planned_files(generators, settings):
    """[(file in the output, Writer)] for everything Pelican and Carnet's plugins write."""
    planned = []

    def add(path, writer):
        if path:
            planned.append((_clean(path), writer))

    def add_list(name, url, count, template, what):
        for path in _paginated(name, url, count, template, settings):
            add(path, Writer(what))

    for generator in generators:
        for key in (*CONTENT_LISTS, "staticfiles"):
            for content in getattr(generator, key, None) or []:
                source = source_name(settings, content.source_path)
                if isinstance(content, Static):  # a part of the site, not a post
                    what = _("the file {path}").format(path=source)
                    extra_file = source if _placed_by_the_settings(content) else None
                    add(content.save_as, Writer(what, extra_file=extra_file))
                else:
                    add(content.save_as, Writer(source, source))
        if hasattr(generator, "period_archives"):
            for periods in generator.period_archives.values():
                for period in periods:
                    add(period["save_as"], Writer(_("the archive of a period")))
        for key, what in (
            ("tags", _("the page of the tag « {name} »")),
            ("categories", _("the page of the category « {name} »")),
            ("authors", _("the page of the author « {name} »")),
        ):
            groups = getattr(generator, key, None)
            if not groups:
                continue
            items = groups.items() if isinstance(groups, dict) else groups
            template = key[:-1] if key != "categories" else "category"
            for wrapper, posts in items:
                add_list(
                    wrapper.save_as, wrapper.url, len(posts), template, what.format(name=wrapper)
                )
        if type(generator).__name__ == "ArticlesGenerator":
            _direct_templates(generator, settings, add_list)
            _feeds(generator, settings, add)
    for source, destination in settings.get("TEMPLATE_PAGES", {}).items():
        add(destination, Writer(_("the template page {name}").format(name=source)))
    theme_static = settings.get("THEME_STATIC_DIR")
    if theme_static and settings.get("THEME_STATIC_PATHS"):
        add(os.path.join(theme_static, ""), Writer(_("the theme's files")))
    add("robots.txt", Writer("robots.txt"))
    add("sitemap.xml", Writer(_("the sitemap")))
    add(
        setting(settings, "CARNET_NEWSLETTER_ARCHIVE_SAVE_AS"),
        Writer(_("the archive of the newsletters")),
    )
    for name, what in NEWSLETTER_PAGES.items():
        add(setting(settings, name), Writer(_(what)))
    for folder, what in FOLDERS_WRITTEN_LATER.items():
        add(folder + "/", Writer(_(what)))
    return planned


DIRECT_TEMPLATE_NAMES = {
    "index": "the home page",
    "archives": "the archive page",
    "categories": "the list of categories",
    "tags": "the list of tags",
    "authors": "the list of authors",
    "search": "the search page",
    "404": "the « page not found » page",
}


def _direct_templates(generator, settings, add_list):
    for template in settings["DIRECT_TEMPLATES"]:
        save_as = settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html")
        url = settings.get(f"{template.upper()}_URL", f"{template}.html")
        what = _(DIRECT_TEMPLATE_NAMES.get(template, "the page {name}")).format(name=template)
        add_list(save_as, url, len(generator.articles), template, what)


def _feeds(generator, settings, add):
    feed = _("the feed {path}")
    for name in ("FEED_ATOM", "FEED_RSS", "FEED_ALL_ATOM", "FEED_ALL_RSS"):
        if settings.get(name):
            add(settings[name], Writer(feed.format(path=settings[name])))
    for key, prefix in (("categories", "CATEGORY"), ("authors", "AUTHOR"), ("tags", "TAG")):
        groups = getattr(generator, key, None) or []
        items = groups.items() if isinstance(groups, dict) else groups
        for wrapper, _posts in items:
            for kind in ("ATOM", "RSS"):
                pattern = settings.get(f"{prefix}_FEED_{kind}")
                if pattern:
                    path = str(pattern).format(slug=wrapper.slug)
                    add(path, Writer(feed.format(path=path)))
    for kind in ("ATOM", "RSS"):
        pattern = settings.get(f"TRANSLATION_FEED_{kind}")
        if pattern:
            for lang in {a.lang for a in generator.articles + generator.translations}:
                path = str(pattern).format(lang=lang)
                add(path, Writer(feed.format(path=path)))


def clashes(planned):
    """[(path, Writer, other path, other Writer)]: two writers of one file (the same path
    twice), or a file (the other) that would have to be a folder for the first path."""
    found = []
    files = {}
    folders = set()
    for path, writer in planned:
        if path.endswith("/"):  # a whole folder
            folders.add(path)
        earlier = files.setdefault(path, writer)
        if earlier is not writer and earlier != writer:
            found.append((path, earlier, path, writer))
    for path, writer in planned:
        if path + "/" in folders and files[path + "/"] != writer:  # a file named as a folder
            found.append((path, writer, path + "/", files[path + "/"]))
            continue
        parts = path.rstrip("/").split("/")
        for depth in range(1, len(parts)):
            parent = "/".join(parts[:depth])
            holder = files.get(parent) or files.get(parent + "/")
            if holder is None or holder == writer:
                continue
            if (
                parent + "/" in folders
                and holder.source is None
                and writer.source is None
                and writer.extra_file is None  # content/extra/theme/x.css is the coach's
            ):
                continue  # the site's own files in the site's own folder
            found.append((path, writer, files.get(parent) and parent or parent + "/", holder))
            break
    return found
