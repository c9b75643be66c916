"""Refuse posts that would make the site wrong, warn about ones that look like mistakes.

Errors (the build fails, naming the file, and the line when there is one): an empty file,
a file over CARNET_MAX_POST_BYTES, a control character, a date that is not ISO
(« 03/04/2021 » is March or April depending on who reads it) or that no calendar has, one
before 1970, a Modified: before the Date:, a YAML front matter that does not parse or a
file mixing it with `Title:` lines, a Slug:, Save_as: or Template: that is a path, a Slug:
or Url: with a character an address cannot hold, a Url: that does not lead to what
Save_as: writes (or an empty Save_as:), a title, tag, author or category with no letter to
make an address from, an `Image:` or a linked file that is missing or empty (or outside
the content folder), a link (in the text or the Summary:) to a tag, category or author no
published post has, or of a kind Pelican does not know, a link written as a path
(`images/x.jpg`, not `{static}/…`) where the site has nothing, a Template: the theme does
not have, two things the site would write at one address (two posts, or a post and the
home page, a feed, an image...; a file of content/extra/ and anything of the site), a
symbolic link in an images folder (STATIC_PATHS) to something outside it, a footnote
called with no note, a note never called, or a call in the Summary: (which has no notes),
a link to a reference the post never defines, a [TOC], and an Obsidian link or embed
(« [[note]] », « ![[photo.png]] ») (Markdown leaves each as typed), HTML pasted from Word.
Warnings: metadata Carnet does not know (with the close match), a post with a title and no
text, a symbolic link that loops (skipped), an image over 1 MB a post shows or names as
`Image:` (HEAVY_IMAGE_BYTES). Pelican itself already rejects a missing title, an unknown
status and text that is not UTF-8.
What only drafts have stays off the site: a file only drafts link to, a draft's own
`Save_as:`.

A date written with an offset (`2021-09-30T23:30Z`) is read as that moment in the site's
TIMEZONE (carnet.dates.in_site_time), so that every date of the site has France's day.

Every check here is linear: a post is looked at once, the addresses once for the site.
"""

import difflib
import fnmatch
import functools
import html
import logging
import os
import posixpath
import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from markupsafe import Markup
from pelican import signals
from pelican.contents import Article, Page
from pelican.generators import PelicanTemplateNotFound
from pelican.urlwrappers import Author, Category, Tag, URLWrapper

from carnet import links, readers
from carnet.addresses import address, clashes, leads_to, planned_files
from carnet.dates import in_site_time, long_moment
from carnet.defaults import setting
from carnet.feeds import writes_feeds
from carnet.i18n import N_, _, decimal, reworded
from carnet.pelican_private import html_before_links, intrasite_link_regex
from carnet.posts import (
    MAX_SLUG_LENGTH,
    NOT_IN_AN_ADDRESS,
    as_typed,
    cut_slug,
    image_in_content,
    switch_of,
)
from carnet.settings_check import API_KEY
from carnet.sources import source_name

logger = logging.getLogger(__name__)

# PyYAML's commonest problems in a front matter (English), in Carnet's words; others are
# shown as PyYAML says them.
YAML_PROBLEMS = (
    ("mapping values are not allowed here", N_("a « : » inside a value")),
    ("expected ',' or ']'", N_("a « [ » is not closed by « ] »")),
    ("found character '\\t'", N_("a tab: indent with spaces")),
    ("found unexpected end of stream", N_("a quote is not closed")),
    ("found undefined alias", N_("a value starts with « * »")),
    ("expected <block end>", N_("a line is not indented like the others")),
)

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
# A date of the right form that no calendar has (2021-02-30, 25:00): Pelican said it in
# English (« '2021-02-30' is not a valid date »), a YAML date in Python's words (« day is
# out of range for month »), neither saying what to write.
NO_SUCH_DATE = N_(
    "{value!r} is not a valid date: there is no such day or time; write it as YYYY-MM-DD, "
    "optionally followed by HH:MM"
)
# A post dated 0999-03-01 (for 1999) built, was e-mailed « 1er mars 999 », and wrote
# dates feeds, sitemaps and <time> cannot hold: « 999-03-01 », and Paris's local mean
# time, +00:09:21 (time zones have whole-minute offsets, and the tz database vouches for
# them, since 1970 only).
EARLIEST_YEAR = 1970
# What XML (feeds, sitemap) refuses and no editor shows: C0 controls but tab and line
# ends, DEL and the C1 controls; U+FFFE, U+FFFF and the lone surrogates a YAML escape
# (« \uFFFE ») can write.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# A `Key: value` line of Pelican's metadata (or of YAML, which looks the same).
METADATA_LINE = re.compile(r"^([A-Za-z][A-Za-z_-]*)\s*:(\s|$)")
FRONT_MATTER_FENCE = "---"
FRONT_MATTER_ENDS = {"---", "..."}
# Only the head of a file can hold metadata: the style checks never read further.
HEAD_LINES = 200


def _relative(settings, path):
    return source_name(settings, path)


def _line_of(text, index):
    return text.count("\n", 0, index) + 1


def _check_control_characters(text):
    found = CONTROL_CHARACTER.search(text)
    if found:
        raise ValueError(
            _(
                "line {line}: an invisible control character (U+{code:04X}), often pasted "
                "from another program: delete it"
            ).format(line=_line_of(text, found.start()), code=ord(found.group()))
        )


# Where a Mailchimp API key's data centre starts (-us21), rare in prose: a regex starting
# with a fixed character is searched some 30 times faster than API_KEY, which is tried
# only there.
DATA_CENTRE_START = re.compile(r"-[a-z]+[0-9]")


def _check_api_key(text):
    """A Mailchimp API key pasted in a post would be on the site, in its feeds and in the
    e-mails: said by its line, never shown."""
    for centre in DATA_CENTRE_START.finditer(text):
        start = centre.start() - 32  # the key's 32 digits end at the dash
        if start >= 0 and API_KEY.match(text, start):
            raise ValueError(
                _(
                    "line {line}: a Mailchimp API key, which the site and the e-mails would "
                    "show to everyone: delete it (and make a new key in Mailchimp, Profile → "
                    "Extras → API keys, if this file was shared)"
                ).format(line=_line_of(text, start))
            )


def _metadata_key(line):
    match = METADATA_LINE.match(line)
    return match.group(1).lower() if match and match.group(1).lower() in KNOWN_METADATA else None


def _check_metadata_style(text):
    """Refuse a head mixing a YAML front matter (--- … ---) with `Title:` lines."""
    lines = text.split("\n", HEAD_LINES)[:HEAD_LINES]
    stripped = [line.strip() for line in lines]
    first = next((i for i, line in enumerate(stripped) if line), None)
    if first is None:
        return
    if stripped[first] == FRONT_MATTER_FENCE:
        end = next(
            (i for i in range(first + 1, len(lines)) if stripped[i] in FRONT_MATTER_ENDS), None
        )
        if end is None:
            raise ValueError(
                _(
                    "line {line}: the front matter that starts with --- has no closing --- line"
                ).format(line=first + 1)
            )
        after = next((i for i in range(end + 1, len(lines)) if stripped[i]), None)
        if after is not None and _metadata_key(lines[after]):
            raise ValueError(
                _(
                    "line {line}: « {text} » comes after the front matter (--- … ---): "
                    "write every field in one style, between the --- lines"
                ).format(line=after + 1, text=stripped[after])
            )
    elif _metadata_key(lines[first]):
        blank = next((i for i in range(first, len(lines)) if not stripped[i]), None)
        if blank is None:
            return
        after = next((i for i in range(blank, len(lines)) if stripped[i]), None)
        if (
            after is not None
            and stripped[after] == FRONT_MATTER_FENCE
            and after + 1 < len(lines)
            and _metadata_key(lines[after + 1])
        ):
            raise ValueError(
                _(
                    "line {line}: a front matter (--- … ---) after the « Title: » lines: "
                    "write every field in one style"
                ).format(line=after + 1)
            )


