"""Which articles the site lists.

Pelican already keeps drafts and hidden posts out of `generator.articles`. An email-only
post (metadata `Newsletter: only`) is sent to subscribers but never listed on the site:
not in neighbours, related posts, backlinks, the sitemap or the search index.
"""

from carnet.posts import is_email_only

__all__ = ["is_email_only", "listed_articles", "newest_first", "oldest_first"]


def listed_articles(articles):
    """The articles of `articles` that readers can find on the site, in the same order."""
    return [article for article in articles if not is_email_only(article)]


def newest_first(articles):
    """`articles` in the order of every list of the site (Pelican's generator.articles:
    newest first, and posts of one date and time by slug, as Pelican sorts them before it
    sorts by date). The neighbours, the sidebar and the e-mails follow it too: they had
    each their own order for posts of one moment (by file, by category), so a post's « Article
    suivant » was not the post above it on the home page."""
    by_slug = sorted(articles, key=lambda article: article.slug)
    return sorted(by_slug, key=lambda article: article.date, reverse=True)


def oldest_first(articles):
    """`articles` in the reverse of newest_first's order."""
    return newest_first(articles)[::-1]
