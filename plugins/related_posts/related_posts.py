"""`article.related_posts`: up to CARNET_RELATED_POSTS other articles, best first.

An article scores one point per tag it shares and one more if it is in the same category;
ties go to the one closest in date. Comparing every pair of articles would be quadratic,
so articles are indexed by tag and by category (oldest first) and each article only looks
at its WINDOW nearest neighbours in date on each side in each of its lists. A site with
fewer than WINDOW posts per tag gets the exact best matches; a large one gets the best
among the posts written around the same time, at a cost linear in the number of articles.
"""

from collections import defaultdict

from pelican import signals

from carnet.defaults import setting
from carnet.listing import listed_articles

WINDOW = 12


def _index(articles):
    """(lists, positions): each tag's and category's articles oldest first, and where each
    article sits in each of its lists."""
    lists = defaultdict(list)
    for article in articles:
        for key in _keys(article):
            lists[key].append(article)
    positions = {}
    for key, members in lists.items():
        for place, article in enumerate(members):
            positions[key, id(article)] = place
    return lists, positions


def _tags(article):
    return getattr(article, "tags", None) or []


def _keys(article):
    keys = [("tag", tag) for tag in _tags(article)]
    if getattr(article, "category", None):
        keys.append(("category", article.category))
    return keys


def _score(article, other, tag_sets):
    shared_tags = len(tag_sets[id(article)] & tag_sets[id(other)])
    same_category = int(getattr(other, "category", None) == getattr(article, "category", None))
    return shared_tags + same_category


def related_to(article, lists, positions, tag_sets, limit):
    candidates = {}
    for key in _keys(article):
        members = lists[key]
        place = positions[key, id(article)]
        for other in members[max(0, place - WINDOW) : place + WINDOW + 1]:
            if other is not article:
                candidates[id(other)] = other
    ranked = sorted(
        candidates.values(),
        key=lambda other: (
            -_score(article, other, tag_sets),
            abs((other.date - article.date).total_seconds()),
            other.source_path,
        ),
    )
    return ranked[:limit]


def set_related_posts(generator):
    limit = setting(generator.settings, "CARNET_RELATED_POSTS")
    articles = sorted(listed_articles(generator.articles), key=lambda a: (a.date, a.source_path))
    lists, positions = _index(articles)
    tag_sets = {id(article): set(_tags(article)) for article in articles}
    for article in generator.articles + generator.hidden_articles:
        article.related_posts = []
    for article in articles:
        article.related_posts = related_to(article, lists, positions, tag_sets, limit)


def register():
    signals.article_generator_finalized.connect(set_related_posts)