def _local_file(settings, value):
    """The file in the content folder that an `Image:` or a link names, or None for a URL."""
    path = image_in_content(value)
    if "://" in path or path.startswith("//") or not path:
        return None
    return os.path.join(settings["PATH"], path)


def _check_image(settings, value):
    path = _local_file(settings, value)
    if path is None:
        return
    # The share image is a crop of it: `Image: ../../photo.jpg` published a file from
    # outside the project.
    if not os.path.abspath(path).startswith(os.path.abspath(settings["PATH"]) + os.sep):
        raise ValueError(
            _(
                "Image: {image} is outside the content folder: copy the image into "
                "content/images/ and write Image: images/its-name.jpg"
            ).format(image=value)
        )
    if os.path.isdir(path):
        raise ValueError(
            _(
                "Image: {image} is a folder: name the image in it, e.g. Image: images/photo.jpg"
            ).format(image=value)
        )
    if not os.path.isfile(path):
        on_disk = _written_otherwise(path)
        if on_disk:
            raise ValueError(
                _("Image: {image} is {problem}").format(
                    image=value, problem=_(WRITTEN_OTHERWISE).format(name=on_disk)
                )
            )
        raise ValueError(
            _("Image: {image} is not in the content folder ({where} does not exist)").format(
                image=value, where=source_name(settings, path)
            )
        )
    if os.path.getsize(path) == 0:
        raise ValueError(
            _("Image: {image} is an empty file (0 bytes): copy the image again").format(image=value)
        )
    kind = _not_shown_by_browsers(value)
    if kind:
        raise ValueError("Image: " + _(NOT_SHOWN).format(image=value, kind=kind))


# A name typed in the post as the coach sees it, the file's own name with the same letters
# written another way: macOS may write an accent apart from its letter (« e » then « ´ »,
# Unicode's NFD), a keyboard writes « é » whole. Two names to Linux, where the site is built.
WRITTEN_OTHERWISE = N_(
    "written another way on disk: the file is named {name}, the same letters with their "
    "accents written apart (as macOS may write them): copy that name into the post, or "
    "rename the file by typing its name"
)


def _written_otherwise(path):
    """The name of a file beside `path` whose name is `path`'s written another way, or None."""
    folder, name = os.path.split(path)
    wanted = unicodedata.normalize("NFC", name)
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    for found in names:
        if found != name and unicodedata.normalize("NFC", found) == wanted:
            return found
    return None


def _is_a_path(value):
    text = str(value)
    return "/" in text or "\\" in text or ".." in text


# One word of an address: letters (accented too), digits, « - », « _ » and « . ». A space,
# « # » or « ? » in a Slug: went as it was into every link to the post (a « # » ends the
# path: the link led to another page), its canonical link and the sitemap.
ADDRESS_WORD = re.compile(r"[\w.-]+")


def _check_address_fields(metadata):
    slug = metadata.get("slug")
    if slug is not None and (
        _is_a_path(slug) or str(slug).strip() in {".", ""} or not ADDRESS_WORD.fullmatch(str(slug))
    ):
        raise ValueError(
            _(
                "Slug: {slug} is not a word of an address: write only letters, digits and "
                "dashes, e.g. Slug: mon-billet"
            ).format(slug=slug)
        )
    url = metadata.get("url")
    if url is not None and NOT_IN_AN_ADDRESS.search(str(url)):
        raise ValueError(
            _(
                "Url: {url} cannot be written in an address as it is (a space, « # », « ? », "
                "« % »…): write only letters, digits, dashes and /, e.g. Url: 2021/mon-billet/"
            ).format(url=url)
        )
    save_as = metadata.get("save_as")
    if save_as is not None:
        text = str(save_as)
        if text.startswith(("/", "\\")) or ".." in text.replace("\\", "/").split("/"):
            raise ValueError(
                _("Save_as: {save_as} points outside the site: remove it, or write a Slug:").format(
                    save_as=save_as
                )
            )
    template = metadata.get("template")
    if template is not None and _is_a_path(template):
        raise ValueError(
            _("Template: {template} is a path: name one of the theme's templates").format(
                template=template
            )
        )


def _check_language(metadata, settings):
    """A Lang: other than the site's: Pelican took the post for a translation, published it
    at another address ({slug}-{lang}.html) and listed it everywhere in pages saying they
    are French (the theme, its words and its typography are French)."""
    lang = metadata.get("lang")
    if lang is None or str(lang) == settings.get("DEFAULT_LANG"):
        return
    raise ValueError(
        _(
            "Lang: {lang} is not the site's language ({site}): Carnet would publish the post "
            "at another address ({slug}-{lang}.html) in pages that say they are in {site}; "
            'remove the Lang: line, and mark a passage in another language with {{: lang="en" }} '
            'on the line under its paragraph, or <span lang="en">…</span> in a sentence'
        ).format(lang=lang, site=settings.get("DEFAULT_LANG"), slug="{slug}")
    )


def _yaml_scalar(value):
    """A YAML value as the text Pelican expects (`newsletter: no` is False in YAML, and
    `title: 2022-01-01` a date)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or isinstance(value, (str, list)):
        return value  # a list of authors: the YAML plugin makes it `authors`
    return str(value)


TEXT_FIELDS = {"title", "slug", "summary", "status", "template", "save_as", "url", "image"}
TEXT_FIELDS |= {"lang", "newsletter", "newsletter-segment", "category", "author"}
# Fields that may be a list, of texts (README: `tags: [a, b]`; `author: [a, b]` is read
# as authors).
LIST_FIELDS = {"tags", "authors", "keywords", "author"}
SINGLE_VALUE_FIELDS = (TEXT_FIELDS - LIST_FIELDS) | {"date", "modified"}
# The longest value quoted back in a message.
QUOTED_LENGTH = 60


def _as_yaml(value):
    import yaml

    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    text = text.strip()
    return text if len(text) <= QUOTED_LENGTH else text[: QUOTED_LENGTH - 1] + "…"


def _check_yaml_value(key, name, value):
    """Refuse a YAML value Pelican and the theme cannot use, naming the field: a list or a
    « name: value » table where text is expected (`title: [a, b]` crashed the build far from
    the post), and a control character a YAML escape (`"\\x01"`) decoded, which the check
    of the file's text cannot see (the feeds refused it later, naming another post)."""
    items = value if isinstance(value, list) else [value]
    if isinstance(value, (list, dict)) and name in SINGLE_VALUE_FIELDS:
        if isinstance(value, list):
            message = _(
                "{name} is a list ({value}); write it as text (between quotes if it starts with [)"
            )
        else:
            message = _(
                "{name} is a list of « name: value » fields ({value}); write it as text "
                "(between quotes if it holds « : » or starts with {{)"
            )
        raise ValueError(message.format(name=key, value=_as_yaml(value)))
    if name in LIST_FIELDS and any(isinstance(item, (list, dict)) for item in items):
        raise ValueError(
            _("{name} is not a list of texts ({value}); write it as [a, b]").format(
                name=key, value=_as_yaml(value)
            )
        )
    for item in items:
        if isinstance(item, str):
            found = CONTROL_CHARACTER.search(item)
            if found:
                raise ValueError(
                    _(
                        "{name}: an invisible control character (U+{code:04X}) in the value "
                        "(a YAML escape such as \\x01 writes one): delete it"
                    ).format(name=key, code=ord(found.group()))
                )


