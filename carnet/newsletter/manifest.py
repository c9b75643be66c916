"""The manifest: every published post as the build saw it, which is all the newsletter reads.

plugins/newsletter_manifest writes it at the end of each production build
(CARNET_NEWSLETTER_MANIFEST, under .carnet/); `invoke publish` reads it right after the
production build, and `newsletter-status`, `-preview` and `-test` read what the last one
left (`newer_sources` says what changed since). Email-only posts (`Newsletter: only`) are in
it although the site does not show them. Its posts are carnet.posts.Post.
"""

import json
import os

from carnet import files
from carnet.i18n import _
from carnet.newsletter.errors import NewsletterError
from carnet.newsletter.paths import project_folder, project_path
from carnet.posts import Post

__all__ = ["Post", "newer_sources", "path", "read", "write"]

VERSION = 1


def path(settings):
    return project_path(settings, "CARNET_NEWSLETTER_MANIFEST")


def write(settings, posts):
    """Write the manifest for `posts` (an iterable of carnet.posts.Post):
    {"version": ..., "siteurl": ..., "posts": [...]}, one post per line.

    Written post by post, each post serialised when its turn comes: made as one string,
    the manifest held a copy of every post's content at once, the largest single cost in
    the production build's peak memory (35 MB at 1000 posts).
    """
    files.write_atomically(path(settings), _pieces(settings, posts))


def _pieces(settings, posts):
    siteurl = json.dumps(settings.get("SITEURL", ""), ensure_ascii=False)
    yield f'{{"version": {VERSION}, "siteurl": {siteurl}, "posts": ['
    separator = "\n"
    for post in posts:
        yield separator + json.dumps(post.to_json(), ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


def read(settings):
    """The posts of the last production build, oldest first. Raises NewsletterError."""
    manifest_path = path(settings)
    try:
        with open(manifest_path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise NewsletterError(
            _(
                "{path} does not exist: the newsletter needs the production build "
                "first: run `invoke preview` (is plugin newsletter_manifest in CARNET_PLUGINS?)"
            ).format(path=manifest_path)
        ) from None
    except ValueError as error:
        raise NewsletterError(
            _("{path} is not valid JSON ({reason}): build again").format(
                path=manifest_path, reason=error
            )
        ) from None
    if data.get("version") != VERSION:
        raise NewsletterError(
            _("{path} has an unknown version: build again").format(path=manifest_path)
        )
    if not data.get("siteurl") or data["siteurl"] != settings.get("SITEURL"):
        raise NewsletterError(
            _(
                "{path} comes from another build (SITEURL {siteurl!r}): e-mails need the "
                "production build's absolute links; run the production build first"
            ).format(path=manifest_path, siteurl=data.get("siteurl"))
        )
    posts = [Post.from_json(item) for item in data["posts"]]
    return sorted(posts, key=lambda post: post.date)


def newer_sources(settings, also=()):
    """The files of the content folder, and of `also` (the settings files), changed since
    the manifest was written, relative to the project folder, newest first; [] when there is
    no manifest (read says so)."""
    try:
        written = os.stat(path(settings)).st_mtime_ns
    except OSError:
        return []
    from carnet.reactions import REACTIONS_FOLDER

    project = project_folder(settings)
    newer = []
    candidates = list(also)
    for folder, subfolders, names in os.walk(settings["PATH"]):
        if folder == settings["PATH"]:
            # Readers' reactions are never in an e-mail: one just added changes none.
            subfolders[:] = [name for name in subfolders if name != REACTIONS_FOLDER]
        candidates += [os.path.join(folder, name) for name in names]
    for candidate in candidates:
        try:
            changed = os.stat(candidate).st_mtime_ns
        except OSError:
            continue
        if changed > written:
            newer.append((changed, os.path.relpath(candidate, project)))
    return [name for _changed, name in sorted(newer, reverse=True)]
