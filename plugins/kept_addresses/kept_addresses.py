"""An address that was emailed keeps working.

The newsletter ledger records the address each post was emailed with (`url`, `save_as`).
When a production build gives such a post another address (its title was edited, its
`Slug:` changed, its file moved), this plugin writes a redirect page at the old address:
a meta refresh, a canonical link and a visible link to the new one (theme template
redirect.html, no JavaScript), at every build, for ever. It says so once, as a build
warning naming the post: the build that first makes that redirect (old address → new)
says it, later ones do not (a publish that builds again for the letters page neither).
What was said is kept in .carnet/kept-addresses.json, by SITEURL, so that a build for
another address (a development build with an http:// SITEURL) has its own « once » and
does not take the production build's; a post moved again is a new redirect, said again.

The post is found in the ledger by source path, slug, or title and date
(carnet.newsletter.ledger.match), as the newsletter finds it to never send it again,
or, renamed and retitled at once, by its date and a close title.
An old address that another page of the site now uses is left to that page, with a warning.
"""

import json
import logging
import os
from urllib.parse import urljoin, urlsplit

import jinja2
from pelican import signals

from carnet import files
from carnet.i18n import _
from carnet.sources import source_name

logger = logging.getLogger(__name__)

TEMPLATE = "redirect.html"
SAID = os.path.join(".carnet", "kept-addresses.json")  # in the project folder
_articles = []


def remember_articles(generator):
    # Hidden posts too (Status: hidden): on the site at their address, listed nowhere, so
    # their emailed address, renamed since, leads to them as a listed post's does.
    _articles[:] = (
        generator.articles
        + generator.translations
        + generator.hidden_articles
        + generator.hidden_translations
    )


def write_redirects(pelican_object):
    settings = pelican_object.settings
    siteurl = settings.get("SITEURL", "")
    articles, _articles[:] = list(_articles), []
    if not siteurl.startswith(("http://", "https://")):
        return  # a development build: the ledger's addresses are the production site's
    entries = _ledger(settings)
    if not entries:
        return
    from carnet.newsletter.ledger import match

    found = match(
        entries,
        (
            (index, _source(article), article.slug, article.title, article.date.isoformat())
            for index, article in enumerate(articles)
        ),
    )
    output = settings["OUTPUT_PATH"]
    template = None
    said, made = _said(settings), {}  # {emailed address: the address it redirects to}
    for index, article in enumerate(articles):
        if index not in found or found[index][1] == "unsure":
            continue  # "unsure": the newsletter stops and asks the coach which post it is
        entry, source = found[index][0], source_name(settings, article.source_path)
        old = entry.get("save_as") or _save_as_of(entry["url"], siteurl)
        if not old or os.path.normpath(old) == os.path.normpath(article.save_as):
            continue
        new_url = urljoin(siteurl + "/", article.url)
        path = os.path.join(output, old)
        if not os.path.abspath(path).startswith(os.path.abspath(output) + os.sep):
            continue
        if os.path.exists(path):
            logger.warning(
                "%s",
                _(
                    "{path}: the address emailed on {day}, {url}, is now another page's; "
                    "it shows that page"
                ).format(path=source, day=entry["sent_at"][:10], url=entry["url"]),
            )
            continue
        template = template or _template(settings)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(
                template.render(
                    title=article.title,
                    url=new_url,
                    SITENAME=settings.get("SITENAME", ""),
                    SITEURL=siteurl,
                    THEME_STATIC_DIR=settings.get("THEME_STATIC_DIR", "theme"),
                )
            )
        made[entry["url"]] = new_url
        if said.get(entry["url"]) != new_url:
            logger.warning(
                "%s",
                _(
                    "{path}: its address changed after it was emailed; {old} now redirects to {new}"
                ).format(path=source, old=entry["url"], new=new_url),
            )
    if made != said:
        _remember(settings, made)


def _said(settings):
    """{emailed address: new address} of the redirects said for this SITEURL; {} when
    none was, or the file cannot be read (each is then said once more)."""
    said = _said_by_site(settings).get(settings["SITEURL"])
    return said if isinstance(said, dict) else {}


def _said_by_site(settings):
    try:
        with open(_said_path(settings), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _remember(settings, made):
    """Keep this build's redirects as this SITEURL's said ones (a redirect no longer made
    is forgotten: made again, it is said again); other SITEURLs' are left as they are."""
    said = _said_by_site(settings)
    said[settings["SITEURL"]] = made
    try:
        files.write_atomically(
            _said_path(settings), json.dumps(said, ensure_ascii=False, indent=2), durable=False
        )
    except OSError:
        pass  # the next build says them again: a message, nothing lost


def _said_path(settings):
    from carnet.newsletter.paths import project_folder

    return os.path.join(project_folder(settings), SAID)


def _source(article):
    return article.get_relative_source_path().replace(os.sep, "/")


def _ledger(settings):
    from carnet.newsletter import ledger
    from carnet.newsletter.paths import project_path

    try:
        return ledger.load(project_path(settings, "CARNET_NEWSLETTER_LEDGER"))
    except ledger.LedgerError as problem:
        logger.error("%s", problem)
        return {}


def _save_as_of(url, siteurl):
    """The file of an address (ledgers written before save_as was recorded)."""
    path = urlsplit(url).path
    base = urlsplit(siteurl).path.rstrip("/") + "/"
    if not path.startswith(base):
        return ""
    relative = path[len(base) :]
    if not relative or relative.endswith("/"):
        return relative + "index.html"
    return relative


def _template(settings):
    folder = os.path.join(settings["THEME"], "templates")
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True)
    return environment.get_template(TEMPLATE)


def register():
    signals.article_generator_finalized.connect(remember_articles)
    signals.finalized.connect(write_redirects)
