"""Carnet's development settings: `invoke build`, `serve`, `livereload`.

Pelican's own settings are documented in Pelican's manual; Carnet's (CARNET_*) are listed,
with their defaults, in carnet/defaults.py. Production overrides live in publishconf.py.
"""

AUTHOR = "Claire Dumas"
SITENAME = "Carnet de coach"
SITESUBTITLE = "Le journal d’une coach qui lance son activité"
SITEURL = ""
RELATIVE_URLS = True

PATH = "content"
# content/reactions/ is neither: plugin reactions reads it (readers’ replies, not posts).
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
# content/extra/ holds files published as they are at the site's root, its sub-folders kept
# (extra/CNAME is /CNAME, extra/.well-known/security.txt is /.well-known/security.txt):
# PATH_METADATA's `path` group is where Pelican copies a file (STATIC_SAVE_AS and STATIC_URL
# are "{path}"). Hidden files are left out (IGNORE_FILES, below), except in .well-known/,
# listed for that. A file that would land where the site writes something else stops the
# build (plugin content_checks).
STATIC_PATHS = ["images", "extra", "extra/.well-known"]
PATH_METADATA = r"extra/(?P<path>.+)"
# Files no coach means to publish, matched on each file's and folder's own name: hidden
# ones (.DS_Store, .env, .git/, .obsidian/, an editor's .post.md.swp), Office's lock files
# (~$devis.docx), editors' backups (post.md~) and Windows' thumbnails. Pelican's default,
# "**/.*", is matched against that name too, which has no "/": it left every one of them
# in the site.
IGNORE_FILES = [".*", "~$*", "*~", "#*#", "Thumbs.db", "desktop.ini"]

TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
# Dates are formatted by Babel (plugin french_dates), never by the OS locale, which may
# not have French installed.
LOCALE = ("C.UTF-8", "C")
DEFAULT_DATE = None
# A post dated in the future stays unpublished until its date (it is treated as a draft).
WITH_FUTURE_DATES = False

