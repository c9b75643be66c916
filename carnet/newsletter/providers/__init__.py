"""Providers deliver a rendered email for a post. Two exist:

- mailchimp: when MAILCHIMP_API_KEY is set (the real newsletter);
- outbox: otherwise; writes each email as an .eml file and an .html preview.

A provider has `name`, `check()` (raise before anything is sent if it cannot send),
`deliver(post, email) -> Delivery` (send the post exactly once, even when called again
after a crash: it must recognise its own earlier send), `describe(delivery)` (where it
went, for the author) and `send_test(post, email, to)`.
"""

import os
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from carnet.defaults import setting


@dataclass(frozen=True)
class Delivery:
    campaign_id: str
    sent_at: datetime  # aware; for a scheduled send, when it goes out


def choose(settings, deployed, environ=os.environ):
    """The provider for this run: Mailchimp when MAILCHIMP_API_KEY is set, else the outbox."""
    if environ.get("MAILCHIMP_API_KEY"):
        from carnet.newsletter.providers.mailchimp import MailchimpProvider

        return MailchimpProvider.from_environment(settings, deployed, environ)
    from carnet.newsletter.providers.outbox import OutboxProvider

    return OutboxProvider(settings)


def from_name(settings):
    return setting(settings, "CARNET_NEWSLETTER_FROM_NAME") or settings["SITENAME"]


def reply_to(settings):
    """The reply-to address; the outbox makes one up from the site's domain if none is set."""
    host = urlsplit(settings.get("SITEURL", "")).hostname or "localhost"
    return setting(settings, "CARNET_NEWSLETTER_REPLY_TO") or f"newsletter@{host}"
