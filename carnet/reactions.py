"""Reader reactions: a reader's e-mail reply becomes a Markdown file the coach publishes.

`invoke reaction-add --slug S FILE` reads one `.eml`, a folder of them or an mbox, keeps
of each reply its own text (mail-parser-reply cuts the quoted history and the signature,
in French and English; what a client quotes in its own way is cut here too), the reader's
first name (or the name the coach gives) and the date, and writes
`content/reactions/S/YYYY-MM-DD-name.md`:

    Name: Sophie
    Date: 2021-09-12 18:04
    Status: published

    Merci pour ce billet…

The reader’s e-mail address is written only with `--with-email` (when she asks for it); a
text that still holds an e-mail address or a phone number is written as a draft.
Every file is checked before anything is written: one bad file, nothing written. An
existing file is never overwritten.

Plugin reactions reads these files (`read_reaction`, `render_markdown`) and shows them
under the post.
"""

import codecs
import email
import email.policy
import hashlib
import html
import mailbox
import os
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from carnet.files import unwritable_folder_problem
from carnet.i18n import _, decimal
from carnet.linear_markdown import LinearMarkdownExtension

REACTIONS_FOLDER = "reactions"
# An e-mail larger than this is not a reply someone typed (attachments, a forwarded thread).
MAX_EMAIL_BYTES = 5_000_000
# A reaction longer than this is not a comment any more.
MAX_REACTION_CHARACTERS = 10_000
# (One run of spaces before the « : » when there is no « [2] »: two in a row, « \s*\s* »,
# shared a subject's run of spaces in every way, the square of it: 40 000 took 2.4 s.)
REPLY_PREFIX = re.compile(r"^\s*((re|ré|réf|aw|sv|antw|tr|fwd?)\s*(\[\d+\]\s*)?:\s*)+", re.I)
FORWARD_PREFIX = re.compile(r"^\s*(tr|fwd?)\s*:", re.I)
QUOTED_LINE = re.compile(r"^\s*>")
# What a client writes above the history it quotes, when the parser leaves it: Gmail and
# Apple Mail « Le 12 sept. 2021 à 18:04, X a écrit : », Orange « Message du 12/09/21 18:04 »,
# Outlook's rule and « -----Message d'origine----- » (dashes on both sides), Gmail's
# « ---------- Message transféré --------- » (the forwarded e-mail under a reply). A client may
# wrap the attribution over up to three lines; it always holds a date (a digit), which
# tells it from a reader's sentence starting with « Le ».
ATTRIBUTION = re.compile(
    r"^\s*(le [^\n]{0,40}\d.{2,200}a [ée]crit\s*:|on [^\n]{0,40}\d.{2,200}wrote:|message du \d"
    r"|-{3,}\s*(message d.origine|original message|message transf[ée]r[ée]|forwarded message)\s*-*"
    r"|_{10,}|de\s*:\s.+)\s*$",
    re.I | re.S,
)
ATTRIBUTION_LINES = 3
# Phone signatures the parser may leave at the end.
SENT_FROM = re.compile(
    r"^\s*(envoy[ée] (de|depuis) (mon|ma|l[’']).*|sent from my .*|obtenir outlook pour .*|get outlook for .*)$",
    re.I,
)
# A formal closing starts the signature block (the parser knows « Cordialement » at the
# start of a line, not « Bien cordialement », the most common in France).
CLOSING = re.compile(r"^\s*((bien|très|tres) )*cordialement\b", re.I)
# Line ends of every kind (\r, \n, \v, \f, U+0085, U+2028, U+2029…) and other control
# characters: a header value decoded from RFC 2047 may hold them, and written as is it
# would add lines (« Status: published », « Email: … ») to the reaction file's fields.
NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# What would let anyone reach the reader: an e-mail address, or a phone number (French,
# 01 23 45 67 89 with spaces, dots or dashes, or international, +33 6 12 34 56 78).
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# The same, starting where a word starts: from anywhere in a word, EMAIL_ADDRESS reads the
# same rest of it (no « @ » in it), and what follows decides; tried from each place of a
# long word, it read the word's rest each time (a word of 40 000 letters: 5.4 s).
ADDRESS_FROM_A_WORDS_START = re.compile(r"(?<![\w.+-])" + EMAIL_ADDRESS.pattern)
PHONE_NUMBER = re.compile(r"(?<![\w+])(\+|00)?\(?\d[\d \u00a0.()/-]{7,}\d(?!\w)")
# Charsets a client declares by default while writing UTF-8 (a webmail's or a phone's
# setting, a reply typed in a UTF-8 editor): their text, read as declared, becomes
# « câ€™était » on the site. Valid UTF-8 with accents is next to never real Latin-1 text.
SINGLE_BYTE_DEFAULTS = {"ascii", "iso8859-1", "iso8859-15", "cp1252"}
# Titles a display name may start with (« Mme Léa Roux », « Dr Martin »).
CIVILITIES = {"m", "mme", "mlle", "mr", "mrs", "ms", "dr", "me", "pr"}
FIELD = re.compile(r"^([A-Za-z][A-Za-z-]*):\s*(.*)$")
LINK_SCHEMES = ("http://", "https://", "mailto:")