def _raw_yaml_value(text, name):
    """The value of field `name` as written in the front matter `text`, for a message."""
    # The spaces after the value taken off after the search: a lazy « (.*?)\s*$ » read
    # the spaces to the line's end from each of them (20 000 before a « # comment »: 0.86 s).
    found = re.search(rf"^{re.escape(name)}\s*:\s*(.*)$", text, re.M | re.I)
    return found.group(1).rstrip() if found else ""


def _check_dates(metadata, settings):
    """A post's dates in the site's time zone (in_site_time), none before 1970, and its
    Modified: not before its Date: (the feeds said the post was updated before it was
    published, and the sitemap and JSON-LD gave it a last change before its date)."""
    for name in ("date", "modified"):
        value = metadata.get(name)
        if not isinstance(value, datetime):
            continue
        value = metadata[name] = in_site_time(value, settings)
        if value.year < EARLIEST_YEAR:
            raise ValueError(
                _(
                    "{name}: {day} is before {year}: is the year mistyped? Write the date "
                    "as YYYY-MM-DD, optionally followed by HH:MM"
                ).format(name=name.capitalize(), day=value.date().isoformat(), year=EARLIEST_YEAR)
            )
    date, modified = metadata.get("date"), metadata.get("modified")
    if isinstance(date, datetime) and isinstance(modified, datetime) and modified < date:
        raise ValueError(
            _(
                "Modified: {modified} is before Date: {date}; Modified: says when the post "
                "was last changed, after its date: correct it, or remove the line"
            ).format(modified=f"{modified:%Y-%m-%d %H:%M}", date=f"{date:%Y-%m-%d %H:%M}")
        )


@functools.cache
def _yaml_loader():
    """YAML's safe loader, but a date no calendar has (`date: 2021-02-30`) is one line in
    Carnet's words: PyYAML let Python's « day is out of range for month » through."""
    import yaml

    def timestamp(loader, node):
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except ValueError:
            raise ValueError(_(NO_SUCH_DATE).format(value=node.value)) from None

    class DatesChecked(yaml.SafeLoader):
        pass

    DatesChecked.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return DatesChecked


def checked_reader(reader_class):
    """A subclass of reader_class that refuses empty, huge and ambiguously dated files."""

    class CheckedReader(reader_class):
        def read(self, source_path):
            size = os.path.getsize(source_path)
            if size == 0:
                raise ValueError(_("the file is empty (a post needs at least Title: and Date:)"))
            limit = setting(self.settings, "CARNET_MAX_POST_BYTES")
            if size > limit:
                raise ValueError(
                    _(
                        "the file is {size} MB, over the {limit} MB limit "
                        "(CARNET_MAX_POST_BYTES): is an image pasted into the text?"
                    ).format(size=decimal(size / 1e6), limit=decimal(limit / 1e6))
                )
            self._checked_path = _relative(self.settings, source_path)
            with open(source_path, "rb") as source:
                raw = source.read()
            try:
                text = raw.decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
            except UnicodeDecodeError:
                text = None  # Pelican's own read says where
            if text is not None:
                if not text or text.isspace():  # isspace stops at the first letter
                    raise ValueError(
                        _("the file is empty (a post needs at least Title: and Date:)")
                    )
                _check_control_characters(text)
                _check_api_key(text)
                _check_metadata_style(text)
            self._checked_text = text
            content, metadata = super().read(source_path)
            _check_dates(metadata, self.settings)
            for name in metadata:
                if name not in KNOWN_METADATA:
                    close = difflib.get_close_matches(name, KNOWN_METADATA, n=1)
                    hint = (
                        _(" (did you mean {name}?)").format(name=close[0].capitalize())
                        if close
                        else ""
                    )
                    logger.warning(
                        _("{path}: unknown metadata {name!r} is ignored{hint}").format(
                            path=self._checked_path, name=name.capitalize(), hint=hint
                        )
                    )
            _check_address_fields(metadata)
            _check_language(metadata, self.settings)
            _check_footnotes(content, metadata)
            _check_references(content, metadata)
            _check_wiki_links(content, metadata)
            _check_word_html(content)
            _check_images(content, metadata, self._checked_path)
            if "title" in metadata and not _has_text_or_media(content):
                logger.warning(
                    _("{path}: the post has a title but no text").format(path=self._checked_path)
                )
            return content, metadata

        def process_metadata(self, name, value):
            if isinstance(value, list) and name in SINGLE_VALUE_FIELDS:
                # Two « Title: » lines: Pelican would keep both, as a list, and stop far
                # from the post (« unhashable type: 'list' »).
                raise ValueError(
                    _("{name}: written on {count} lines ({values}); keep one").format(
                        name=name.capitalize(),
                        count=len(value),
                        values=", ".join(f"« {item} »" for item in value),
                    )
                )
            if name in {"date", "modified"}:
                if not ISO_DATE.match(str(value).strip()):
                    raise ValueError(
                        _(
                            "the date {value!r} is ambiguous or not a date: write it as "
                            "YYYY-MM-DD, optionally followed by HH:MM"
                        ).format(value=value)
                    )
                try:
                    return super().process_metadata(name, value)
                except ValueError:
                    raise ValueError(_(NO_SUCH_DATE).format(value=value)) from None
            return super().process_metadata(name, value)

        def _load_yaml_metadata(self, text, source_path):
            # Plugin yaml_metadata logs a YAML error and carries on with no metadata at
            # all (the post is then « missing a title »): here it stops, naming the line.
            import yaml

            whole = self._checked_text or ""
            first_line = _line_of(whole, max(whole.find(text), 0))
            try:
                metadata = yaml.load(text, Loader=_yaml_loader())
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                line = first_line + mark.line if mark else first_line
                problem = getattr(error, "problem", None) or str(error).split("\n", 1)[0]
                problem = reworded(problem, YAML_PROBLEMS)
                raise ValueError(
                    _(
                        "line {line}: the front matter (--- … ---) is not valid YAML: {problem} "
                        "(a value holding « : » or « # » goes between quotes)"
                    ).format(line=line, problem=problem)
                ) from None
            if not isinstance(metadata, dict):
                raise ValueError(
                    _(
                        "line {line}: the front matter (--- … ---) is not a list of "
                        "« name: value » fields"
                    ).format(line=first_line)
                )
            fields = {}
            for key, value in metadata.items():
                name = str(key).lower()
                _check_yaml_value(key, name, value)
                if name == "status" and isinstance(value, bool):
                    # `status: true`: Pelican's « Unknown status » quotes what was written.
                    value = _raw_yaml_value(text, str(key))
                elif name in TEXT_FIELDS:
                    value = _yaml_scalar(value)
                if name in {"date", "modified"} and isinstance(value, str):
                    self.process_metadata(name, value)  # the same ISO rule
                if name in {"tags", "authors", "keywords"} and isinstance(value, str):
                    value = [item.strip() for item in value.split(",") if item.strip()]
                fields[name] = value
            return self._parse_yaml_metadata(fields, source_path)

    return CheckedReader