THEME = "theme"
PLUGIN_PATHS = ["plugins"]
# Carnet's plugins, in the order Pelican registers them, which is the order of the one
# reader chain (carnet/readers.py: each reader layer wraps the ones listed before it). It
# is not the order in which two plugins' handlers of one signal run: blinker, which sends
# Pelican's signals, promises none, so no handler relies on another's having run.
# Each comes with what it needs from a plugin listed before it, and why; a third item, when
# there is one, is the plugins it must come after when they are listed (order only). Plugin
# carnet_wiring, first, stops the build when a need is not met (a plugin taken out, or moved).
CARNET_PLUGINS = [
    # Refuses an untested Pelican, checks this list, gives the build its one writer
    # (carnet/writer.py: feeds with feedgen, page reuse), holds each post's text once, in
    # UTF-8 (carnet/compact_texts.py: peak memory).
    ("carnet_wiring", {}),
    # Moves CACHE_PATH into one folder per configuration (initialized).
    ("content_cache", {}),
    # YAML front matter (--- / title: … / ---) read as metadata: replaces Pelican's Markdown
    # reader at readers_init, so the plugins with a reader layer come after it.
    ("pelican.plugins.yaml_metadata", {}),
    # Every CARNET_* default filled in (initialized), typos in setting names reported.
    ("carnet_settings", {}),
    # Bad input named, file by file (reader, then the whole site read, before writing).
    (
        "content_checks",
        {},
        {
            "pelican.plugins.yaml_metadata": "its reader wraps the Markdown reader the YAML "
            "plugin installs (readers_init): listed after it, YAML posts would go unchecked"
        },
    ),
    # French typography of titles, summaries, text and names of tags, categories and
    # authors (reader), and of the settings readers see (initialized).
    (
        "french_typography",
        {},
        {
            "pelican.plugins.yaml_metadata": "its reader wraps the Markdown reader the YAML "
            "plugin installs (readers_init): listed after it, YAML posts would not be typeset"
        },
    ),
    # Categories spelled as CARNET_CATEGORIES says; dates in French (Babel).
    (
        "french_categories",
        {},
        {
            "french_typography": "the posts' categories and authors it matches against "
            "CARNET_CATEGORIES and CARNET_AUTHORS are typeset as read: those settings must be "
            "typeset first (initialized)"
        },
    ),
    ("french_dates", {}),
    # E-mail-only posts out of the site before anything lists them (pretaxonomy); the
    # newsletter's manifest written after a production build.
    ("newsletter_manifest", {}),
    # Production builds, once the site is written (finalized): a redirect page at each
    # e-mailed address a post no longer has (the ledger's addresses); needs no other plugin.
    ("kept_addresses", {}),
    # Words counted when a post is read (reader), minutes set on each article.
    (
        "reading_time",
        {},
        {
            "french_typography": "its reader wraps typography's: the words counted are the typeset text's"
        },
    ),
    # Cold builds: the posts the readers' cache lacks are read in two processes, the last
    # part by a forked child (carnet/forked.py), the same posts and lines as in one.
    ("parallel_reading", {}),
    # Automatic summaries end after a sentence or a whole word (carnet/summaries.py, put in
    # place when the plugin is registered, through carnet/pelican_private.py).
    ("summaries", {}),
    # What each post points to: older/newer, related, the posts linking to it (each post's
    # links found as it is read: reader).
    ("neighbours", {}),
    ("related_posts", {}),
    (
        "backlinks",
        {},
        {
            "french_typography": "its reader wraps typography's: the sentences around the "
            "links are the typeset text's"
        },
    ),
    # The published copies of JPEG photos without their GPS position, phone or serial
    # number (finalized); needs no other plugin.
    ("photo_privacy", {}),
    # sitemap.xml (production) and robots.txt; the page of the letters sent.
    ("sitemap", {}),
    ("newsletter_archive", {}),
    # The menus every page shows, as two short lists (the theme reads them).
    ("site_menus", {}),
    # Posts share one object per tag, category and author name (pretaxonomy: Pelican makes
    # one per post); a tag's, category's and author's posts answer `post in posts` in
    # constant time.
    ("post_lists", {}),
    # Each post's and page's address worked out once, when the content is complete
    # (all_generators_finalized): Pelican recomputed it at each use. A file's name that an
    # address cannot hold as it is (« mon bureau.jpg ») is written mon%20bureau.jpg in it.
    ("frozen_urls", {}),
    # Reader reactions (content/reactions/, not an ARTICLE_PATHS/PAGE_PATHS folder), read
    # once the posts are read; typeset with carnet/typography.py.
    ("reactions", {}),
    # Share images: known as each post is read, drawn by a fresh Python (carnet/card_drawer.py)
    # as the posts are read, while the build goes on alone to its pages; put in the output
    # at finalized.
    ("share_cards", {}),
    # Development builds: pages whose key is unchanged are neither rendered nor written.
    (
        "page_reuse",
        {
            "content_cache": "its page keys hold for one configuration only: it reads CACHE_PATH "
            "at initialized, once content_cache has made it the configuration's folder",
            "site_menus": "templates read category_counts and recent_articles, so that a page "
            "does not depend on every post (else every edit renders every page again)",
        },
        {
            "share_cards": "listed after it for the reader of this list: at finalized each "
            "removes or puts back share images (either order ends with them in place)"
        },
    ),
]
PLUGINS = [plugin[0] for plugin in CARNET_PLUGINS]

# Titles and tags are plain text: templates escape everything unless marked |safe
# (content and summaries, which are HTML).
# auto_reload off: each build makes its environments afresh, so Jinja need not look at every
# template file's date each time a page includes it (some 40 000 stat calls at 1000 posts).
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,
    "auto_reload": False,
}

# Pelican's Markdown settings, with the title of a footnote's way back in French (Markdown
# writes « Jump back to footnote 1 in the text »).
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight"},
        "markdown.extensions.extra": {
            "footnotes": {"BACKLINK_TITLE": "Revenir à l’appel de la note %d"}
        },
        "markdown.extensions.meta": {},
        # The page's <h1> is the title: a text's `#` headings move one level down.
        "carnet.headings": {},
        # A note left in an HTML comment (<!-- … -->) is not published.
        "carnet.html_comments": {},
        # Markdown as the coach's editor (Obsidian, Typora, iA Writer, Notion) shows it.
        "carnet.editor_markdown": {},
        # The same pages, in time proportional to the text: « [ » or « <a » never closed
        # made Python-Markdown read the rest of the text again for each one (hours for 2 MB).
        "carnet.linear_markdown": {},
    },
    "output_format": "html5",
}