class ReactionError(Exception):
    """One line: the file and what is wrong with it."""


@dataclass
class Reply:
    name: str
    date: datetime
    text: str
    address: str
    message_id: str


# --- From an e-mail to a reaction file ---------------------------------------------------


def messages_in(path):
    """[(label, email.message.EmailMessage)] of an .eml file, an mbox or a folder of .eml."""
    if os.path.isdir(path):
        found = []
        for name in sorted(os.listdir(path)):
            if name.lower().endswith(".eml"):
                found += messages_in(os.path.join(path, name))
        if not found:
            raise ReactionError(_("{path}: the folder has no .eml file").format(path=path))
        return found
    if not os.path.isfile(path):
        raise ReactionError(_("{path}: no such file").format(path=path))
    size = os.path.getsize(path)
    with open(path, "rb") as file:
        start = file.read(5)
    if start == b"From ":  # an mbox: its messages, each checked on its own
        box = mailbox.mbox(path, create=False)
        found = []
        for number, key in enumerate(box.keys(), 1):
            data = box.get_bytes(key)
            label = _("{path} (message {number})").format(path=path, number=number)
            found.append((label, _parse(data, label)))
        return found
    if size > MAX_EMAIL_BYTES:
        raise ReactionError(_too_big(path, size))
    with open(path, "rb") as file:
        return [(path, _parse(file.read(), path))]


def _too_big(label, size):
    return _(
        "{path}: the e-mail is {size} MB, over the {limit} MB a reply can be "
        "(attachments or a forwarded thread?)"
    ).format(path=label, size=decimal(size / 1e6), limit=decimal(MAX_EMAIL_BYTES / 1e6))


def _parse(data, label):
    if len(data) > MAX_EMAIL_BYTES:
        raise ReactionError(_too_big(label, len(data)))
    return email.message_from_bytes(data, policy=email.policy.default)