def check_address_of(content):
    """A post's or page's address: at most 80 characters, and not empty; the addresses of
    its tags, authors and category too, and its tags one per address."""
    if not isinstance(content, (Article, Page)) or not hasattr(content, "title"):
        return  # Pelican says what a post without a title lacks
    slug = getattr(content, "slug", None)
    if slug and len(slug) > MAX_SLUG_LENGTH:
        content.slug = cut_slug(slug)
    if not slug and not content.metadata.get("save_as"):
        raise ValueError(
            _(
                "the title « {title} » has no letter or digit to make an address of: "
                "add a line « Slug: » with a few words, e.g. Slug: mon-billet"
            ).format(title=getattr(content, "title", ""))
        )
    if content.status != "draft":  # a draft is written nowhere (keep_drafts_off_the_site)
        _check_own_address(content)
    names = [
        *(getattr(content, "tags", None) or []),
        *(getattr(content, "authors", None) or []),
        getattr(content, "category", None),
    ]
    for name in names:
        if not isinstance(name, URLWrapper):
            continue
        # Pelican would write the page of a tag « 😀 » at etiquette//, and warn naming no
        # post; that of a 300-character name in a folder no disk takes.
        if not _slug_without_warning(name):
            raise ValueError(_(NO_LETTER[type(name)]).format(name=as_typed(name)))
        if len(name.slug) > MAX_SLUG_LENGTH:
            name.slug = cut_slug(name.slug)
    _one_per_address(content, "tags")
    _one_per_address(content, "authors")


def _check_own_address(content):
    """A post's or page's `Url:` leads to the file its `Save_as:` writes. Pelican takes
    either line as it is: with only one, or two that disagree, the page was written at one
    address and linked (lists, feeds, sitemap, canonical link, e-mails) at another."""
    if "save_as" not in content.metadata and "url" not in content.metadata:
        return
    linked = "/" + content.url.lstrip("/")
    if not content.save_as:
        raise ValueError(
            _(
                "Save_as: is empty, so its page is written nowhere, but it is listed at "
                "{linked}: every link to it would lead nowhere; remove the line (Status: "
                "draft keeps a post off the site)"
            ).format(linked=linked)
        )
    if not leads_to(content.url, content.save_as):
        raise ValueError(
            _(
                "its address is {linked}, but its page is written at {written} (Url: and "
                "Save_as: disagree): every link to it, e-mailed ones too, would lead "
                "nowhere; write the two so that they agree (Url: mon-billet/ with Save_as: "
                "mon-billet/index.html), or neither"
            ).format(linked=linked, written=address(content.save_as.lstrip("/")))
        )


def _one_per_address(content, field):
    """Tags (or authors) that make one address (« Été, ete, été »: etiquette/ete/) kept
    once, as first written. Pelican keeps each spelling: the post's page linked the tag's
    page three times, and that page listed the post three times. Here, once the slugs are
    cut, so that the content's tags and authors are right wherever they are shown (pages,
    feeds, e-mail)."""
    names = getattr(content, field, None)
    if not names:
        return
    by_address = {}
    for name in names:
        by_address.setdefault(getattr(name, "slug", name), name)
    if len(by_address) < len(names):
        setattr(content, field, list(by_address.values()))
        content.metadata[field] = getattr(content, field)


def _slug_without_warning(name):
    # Pelican's « Unable to generate valid slug for Tag "😀" » names no post: the error
    # check_address_of raises instead does.
    pelican_log = logging.getLogger("pelican.urlwrappers")
    was_disabled, pelican_log.disabled = pelican_log.disabled, True
    try:
        return name.slug
    finally:
        pelican_log.disabled = was_disabled


NO_LETTER = {
    Tag: N_("the tag « {name} » has no letter or digit to make an address of: add a word to it"),
    Author: N_(
        "the author « {name} » has no letter or digit to make an address of: add a word to it"
    ),
    Category: N_(
        "the category « {name} » has no letter or digit to make an address of: add a word to it"
    ),
}


def check_image_of(content):
    """A post's or page's `Image:` is a file of the content folder, not empty. Checked at
    every build, not as the post is read: a post from the content cache is not read again,
    and its image may have been deleted since."""
    if isinstance(content, (Article, Page)) and content.metadata.get("image"):
        _check_image(content.settings, content.metadata["image"])


def skip_symlink_loops(pelican_object):
    """Leave out every link to a folder that contains it; say so once per link.

    Pelican follows links when it looks for posts: `ln -s . content/posts/loop` made it
    read every post again under posts/loop/loop/… until the path was too long."""
    settings = pelican_object.settings
    root = os.path.abspath(settings["PATH"])
    loops = []

    def walk(folder, ancestors):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            if not entry.is_dir(follow_symlinks=True):
                continue
            real = os.path.realpath(entry.path)
            if entry.is_symlink() and (real in ancestors or real == root):
                loops.append(os.path.relpath(entry.path, root))
                continue
            if real in ancestors:
                continue
            walk(entry.path, ancestors | {real})

    walk(root, frozenset({os.path.realpath(root)}))
    for link in loops:
        logger.warning(
            _("{path}: a link to a folder that contains it (a loop): skipped").format(
                path=source_name(settings, link)
            )
        )
        for name in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES", "STATIC_EXCLUDES"):
            settings[name] = [*settings.get(name, []), link]


def _ignored(name, ignored):
    """Whether Pelican leaves out a file or folder so named (IGNORE_FILES, as its generators
    match it: on the name alone)."""
    return any(fnmatch.fnmatch(name, pattern) for pattern in ignored)


def refuse_links_out_of_static_folders(pelican_object):
    """A symbolic link in a STATIC_PATHS folder to a file or folder outside it is an error.

    Pelican follows links and copies what they point to: content/images/host.txt, a link to
    /etc/hostname, was published, and a link to ~/Documents would publish every file there."""
    settings = pelican_object.settings
    root = os.path.abspath(settings["PATH"])
    ignored = settings.get("IGNORE_FILES") or []
    for folder in settings.get("STATIC_PATHS", []):
        top = os.path.join(root, folder)
        real_top = os.path.realpath(top)
        for parent, folders, files in os.walk(top):  # a link to a folder is listed, not entered
            # What Pelican leaves out (a hidden file or folder) is not published: not looked
            # at, as extra/.well-known, a STATIC_PATHS folder of its own, is not twice.
            folders[:] = [name for name in folders if not _ignored(name, ignored)]
            files = [name for name in files if not _ignored(name, ignored)]
            for name in folders + files:
                path = os.path.join(parent, name)
                real = os.path.realpath(path)
                inside = real.startswith(real_top + os.sep)
                loop = (real_top + os.sep).startswith(real + os.sep)  # skip_symlink_loops'
                if not os.path.islink(path) or inside or loop:
                    continue
                logger.error(
                    _(
                        "{path}: a symbolic link to {target}, outside {folder}: the site would "
                        "publish what it points to; copy the file into {folder}, or remove the link"
                    ).format(
                        path=source_name(settings, path),
                        target=real,
                        folder=source_name(settings, top),
                    )
                )
                if name in folders:  # never copied, however big (Pelican skips no file link)
                    settings["STATIC_EXCLUDES"] = [
                        *settings.get("STATIC_EXCLUDES", []),
                        os.path.relpath(path, root),
                    ]


class StopBeforeWriting(Exception):
    """Raised once the problems are logged: nothing of the site is written."""


