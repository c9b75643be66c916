"""Turn a post into an email: subject, preheader, inlined HTML and its plain-text twin.

The HTML comes from the theme's Jinja templates (THEME/templates/email/post.html), is set
in French typography (carnet.typography), gets its CSS inlined (css-inline) and its plain-text
alternative from inscriptis. Mailchimp merge tags (*|UNSUB|*, *|EMAIL|*, ...) are left for
Mailchimp to fill. An email without the unsubscribe link, or one so big that Gmail would
clip it (and hide the footer with the unsubscribe link), is refused.
"""

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import css_inline
import jinja2
import lxml.html
from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.html_properties import WhiteSpace
from inscriptis.model.config import ParserConfig
from inscriptis.model.html_element import HtmlElement
from markupsafe import Markup, escape

from carnet.dates import long_date
from carnet.defaults import setting
from carnet.i18n import _
from carnet.newsletter.errors import NewsletterError
from carnet.sources import source_name
from carnet.summaries import shortened
from carnet.template_cache import use_compiled_templates
from carnet.typography import plain_text, typeset_html, typeset_text

# Gmail clips a message above about 102 KB and hides the rest, footer included.
SIZE_WARNING = 85 * 1024
SIZE_LIMIT = 100 * 1024
# The page is 600 px wide with 20 px of padding on each side.
CONTENT_WIDTH = 560
PREHEADER_LENGTH = 140
UNSUBSCRIBE = "*|UNSUB|*"
ARCHIVE = "*|ARCHIVE|*"  # Mailchimp's web copy of the campaign
BODY_SLOT = "<!--carnet:post-body-->"
PREHEADER_SLOT = "<!--carnet:preheader-->"
# inscriptis folds no-break spaces into plain ones; they cross it as private-use characters.
_HIDE_NO_BREAK = str.maketrans({"\u00a0": "\ue000", "\u202f": "\ue001"})
_SHOW_NO_BREAK = str.maketrans({"\ue000": "\u00a0", "\ue001": "\u202f"})


# How the plain-text part reads the HTML: Inscriptis's strict profile (its relaxed one pads
# inline elements with spaces: « print ( "x" ) », « l’ autre »), and code as written, its
# spaces and line breaks kept (unknown to either profile, it folded a code block into one line).
TEXT_CSS = dict(CSS_PROFILES["strict"], code=HtmlElement(whitespace=WhiteSpace.pre))


class EmailRefused(NewsletterError):
    """The email breaks a rule that protects subscribers; nothing was sent."""


@dataclass
class Email:
    subject: str
    preheader: str
    html: str
    text: str
    warnings: list = field(default_factory=list)

    @property
    def size(self):
        """Bytes of HTML, which is what Gmail counts before clipping."""
        return len(self.html.encode("utf-8"))


def render(post, settings, test=False):
    """The email for `post` (a manifest.Post). Raises EmailRefused naming the post."""
    warnings = []
    full = post.email_only or setting(settings, "CARNET_NEWSLETTER_FULL_POST")
    path = source_name(settings, post.source)  # as the coach opens it: content/posts/x.md
    body = _email_ready(
        post.content if full else post.summary, post.url, path, warnings, post.email_only
    )
    subject = _subject(post, settings, test)
    preheader = _preheader(post)
    segment = setting(settings, "CARNET_NEWSLETTER_SEGMENTS").get(post.segment or "", {})
    html = _template(settings).render(
        post=post,
        # The post is typeset already (plugin french_typography): it joins the page after
        # the typography pass, which then only reads the templates' own few words.
        body=Markup(BODY_SLOT),
        full=full,
        subject=subject,
        # Typeset already too, and its code is no longer told apart from its words.
        preheader=Markup(PREHEADER_SLOT),
        date_long=long_date(post.date, settings),
        browser_url=ARCHIVE if post.email_only else post.url,
        site=settings["SITENAME"],
        siteurl=settings["SITEURL"],
        segment_label=segment.get("label", ""),
    )
    if setting(settings, "CARNET_TYPOGRAPHY"):
        html = typeset_html(html, setting(settings, "CARNET_LOCALE"))
    html = html.replace(BODY_SLOT, body, 1).replace(PREHEADER_SLOT, escape(preheader), 1)
    # The text first: css-inline writes U+00A0 back as &nbsp;, which inscriptis would fold.
    text = _plain_text(html)
    html = css_inline.inline(html, keep_at_rules=True, load_remote_stylesheets=False)
    email = Email(subject, preheader, html, text, warnings)
    _check(path, email)
    return email