def _own_text(message, label):
    """The text of the message's body (plain text preferred), strictly decoded."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        raise ReactionError(_("{path}: the e-mail has no text").format(path=label))
    text = _part_text(part, label)
    # Some clients (phone apps, web forms) send an empty text/plain beside the HTML that
    # holds the reply: refused as « no text of its own » before.
    html_part = message.get_body(preferencelist=("html",))
    if not text.strip() and html_part is not None and html_part is not part:
        text = _part_text(html_part, label)
    return text


def _part_text(part, label):
    """One body part's text, strictly decoded; HTML as plain text."""
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        if codecs.lookup(charset).name in SINGLE_BYTE_DEFAULTS and not payload.isascii():
            try:
                payload.decode("utf-8")
                charset = "utf-8"
            except UnicodeDecodeError:
                pass  # really the charset it says
        text = payload.decode(charset)
    except LookupError:
        raise ReactionError(
            _("{path}: the e-mail's text is in an unknown encoding ({charset})").format(
                path=label, charset=charset
            )
        ) from None
    except UnicodeDecodeError as error:
        raise ReactionError(
            _(
                "{path}: the e-mail's text is not valid {charset} (byte 0x{byte:02x} at offset "
                "{offset}): a damaged e-mail?"
            ).format(
                path=label,
                charset=charset.upper(),
                byte=error.object[error.start],
                offset=error.start,
            )
        ) from None
    if part.get_content_subtype() == "html":
        # Imported here: the build reads reactions without it (inscriptis loads lxml).
        from inscriptis import get_text

        text = get_text(text)
    return text


def _before_attribution(lines):
    """The lines above the first attribution (on one line or wrapped over a few)."""
    for index in range(len(lines)):
        for size in range(1, ATTRIBUTION_LINES + 1):
            if ATTRIBUTION.match(" ".join(lines[index : index + size])):
                return lines[:index]
    return lines


def reply_text(text):
    """The reply's own text: no quoted history, no signature."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    from mailparser_reply import EmailReplyParser  # `invoke reaction-add` only

    # Cut at the attribution first: the parser splits a reply that starts with a French
    # one inside it (« Le ») and keeps Outlook's « -----Message d'origine----- ».
    text = "\n".join(_before_attribution(text.split("\n")))
    parsed = EmailReplyParser(languages=["fr", "en"]).read(text)
    body = parsed.replies[0].body if parsed.replies else ""
    lines = body.split("\n")
    # What the parser left: the quoted history and the line that introduces it.
    for index, line in enumerate(lines):
        if QUOTED_LINE.match(line) and all(
            QUOTED_LINE.match(rest) or not rest.strip() for rest in lines[index:]
        ):
            lines = lines[:index]
            break
    for index, line in enumerate(lines):
        if index and CLOSING.match(line):
            lines = lines[:index]
            break
    lines = _before_attribution(lines)
    while lines and (not lines[-1].strip() or SENT_FROM.match(lines[-1])):
        lines.pop()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _normal_title(text):
    text = unicodedata.normalize("NFKD", text).casefold()
    return "".join(char for char in text if char.isalnum())


def read_reply(message, label, post_title, timezone):
    """A Reply from an e-mail answering the post titled `post_title`; ReactionError if not."""
    subject = _header_text(str(message.get("Subject", "") or ""))
    is_reply = bool(message.get("In-Reply-To") or message.get("References")) or bool(
        REPLY_PREFIX.match(subject)
    )
    if not is_reply or FORWARD_PREFIX.match(subject):
        raise ReactionError(
            _("{path}: not a reply to a post (no « Re: » subject, no In-Reply-To)").format(
                path=label
            )
        )
    answered = REPLY_PREFIX.sub("", subject).strip()
    # The subject holds the title (the newsletter's subject may add the site's name).
    if answered and post_title and _normal_title(post_title) not in _normal_title(answered):
        raise ReactionError(
            _("{path}: it answers « {subject} », not the post « {title} »").format(
                path=label, subject=answered, title=post_title
            )
        )
    text = reply_text(_own_text(message, label))
    if not text:
        raise ReactionError(
            _("{path}: the reply has no text of its own (only quotes or a signature)").format(
                path=label
            )
        )
    if len(text) > MAX_REACTION_CHARACTERS:
        raise ReactionError(
            _(
                "{path}: the reply is {count} characters long, over the {limit} a reaction can be"
            ).format(path=label, count=len(text), limit=MAX_REACTION_CHARACTERS)
        )
    sender = message.get("From")
    address = sender.addresses[0] if sender and sender.addresses else None
    try:
        date = parsedate_to_datetime(str(message.get("Date")))
        if date.tzinfo is None:
            # No time zone (« -0000 », or none written): the reader's clock was most
            # likely the site's, not UTC (a reply at 23:30 was filed under the next day).
            date = date.replace(tzinfo=zoneinfo.ZoneInfo(timezone))
        # OverflowError: a date at the end of year 9999 (a broken clock) leaves the years
        # a datetime can hold once put in the site's time zone.
        date = date.astimezone(zoneinfo.ZoneInfo(timezone))
    except (TypeError, ValueError, OverflowError):
        raise ReactionError(_("{path}: the e-mail has no valid Date:").format(path=label)) from None
    return Reply(
        name=_header_text(address.display_name if address else "").strip(),
        date=date,
        text=text,
        address=address.addr_spec if address else "",
        message_id=one_line(str(message.get("Message-ID", "") or "")),
    )


def _header_text(value):
    """A header's text as it reads: many clients write « From: Léa » in UTF-8 without
    RFC 2047's encoding, which the e-mail parser keeps as undecodable bytes."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def first_name(display_name):
    """« Sophie Martin » → « Sophie »; « Marie-Hélène D. » → « Marie-Hélène »; and, as
    French mail is often signed, « DUPONT Marie » → « Marie », « Roux, Léa » → « Léa »,
    « Mme Léa Roux » → « Léa », « 🌸 Léa » → « Léa »: not the family name the reader did
    not mean to publish, nor a title, a comma or an emoji for a name. "" when there is no
    first name (« M. Dupont »), or when the name cannot be read (a broken encoding gave
    « n�$z »): the coach is asked for --name."""
    if "\ufffd" in display_name:
        return ""
    text = display_name.replace('"', " ")
    if text.count(",") == 1 and text.split(",")[1].strip():  # « Family, First » (Outlook)
        text = text.split(",")[1]
    words = [re.sub(r"^\W+|[^\w.]+$", "", word) for word in text.split()]
    words = [word for word in words if any(char.isalpha() for char in word)]
    titled = [word for word in words if word.rstrip(".").casefold() not in CIVILITIES]
    if len(titled) < len(words) and len(titled) < 2:
        return ""  # « M. Dupont », « Dr Martin »: a family name, no first name
    words = titled
    # A family name in capitals (« DUPONT Marie »), when another word is not.
    named = [word for word in words if not (word.isupper() and len(word.rstrip(".")) > 1)]
    return (named or words or [""])[0]


