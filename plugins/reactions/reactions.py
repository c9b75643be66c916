"""`article.reactions`: readers' reactions, from content/reactions/SLUG/*.md, oldest first.

The files are written by `invoke reaction-add` (carnet/reactions.py) and edited by the
coach; they are not posts: content/reactions/ is in neither ARTICLE_PATHS nor PAGE_PATHS,
this plugin reads them. A Reaction has `.name`, `.date` (aware, site time zone), `.html`
(Markup: the Markdown without raw HTML, links rel="nofollow ugc", French typography),
`.text` (plain text, no Markdown: for JSON-LD), `.email` (only when the file has one) and `.anchor`.
`Status: draft` keeps a reaction off the site. A folder whose name is no post's slug, or
a file that cannot be read, stops the build naming it.

Reactions are not in the post's content: feeds and e-mails do not show them.
"""

import difflib
import logging
import os
import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from pelican import signals

from carnet.defaults import setting
from carnet.i18n import _
from carnet.reactions import REACTIONS_FOLDER, plain_text, render_markdown, split_fields
from carnet.sources import source_name
from carnet.typography import typeset_html, typeset_text

logger = logging.getLogger(__name__)

STATUSES = ("published", "draft")


@dataclass
class Reaction:
    name: str
    date: datetime
    html: Markup
    text: str
    email: str
    anchor: str


def typeset(html, settings, plain=False):
    """French typography (carnet.typography), as on the posts; off with CARNET_TYPOGRAPHY."""
    if not setting(settings, "CARNET_TYPOGRAPHY"):
        return html
    locale = setting(settings, "CARNET_LOCALE")
    return typeset_text(html, locale) if plain else typeset_html(html, locale)


def _parse_date(value, timezone):
    date = datetime.fromisoformat(value.strip())
    if date.tzinfo is None:
        date = date.replace(tzinfo=zoneinfo.ZoneInfo(timezone))
    # Written with another offset (« …T23:30Z »): the same moment in the site's time zone,
    # the day a reader in France saw it.
    return date.astimezone(zoneinfo.ZoneInfo(timezone))


def read_reaction(path, relative, settings):
    """A Reaction, None for a draft; logs an error naming the file and returns None if
    the file is wrong."""
    try:
        with open(path, encoding="utf-8") as file:
            fields, text = split_fields(file.read())
    except UnicodeDecodeError:
        logger.error(_("{path}: is not valid UTF-8 text; save it as UTF-8").format(path=relative))
        return None
    status = fields.get("status", "published").lower()
    if status not in STATUSES:
        logger.error(
            _("{path}: unknown Status {status!r} (use published or draft)").format(
                path=relative, status=status
            )
        )
        return None
    if status == "draft":
        return None
    problem = None
    if not fields.get("name"):
        problem = _("{path}: the reaction has no Name:")
    elif not text:
        problem = _("{path}: the reaction has no text")
    else:
        try:
            date = _parse_date(fields.get("date", ""), settings["TIMEZONE"])
        except ValueError:
            problem = _("{path}: the reaction's Date: is not YYYY-MM-DD HH:MM")
    if problem:
        logger.error(problem.format(path=relative))
        return None
    html = typeset(render_markdown(text), settings)
    return Reaction(
        name=typeset(fields["name"], settings, plain=True),
        date=date,
        html=Markup(html),
        text=typeset(plain_text(text), settings, plain=True),
        email=fields.get("email", ""),
        # A file named by hand may hold spaces (« …-sophie copie.md », a copy made by the
        # Finder): an id may not, nor may the address of the reaction.
        anchor="reaction-" + re.sub(r"\s+", "-", os.path.splitext(os.path.basename(path))[0]),
    )


def attach_reactions(generator):
    settings = generator.settings
    root = os.path.join(settings["PATH"], REACTIONS_FOLDER)
    every_post = generator.articles + generator.hidden_articles + generator.drafts
    by_slug = {post.slug: post for post in every_post}
    # Plugin newsletter_manifest took these out of the site before this runs.
    email_only = {post.slug for post in getattr(generator, "newsletter_only_articles", [])}
    for post in every_post:
        post.reactions = []
    if not os.path.isdir(root):
        return
    # A post Pelican could not read (no title, an impossible date: its own line says so) has
    # no slug yet, and may be the one a folder is for: told once it reads, if still alone.
    unread_posts = None in generator.context["generated_content"].values()
    for slug in sorted(os.listdir(root)):
        folder = os.path.join(root, slug)
        relative = source_name(settings, folder)  # content/reactions/S: the coach's path
        if slug.startswith(".") or not os.path.isdir(folder):
            continue
        post = by_slug.get(slug)
        if post is None and slug in email_only:
            logger.error(
                _(
                    "{path}: the post {slug!r} is sent by e-mail only (Newsletter: only) and has "
                    "no page to show reactions under: move or delete this folder"
                ).format(path=relative, slug=slug)
            )
            continue
        if post is None and unread_posts:
            continue
        if post is None:
            renamed = _renamed_post(slug, every_post, set(by_slug) - set(os.listdir(root)))
            if renamed is not None:
                logger.error(
                    _(
                        "{path}: no post has the slug {slug!r}; if it is the post now at "
                        "{new!r} ({source}), rename this folder {new_path}"
                    ).format(
                        path=relative,
                        slug=slug,
                        new=renamed.slug,
                        source=source_name(settings, renamed.source_path),
                        new_path=source_name(settings, os.path.join(root, renamed.slug)),
                    )
                )
                continue
            logger.error(
                _(
                    "{path}: no post has the slug {slug!r} (a renamed post? move its reactions)"
                ).format(path=relative, slug=slug)
            )
            continue
        found = []
        for name in sorted(os.listdir(folder)):
            if name.endswith(".md") and not name.startswith("."):
                reaction = read_reaction(
                    os.path.join(folder, name), os.path.join(relative, name), settings
                )
                if reaction is not None:
                    found.append(reaction)
        post.reactions = sorted(found, key=lambda reaction: reaction.date)


def _renamed_post(slug, posts, free_slugs):
    """The post a reactions folder named `slug` most likely belongs to, once the post's
    title (so its address) changed: the one whose file still bears that slug, else the
    one whose slug is closest to it; only a post with no reactions folder of its own."""
    candidates = [post for post in posts if post.slug in free_slugs]
    for post in candidates:
        if slug in os.path.basename(post.source_path):
            return post
    close = difflib.get_close_matches(slug, [post.slug for post in candidates], n=1, cutoff=0.75)
    return next((post for post in candidates if post.slug in close), None)


def register():
    signals.article_generator_finalized.connect(attach_reactions)
