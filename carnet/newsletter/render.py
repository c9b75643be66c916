"""Turn a post into an email: subject, preheader, inlined HTML and its plain-text twin.

The HTML comes from the theme's Jinja templates (THEME/templates/email/post.html), is set
in French typography (carnet.typography), gets its CSS inlined (css-inline) and its plain-text
alternative from inscriptis. What e-mail programs block in the post's own HTML (players,
forms, scripts) is left out, a player or a form becoming a link. Mailchimp merge tags
(*|UNSUB|*, *|EMAIL|*, ...) are left for Mailchimp to fill. An email without the
unsubscribe link, or one so big that Gmail would clip it (and hide the footer with the
unsubscribe link), is refused.
"""

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import css_inline
import jinja2
import lxml.etree
import lxml.html
import lxml.html.defs
from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.html_properties import WhiteSpace
from inscriptis.model.config import ParserConfig
from inscriptis.model.html_element import HtmlElement
from markupsafe import Markup, escape

from carnet import links
from carnet.dates import long_date
from carnet.defaults import setting
from carnet.i18n import _
from carnet.newsletter.errors import NewsletterError
from carnet.sources import source_name
from carnet.summaries import shortened
from carnet.template_cache import use_compiled_templates
from carnet.typography import plain_text, typeset_html, typeset_text

# Gmail clips a message above about 102 KB of HTML and hides the rest, footer included. It
# counts the HTML it receives: Carnet's, and what Mailchimp adds to it (below).
SIZE_WARNING = 85 * 1024
SIZE_LIMIT = 100 * 1024
# What Mailchimp writes into every e-mail, as e-mails it sent show (bytes): the open-tracking
# image (150), the preview text in a hidden block (about 400), the merge tags filled:
# *|UNSUB|* and *|UPDATE_PROFILE|* as its own addresses (120 more each), *|ARCHIVE|* (90),
# *|EMAIL|* (40), the postal address as a block with an address-book link (450). About 1.4 KB;
# 4 are counted, for longer names and addresses and what those e-mails did not show (the
# « Intuit Mailchimp » badge of a free plan).
MAILCHIMP_ADDS = 4 * 1024
# And every web link becomes its click-tracking address, whatever the link's length, like
# https://ACCOUNT.us21.list-manage.com/track/click?u=(25 hex)&amp;id=(10 hex)&amp;e=(10 hex):
# 115 to 120 bytes with an account name of 10 to 15 letters.
TRACKED_LINK = 130
# The page is 600 px wide with 20 px of padding on each side.
CONTENT_WIDTH = 560
PREHEADER_LENGTH = 140
# Mailchimp refuses a campaign whose subject line is longer (characters); a test e-mail's
# « [TEST] » is made to fit.
SUBJECT_LENGTH = 150
TEST_MARK = "[TEST] "
UNSUBSCRIBE = "*|UNSUB|*"
ARCHIVE = "*|ARCHIVE|*"  # Mailchimp's web copy of the campaign
# E-mail programs show no embedded player (a video, a map, a podcast) and send no form:
# subscribers saw a blank where it was. The e-mail links to it instead.
PLAYERS = ("iframe", "embed", "object", "video", "audio")
# What e-mail programs block in a post's raw HTML (some mark a message holding it as
# suspicious), left out of the e-mail; the site keeps the post as written. The post's
# <style> would also restyle the whole e-mail: css-inline applies it to the theme's footer.
BLOCKED = ("script", "style", "link", "meta", "base", "input", "button", "select", "textarea")
# The attributes that may run a script, found by libxml2 (a loop over every element in
# Python cost as much as parsing the post): on* handlers, and any value holding "script:"
# once tabs and line breaks are taken out (_runs_a_script then reads the link exactly).
_SCRIPTED_ATTRIBUTES = lxml.etree.XPath(
    "descendant-or-self::*/@*[starts-with(name(), 'on')"
    " or contains(translate(., 'SCRIPT\t\n\r', 'script'), 'script:')]"
)
_TABS_AND_LINE_BREAKS = str.maketrans("", "", "\t\n\r")
_WITH_SRCSET = lxml.etree.XPath("descendant-or-self::*[@srcset]")
_SPACES_AND_LINE_BREAKS = re.compile("[ \t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")
BODY_SLOT = "<!--carnet:post-body-->"
PREHEADER_SLOT = "<!--carnet:preheader-->"
# inscriptis folds no-break spaces into plain ones; they cross it as private-use characters.
_HIDE_NO_BREAK = str.maketrans({"\u00a0": "\ue000", "\u202f": "\ue001"})
_SHOW_NO_BREAK = str.maketrans({"\ue000": "\u00a0", "\ue001": "\u202f"})


