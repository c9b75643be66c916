"""`article.previous_article` (the next older) and `article.next_article` (the next newer).

Among the articles the site lists: drafts, hidden and email-only posts are never anyone's
neighbour. The oldest article has no previous_article, the newest no next_article (None).
"""

from pelican import signals

from carnet.listing import listed_articles, oldest_first


def link_neighbours(generator):
    for article in generator.articles + generator.hidden_articles:
        article.previous_article = None
        article.next_article = None
    ordered = oldest_first(listed_articles(generator.articles))
    for older, newer in zip(ordered, ordered[1:], strict=False):
        newer.previous_article = older
        older.next_article = newer


def register():
    signals.article_generator_finalized.connect(link_neighbours)