def _file_slug(name):
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "lectrice"


def one_line(value):
    """`value` as one line: what could end a field's line becomes a space."""
    return NOT_ONE_LINE.sub(" ", value).strip()


def _addresses(text):
    """The matches of EMAIL_ADDRESS.finditer(text), each word read once: one may start where
    the one before ended, in a word (« a@b.fr+c@d.fr »), else where a word starts."""
    position = 0
    while found := EMAIL_ADDRESS.match(text, position) or ADDRESS_FROM_A_WORDS_START.search(
        text, position
    ):
        yield found
        position = found.end()


def private_details(text):
    """The e-mail addresses and phone numbers in a reply's text, in order."""
    found = [match.group() for match in _addresses(text)]
    for match in PHONE_NUMBER.finditer(text):
        digits = sum(char.isdigit() for char in match.group())
        # A number that starts with 0 or +/00 and has as many digits as a phone number:
        # not a date (12/11/2020) or an amount.
        if 9 <= digits <= 15 and match.group().lstrip("(").startswith(("0", "+")):
            found.append(match.group())
    return found


def reply_identity(reply):
    """What tells one e-mail from another: its Message-ID, else (some clients and exports
    leave it out) a hash of the sender, the date and the text."""
    if reply.message_id:
        return reply.message_id
    seen = f"{reply.address}\n{reply.date.isoformat()}\n{reply.text}".encode()
    return "sha256:" + hashlib.sha256(seen).hexdigest()[:32]


