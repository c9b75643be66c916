"""What every page shows of the whole site, worked out once per build.

- `category_counts`: [(category, number of posts)], for the main menu and the sidebar;
- `recent_articles`: the RECENT_ARTICLES newest posts, for the sidebar.

Templates used to loop over `categories` (every category with all its posts) on every
page. Besides the cost, that made each page read every post of the site, so plugin
page_reuse had to render every page again after any edit; with these two short lists a
page depends only on what it shows.
"""

from pelican import signals

from carnet.listing import newest_first

RECENT_ARTICLES = 5


def add_site_menus(generator):
    context = generator.context
    categories = context.get("categories") or []
    context["category_counts"] = [(category, len(articles)) for category, articles in categories]
    # Each category lists its posts newest first (ARTICLE_ORDER_BY), so its first few are
    # enough: no sort of every post.
    candidates = [article for _, articles in categories for article in articles[:RECENT_ARTICLES]]
    context["recent_articles"] = newest_first(candidates)[:RECENT_ARTICLES]


def register():
    signals.article_generator_finalized.connect(add_site_menus)