# How the plain-text part reads the HTML: Inscriptis's strict profile (its relaxed one pads
# inline elements with spaces: « print ( "x" ) », « l’ autre »), and code as written, its
# spaces and line breaks kept (unknown to either profile, it folded a code block into one line),
# and words struck through between « ~~ », as the coach wrote them: without a mark, « ~~je
# vends~~ je donne » read « je vends je donne », the opposite of the text.
TEXT_CSS = dict(
    CSS_PROFILES["strict"],
    code=HtmlElement(whitespace=WhiteSpace.pre),
    s=HtmlElement(prefix="~~", suffix="~~"),
    **{"del": HtmlElement(prefix="~~", suffix="~~")},
)


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
    # The preheader is the summary as the e-mail has it (a script's code left out). Of a
    # whole post, the summary is its start: the body's warnings say all.
    summary = _email_ready(post.summary, post, path, [] if full else warnings)
    if full:
        body = _email_ready(post.content, post, path, warnings)
    else:
        body = summary
    if post.image:  # the post's Image:, at the top of the e-mail
        _say_if_svg(post.image, path, warnings)
    subject = email_subject(post, settings, test)
    preheader = _preheader(summary)
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


def email_subject(post, settings, test=False):
    """The subject line of the e-mail of `post`. Raises EmailRefused when Mailchimp would
    refuse it: `invoke publish` asks before the deploy (newsletter.check_before_deploy)."""
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
    if len(subject) > SUBJECT_LENGTH:
        raise EmailRefused(
            _(
                "{path}: the email's subject is {length} characters long; Mailchimp refuses "
                "a subject over {limit}: shorten the post's title (or CARNET_NEWSLETTER_SUBJECT)"
            ).format(
                path=source_name(settings, post.source), length=len(subject), limit=SUBJECT_LENGTH
            )
        )
    if not test:
        return subject
    marked = TEST_MARK + subject
    if len(marked) <= SUBJECT_LENGTH:
        return marked
    return shortened(marked, SUBJECT_LENGTH - 1)  # and « … »


def _preheader(summary):
    """The line inboxes show after the subject: the start of the summary (typeset already,
    plugin french_typography), in plain text. A summary of images only (a photo, no words)
    is what they show, their alt text: empty, the inbox showed the e-mail's first words
    instead, « Voir dans le navigateur »."""
    text = plain_text(summary)
    if not text and "<img" in summary:
        images = lxml.html.fragment_fromstring(summary, create_parent="div").iter("img")
        text = " ".join(" ".join(image.get("alt", "").split()) for image in images).strip()
    return shortened(text, PREHEADER_LENGTH)


def _one_line(text):
    # Spaces and every line break a header knows (str.splitlines(): U+2028 pasted from a
    # word processor too), not str.split(), which would also eat no-break spaces.
    return _SPACES_AND_LINE_BREAKS.sub(" ", text).strip()