def _template(settings):
    folder = os.path.join(settings["THEME"], "templates", "email")
    if not os.path.isdir(folder):
        raise NewsletterError(
            _("{folder} does not exist: the theme has no email templates").format(folder=folder)
        )
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    use_compiled_templates(environment)
    return environment.get_template("post.html")


def _subject(post, settings, test):
    pattern = setting(settings, "CARNET_NEWSLETTER_SUBJECT")
    try:
        subject = pattern.format(title=post.title, site=settings["SITENAME"])
    except (KeyError, IndexError, ValueError) as error:
        raise NewsletterError(
            _(
                "CARNET_NEWSLETTER_SUBJECT {pattern!r} is not valid ({reason}); use {{title}} and {{site}}"
            ).format(pattern=pattern, reason=error)
        ) from None
    subject = _one_line(subject)  # a header is one line
    if setting(settings, "CARNET_TYPOGRAPHY"):
        subject = typeset_text(subject, setting(settings, "CARNET_LOCALE"))
    return f"[TEST] {subject}" if test else subject


def _preheader(post):
    """The line inboxes show after the subject: the start of the summary (typeset already,
    plugin french_typography), in plain text."""
    return shortened(plain_text(post.summary), PREHEADER_LENGTH)


def _one_line(text):
    # Only ASCII whitespace: str.split() would also eat the typography's no-break spaces.
    return re.sub(r"[ \t\r\n\f\v]+", " ", text).strip()


def _email_ready(html, url, path, warnings, email_only=False):
    """`html` (of the post at `url`, whose file is `path`) with absolute links and images
    that fit the column and have alt text."""
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")

    def absolute(link):
        # An e-mail-only post has no page at its address: a link within it (a footnote,
        # #suite) stays within the e-mail instead of leading to a missing page.
        if email_only and link.startswith("#"):
            return link
        return urljoin(url, link)

    root.rewrite_links(absolute, resolve_base_href=False)
    # E-mail programs show no embedded player (a video, a map, a podcast): without a word,
    # subscribers saw nothing where it was. They get a link to it instead.
    for player in list(root.iter("iframe", "video", "audio")):
        sources = [player.get("src")] + [source.get("src") for source in player.iter("source")]
        source = next((s for s in sources if s), "")
        warnings.append(
            _("{path}: e-mails do not show the <{tag}> {source}; the e-mail links to it").format(
                path=path, tag=player.tag, source=source
            )
        )
        link = lxml.html.Element("p")
        if source:
            link.append(lxml.html.Element("a", href=source))
            link[0].text = player.get("title") or source
        link.tail = player.tail
        player.getparent().replace(player, link)
    for image in root.iter("img"):
        source = image.get("src", "")
        if image.get("alt") is None:
            warnings.append(
                _("{path}: image {source} has no alt text").format(path=path, source=source)
            )
            image.set("alt", "")
        if source.lower().split("?")[0].endswith(".svg"):
            warnings.append(
                _("{path}: image {source} is an SVG, which Gmail and Outlook do not show").format(
                    path=path, source=source
                )
            )
        width = image.get("width", "")
        if not width.isdigit() or int(width) > CONTENT_WIDTH:
            image.set("width", str(CONTENT_WIDTH))
            image.attrib.pop("height", None)  # let the height follow the width
        image.set("style", "max-width: 100%; height: auto; " + image.get("style", ""))
    inner = root.text or ""
    return inner + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)


def _plain_text(html):
    text = get_text(html.translate(_HIDE_NO_BREAK), ParserConfig(css=TEXT_CSS, display_links=True))
    text = text.translate(_SHOW_NO_BREAK)
    # The postal address's merge tag has a plain-text form.
    text = text.replace("*|HTML:LIST_ADDRESS_HTML|*", "*|LIST_ADDRESS|*")
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _check(path, email):
    document = lxml.html.document_fromstring(email.html)
    if not document.xpath("//a[@href=$href]", href=UNSUBSCRIBE):
        raise EmailRefused(
            _(
                '{path}: the email has no unsubscribe link (<a href="{link}">); '
                "the theme's email/footer.html must keep it"
            ).format(path=path, link=UNSUBSCRIBE)
        )
    kilobytes = email.size / 1024
    if email.size > SIZE_LIMIT:
        raise EmailRefused(
            _(
                "{path}: the email is {size:.0f} KB of HTML; above 100 KB Gmail clips it and hides "
                "the unsubscribe link. Shorten the post or set CARNET_NEWSLETTER_FULL_POST = False"
            ).format(path=path, size=kilobytes)
        )
    if email.size > SIZE_WARNING:
        email.warnings.append(
            _(
                "{path}: the email is {size:.0f} KB of HTML, close to Gmail's clipping size "
                "(about 100 KB)"
            ).format(path=path, size=kilobytes)
        )
