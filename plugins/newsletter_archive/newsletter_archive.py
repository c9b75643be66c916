"""The newsletter archive page: the posts that went out as newsletters, newest first.

Written to CARNET_NEWSLETTER_ARCHIVE_SAVE_AS with the theme's newsletter_archive.html,
which gets `newsletter_issues`: a list of NewsletterIssue (.title, .url like article.url,
.sent_at an aware datetime, .scheduled, .article). A letter Mailchimp sends later
(CARNET_NEWSLETTER_SCHEDULE) is in the ledger from when it was scheduled, at the time it
goes out: while that time is to come, it is `scheduled`, and the page says so. Read from
the newsletter ledger (carnet.newsletter.ledger, CARNET_NEWSLETTER_LEDGER), whose post ids
are slugs. Shown: the posts the site lists (so every link works and an email-only post
stays private) that were really emailed (not the « baseline » posts that predate the
newsletter). No ledger yet: the list is empty and the page says so. A corrupt ledger stops
the build.
"""

import datetime
import logging
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.generators import Generator, PelicanTemplateNotFound

from carnet.defaults import setting
from carnet.i18n import _
from carnet.listing import listed_articles

logger = logging.getLogger(__name__)

TEMPLATE = "newsletter_archive"
BASELINE = "baseline"


@dataclass
class NewsletterIssue:
    title: str
    url: str
    sent_at: datetime.datetime
    article: object
    scheduled: bool = False  # it goes out after this build


def read_ledger(settings):
    """{post id (slug): entry} from the newsletter ledger; {} when there is none yet."""
    try:
        # Imported here: the site builds even without the newsletter package.
        from carnet.newsletter import ledger
        from carnet.newsletter.paths import project_path
    except ImportError:
        return {}
    path = project_path(settings, "CARNET_NEWSLETTER_LEDGER")
    try:
        return ledger.load(path)
    except ledger.LedgerError as problem:
        # The archive would silently lose posts: stop the build, as for bad content.
        logger.error("%s", problem)
        return {}


def newsletter_issues(settings, articles):
    """The listed articles that the ledger says were emailed, newest send first.

    An article is found by its file, its slug, or its title and date (carnet's ledger.match),
    so a post renamed or moved after it went out is still listed."""
    from carnet.newsletter import ledger  # light: no sending code

    listed = listed_articles(articles)
    found = ledger.match(
        read_ledger(settings),
        (
            (
                number,
                article.get_relative_source_path().replace(os.sep, "/"),
                article.slug,
                article.title,
                article.date.isoformat(),
            )
            for number, article in enumerate(listed)
        ),
    )
    # Shown in the site's time zone, as the posts' own dates are.
    timezone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    now = datetime.datetime.now(datetime.UTC)
    issues = []
    for number, (entry, _how) in found.items():
        # "baseline": the post existed before the newsletter did; it was never emailed.
        if entry["provider"] == BASELINE:
            continue
        article = listed[number]
        sent_at = datetime.datetime.fromisoformat(entry["sent_at"]).astimezone(timezone)
        issues.append(NewsletterIssue(article.title, article.url, sent_at, article, sent_at > now))
    issues.sort(key=lambda issue: issue.sent_at, reverse=True)
    return issues


# The newsletter's own small pages (theme template, URL setting, SAVE_AS setting): where
# an outbox e-mail's « Se désinscrire » and « Gérer vos préférences » lead, and, while no
# Mailchimp form is set, what the sample subscribe form points to.
NEWSLETTER_PAGES = [
    ("newsletter_unsubscribe", "CARNET_NEWSLETTER_UNSUBSCRIBE"),
    ("newsletter_preferences", "CARNET_NEWSLETTER_PREFERENCES"),
    ("newsletter_form_setup", "CARNET_NEWSLETTER_FORM_SETUP"),
]


class NewsletterArchiveGenerator(Generator):
    def generate_output(self, writer):
        self._write(
            writer,
            TEMPLATE,
            "CARNET_NEWSLETTER_ARCHIVE",
            newsletter_issues=lambda: newsletter_issues(
                self.settings, self.context.get("articles", [])
            ),
        )
        for template, prefix in NEWSLETTER_PAGES:
            self._write(writer, template, prefix)

    def _write(self, writer, template_name, prefix, **extra):
        save_as = setting(self.settings, prefix + "_SAVE_AS")
        if not save_as:
            return
        try:
            template = self.get_template(template_name)
        except PelicanTemplateNotFound:
            logger.warning(
                _("theme: no {template}.html template, no {page} page").format(
                    template=template_name, page=save_as
                )
            )
            return
        writer.write_file(
            save_as,
            template,
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=setting(self.settings, prefix + "_URL"),
            template_name=template_name,
            **{name: compute() for name, compute in extra.items()},
        )


def get_generators(pelican_object):
    return NewsletterArchiveGenerator


def register():
    signals.get_generators.connect(get_generators)