def reaction_text(reply, name, with_email=False, status="published"):
    """The reaction file's text: one line per field (see NOT_ONE_LINE), then the text."""
    lines = [f"Name: {one_line(name)}", f"Date: {reply.date:%Y-%m-%d %H:%M}", f"Status: {status}"]
    if with_email and reply.address:
        lines.append(f"Email: {one_line(reply.address)}")
    if reply.message_id:
        lines.append(f"Message-Id: {one_line(reply.message_id)}")
    else:
        lines.append(f"Reply-Hash: {reply_identity(reply)}")
    return "\n".join(lines) + "\n\n" + reply.text + "\n"


def known_replies(folder):
    """{identity: path} of the reactions already in `folder` (see reply_identity)."""
    found = {}
    if not os.path.isdir(folder):
        return found
    for name in os.listdir(folder):
        if name.endswith(".md"):
            path = os.path.join(folder, name)
            try:
                fields, _text = split_fields(_read_text(path))
            except (OSError, UnicodeDecodeError):
                continue
            identity = fields.get("message-id") or fields.get("reply-hash")
            if identity:
                found[identity] = path
    return found


def free_path(folder, date, name, taken):
    """content/reactions/S/YYYY-MM-DD-name.md, or -2, -3… when that one exists."""
    stem = f"{date:%Y-%m-%d}-{_file_slug(name)}"
    path, number = os.path.join(folder, stem + ".md"), 1
    while os.path.exists(path) or path in taken:
        number += 1
        path = os.path.join(folder, f"{stem}-{number}.md")
    return path


@dataclass
class PostFound:
    title: str
    email_only: bool  # `Newsletter: only`: e-mailed, no page on the site


def posts_by_slug(settings):
    """{slug: PostFound} of every post under ARTICLE_PATHS (drafts included), read as the
    build reads them, without a build: Pelican's readers (the YAML front matter's too) and
    its slug, cut to 80 characters as plugin content_checks cuts it."""
    from pelican.contents import Article
    from pelican.plugins.yaml_metadata.yaml_metadata import YAMLMetadataReader
    from pelican.readers import Readers

    from carnet.posts import cut_slug, is_email_only

    readers = Readers(settings)
    for extension in YAMLMetadataReader.file_extensions:  # as plugin yaml_metadata does
        readers.reader_classes[extension] = YAMLMetadataReader
        readers.readers[extension] = YAMLMetadataReader(settings)
    found = {}
    content = settings["PATH"]
    for folder in settings.get("ARTICLE_PATHS") or [""]:
        for directory, _folders, files in os.walk(os.path.join(content, folder)):
            for name in files:
                if not name.endswith(tuple("." + ext for ext in readers.extensions)):
                    continue
                try:
                    post = readers.read_file(
                        content, os.path.join(directory, name), content_class=Article, context={}
                    )
                except Exception:  # noqa: BLE001 - the build names a post it cannot read
                    continue
                slug = getattr(post, "slug", None)
                if slug:
                    found[cut_slug(slug)] = PostFound(
                        str(getattr(post, "title", "")), is_email_only(post)
                    )
    return found


