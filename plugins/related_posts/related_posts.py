"""`article.related_posts`: up to CARNET_RELATED_POSTS other articles, best first.

An article scores one point per tag it shares and one more if it is in the same category;
ties go to the one closest in date. Comparing every pair of articles would be quadratic,
so articles are indexed by tag and by category (oldest first) and each article only looks
at its WINDOW nearest neighbours in date on each side in each of its lists. A site with
fewer than WINDOW posts per tag gets the exact best matches; a large one gets the best
among the posts written around the same time, at a cost linear in the number of articles
and of their tags (an article looks in MOST_LISTS_LOOKED_IN of its lists at most).
"""

import heapq
from collections import defaultdict
from datetime import timedelta

from pelican import signals

from carnet.defaults import setting
from carnet.listing import listed_articles

WINDOW = 12
# The tags (and category) of an article whose lists it looks in, at most: each candidate
# is scored on all of its tags, so with every list looked in, 100 tags an article made
# 2400 candidates each scored on 100 tags, the work growing with the square of the tags.
# Beyond it, the first in order of slug; a post with fewer gets the same related posts.
MOST_LISTS_LOOKED_IN = 40


def _index(articles, keys):
    """(lists, positions): each tag's and category's articles oldest first, and where each
    article sits in each of its lists."""
    lists = defaultdict(list)
    for article in articles:
        for key in keys[id(article)]:
            lists[key].append(article)
    positions = {}
    for key, members in lists.items():
        for place, article in enumerate(members):
            positions[key, id(article)] = place
    return lists, positions


def _keys(article):
    # Slugs, which is how Pelican compares tags and categories, as plain strings: comparing
    # the Tag objects themselves was most of this plugin's time.
    keys = {("tag", getattr(tag, "slug", tag)) for tag in getattr(article, "tags", None) or []}
    category = getattr(article, "category", None)
    if category:
        keys.add(("category", getattr(category, "slug", category)))
    return keys


def _score(keys, other_keys):
    """One point per shared tag, one for the same category."""
    return len(keys & other_keys)


def related_to(article, lists, positions, keys, limit, moments):
    own_keys = keys[id(article)]
    candidates = {}
    looked_in = own_keys
    if len(own_keys) > MOST_LISTS_LOOKED_IN:
        looked_in = sorted(own_keys)[:MOST_LISTS_LOOKED_IN]
    for key in looked_in:
        members = lists[key]
        place = positions[key, id(article)]
        for other in members[max(0, place - WINDOW) : place + WINDOW + 1]:
            if other is not article:
                candidates[id(other)] = other
    moment = moments[id(article)]
    # The same as sorted(...)[:limit], without ordering the candidates past the limit.
    return heapq.nsmallest(
        limit,
        candidates.values(),
        key=lambda other: (
            -_score(own_keys, keys[id(other)]),
            abs(moments[id(other)] - moment),
            other.source_path,
        ),
    )


def set_related_posts(generator):
    limit = setting(generator.settings, "CARNET_RELATED_POSTS")
    articles = sorted(listed_articles(generator.articles), key=lambda a: (a.date, a.source_path))
    keys = {id(article): _keys(article) for article in articles}
    lists, positions = _index(articles, keys)
    # Each date as whole microseconds since the first: the distance between two dates in
    # one subtraction of integers, exactly that of the two datetimes.
    first = articles[0].date if articles else None
    moments = {id(a): (a.date - first) // timedelta(microseconds=1) for a in articles}
    for article in generator.articles + generator.hidden_articles:
        article.related_posts = []
    for article in articles:
        article.related_posts = related_to(article, lists, positions, keys, limit, moments)


def register():
    signals.article_generator_finalized.connect(set_related_posts)