def _check_templates(generators):
    problems = 0
    for generator in generators:
        if not hasattr(generator, "get_template"):
            continue
        for key in ("articles", "hidden_articles", "pages", "hidden_pages"):
            for content in getattr(generator, key, None) or []:
                name = content.metadata.get("template")
                if not name:
                    continue
                try:
                    generator.get_template(name)
                except PelicanTemplateNotFound:
                    known = [
                        os.path.splitext(t)[0]
                        for t in generator.env.list_templates()
                        if "/" not in t and t.endswith(".html")
                    ]
                    close = difflib.get_close_matches(name, known, n=1)
                    hint = _(" (did you mean {name}?)").format(name=close[0]) if close else ""
                    logger.error(
                        _("{path}: Template: {name} is not a template of the theme{hint}").format(
                            path=source_name(content.settings, content.source_path),
                            name=name,
                            hint=hint,
                        )
                    )
                    problems += 1
    return problems


def _report_extra_file_clash(path, extra, other_path, other):
    """A file the settings copy to an address of its own (content/extra/) never replaces
    a part of the site, nor a post's or page's page: it is named, whatever it meets."""
    what = _("the page of {path}").format(path=other.source) if other.source else other.what
    if other_path == path:
        message = _(
            "{path}: would be copied to {address}, which is the address of {what}: "
            "rename the file, or remove it"
        )
    else:  # one would have to be a folder holding the other
        message = _(
            "{path}: would be copied to {address}, in the way of {what} at {other}: "
            "rename the file, or remove it"
        )
    logger.error(
        message.format(
            path=extra.extra_file, address=address(path), what=what, other=address(other_path)
        )
    )


def _report_clash(path, first, other_path, second):
    if first.extra_file:
        _report_extra_file_clash(path, first, other_path, second)
    elif second.extra_file:
        _report_extra_file_clash(other_path, second, path, first)
    elif first.source and second.source:
        one, other = sorted((first.source, second.source))
        names = _("{first} and {second}").format(first=one, second=other) if one != other else one
        logger.error(
            _(
                "{names}: these posts would be published at the same address {address} "
                "(give one of them another title or a Slug:)"
            ).format(names=names, address=address(path))
        )
    elif first.source or second.source:
        post, other = (first, second) if first.source else (second, first)
        post_path, other_path = (path, other_path) if first.source else (other_path, path)
        if other_path == post_path:
            message = _(
                "{path}: would be written at {address}, which is {what}: give it another "
                "title or a Slug: (or remove its Save_as:)"
            )
        else:  # one would have to be a folder holding the other
            message = _(
                "{path}: would be written at {address}, in the way of {what} at {other}: "
                "give it another title or a Slug: (or remove its Save_as:)"
            )
        logger.error(
            message.format(
                path=post.source,
                address=address(post_path),
                what=other.what,
                other=address(other_path),
            )
        )
    else:
        logger.error(
            _("settings: {first} and {second} would both be written at {address}").format(
                first=first.what, second=second.what, address=address(path)
            )
        )


def check_addresses(generators):
    """Stop the build, before anything is written, if a template is missing or two parts
    of the site would be written at one address; say each link written as a path that
    leads nowhere on the site, and each heavy image one shows."""
    settings = generators[0].settings
    problems = _check_templates(generators)
    planned = planned_files(generators, settings)
    check_links_by_path(generators[0].context, settings, planned)
    found = clashes(planned)
    reported = set()
    for path, first, other_path, second in found:
        key = frozenset({first, second})
        if key not in reported:
            reported.add(key)
            _report_clash(path, first, other_path, second)
    if problems or found:
        raise StopBeforeWriting(_("the site was not written"))


# A {tag}, {category} or {author} link: the list (context key) it must name one of, and
# what Pelican makes its address with.
LISTED_LINKS = {
    "tag": ("tags", Tag),
    "category": ("categories", Category),
    "author": ("authors", Author),
}


UNLISTED = {
    "tag": N_("not a tag of any published post"),
    "category": N_("not the category of any published post"),
    "author": N_("not the author of any published post"),
}
PERCENT_CODES = N_("written with %-codes, which Pelican keeps in the address: write {link}")
POST_AS_A_FILE = N_("the text of a post or page, not a file: link it with {filename}")
UNKNOWN_KIND = N_(
    "not a kind of link Pelican knows ({filename}, {static}, {attach}, {tag}, {category}, "
    "{author}, {index})"
)


# An image a post shows that weighs more than this: a photo straight from a phone (3 to 12
# MB, 4000 pixels wide) or a screenshot saved as a large PNG, which every reader downloads
# whole, on the site and in the e-mail, on a phone too. The text column is at most 640
# pixels wide (the e-mail's 560), some 1300 of the screen's own pixels on a phone or a
# Retina screen: a photo exported 2000 pixels wide as JPEG weighs some 300 to 600 KB, and
# 1 MB is twice that. Only the file's size is looked at (a stat Pelican's check makes
# already): no image is opened.
HEAVY_IMAGE_BYTES = 1_000_000
# The start of a tag showing the file its attribute names as an image (Pelican's regex's
# "markup" group: the tag up to the attribute's « = »): « <img … src= », « <video … poster= ».
SHOWN_AS_AN_IMAGE = re.compile(r"<(?:img\b[^>]*\ssrc|video\b[^>]*\sposter)\s*=\s*$", re.I)
HEAVY_IMAGE = N_(
    "{path}: shows {image}, a file of {size} MB, which each reader downloads whole to see "
    "it, on a phone too: export it at 2000 pixels wide (as JPEG for a photo: some 300 KB) and "
    "show that file"
)


def check_internal_links(page_generator):
    # Runs once articles and pages are read, before the static files are copied: Pelican
    # would otherwise stop on a missing {static} file without saying which post links it.
    context = page_generator.context
    listed = {what: _slugs(context.get(key, ())) for what, (key, _kind) in LISTED_LINKS.items()}
    heavy = {}  # each image over HEAVY_IMAGE_BYTES: (its link, the first post showing it, size)
    _heavy_images_named.clear()
    for key in ("articles", "hidden_articles", "email_only_articles", "pages", "hidden_pages"):
        for content in context.get(key, []):
            _check_links_of(content, context, listed, heavy)
            _note_heavy_image_field(content, heavy)
    _say_heavy_images(heavy)
    # An image also shown by a link written as a path is not named again (check_links_by_path).
    _heavy_images_named.update(os.path.abspath(path) for path in heavy)


_heavy_images_named = set()  # the files check_internal_links named, in this build


def _say_heavy_images(heavy):
    """One line per file, however many posts show it."""
    for link, content, size in heavy.values():
        logger.warning(
            _(HEAVY_IMAGE).format(
                path=_relative(content.settings, content.source_path),
                image=link,
                size=decimal(size / 1e6),
            )
        )


def _note_heavy_image_field(content, heavy):
    """A post's `Image:` is at the top of its e-mail; on the site, only its share card (a
    small copy) is shown, and a page is not e-mailed."""
    if not isinstance(content, Article) or switch_of(content) == "no":
        return
    image = content.metadata.get("image")
    if image:
        _note_heavy_file(_local_file(content.settings, image), f"Image: {image}", content, heavy)


def _note_heavy_file(source, link, content, heavy):
    """`source` (a file of the content folder, or None) in `heavy` if it is over
    HEAVY_IMAGE_BYTES and was not named already."""
    source = source and os.path.abspath(source)
    if not source or source in heavy or source in _heavy_images_named:
        return
    try:
        size = os.path.getsize(source)
    except OSError:
        return  # missing: check_image_of or the link checks said it
    if size > HEAVY_IMAGE_BYTES:
        heavy[source] = (link, content, size)