# Pretty, French URLs.
ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "categorie/{slug}/"
CATEGORY_SAVE_AS = "categorie/{slug}/index.html"
TAG_URL = "etiquette/{slug}/"
TAG_SAVE_AS = "etiquette/{slug}/index.html"
AUTHOR_URL = "auteur/{slug}/"
AUTHOR_SAVE_AS = "auteur/{slug}/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
TAGS_URL = "etiquettes/"
TAGS_SAVE_AS = "etiquettes/index.html"
AUTHORS_URL = "auteurs/"
AUTHORS_SAVE_AS = "auteurs/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_URL = "archives/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "archives/{date:%Y}/index.html"
MONTH_ARCHIVE_URL = "archives/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "archives/{date:%Y}/{date:%m}/index.html"
DRAFT_URL = DRAFT_SAVE_AS = ""
DRAFT_PAGE_URL = DRAFT_PAGE_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives", "404", "search"]
# The search page (theme/templates/search.html): Pagefind's UI, loaded on this page only.
SEARCH_URL = "recherche/"
SEARCH_SAVE_AS = "recherche/index.html"

DEFAULT_PAGINATION = 8
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
SUMMARY_MAX_LENGTH = 45

# Slugs: lowercase ASCII; an apostrophe (straight or typographic) separates words, so
# « Qu’est-ce que l’écoute ? » gives qu-est-ce-que-l-ecoute.
SLUG_REGEX_SUBSTITUTIONS = [
    (r"'", " "),
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
]

# No feeds while writing; publishconf.py turns them on with absolute URLs.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None

# Reuse what the readers produced (Markdown, typography) between builds. A post is read
# again when its text changes (a hash of the file, not its date, which copies and restores
# keep); plugin content_cache keeps one cache per configuration, so that a changed setting,
# plugin or library never serves stale content.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = ".carnet/cache"
CHECK_MODIFIED_METHOD = "sha256"
# Pelican gzips the cache at level 9 on every build: a few MB more on disk, seconds less.
GZIP_CACHE = False
# Start each build from an empty output/: a deleted or renamed post leaves no page behind.
DELETE_OUTPUT_DIRECTORY = True

# --- Carnet settings (see carnet/defaults.py) ---------------------------------------------
CARNET_CATEGORIES = ["Journal intime", "Lancer son business"]
CARNET_AUTHORS = {
    "Claire Dumas": {
        "bio": "Coach professionnelle à Nantes, elle accompagne les femmes qui se lancent à leur compte.",
        "photo": "images/claire-dumas.svg",
    },
    "Julien Moreau": {
        "bio": "Ancien DRH devenu coach, il écrit sur le métier et ses coulisses.",
        "photo": "images/julien-moreau.svg",
    },
}

# --- Newsletter (CARNET_NEWSLETTER_*, documented in carnet/defaults.py) -------------------
# `invoke publish` emails each new post once: through Mailchimp when MAILCHIMP_API_KEY and
# MAILCHIMP_LIST_ID are set in the environment (never here), else into outbox/.
CARNET_NEWSLETTER_FROM_NAME = "Claire Dumas · Carnet de coach"
CARNET_NEWSLETTER_REPLY_TO = "bonjour@carnet-de-coach.fr"
# The postal address every newsletter shows (the outbox writes it; Mailchimp uses the
# audience's own).
CARNET_NEWSLETTER_POSTAL_ADDRESS = "Claire Dumas\n12 rue des Coquelicots\n44000 Nantes"
# The subscribe form (Mailchimp → Audience → Signup forms → Embedded forms): the form's
# action URL and its hidden anti-robot field's name. Empty: the site says it is not open.
CARNET_NEWSLETTER_FORM_URL = ""
CARNET_NEWSLETTER_FORM_HONEYPOT = ""
# Sub-audiences for `Newsletter-Segment: NAME`, e.g. readers who asked for private emails:
# CARNET_NEWSLETTER_SEGMENTS = {
#     "emails-prives": {"interest_category_id": "abc123", "interest_ids": ["def456"],
#                       "label": "les e-mails privés"},
# }
