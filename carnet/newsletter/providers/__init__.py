"""Providers deliver a rendered e-mail for a post: the Provider protocol, and the one
factory that chooses one (`choose`).

Two exist: mailchimp (the real newsletter, when MAILCHIMP_API_KEY is set) and outbox
(otherwise: each e-mail as an .eml file and an .html preview). CARNET_NEWSLETTER_PROVIDER
names one explicitly. Adding a provider is one module with a class following Provider
(and a `from_settings` class method), and one line in PROVIDERS.
"""

import importlib
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

from carnet.defaults import setting
from carnet.i18n import _
from carnet.newsletter.errors import NewsletterError
from carnet.typography import typeset_text_once

# name: (module, class, the environment variable that makes it the automatic choice, or
# None for the provider used when no other is set up). Tried in this order.
PROVIDERS = {
    "mailchimp": (
        "carnet.newsletter.providers.mailchimp",
        "MailchimpProvider",
        "MAILCHIMP_API_KEY",
    ),
    "outbox": ("carnet.newsletter.providers.outbox", "OutboxProvider", None),
}


@dataclass(frozen=True)
class Delivery:
    campaign_id: str
    sent_at: datetime  # aware; for a scheduled send, when it goes out


class Provider(Protocol):
    """What the newsletter asks of a provider. `post` is a carnet.posts.Post, `email` a
    carnet.newsletter.render.Email."""

    name: str  # recorded in the ledger
    label: str  # how the author's messages name it ("Mailchimp", "the outbox")

    def check_account(self) -> None:
        """Raise NewsletterError, before the site goes online, if its account's settings
        are refused (one try; what may pass, such as no network, raises nothing)."""

    def check(self) -> None:
        """Raise NewsletterError before anything is sent if it cannot send."""

    def deliver(self, post, email) -> Delivery:
        """Send the post exactly once, even when called again after a crash (it must
        recognise its own earlier send: see find)."""

    def find(self, post) -> Delivery | None:
        """Its own earlier delivery of `post`, if there is one."""

    def send_test(self, post, email, to: str) -> str:
        """Send the post's test e-mail to `to` only; where it went."""

    def status(self) -> str:
        """Where it sends, in a few words for the author (never a secret)."""

    def describe(self, delivery: Delivery) -> str:
        """Where one delivery went, for the author."""


def chosen_name(settings, environ=os.environ):
    """The provider this run uses: CARNET_NEWSLETTER_PROVIDER, else the first of PROVIDERS
    whose environment variable is set, else the one that needs none."""
    name = setting(settings, "CARNET_NEWSLETTER_PROVIDER")
    if name:
        if name not in PROVIDERS:
            raise NewsletterError(
                _("CARNET_NEWSLETTER_PROVIDER must be one of {names}, not {name!r}").format(
                    names=", ".join(PROVIDERS), name=name
                )
            )
        return name
    for name, (_module, _class, variable) in PROVIDERS.items():
        if variable is None or environ.get(variable):
            return name
    raise NewsletterError(_("no newsletter provider is available"))  # PROVIDERS has a fallback


def provider_class(name):
    module, class_name, _variable = PROVIDERS[name]
    return getattr(importlib.import_module(module), class_name)


def choose(settings, deployed, environ=os.environ, transport=None) -> Provider:
    """The provider for this run, made from the settings and the environment. transport:
    what the provider talks to its service through (Mailchimp: a mailchimp_marketing
    Client), for tests and the benchmark; by default the provider makes its own."""
    cls = provider_class(chosen_name(settings, environ))
    return cls.from_settings(settings, deployed, environ, transport)


def from_name(settings):
    """The sender's name, typeset as the site shows it (« L’atelier d’Élise »)."""
    name = setting(settings, "CARNET_NEWSLETTER_FROM_NAME") or settings["SITENAME"]
    return typeset_text_once(name) if setting(settings, "CARNET_TYPOGRAPHY") else name


def reply_to(settings):
    """The reply-to address; the outbox makes one up from the site's domain if none is set."""
    host = urlsplit(settings.get("SITEURL", "")).hostname or "localhost"
    return setting(settings, "CARNET_NEWSLETTER_REPLY_TO") or f"newsletter@{host}"
