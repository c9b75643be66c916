"""Which articles the site lists.

Pelican already keeps drafts and hidden posts out of `generator.articles`. An email-only
post (metadata `Newsletter: only`) is sent to subscribers but never listed on the site:
not in neighbours, related posts, backlinks, the sitemap or the search index.
"""

from carnet.posts import is_email_only

__all__ = ["is_email_only", "listed_articles"]


def listed_articles(articles):
    """The articles of `articles` that readers can find on the site, in the same order."""
    return [article for article in articles if not is_email_only(article)]
