"""Every Carnet setting, with its default and what it does.

Carnet's own settings all start with ``CARNET_``. Set them in ``pelicanconf.py`` (every
build) or ``publishconf.py`` (production only). A name starting with ``CARNET_`` that is not
listed here is a typo: the build warns and suggests the closest known name.
"""

DEFAULTS = {
    # Category spellings shown on the site. A post's category is matched against these
    # case-insensitively, so « Journal Intime » files under « Journal intime ».
    "CARNET_CATEGORIES": [],
    # Babel date patterns (https://babel.pocoo.org date format syntax), French locale.
    "CARNET_DATE_LONG": "d MMMM y",  # « 9 septembre 2020 »
    "CARNET_DATE_SHORT": "dd/MM/y",  # « 09/09/2020 »
    "CARNET_LOCALE": "fr",
    # French typography (polytypo) on titles, summaries and content.
    "CARNET_TYPOGRAPHY": True,
    # Worker processes that typeset posts in parallel when many are not in the cache (a
    # cold build): 0 = one per CPU, 1 = none (everything in the build process).
    "CARNET_TYPOGRAPHY_WORKERS": 0,
    # Render again only the pages whose template or content changed since the last build
    # (plugin page_reuse); the others are kept as they are. publishconf.py turns it off.
    "CARNET_PAGE_REUSE": True,
    # list of (plugin name, {plugin it needs before it: why}[, {plugin it comes after when
    # listed: why}]): what each plugin of PLUGINS needs from another; plugin carnet_wiring
    # checks PLUGINS against it (pelicanconf.py).
    "CARNET_PLUGINS": [],
    # Where `invoke publish` deploys: a local folder or an rsync destination
    # (user@host:path). The environment variable CARNET_DEPLOY_TARGET wins over it.
    # Empty: no deploy, the site stays in output/.
    "CARNET_DEPLOY_TARGET": "",
    # A post file larger than this stops the build: it is almost always an image pasted
    # into the text by mistake, and it would be clipped in email anyway.
    "CARNET_MAX_POST_BYTES": 2_000_000,
    # Authors: name -> {"bio": "...", "photo": "images/...", "email": "..."}.
    "CARNET_AUTHORS": {},
    # --- Reader experience (plugins reading_time, related_posts, newsletter_archive; search)
    # Words read in a minute, for « 4 min de lecture » (about 230 for French on a screen).
    "CARNET_READING_SPEED": 230,
    # How many related articles (shared tags and category) each article shows.
    "CARNET_RELATED_POSTS": 3,
    # The page listing the posts that went out as newsletters, with their send dates.
    # Empty SAVE_AS: no such page.
    "CARNET_NEWSLETTER_ARCHIVE_URL": "newsletter/archives/",
    "CARNET_NEWSLETTER_ARCHIVE_SAVE_AS": "newsletter/archives/index.html",
    # The language Pagefind indexes the site in (`invoke preview` and `publish`), whatever
    # a page declares: French stemming, so « clientes » finds « cliente ».
    "CARNET_SEARCH_LANGUAGE": "fr",
    # --- Newsletter (carnet/newsletter/, `invoke publish`) --------------------------------
    # Relative paths below are relative to the project folder (the one holding content/).
    # The ledger: which posts were emailed (or counted as already sent). Commit it.
    "CARNET_NEWSLETTER_LEDGER": "newsletter-ledger.json",
    # Where each build writes the list of published posts that the newsletter reads.
    "CARNET_NEWSLETTER_MANIFEST": ".carnet/newsletter-manifest.json",
    # Where the outbox provider (used when MAILCHIMP_API_KEY is not set) writes its emails.
    "CARNET_NEWSLETTER_OUTBOX": "outbox",
    # "YYYY-MM-DD": posts dated before this day are never emailed (they are recorded as
    # already sent). Empty: on the first run (no ledger yet) every existing post is
    # recorded as already sent, and only posts published afterwards are emailed.
    "CARNET_NEWSLETTER_SINCE": "",
    # True: the whole post in the email. False: the summary and « Lire la suite ».
    # An email-only post (Newsletter: only) is always sent whole.
    "CARNET_NEWSLETTER_FULL_POST": True,
    # The sender's name in the inbox. Empty: SITENAME.
    "CARNET_NEWSLETTER_FROM_NAME": "",
    # The address readers reply to (Mailchimp requires one to send).
    "CARNET_NEWSLETTER_REPLY_TO": "",
    # The subject line; {title} is the post's title, {site} is SITENAME.
    "CARNET_NEWSLETTER_SUBJECT": "{title}",
    # Sub-audiences a post can be sent to with `Newsletter-Segment: NAME`. NAME -> either
    # {"saved_segment_id": 123} (a Mailchimp saved segment) or {"interest_category_id":
    # "abc", "interest_ids": ["def"]} (a Mailchimp interest group), plus an optional
    # "label" in French for the footer, e.g. "les emails privés".
    "CARNET_NEWSLETTER_SEGMENTS": {},
    # "HH:MM" (site TIMEZONE, on a quarter hour): Mailchimp sends at the next such time
    # instead of at once. Empty: send at once.
    "CARNET_NEWSLETTER_SCHEDULE": "",
    # The subscribe form: the action URL of Mailchimp's embedded form
    # (https://....list-manage.com/subscribe/post?u=...&id=...) and the name of its
    # honeypot field (b_..._...). Empty URL: the site says subscribing is not open yet.
    "CARNET_NEWSLETTER_FORM_URL": "",
    "CARNET_NEWSLETTER_FORM_HONEYPOT": "",
    # Mailchimp: seconds to wait for one answer, retries after a 429, a 5xx, a timeout
    # or a dropped connection, and the first pause between retries (doubled each time).
    "CARNET_NEWSLETTER_TIMEOUT": 30,
    "CARNET_NEWSLETTER_RETRIES": 4,
    "CARNET_NEWSLETTER_BACKOFF": 2,
    # Seconds a second `invoke publish` waits for a running one before giving up.
    "CARNET_NEWSLETTER_LOCK_WAIT": 120,
    # str: the provider that sends ("mailchimp" or "outbox", see
    # carnet/newsletter/providers/). Empty: Mailchimp when MAILCHIMP_API_KEY is set, else
    # the outbox.
    "CARNET_NEWSLETTER_PROVIDER": "",
}


def setting(settings, name):
    """The value of a Carnet setting: the site's own, else the documented default."""
    return settings.get(name, DEFAULTS[name])
