"""Each tag's, category's and author's posts as a list that answers `post in posts` at once.

To write a tag, category or author page, Pelican picks that list's posts out of the site's
date-ordered list with `post in posts`, one test per post of the site. On a plain list each
test walks the list, so the whole costs (number of posts)²: 0.8 s of a 5000-post
development rebuild. Pelican's posts are equal only to themselves (Content defines no
`__eq__`), so a set of their ids answers the same question in constant time.

Pelican makes a tag, category or author object for each post that names it: 25 000 at
5000 posts for 48 names, each with its own slug to work out (slugify) when a page links it,
and each a few more objects for the rendering to read. Once every post is read
(article_generator_pretaxonomy), the posts share one object per name
(carnet.pelican_private.same_name).

A hidden post (Status: hidden) is in none of these lists: its tags, category and authors
that no published post has have no page. `article.without_page` names them, so that the
post's page does not link them.
"""

from pelican import signals
from pelican.urlwrappers import URLWrapper

from carnet.pelican_private import same_name
from carnet.sources import CONTENT_LISTS


class PostList(list):
    """A list of posts; `in` looks the post up in a set of ids, made again when the
    list's length changed. (A post put in another's place would go unseen: nothing
    does that to these lists once Pelican has made them.)"""

    def __contains__(self, post):
        ids = getattr(self, "_ids", None)
        if ids is None or len(ids) != len(self):
            ids = self._ids = {id(item) for item in self}
        return id(post) in ids


def one_object_per_name(generator):
    """Each post's tags, category and authors, in its attributes and its metadata, are the
    first object met with the same name (same_name). A list is changed in place: a post's
    attribute and its metadata hold the same one."""
    first_met = {}

    def the_one(value):
        if isinstance(value, URLWrapper):
            return first_met.setdefault(same_name(value), value)
        if isinstance(value, list):
            value[:] = [the_one(item) for item in value]
        return value

    for name in CONTENT_LISTS:  # those of the articles' generator, published or not
        for post in getattr(generator, name, ()):
            for holder in (post.__dict__, post.metadata):
                for key in ("category", "tags", "author", "authors"):
                    if key in holder:
                        holder[key] = the_one(holder[key])


def use_post_lists(generator):
    # In place: the generator's context holds these same dict and lists.
    for tag in list(generator.tags):
        generator.tags[tag] = PostList(generator.tags[tag])
    generator.categories[:] = [
        (category, PostList(posts)) for category, posts in generator.categories
    ]
    generator.authors[:] = [(author, PostList(posts)) for author, posts in generator.authors]


def name_what_has_no_page(generator):
    # Pelican's tags, categories and authors are equal by kind and slug.
    with_page = {*generator.tags, *(name for name, _posts in generator.categories)}
    with_page.update(name for name, _posts in generator.authors)
    for article in generator.hidden_articles + generator.hidden_translations:
        names = [*getattr(article, "tags", []), *getattr(article, "authors", [])]
        names.append(getattr(article, "category", None))
        # A set: the theme asks, for each of the post's tags and authors, whether it is
        # in it (a list, looked through for each, made the post's page take the square of
        # its tags: 4000 took 1.8 s).
        article.without_page = {name for name in names if name and name not in with_page}


def register():
    signals.article_generator_pretaxonomy.connect(one_object_per_name)
    signals.article_generator_finalized.connect(use_post_lists)
    signals.article_generator_finalized.connect(name_what_has_no_page)