def _email_ready(html, post, path, warnings):
    """`html` (of `post`, whose file is `path`) with absolute links and images that fit
    the column and have alt text."""
    if not html.strip():
        return ""
    url, email_only = post.url, post.email_only
    root = lxml.html.fragment_fromstring(html, create_parent="div")

    def absolute(link):
        # An e-mail-only post has no page at its address: a link within it (a footnote,
        # #suite) stays within the e-mail instead of leading to a missing page.
        if email_only and link.startswith("#"):
            return link
        return urljoin(url, link)

    _leave_out_what_mail_blocks(root, url, path, warnings, email_only)
    root.rewrite_links(absolute, resolve_base_href=False)
    # lxml leaves srcset as written; Apple Mail picks its images over src.
    for element in _WITH_SRCSET(root):
        element.set("srcset", _absolute_srcset(element.get("srcset"), absolute))
    drawing_said = False
    for image in root.iter("img", "svg"):
        if image.tag == "svg":  # a drawing written into the post: Gmail shows a blank
            if not drawing_said:  # once: the line says what to do with every one
                warnings.append(
                    _(
                        "{path}: a drawing (<svg>) is written into the post, which Gmail and "
                        "Outlook do not show: save it as a PNG in content/images/ and link to it"
                    ).format(path=path)
                )
                drawing_said = True
            continue
        source = image.get("src", "")
        written_in = source.lower().startswith("data:")
        if written_in:  # its name, not its thousands of characters of base64
            source = source.partition(",")[0] + ",…"
        if image.get("alt") is None:
            warnings.append(_(links.NO_DESCRIPTION).format(path=path, image=source))
            image.set("alt", "")
        if written_in:
            warnings.append(
                _(
                    "{path}: image {source} is written into the post (data:), which Gmail and "
                    "Outlook do not show: save it in content/images/ and link to it"
                ).format(path=path, source=source)
            )
        else:
            _say_if_svg(source, path, warnings)
        _fit_the_column(image, post.image_widths.get(image.get("src", "")))
    inner = root.text or ""
    return inner + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)


def _fit_the_column(image, shown_width):
    """An image as wide as written, or as its file when nothing is written (a small
    image stretched to the column was blurred), never wider than the column. Outlook
    reads the width attribute only, other programs the style."""
    written = image.get("width", "")
    if not written.isdigit() or int(written) > CONTENT_WIDTH:
        wanted = int(written) if written.isdigit() else shown_width or CONTENT_WIDTH
        image.set("width", str(min(wanted, CONTENT_WIDTH)))
        image.attrib.pop("height", None)  # let the height follow the width
    image.set("style", "max-width: 100%; height: auto; " + image.get("style", ""))


def _say_if_svg(source, path, warnings):
    if source.lower().split("?")[0].endswith(".svg"):
        warnings.append(
            _("{path}: image {source} is an SVG, which Gmail and Outlook do not show").format(
                path=path, source=source
            )
        )


def _absolute_srcset(srcset, absolute):
    """A srcset (« a.jpg 1x, b.jpg 2x ») with each image's address made absolute, its
    width or density kept. One with a data: image, whose address holds commas, is left
    as it is (Gmail and Outlook show no data: image anyway)."""
    if "data:" in srcset:
        return srcset
    candidates = []
    for candidate in srcset.split(","):
        parts = candidate.strip().split(maxsplit=1)  # the address, its width or density
        if parts:
            parts[0] = absolute(parts[0])
            candidates.append(" ".join(parts))
    return ", ".join(candidates)


# A link that runs a script, whose tag is taken off, all in one pass once they are found
# (lxml's drop_tag looks for each one's place among its parent's children: 20 000 in a
# paragraph took 22 s). A name the HTML parser cannot give: it writes names in lower case.
_DROPPED_LINK = "Carnet-Dropped-Link"


def _leave_out_what_mail_blocks(root, url, path, warnings, email_only):
    """Players and forms become a link to where they work; scripts, event attributes
    (onclick=) and javascript: links are left out, the links' text kept."""
    left_out = set()
    for value in _SCRIPTED_ATTRIBUTES(root):
        element, name = value.getparent(), value.attrname
        if name.startswith("on"):
            left_out.add(f"{name}=")
            del element.attrib[name]
        elif name in lxml.html.defs.link_attrs and _runs_a_script(value):
            left_out.add("javascript:")
            if element.tag == "a":
                element.tag = _DROPPED_LINK  # its text stays, as text
            else:
                del element.attrib[name]
    lxml.etree.strip_tags(root, _DROPPED_LINK)
    replaced = (*PLAYERS, "form", *BLOCKED)
    for element in list(root.iter(*replaced)):
        if next(element.iterancestors(*replaced), None) is not None:
            continue  # went with the element around it (an <embed> in an <object>)
        if element.tag in BLOCKED:
            left_out.add(f"<{element.tag}>")
            element.drop_tree()  # its tail stays
        else:
            _link_instead(element, url, path, warnings, email_only)
    if left_out:
        warnings.append(
            _("{path}: e-mail programs block {parts}; the e-mail leaves them out").format(
                path=path, parts=", ".join(sorted(left_out))
            )
        )


