"""Every Carnet setting: its default, its type and allowed values, and what it does.

Carnet's own settings all start with ``CARNET_``. Set them in ``pelicanconf.py`` (every
build) or ``publishconf.py`` (production only). SETTINGS is the one table: `invoke build`,
`preview` and `publish` check every value against it before building
(carnet/settings_check.py), and the README's settings table is made from it
(`python -m carnet.settings_check --table`). A name starting with ``CARNET_`` that is not
listed here is a typo: build, preview and publish stop before anything is built, and
suggest the closest known name.

Kinds (Setting.kind), each checked by carnet/settings_check.py:
  "yes/no" True or False · "whole number" · "number" (whole or decimal) · "text" ·
  "one-line text" (no line break or control character) · "list of texts" · "day"
  ("YYYY-MM-DD" or empty) · "time" ("HH:MM" on a quarter hour, or empty) · "e-mail
  address" (or empty) · "subject" (text with {title} and {site} only) ·
  "web address" (http(s)://host/..., or empty) · "locale" (one Babel knows) ·
  "authors" · "segments" · "choice" · "plugins" (CARNET_PLUGINS: (name, {needed: why}[,
  {after: why}]) entries).
"""

from typing import NamedTuple


class Setting(NamedTuple):
    default: object
    kind: str
    description: str
    minimum: float | None = None  # numbers: the smallest value allowed
    choices: tuple = ()  # kind "choice": the values allowed
    required: bool = False  # text: may not be empty


