"""The outbox provider: each email as a real .eml file plus an .html preview, in outbox/.

What a newcomer sees on the first `invoke publish`, and a dry run for anyone without a
Mailchimp account. A post's files are named after its date and id, so writing them again
after a crash replaces them: the outbox holds each post once.
"""

import os
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from carnet import files
from carnet.newsletter.paths import project_path
from carnet.newsletter.providers import Delivery, from_name, reply_to


class OutboxProvider:
    name = "outbox"
    label = "the outbox"

    @classmethod
    def from_settings(cls, settings, deployed, environ, transport=None):
        """The outbox writes files: no environment, no transport."""
        return cls(settings)

    def __init__(self, settings):
        self.folder = project_path(settings, "CARNET_NEWSLETTER_OUTBOX")
        self.sender = formataddr((from_name(settings), reply_to(settings)))
        self.address = reply_to(settings)

    def check(self):
        """The outbox can always write."""

    def deliver(self, post, email):
        name = self._name(post)
        self._write(name, post, email, to="undisclosed-recipients:;")
        return Delivery(campaign_id=name, sent_at=datetime.now(UTC))

    def find(self, post):
        name = self._name(post)
        path = os.path.join(self.folder, name + ".eml")
        if not os.path.exists(path):
            return None
        return Delivery(name, datetime.fromtimestamp(os.path.getmtime(path), UTC))

    def status(self):
        return f"the outbox ({os.path.basename(self.folder)}/)"

    def describe(self, delivery):
        where = os.path.join(os.path.basename(self.folder), delivery.campaign_id + ".eml")
        return f"written to {where}"

    def send_test(self, post, email, to):
        return self._write(f"test-{post.id}", post, email, to=to)

    @staticmethod
    def _name(post):
        return f"{post.date:%Y-%m-%d}-{post.id}"

    def _write(self, name, post, email, to):
        """Write NAME.html then NAME.eml; return the .eml's path."""
        files.write_atomically(os.path.join(self.folder, name + ".html"), email.html)
        eml_path = os.path.join(self.folder, name + ".eml")
        files.write_atomically(eml_path, self._message(post, email, to).as_string())
        return eml_path

    def _message(self, post, email, to):
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = email.subject
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = make_msgid(domain=self.address.rpartition("@")[2])
        message["List-Unsubscribe"] = f"<mailto:{self.address}?subject=unsubscribe>"
        message["X-Carnet-Post"] = post.id
        if post.segment:
            message["X-Carnet-Segment"] = post.segment
        message.set_content(email.text)
        message.add_alternative(email.html, subtype="html")
        return message