def _runs_a_script(link):
    # As browsers read a link: spaces and control characters around it, tabs and line
    # breaks within it do not count (" java\tscript:").
    link = link.strip("".join(map(chr, range(33)))).translate(_TABS_AND_LINE_BREAKS)
    return link.partition(":")[0].lower() in ("javascript", "vbscript")


def _link_instead(element, url, path, warnings, email_only):
    """Replace the player or form `element` with a link to the post's page, where it works
    as the coach wrote it, in context, at the site's address like the e-mail's other links
    (its own address may be an embed-only player, http:, data: or relative). An e-mail-only
    post has no page: a player's own web address then, or nothing."""
    source = element.get("action" if element.tag == "form" else "src") or element.get("data")
    if not source:
        source = next((s.get("src") for s in element.iter("source") if s.get("src")), "")
    source = urljoin(url, source.strip()) if source else ""
    target = url
    if email_only:
        own = urlsplit(source)
        playable = element.tag != "form" and own.scheme in ("http", "https") and own.hostname
        target = source if playable else ""
    if target:
        warnings.append(
            _(
                "{path}: e-mails do not show the <{tag}> {source}; the e-mail links to {target} instead"
            ).format(path=path, tag=element.tag, source=source, target=target)
        )
        host = urlsplit(target).hostname
        if element.tag == "form":
            words = _("Fill it in on {host}").format(host=host)
        elif element.tag == "audio":
            words = _("Listen to it on {host}").format(host=host)
        else:
            words = _("See it on {host}").format(host=host)
        # Within a paragraph, the link alone: a paragraph in a paragraph is not HTML.
        link = lxml.html.Element("a", href=target)
        link.text = words
        if element.getparent().tag != "p":
            paragraph = lxml.html.Element("p")
            paragraph.append(link)
            link = paragraph
        link.tail = element.tail
        element.getparent().replace(element, link)
    else:
        warnings.append(
            _("{path}: e-mails do not show the <{tag}> {source}; the e-mail leaves it out").format(
                path=path, tag=element.tag, source=source
            )
        )
        element.drop_tree()


def _plain_text(html):
    # Each image as its alt text, [like this]: without it, what a photo or a chart said
    # was lost, and a linked image became an empty link, « [](https://…) ». One the e-mail
    # gave an empty alt (a decoration, the post's own image) stays out.
    config = ParserConfig(css=TEXT_CSS, display_links=True, display_images=True)
    text = get_text(html.translate(_HIDE_NO_BREAK), config)
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
    sent = _size_as_sent(email, document)
    sizes = {"path": path, "size": email.size / 1024, "sent": sent / 1024}
    if sent > SIZE_LIMIT:
        raise EmailRefused(
            _(
                "{path}: the email is {size:.0f} KB of HTML, about {sent:.0f} KB once Mailchimp "
                "adds its tracking and footer; above 100 KB Gmail clips it and hides the "
                "unsubscribe link. Shorten the post or set CARNET_NEWSLETTER_FULL_POST = False"
            ).format(**sizes)
        )
    if sent > SIZE_WARNING:
        email.warnings.append(
            _(
                "{path}: the email is {size:.0f} KB of HTML, about {sent:.0f} KB once Mailchimp "
                "adds its tracking and footer, close to Gmail's clipping size (about 100 KB)"
            ).format(**sizes)
        )


def _size_as_sent(email, document):
    """Bytes of HTML as Mailchimp sends the e-mail (MAILCHIMP_ADDS, TRACKED_LINK)."""
    links = document.xpath("//a/@href[starts-with(., 'http')]")
    longer = sum(max(0, TRACKED_LINK - len(link.encode("utf-8"))) for link in links)
    return email.size + MAILCHIMP_ADDS + longer