def keep_drafts_off_the_site(generator):
    """A draft (or a post dated later) is written nowhere, whatever its Save_as: or Url:.

    DRAFT_SAVE_AS and DRAFT_PAGE_SAVE_AS are empty (pelicanconf.py), so Pelican writes no
    draft; but a draft's own `Save_as:` line wins over them: Pelican wrote the draft there,
    in the search index, deployed at an address anyone could guess. Without it, the draft
    has the drafts' address, as every other draft."""
    for name in ("drafts", "drafts_translations", "draft_pages", "draft_translations"):
        for draft in getattr(generator, name, ()):
            vars(draft).pop("override_save_as", None)
            vars(draft).pop("override_url", None)


def leave_out_files_only_drafts_link(static_generator):
    """A file that only drafts (and posts dated later) link to is not published.

    Pelican copies every file of STATIC_PATHS and every file a post links with {static} or
    {attach}, a draft's too: the photo of a post planned for next week was online before
    the post (a folder listing shows it), a draft's link to content/clientes/devis.pdf,
    outside STATIC_PATHS, put the quote online, and one with `..` (unchecked in a draft)
    wrote outside the site. A file nothing links to is still published (a PDF the letters
    link to)."""
    context = static_generator.context
    drafts = [*context.get("drafts", []), *context.get("draft_pages", [])]
    linked_by_drafts = {
        posixpath.normpath(path) for draft in drafts for path in draft.get_static_links()
    }
    if not linked_by_drafts:
        return
    # What the site shows: its posts' and pages' links (an e-mail-only post's are in its
    # e-mail), and the authors' photos (CARNET_AUTHORS).
    authors = static_generator.settings.get("CARNET_AUTHORS") or {}
    shown = {str(info.get("photo") or "").lstrip("/") for info in authors.values()}
    for key in ("articles", "hidden_articles", "email_only_articles", "pages", "hidden_pages"):
        for content in context.get(key, []):
            shown |= content.get_static_links()
    only_drafts = linked_by_drafts - {posixpath.normpath(path) for path in shown if path}
    static_generator.staticfiles = [
        static
        for static in static_generator.staticfiles
        if posixpath.normpath(static.get_relative_source_path()) not in only_drafts
    ]
    context["staticfiles"] = static_generator.staticfiles


# An author's photo that is an address of another site: not a file of content/ to look for.
ELSEWHERE = ("http://", "https://", "//")


def check_author_photos(static_generator):
    """A CARNET_AUTHORS photo that is no file the site publishes showed as a broken image
    under every post of that author: one line for each, naming the file looked for. Judged
    against the files the site copies (their addresses), so a photo of content/extra/,
    published at the site's root, is found where the theme links it."""
    authors = setting(static_generator.settings, "CARNET_AUTHORS")
    photos = {
        name: str(info.get("photo") or "")
        for name, info in authors.items()
        if info.get("photo") and not str(info["photo"]).startswith(ELSEWHERE)
    }
    if not photos:
        return
    published = {
        posixpath.normpath(unquote(static.save_as)) for static in static_generator.staticfiles
    }
    content = os.path.basename(static_generator.settings["PATH"])
    for name, photo in photos.items():
        path = posixpath.normpath(unquote(photo).lstrip("/"))
        if path not in published:
            logger.error(
                _(
                    "CARNET_AUTHORS: the photo of « {name} », {photo}, is not in the site (no "
                    "file {content}/{path}): every post by this author would show a broken "
                    "image; put the photo there, or correct its path (relative to {content}/)"
                ).format(name=name, photo=photo, content=content, path=path)
            )


def _slugs(pairs):
    """The slugs of Pelican's tags, categories or authors: (name, posts) pairs or a dict."""
    return {name.slug for name, _posts in (pairs.items() if isinstance(pairs, dict) else pairs)}


def _check_links_of(content, context, listed, heavy):
    # A `Summary:` is Markdown too, and Pelican replaces its links the same way: shown on
    # every list, a link there to a draft would be an empty address.
    raw = html_before_links(content) + str(content.metadata.get("summary") or "")
    if "{" not in raw:
        return
    content_root = os.path.abspath(content.settings["PATH"])
    for match in intrasite_link_regex(content).finditer(raw):
        what, value = match.group("what"), match.group("value")
        path = value.split("#", 1)[0].split("?", 1)[0]
        if what in LISTED_LINKS:
            # Pelican makes the address of any name: a tag no post has is a page not written.
            kind = LISTED_LINKS[what][1]
            if kind(path, content.settings).slug in listed[what]:
                continue
            decoded = kind(unquote(path), content.settings).slug
            if decoded in listed[what]:  # « premiers%20pas »: Pelican keeps the codes
                problem = _(PERCENT_CODES).format(link=f"{{{what}}}{decoded}")
            else:
                problem = _(UNLISTED[what])
            _link_problem(content, what, value, problem)
            continue
        if what == "index":
            continue
        if what not in {"filename", "static", "attach"}:
            _link_problem(content, what, value, _(UNKNOWN_KIND))
            continue
        # « mon%20bureau.jpg »: Pelican reads the code as the file name's space (and
        # publishes the file), as it reads « mon bureau.jpg ».
        path = path.replace("%20", " ")
        if path.startswith("/"):
            path = path[1:]
        else:
            path = content.get_relative_source_path(os.path.join(content.relative_dir, path))
        linked = context["generated_content"].get(path)
        full_path = os.path.join(content_root, path)
        if not os.path.abspath(full_path).startswith(content_root + os.sep):
            _link_problem(content, what, value, _("outside the content folder"))
            continue
        is_post_source = _is_post_source(path)
        if what != "filename" and linked is not None and is_post_source:
            _link_problem(content, what, value, _(POST_AS_A_FILE))
            continue
        if linked is not None and getattr(linked, "status", "published") != "draft":
            if os.path.isfile(full_path) and os.path.getsize(full_path) == 0:
                _link_problem(content, what, value, _("an empty file (0 bytes)"))
            continue
        if not os.path.isfile(full_path) or is_post_source:
            # Looked for only once the link is known broken: no more work for a good one.
            on_disk = not os.path.exists(full_path) and _written_otherwise(full_path)
            if on_disk:
                problem = _(WRITTEN_OTHERWISE).format(name=on_disk)
            elif linked is not None and _dated_later(linked):
                problem = _(
                    "not on the site yet (a post dated {when}): link to it once it is out, or "
                    "date this post after it"
                ).format(when=long_moment(linked.date, content.settings))
            else:
                problem = _("not a published post, page or file")
            _link_problem(content, what, value, problem)
            continue
        size = os.path.getsize(full_path)
        if size == 0:
            _link_problem(content, what, value, _("an empty file (0 bytes)"))
        elif size > HEAVY_IMAGE_BYTES and full_path not in heavy:
            if SHOWN_AS_AN_IMAGE.search(match.group("markup")):
                heavy[full_path] = (f"{{{what}}}{value}", content, size)


def _dated_later(post):
    """A post Pelican made a draft for its date only (WITH_FUTURE_DATES): the coach wrote
    no `Status: draft`, and finds « not a published post » about a post she has planned."""
    status = str(post.metadata.get("status") or "").strip().lower()
    return status != "draft" and post.date > datetime.now(UTC)


def _link_problem(content, what, value, problem):
    logger.error(
        _("{path}: links to {{{what}}}{value}, which is {problem}").format(
            path=_relative(content.settings, content.source_path),
            what=what,
            value=value,
            problem=problem,
        )
    )


