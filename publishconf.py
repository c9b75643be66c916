"""Carnet's production settings: `invoke preview` and `invoke publish`.

Everything in pelicanconf.py, plus absolute URLs and feeds.
"""

import os
import sys

# Pelican's own quickstart line: pelicanconf.py sits beside this file.
sys.path.append(os.curdir)

from pelicanconf import *

SITEURL = "https://carnet-de-coach.fr"
RELATIVE_URLS = False

# Full-content Atom and RSS feeds: all posts, and one per category.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
RSS_FEED_SUMMARY_ONLY = False
FEED_MAX_ITEMS = 50

DELETE_OUTPUT_DIRECTORY = True
# What readers get is rendered in full, every page, on every publish (plugin page_reuse
# keeps unchanged pages in development builds only).
CARNET_PAGE_REUSE = False

# Where `invoke publish` deploys (a folder, or user@host:path for rsync). The environment
# variable CARNET_DEPLOY_TARGET wins over this. Empty: the site stays in output/.
CARNET_DEPLOY_TARGET = ""

# --- Newsletter (CARNET_NEWSLETTER_*, documented in carnet/defaults.py) -------------------
# Posts dated before this day were written before the newsletter existed: the first
# publish records them as already sent and emails only the newer ones.
CARNET_NEWSLETTER_SINCE = "2021-09-01"