SETTINGS = {
    "CARNET_CATEGORIES": Setting(
        [],
        "list of texts",
        "The categories of the site, as shown. A post's category is matched against them "
        "without case, accents or typography, so « journal INTIME » files under "
        "« Journal intime »; any other category stops the build (with the close match). "
        "Empty: any category, spelled as its oldest post writes it.",
    ),
    "CARNET_DEFAULT_CATEGORY": Setting(
        "",
        "text",
        "The category of a post without a `Category:` line. Empty: such a post stops the "
        "build (Pelican would file it under its folder's name, « posts »).",
    ),
    "CARNET_DATE_LONG": Setting(
        "d MMMM y",
        "text",
        "Babel date pattern of a post's own date, French locale (« 9 septembre 2020 »); a "
        "French pattern starting with « d » writes the 1st as « 1er ». carnet/dates.py "
        "formats every date of the site, the feeds and the e-mail with these two.",
        required=True,
    ),
    "CARNET_DATE_SHORT": Setting(
        "d MMM y", "text", "Babel date pattern of every list (« 9 sept. 2020 »).", required=True
    ),
    "CARNET_LOCALE": Setting(
        "fr",
        "locale",
        'The locale of dates and typography, as Babel names it: "fr", "fr_CA".',
        required=True,
    ),
    "CARNET_TYPOGRAPHY": Setting(
        True,
        "yes/no",
        "French typography (carnet/typography.py) on titles, summaries, content, "
        "descriptions, e-mails, the names of tags, categories and authors, and the settings "
        "readers see.",
    ),
    "CARNET_PAGE_REUSE": Setting(
        True,
        "yes/no",
        "Render again only the pages whose template or content changed since the last build "
        "(development builds; publishconf.py turns it off).",
    ),
    "CARNET_PLUGINS": Setting(
        [],
        "plugins",
        "The site's plugins, in order, each with what it needs from a plugin listed before "
        "it and why: `(plugin, {needed plugin: why})`, optionally a third `{plugin it comes "
        "after when listed: why}`. pelicanconf.py derives PLUGINS from it; plugin "
        "carnet_wiring stops the build when a need is not met.",
    ),
    "CARNET_DEPLOY_TARGET": Setting(
        "",
        "text",
        "Where `invoke publish` deploys: a local folder, or `[user@]host:path` for rsync "
        "(see « Deploying »). The environment variable CARNET_DEPLOY_TARGET wins over it. "
        "Empty: no deploy, the site stays in output/.",
    ),
    "CARNET_MAX_POST_BYTES": Setting(
        2_000_000,
        "whole number",
        "A post file larger than this stops the build (almost always an image pasted into "
        "the text by mistake).",
        minimum=1,
    ),
    "CARNET_BUILD_PROCESSES": Setting(
        2,
        "whole number",
        "How many processes a build reads posts and renders pages in, at most the CPUs the "
        "machine gives it (Linux only: elsewhere, one). 1: everything in one process.",
        minimum=1,
    ),
    "CARNET_AUTHORS": Setting(
        {},
        "authors",
        'Authors: name → {"bio": "…", "photo": "images/…", "email": "…"}, each optional.',
    ),
    # --- Reader experience
    "CARNET_READING_SPEED": Setting(
        230,
        "whole number",
        "Words read in a minute, for « 4 min de lecture » (about 230 for French on a screen).",
        minimum=1,
    ),
    "CARNET_RELATED_POSTS": Setting(
        3, "whole number", "How many related articles each article shows.", minimum=0
    ),
    "CARNET_NEWSLETTER_ARCHIVE_URL": Setting(
        "newsletter/archives/", "text", "The address of the page listing the letters sent."
    ),
    "CARNET_NEWSLETTER_ARCHIVE_SAVE_AS": Setting(
        "newsletter/archives/index.html",
        "text",
        "Where that page is written; empty: no such page.",
    ),
    "CARNET_NEWSLETTER_UNSUBSCRIBE_URL": Setting(
        "newsletter/desinscription/",
        "text",
        "The page an outbox e-mail's « Se désinscrire » link and List-Unsubscribe header lead "
        "to (Mailchimp's e-mails use Mailchimp's own).",
    ),
    "CARNET_NEWSLETTER_UNSUBSCRIBE_SAVE_AS": Setting(
        "newsletter/desinscription/index.html", "text", "Where that page is written; empty: none."
    ),
    "CARNET_NEWSLETTER_PREFERENCES_URL": Setting(
        "newsletter/preferences/",
        "text",
        "The page an outbox e-mail's « Gérer vos préférences » link leads to.",
    ),
    "CARNET_NEWSLETTER_PREFERENCES_SAVE_AS": Setting(
        "newsletter/preferences/index.html", "text", "Where that page is written; empty: none."
    ),
    "CARNET_NEWSLETTER_FORM_SETUP_URL": Setting(
        "newsletter/configurer/",
        "text",
        "The page the sample subscribe form posts to while CARNET_NEWSLETTER_FORM_URL is "
        "empty: it says what to configure.",
    ),
    "CARNET_NEWSLETTER_FORM_SETUP_SAVE_AS": Setting(
        "newsletter/configurer/index.html", "text", "Where that page is written."
    ),
    "CARNET_SEARCH_LANGUAGE": Setting(
        "fr",
        "text",
        "The language Pagefind indexes the site in (French stemming: « clientes » finds "
        "« cliente »).",
        required=True,
    ),
    # --- Newsletter (carnet/newsletter/, `invoke publish`); relative paths are relative to
    # the project folder (the one holding content/).
    "CARNET_NEWSLETTER_LEDGER": Setting(
        "newsletter-ledger.json",
        "text",
        "The ledger: which posts were emailed (or counted as already sent), and at which "
        "address. Commit it.",
        required=True,
    ),
    "CARNET_NEWSLETTER_MANIFEST": Setting(
        ".carnet/newsletter-manifest.json",
        "text",
        "Where each production build writes the list of published posts the newsletter reads.",
        required=True,
    ),
    "CARNET_NEWSLETTER_OUTBOX": Setting(
        "outbox",
        "text",
        "Where the outbox provider (used when MAILCHIMP_API_KEY is not set) writes its emails.",
        required=True,
    ),
    "CARNET_NEWSLETTER_SINCE": Setting(
        "",
        "day",
        '"YYYY-MM-DD": posts dated before this day are never emailed (recorded as already '
        "sent). Empty: on the first run every existing post is recorded as already sent.",
    ),
    "CARNET_NEWSLETTER_FULL_POST": Setting(
        True,
        "yes/no",
        "True: the whole post in the email; False: the summary and « Lire la suite » "
        "(an email-only post is always sent whole).",
    ),
    "CARNET_NEWSLETTER_FROM_NAME": Setting(
        "", "one-line text", "The sender's name in the inbox. Empty: SITENAME."
    ),
    "CARNET_NEWSLETTER_REPLY_TO": Setting(
        "",
        "e-mail address",
        "The address readers reply to; Mailchimp requires one to send.",
    ),
    "CARNET_NEWSLETTER_POSTAL_ADDRESS": Setting(
        "",
        "text",
        "The sender's postal address, which the law requires in every newsletter (one line, "
        'or lines separated by "\\n"). Mailchimp writes the audience\'s own; the outbox '
        "writes this one.",
    ),
    "CARNET_NEWSLETTER_SAMPLE_ADDRESS": Setting(
        "lectrice@example.com",
        "e-mail address",
        "The subscriber an outbox e-mail is addressed to: the outbox shows one subscriber's "
        "copy, with the merge tags Mailchimp would fill filled.",
    ),
    "CARNET_NEWSLETTER_SUBJECT": Setting(
        "{title}",
        "subject",
        "The subject line; {title} is the post's title, {site} is SITENAME.",
        required=True,
    ),
    "CARNET_NEWSLETTER_SEGMENTS": Setting(
        {},
        "segments",
        'Sub-audiences for `Newsletter-Segment: NAME`: NAME → {"saved_segment_id": 123} or '
        '{"interest_category_id": "abc", "interest_ids": ["def"]}, plus an optional "label".',
    ),
    "CARNET_NEWSLETTER_SCHEDULE": Setting(
        "",
        "time",
        '"HH:MM" (site TIMEZONE, on a quarter hour): Mailchimp sends at the next such time. '
        "Empty: at once.",
    ),
    "CARNET_NEWSLETTER_FORM_URL": Setting(
        "",
        "web address",
        "The action URL of Mailchimp's embedded subscribe form. Empty: the site says "
        "subscribing is not open yet.",
    ),
    "CARNET_NEWSLETTER_FORM_HONEYPOT": Setting(
        "", "text", "The name of that form's anti-robot field (b_…_…)."
    ),
    "CARNET_NEWSLETTER_TIMEOUT": Setting(
        30, "number", "Seconds to wait for one Mailchimp answer.", minimum=0.001
    ),
    "CARNET_NEWSLETTER_RETRIES": Setting(
        4,
        "whole number",
        "Retries after a 429, a 5xx, a timeout or a dropped connection.",
        minimum=0,
    ),
    "CARNET_NEWSLETTER_BACKOFF": Setting(
        2, "number", "Seconds of the first pause between retries (doubled each time).", minimum=0
    ),
    "CARNET_NEWSLETTER_LOCK_WAIT": Setting(
        120,
        "number",
        "Seconds a second `invoke publish` waits for a running one (its build, deploy and "
        "newsletter) before stopping.",
        minimum=0,
    ),
    "CARNET_NEWSLETTER_PROVIDER": Setting(
        "",
        "choice",
        'The provider that sends: "mailchimp" or "outbox" (carnet/newsletter/providers/). '
        "Empty: Mailchimp when MAILCHIMP_API_KEY is set, else the outbox.",
        choices=("", "mailchimp", "outbox"),
    ),
}

DEFAULTS = {name: spec.default for name, spec in SETTINGS.items()}


def setting(settings, name):
    """The value of a Carnet setting: the site's own, else the documented default."""
    return settings.get(name, DEFAULTS[name])