def _is_post_source(path):
    return os.path.splitext(path)[1].lstrip(".") in {"md", "markdown", "html", "rst"}


# --- Links written as a path (carnet/links.py) -------------------------------------------
# The reader's browser looks for one from the page's address: /mon-billet/images/bureau.jpg,
# where nothing is.

LEADS_NOWHERE = N_(
    "{path}: links to {link}, which the site does not have (a browser looks for it at "
    "{address}): write it {fix}"
)
NOTHING_THERE = N_(
    "{path}: links to {link}: nothing is at that address on the site (a browser looks for it "
    "at {address}); correct the link (a file of the content folder is linked as "
    "{{static}}/images/its-name.jpg, a post as {{filename}}/posts/its-file.md)"
)


class _SiteFiles:
    """What a build writes, to look an address up in: the files and folders Carnet plans
    (carnet.addresses.planned_files), the theme's own files, and the addresses posts were
    e-mailed with (plugin kept_addresses writes a redirect at each one a post left)."""

    def __init__(self, settings, planned, context):
        self.settings = settings
        self.context = context
        self.files = {path for path, _writer in planned}
        self.folders = {path for path in self.files if path.endswith("/")}
        self.theme_folder = posixpath.join(settings.get("THEME_STATIC_DIR") or "", "")
        self.feeds_written = writes_feeds(settings)
        self._emailed = None
        self._static_sources = None

    def static_source(self, path):
        """The file of the content folder copied to `path` (from the output folder), or None."""
        if self._static_sources is None:  # made once a post shows an image by its path
            statics = self.context.get("staticfiles", [])
            self._static_sources = {static.save_as: static.source_path for static in statics}
        return self._static_sources.get(path)

    def has(self, path):
        """Whether the build writes the file `path` (from the output folder, decoded), or
        an index.html in the folder `path` (which a web server shows at its address)."""
        index = path + "index.html" if path.endswith("/") or not path else path + "/index.html"
        if path in self.files or index in self.files:
            return True
        for folder in self.folders:  # the theme's, and those written later (Pagefind's...)
            if path.startswith(folder):
                return folder != self.theme_folder or self._in_theme(path[len(folder) :])
        if path.endswith(".xml") and not self.feeds_written:
            return True  # a feed: a development build writes none, publishconf.py's does
        return path in self.emailed() or index in self.emailed()

    def _in_theme(self, inside):
        # Pelican copies each of THEME_STATIC_PATHS (a folder's files, or a file) there.
        for name in self.settings.get("THEME_STATIC_PATHS") or []:
            source = os.path.join(self.settings["THEME"], name)
            if os.path.isfile(os.path.join(source, inside)):
                return True
            if os.path.basename(source) == inside and os.path.isfile(source):
                return True
        return False

    def emailed(self):
        # Read only once a link is found nowhere else: no work for a site whose links are good.
        if self._emailed is None:
            from carnet.newsletter import ledger
            from carnet.newsletter.paths import project_path

            try:
                entries = ledger.load(project_path(self.settings, "CARNET_NEWSLETTER_LEDGER"))
            except ledger.LedgerError:
                entries = {}  # the newsletter and plugin kept_addresses say what is wrong
            self._emailed = {entry.get("save_as") for entry in entries.values()} - {None}
        return self._emailed


def check_links_by_path(context, settings, planned):
    """One error per link, in a post's or page's text or Summary:, written as a path where
    the site has nothing, as a browser reads it from the page's address (SITEURL, which
    may have a path, then the post's URL); `planned` is what the build writes."""
    site = _SiteFiles(settings, planned, context)
    root = urlsplit(settings.get("SITEURL") or "").path.rstrip("/") + "/"
    heavy = {}  # as in check_internal_links, for images shown by a link written as a path
    for key in ("articles", "hidden_articles", "email_only_articles", "pages", "hidden_pages"):
        for content in context.get(key, []):
            _check_paths_of(content, context, site, root, heavy)
    _say_heavy_images(heavy)


def _check_paths_of(content, context, site, root, heavy):
    page = None
    summary = str(content.metadata.get("summary") or "")
    for text in (html_before_links(content), summary):
        shown = None  # the images of `text`, found once a path is found to lead somewhere
        for link in links.paths_in(text):
            on_this_computer = links.ON_THIS_COMPUTER.match(link)
            if links.SCHEME.match(link) and not on_this_computer:
                continue
            if on_this_computer:
                address = link
            else:
                if page is None:  # worked out for a path only (Pelican's url: some 20 µs)
                    page = links.page_address(content)
                address = links.as_read_from(page, link)
                path = unquote(urlsplit(address).path)
                if path.startswith(root) and site.has(path[len(root) :]):
                    if shown is None:
                        shown = set(links.image_addresses(text))
                    if link in shown:
                        _note_heavy_file(
                            site.static_source(path[len(root) :]), link, content, heavy
                        )
                    continue
            fix = _meant(content, context, unquote(urlsplit(link.replace("\\", "/")).path))
            logger.error(
                _(LEADS_NOWHERE if fix else NOTHING_THERE).format(
                    path=_relative(content.settings, content.source_path),
                    link=link,
                    address=address,
                    fix=fix,
                )
            )


def _meant(content, context, path):
    """`{static}/…` or `{filename}/…` for the file of the content folder `path` names, or
    None: from the post's folder (as a Markdown editor's preview reads it), else from the
    content folder (as `Image:` reads it); from the content folder for a path starting
    with /, or a path of this computer inside it."""
    root = os.path.abspath(content.settings["PATH"])
    if path.startswith("/"):
        names = [path.lstrip("/")]
        if os.path.abspath(path).startswith(root + os.sep):
            names.append(os.path.relpath(path, root).replace(os.sep, "/"))
    else:
        names = [posixpath.join(content.relative_dir, path), path]
    for name in names:
        name = posixpath.normpath(name)
        if name in {".", ".."} or name.startswith("../"):
            continue
        linked = context["generated_content"].get(name)
        if linked is not None and getattr(linked, "status", "published") != "draft":
            return "{filename}/" + name
        if not _is_post_source(name) and os.path.isfile(os.path.join(root, name)):
            return "{static}/" + name
    return None


# What Markdown leaves as written when it cannot read it, for every reader to see: a
# footnote's call whose note is missing (« une autre[^2] »; and a note nothing calls is
# shown at the end with a way back leading nowhere), a link to a reference never defined
# (« [mon atelier][atelier] »). One scan each: code's tags (written in code, it is text)
# and what was left as written (a scan stops at the next « [ », where the next may start).
CODE_TAG = r"<(/?)(?:pre|code)\b[^<>]*>"
CODE_TAG_OR_CALL_AS_WRITTEN = re.compile(CODE_TAG + r"|\[\^([^\[\]<>\n]*)\]")
CODE_TAG_OR_REFERENCE_AS_WRITTEN = re.compile(CODE_TAG + r"|\[([^\[\]<>\n]+)\]\[([^\[\]<>\n]*)\]")
NOTE = re.compile(r'<li id="fn:([^"]*)"')
CALL = re.compile(r'<sup id="fnref:([^"]*)"')
# Obsidian's links and embeds between notes (« [[Mon autre note]] », « ![[photo.png]] »),
# which only Obsidian reads: Markdown leaves them as typed.
CODE_TAG_OR_WIKI_LINK = re.compile(CODE_TAG + r"|(!?)\[\[([^\[\]<>\n]+)\]\]")
# HTML pasted from Word (its own tags, styles and classes): Word's fonts and sizes in the
# post's page. In code, « < » is « &lt; »: only a tag written as HTML matches.
WORD_HTML = re.compile(r"<o:p\b|<[a-zA-Z][^<>]*?(?:\bmso-|\bclass=[\"']?Mso)")
# Python-Markdown's [TOC] needs its toc extension, which Carnet does not load.
TABLE_OF_CONTENTS_AS_WRITTEN = "<p>[TOC]</p>"


