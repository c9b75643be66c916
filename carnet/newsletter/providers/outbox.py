"""The outbox provider: each email as a real .eml file plus an .html preview, in outbox/.

What a newcomer sees on the first `invoke publish`, and a dry run for anyone without a
Mailchimp account. Each .eml is the message one subscriber would receive: the merge tags
Mailchimp would fill (*|EMAIL|*, *|UNSUB|*, the postal address…) are filled with a sample
subscriber (CARNET_NEWSLETTER_SAMPLE_ADDRESS), the sender's postal address
(CARNET_NEWSLETTER_POSTAL_ADDRESS) and the site's own unsubscribe and preferences pages,
and it carries the one-click List-Unsubscribe headers (RFC 8058). The .html preview shows
the images of content/, so it is right before the site is deployed.

A post's files are named after its date and id, so writing them again after a crash
replaces them: the outbox holds each post once.
"""

import html
import os
import re
from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from carnet import console, files
from carnet.defaults import setting
from carnet.i18n import N_, _
from carnet.newsletter.errors import NewsletterError
from carnet.newsletter.paths import project_folder, project_path
from carnet.newsletter.providers import Delivery, from_name, reply_to
from carnet.typography import typeset_text_once

MERGE_TAG = re.compile(r"\*\|[A-Z_:]+\|\*")
# A header line's longest (RFC 5322), which the .eml keeps each header within.
LONGEST_LINE = 998
# How an encoded word (RFC 2047) starts. Python's email package reads a text holding one as
# encoded, and writes it back as it is: a mail program then showed « =?utf-8?q?Oui?= »
# as « Oui ».
ENCODED_WORD = "=?"