def add_reactions(settings, slug, paths, name=None, with_email=False, draft=False):
    """Write a reaction file for each e-mail in `paths` (files, folders, mboxes) under
    content/reactions/SLUG/; returns the paths written and the ones already there. Every
    e-mail is checked first: ReactionError (one line per bad file) and nothing written.
    A reply whose text holds an e-mail address or a phone number is written as a draft,
    whatever `draft` says, with a warning line naming the file (returned third): only the
    coach can tell a signature to cut from a number the reader wants shown."""
    posts = posts_by_slug(settings)
    if slug not in posts:
        raise ReactionError(
            _("--slug {slug}: no post has this slug (see the address of the post)").format(
                slug=slug
            )
        )
    if posts[slug].email_only:
        raise ReactionError(
            _(
                "--slug {slug}: the post is sent by e-mail only (Newsletter: only): it has no "
                "page on the site to show reactions under"
            ).format(slug=slug)
        )
    folder = os.path.join(settings["PATH"], REACTIONS_FOLDER, slug)
    problems, replies = [], []
    for path in paths:
        try:
            for label, message in messages_in(path):
                try:
                    reply = read_reply(message, label, posts[slug].title, settings["TIMEZONE"])
                except ReactionError as error:
                    problems.append(str(error))
                    continue
                shown = name or first_name(reply.name)
                if not shown:
                    problems.append(
                        _("{path}: the sender gave no name: choose one with --name").format(
                            path=label
                        )
                    )
                    continue
                replies.append((reply, shown))
        except ReactionError as error:
            problems.append(str(error))
    if problems:
        raise ReactionError("\n".join(problems))
    # Said before the first file is written, not as a traceback at it.
    unwritable = unwritable_folder_problem(folder, os.path.dirname(settings["PATH"]))
    if unwritable:
        raise ReactionError(unwritable)
    known = known_replies(folder)
    written, already, warnings = [], [], []
    for reply, shown in replies:
        identity = reply_identity(reply)
        if identity in known:
            already.append(known[identity])
            continue
        target = free_path(folder, reply.date, shown, written)
        private = private_details(reply.text)
        status = "draft" if draft or private else "published"
        os.makedirs(folder, exist_ok=True)
        with open(target, "x", encoding="utf-8") as file:  # "x": never over a file
            file.write(reaction_text(reply, shown, with_email, status))
        written.append(target)
        known[identity] = target
        if private:
            warnings.append((target, private))
    return written, already, warnings


# --- Reading a reaction file (plugin reactions) ------------------------------------------


def _read_text(path):
    with open(path, encoding="utf-8") as file:
        return file.read()


def split_fields(text):
    """({lowercase field: value}, Markdown text) of a reaction file."""
    fields = {}
    lines = text.lstrip("\ufeff").split("\n")
    index = 0
    for index, line in enumerate(lines):  # noqa: B007
        match = FIELD.match(line)
        if not match:
            break
        fields[match.group(1).lower()] = match.group(2).strip()
    else:
        index = len(lines)
    return fields, "\n".join(lines[index:]).strip()


class _ReaderSafe(Treeprocessor):
    """Links get rel="nofollow ugc" (and lose a scheme that is not http, https or mailto);
    images become their alt text (a reaction loads nothing from elsewhere); headings
    become bold paragraphs (the page's outline stays the post's)."""

    def run(self, root):
        for element in root.iter():
            if element.tag == "a":
                href = element.get("href", "")
                if not href.lower().startswith(LINK_SCHEMES):
                    element.attrib.pop("href", None)
                    element.tag = "span"
                else:
                    element.set("rel", "nofollow ugc")
            elif element.tag == "img":
                alt = element.get("alt", "")
                element.attrib.clear()
                element.tag = "span"
                element.text = alt
            elif element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                element.tag = "p"
                strong = element.makeelement("strong", {})
                strong.text, element.text = element.text, None
                strong[:] = list(element)
                element[:] = [strong]


class _NoRawHtml(Extension):
    """Markdown without raw HTML: what looks like a tag is shown as text, escaped."""

    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_ReaderSafe(md), "reader_safe", 0)


def plain_text(text):
    """A reaction's Markdown as plain text (JSON-LD's Comment.text): no tags, no « * »,
    its paragraphs and line breaks kept (Markup.striptags would fold them into one line)."""
    paragraphs = re.split(r"\n[ \t]*\n", text.strip())
    return "\n\n".join(
        html.unescape(re.sub(r"<[^>]*>", "", render_markdown(paragraph))).strip()
        for paragraph in paragraphs
    )


def render_markdown(text):
    """HTML of a reaction's Markdown: raw HTML escaped, links rel="nofollow ugc"."""
    return markdown.markdown(text, extensions=[_NoRawHtml(), LinearMarkdownExtension()])