def _as_written(code_tag_or_found, html_text):
    """The first match of `code_tag_or_found` that is not a code tag (its group 2 is set)
    and is outside code, or None."""
    in_code = 0
    for match in code_tag_or_found.finditer(html_text):
        if match[2] is not None:
            if not in_code:
                return match
        else:
            in_code = max(0, in_code - 1) if match[1] else in_code + 1
    return None


def _call_as_written(html_text):
    """The first footnote call left as written (« [^2] ») outside code, or None."""
    found = _as_written(CODE_TAG_OR_CALL_AS_WRITTEN, html_text)
    return found[0] if found else None


def _check_references(content, metadata):
    """A link to a reference the post never defines (« [text][label] », « [text][] »), in
    the text or the Summary:, and a [TOC]: one line, for the first one found."""
    for text in (str(metadata.get("summary") or ""), content or ""):
        found = "][" in text and _as_written(CODE_TAG_OR_REFERENCE_AS_WRITTEN, text)
        if found:
            label = found[3] or found[2]
            raise ValueError(
                _(
                    "{link} links to the reference [{label}], which the post does not "
                    "define: add « [{label}]: https://… » on a line of its own, or write the "
                    "link as [text](https://…)"
                ).format(link=html.unescape(found[0]), label=html.unescape(label))
            )
    if TABLE_OF_CONTENTS_AS_WRITTEN in (content or ""):
        raise ValueError(
            _(
                "[TOC]: Carnet writes no table of contents, and the line would show as it is: remove it"
            )
        )


def _check_wiki_links(content, metadata):
    """An Obsidian link or embed (« [[note]] », « ![[photo.png]] ») in the text or the
    Summary:: one line, for the first one found, saying what Markdown writes instead."""
    for text in (str(metadata.get("summary") or ""), content or ""):
        found = "[[" in text and _as_written(CODE_TAG_OR_WIKI_LINK, text)
        if found:
            # « [[note#part|what the link says]] », « ![[photo.png|300]] »
            name, _bar, shown = html.unescape(found[3]).partition("|")
            if found[2]:
                raise ValueError(
                    _(
                        "{embed} is an Obsidian embed, which Carnet shows as typed: put the file "
                        "in content/images/ and write ![what it shows]({{static}}/images/{name})"
                    ).format(embed=html.unescape(found[0]), name=name)
                )
            raise ValueError(
                _(
                    "{link} is an Obsidian link, which Carnet shows as typed: write it "
                    "[{text}]({{filename}}/posts/its-file.md)"
                ).format(link=html.unescape(found[0]), text=shown or name.partition("#")[0])
            )


def _check_word_html(content):
    """HTML pasted from Word (« <o:p> », mso- styles, class="MsoNormal")."""
    content = content or ""
    if ("<o:p" in content or "mso-" in content or "Mso" in content) and WORD_HTML.search(content):
        raise ValueError(
            _(
                "HTML pasted from Word (« <o:p> », mso- styles), which brings Word's fonts "
                "into the page: paste the text again without its formatting (Ctrl+Shift+V, or "
                "⌥⇧⌘V on a Mac) and format it in Markdown"
            )
        )


def _check_footnotes(content, metadata):
    """A footnote called with no note, a note never called (in the text), or a call in the
    Summary:, which has no notes: one line, for the first one found."""
    content = content or ""
    summary = str(metadata.get("summary") or "")
    call = "[^" in summary and _call_as_written(summary)
    if call:
        raise ValueError(
            _(
                "the Summary: calls footnote {call}, which a summary cannot show: remove "
                "the call from the Summary:"
            ).format(call=html.unescape(call))
        )
    call = "[^" in content and _call_as_written(content)
    if call:
        raise ValueError(
            _(
                "footnote {call} has no note: write the note as « {call}: … » at the end "
                "of the post, or remove the call"
            ).format(call=html.unescape(call))
        )
    if '<div class="footnote">' in content:
        called = set(CALL.findall(content))
        for label in NOTE.findall(content):
            if label not in called:
                raise ValueError(
                    _(
                        "the note [^{label}] is never called in the text: call it with "
                        "« [^{label}] » where it belongs, or remove the note"
                    ).format(label=html.unescape(label))
                )


# Images most browsers (all but Safari for HEIC and TIFF) and e-mail programs do not show:
# a phone's HEIC photo, a scanner's TIFF, Photoshop's file, a camera's raw file.
NOT_SHOWN_BY_BROWSERS = (".heic", ".heif", ".tif", ".tiff", ".psd", ".dng", ".cr2", ".cr3")
NOT_SHOWN_BY_BROWSERS += (".nef", ".arw", ".orf", ".rw2", ".raf")
NOT_SHOWN = N_(
    "{image} is a {kind} image, which most browsers and e-mail programs do not show: save it "
    "as JPEG (a photo) or PNG (a screenshot, a drawing) and show that file"
)


def _not_shown_by_browsers(address):
    """The kind of image (« HEIC ») at `address` if browsers do not show it, else None."""
    extension = posixpath.splitext(urlsplit(address).path)[1].lower()
    return extension[1:].upper() if extension in NOT_SHOWN_BY_BROWSERS else None


def _check_images(content, metadata, path):
    """The images the post shows (<img>, in the text or Summary:), in one pass: one that
    readers would see as a broken image stops the build (one line, for the first found; a
    link to such a file, to download it, is no image shown); then one warning per image
    with no description: Markdown writes « ![](x.jpg) » with an empty one, which every
    reader takes for a decoration. (Pelican's own warning, said instead, stopped after
    four on a site.)"""
    # In the order first shown, each once (a list, looked through for each image, made
    # the work grow with the square of the images: 20 000 took 2.3 s).
    undescribed = {}
    for text in (content or "", str(metadata.get("summary") or "")):
        for image, description in links.images(text):
            kind = _not_shown_by_browsers(image)
            if kind:
                raise ValueError(_(NOT_SHOWN).format(image=image, kind=kind))
            if not description.strip():
                undescribed[image] = True
    for image in undescribed:
        logger.warning(_(links.NO_DESCRIPTION).format(path=path, image=image))


def _has_text_or_media(content):
    """A post of one photo (or a video) is not « a title but no text »."""
    content = content or ""
    return bool(Markup(content).striptags().strip()) or bool(
        re.search(r"<(img|video|audio|iframe|object|embed|svg)\b", content, re.I)
    )


def register():
    signals.initialized.connect(skip_symlink_loops)
    signals.initialized.connect(refuse_links_out_of_static_folders)
    # Not the "static" reader: images and other files are copied, never read as posts.
    readers.add_layer("content_checks", checked_reader, wraps_static=False)
    signals.content_object_init.connect(check_address_of)
    signals.content_object_init.connect(check_image_of)
    signals.page_generator_finalized.connect(check_internal_links)
    signals.article_generator_finalized.connect(keep_drafts_off_the_site)
    signals.page_generator_finalized.connect(keep_drafts_off_the_site)
    signals.static_generator_finalized.connect(leave_out_files_only_drafts_link)
    signals.static_generator_finalized.connect(check_author_photos)
    signals.all_generators_finalized.connect(check_addresses)
