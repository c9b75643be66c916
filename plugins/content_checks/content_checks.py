"""Refuse posts that would make the site wrong, warn about ones that look like mistakes.

Errors (the build fails, naming the file): an empty file, a file over
CARNET_MAX_POST_BYTES, a date that is not ISO (« 03/04/2021 » is March or April depending
on who reads it), two posts published at the same URL, a link or image to a file that is
not there. Warnings: metadata Carnet does not know (with the close match), a post with a
title and no text. Pelican itself already rejects a missing title, an impossible date, an
unknown status and text that is not UTF-8.
"""

import difflib
import logging
import os
import re
from collections import defaultdict

from markupsafe import Markup
from pelican import signals

from carnet.defaults import setting
from carnet.pelican_private import html_before_links, intrasite_link_regex
from carnet.readers import wrap_reader_classes

logger = logging.getLogger(__name__)

KNOWN_METADATA = {
    # Pelican's
    "title",
    "date",
    "modified",
    "category",
    "tags",
    "keywords",
    "author",
    "authors",
    "slug",
    "summary",
    "lang",
    "translation",
    "status",
    "template",
    "save_as",
    "url",
    # Carnet's
    "newsletter",
    "newsletter-segment",
    "image",
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{1,2}:\d{2}(:\d{2})?)?\s*(Z|[+-]\d{2}:?\d{2})?$")


def _relative(settings, path):
    return os.path.relpath(path, settings["PATH"])


def checked_reader(reader_class):
    """A subclass of reader_class that refuses empty, huge and ambiguously dated files."""

    class CheckedReader(reader_class):
        def read(self, source_path):
            size = os.path.getsize(source_path)
            if size == 0:
                raise ValueError("the file is empty (a post needs at least Title: and Date:)")
            limit = setting(self.settings, "CARNET_MAX_POST_BYTES")
            if size > limit:
                raise ValueError(
                    f"the file is {size / 1e6:.1f} MB, over the {limit / 1e6:g} MB limit "
                    "(CARNET_MAX_POST_BYTES): is an image pasted into the text?"
                )
            self._checked_path = _relative(self.settings, source_path)
            content, metadata = super().read(source_path)
            if "title" in metadata and not Markup(content or "").striptags().strip():
                logger.warning("%s: the post has a title but no text", self._checked_path)
            return content, metadata

        def process_metadata(self, name, value):
            if name == "date" and not ISO_DATE.match(str(value).strip()):
                raise ValueError(
                    f"the date {value!r} is ambiguous or not a date: write it as "
                    "YYYY-MM-DD, optionally followed by HH:MM"
                )
            if name not in KNOWN_METADATA and hasattr(self, "_checked_path"):
                close = difflib.get_close_matches(name, KNOWN_METADATA, n=1)
                hint = f" (did you mean {close[0].capitalize()}?)" if close else ""
                logger.warning(
                    "%s: unknown metadata %r is ignored%s",
                    self._checked_path,
                    name.capitalize(),
                    hint,
                )
            return super().process_metadata(name, value)

    return CheckedReader


def wrap_readers(readers):
    wrap_reader_classes(readers, checked_reader)


def check_unique_urls(generators):
    by_url = defaultdict(list)
    for generator in generators:
        for content in getattr(generator, "articles", []) + getattr(generator, "pages", []):
            by_url[content.save_as].append(content)
    for contents in by_url.values():
        if len(contents) > 1:
            names = " and ".join(sorted(_relative(c.settings, c.source_path) for c in contents))
            logger.error(
                "%s: these posts would be published at the same address /%s "
                "(give one of them another title or a Slug:)",
                names,
                contents[0].url,
            )


def check_internal_links(page_generator):
    # Runs once articles and pages are read, before the static files are copied: Pelican
    # would otherwise stop on a missing {static} file without saying which post links it.
    context = page_generator.context
    for key in ("articles", "hidden_articles", "pages", "hidden_pages"):
        for content in context.get(key, []):
            _check_links_of(content, context)


def _check_links_of(content, context):
    raw = html_before_links(content)
    if "{" not in raw:
        return
    content_root = content.settings["PATH"]
    for match in intrasite_link_regex(content).finditer(raw):
        what, value = match.group("what"), match.group("value")
        if what not in {"filename", "static", "attach"}:
            continue
        path = value.split("#", 1)[0].split("?", 1)[0]
        if path.startswith("/"):
            path = path[1:]
        else:
            path = content.get_relative_source_path(os.path.join(content.relative_dir, path))
        linked = context["generated_content"].get(path)
        if linked is not None and getattr(linked, "status", "published") != "draft":
            continue
        is_post_source = os.path.splitext(path)[1].lstrip(".") in {"md", "markdown", "html", "rst"}
        if not os.path.isfile(os.path.join(content_root, path)) or is_post_source:
            logger.error(
                "%s: links to {%s}%s, which is not a published post, page or file",
                _relative(content.settings, content.source_path),
                what,
                value,
            )


def register():
    signals.readers_init.connect(wrap_readers)
    signals.all_generators_finalized.connect(check_unique_urls)
    signals.page_generator_finalized.connect(check_internal_links)