class OutboxProvider:
    name = "outbox"
    label = N_("the outbox")

    @classmethod
    def from_settings(cls, settings, deployed, environ, transport=None):
        """The outbox writes files: no environment, no transport."""
        return cls(settings)

    def __init__(self, settings):
        self.settings = settings
        self.folder = project_path(settings, "CARNET_NEWSLETTER_OUTBOX")
        self.sender_name = from_name(settings)
        self.address = reply_to(settings)
        self.subscriber = setting(settings, "CARNET_NEWSLETTER_SAMPLE_ADDRESS")
        self.unsubscribe = site_url(settings, "CARNET_NEWSLETTER_UNSUBSCRIBE_URL")

    def check_account(self):
        """No account; before the site goes online, only that the outbox can be written:
        one made with sudo stopped the newsletter once the site was online."""
        problem = self._folder_problem()
        if problem:
            raise NewsletterError(problem)

    def _folder_problem(self):
        return files.unwritable_folder_problem(self.folder, project_folder(self.settings))

    def check(self):
        """The outbox can always write; it says when the postal address is missing."""
        if not setting(self.settings, "CARNET_NEWSLETTER_POSTAL_ADDRESS").strip():
            console.warn(
                _(
                    "CARNET_NEWSLETTER_POSTAL_ADDRESS is empty: a newsletter must show the "
                    "sender's postal address (Mailchimp writes the audience's own)"
                )
            )

    def deliver(self, post, email):
        name = self._name(post)
        self._write(name, post, email, to=self.subscriber)
        return Delivery(campaign_id=name, sent_at=datetime.now(UTC))

    def find(self, post):
        name = self._name(post)
        path = os.path.join(self.folder, name + ".eml")
        if not os.path.exists(path):
            return None
        return Delivery(name, datetime.fromtimestamp(os.path.getmtime(path), UTC))

    def status(self):
        return _("the outbox ({folder}/)").format(folder=os.path.basename(self.folder))

    def describe(self, delivery):
        where = os.path.join(os.path.basename(self.folder), delivery.campaign_id + ".eml")
        return _("written to {where}").format(where=where)

    def send_test(self, post, email, to):
        return self._write(f"test-{post.id}", post, email, to=to)

    @staticmethod
    def _name(post):
        return f"{post.date:%Y-%m-%d}-{post.id}"

    def _write(self, name, post, email, to):
        """Write NAME.html then NAME.eml; return the .eml's path."""
        email_html = self._filled(email.html, to, as_html=True)
        paths = [os.path.join(self.folder, name + suffix) for suffix in (".html", ".eml")]
        texts = [self._local_images(email_html), self._message(post, email, email_html, to)]
        for path, text in zip(paths, texts, strict=True):
            try:
                files.write_atomically(path, text)
            except OSError as error:
                # A folder it may not write in is said as publish says it before deploying,
                # with what to do (not the system's English words).
                raise NewsletterError(
                    self._folder_problem()
                    or _("{path}: cannot be written ({reason})").format(
                        path=path, reason=error.strerror
                    )
                ) from None
        return paths[1]

    def _message(self, post, email, email_html, to):
        message = EmailMessage()
        _set_text(message, "From", self.sender_name, self.address)
        message["To"] = to
        _set_text(message, "Subject", email.subject)
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = make_msgid(domain=self.address.rpartition("@")[2])
        message["List-Unsubscribe"] = (
            f"<{self.unsubscribe}>, <mailto:{self.address}?subject=unsubscribe>"
        )
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message["X-Carnet-Post"] = post.id
        if post.segment:
            message["X-Carnet-Segment"] = post.segment
        message.set_content(self._filled(email.text, to, as_html=False))
        message.add_alternative(email_html, subtype="html")
        # Headers on one line each (998 characters is the limit): folding a subject into
        # encoded words may drop the space between two of them (« c’estquoi »).
        return message.as_string(policy=message.policy.clone(max_line_length=LONGEST_LINE))

    def _filled(self, text, to, as_html):
        """`text` with Mailchimp's merge tags filled as they would be for `to`."""
        postal = setting(self.settings, "CARNET_NEWSLETTER_POSTAL_ADDRESS").strip()
        if setting(self.settings, "CARNET_TYPOGRAPHY"):
            # As the sender's name (from_name): `invoke newsletter-test` reads the settings
            # without a build, which typesets them.
            postal = typeset_text_once(postal)
        postal_lines = [line.strip() for line in postal.splitlines() if line.strip()]
        escape = html.escape if as_html else str
        values = {
            "*|EMAIL|*": escape(to),
            "*|UNSUB|*": self.unsubscribe,
            "*|UPDATE_PROFILE|*": site_url(self.settings, "CARNET_NEWSLETTER_PREFERENCES_URL"),
            "*|ARCHIVE|*": site_url(self.settings, "CARNET_NEWSLETTER_ARCHIVE_URL"),
            "*|HTML:LIST_ADDRESS_HTML|*": "<br>".join(map(html.escape, postal_lines)),
            "*|LIST_ADDRESS|*": escape(" · ".join(postal_lines)),
        }
        filled = MERGE_TAG.sub(lambda tag: values.get(tag[0], tag[0]), text)
        left = MERGE_TAG.search(filled)
        if left:
            raise NewsletterError(
                _("the e-mail uses the merge tag {tag}, which the outbox cannot fill").format(
                    tag=left[0]
                )
            )
        return filled

    def _local_images(self, email_html):
        """The preview's images from the project, not from the live site: the images of
        content/, which the build copies as they are (the build's own folder goes away
        with the publish that made it)."""
        siteurl = self.settings.get("SITEURL", "").rstrip("/")
        content = self.settings.get("PATH")
        if not siteurl or not content:
            return email_html
        local = os.path.relpath(content, self.folder).replace(os.sep, "/")
        return email_html.replace(f'src="{siteurl}/', f'src="{local}/')


def _set_text(message, name, text, address=None):
    """Set the header `name` to `text` (a display name before `address`, if given), so
    that it reads back as written: one that looks like an encoded word goes encoded whole."""
    if ENCODED_WORD not in text:
        message[name] = formataddr((text, address)) if address else text
        return
    encoded = Header(text, "utf-8").encode(maxlinelen=LONGEST_LINE - len(name) - 2)
    message.set_raw(name, f"{encoded} <{address}>" if address else encoded)


def site_url(settings, name):
    """The absolute address of the site page a CARNET_*_URL setting names."""
    return settings.get("SITEURL", "").rstrip("/") + "/" + setting(settings, name)
