"""A post's category is one of CARNET_CATEGORIES, matched without case, accents
or typography (« L'art » and « L’art » are one).

« Journal Intime » in one post and « journal intime » in another are one category, named
as CARNET_CATEGORIES spells it. Anything else stops the build naming the post and, when
there is one, the close match: a typo (« Journal intme ») would otherwise put a new
category on the site. A post without `Category:` gets CARNET_DEFAULT_CATEGORY, and stops
the build when that is empty (Pelican would file it under its folder's name, « posts »).

With an empty CARNET_CATEGORIES, any category is accepted, spelled as its oldest post writes
it (the oldest by date, then by file), and so are those whose addresses are one («
Bien-être », « bien être »). Not as the first post read: Pelican reads the posts
in no fixed order (a set of paths), and the menu's « Été » became « ete » from one build to
the next.

An author is matched against CARNET_AUTHORS the same way, and spelled as its key: the
theme finds the bio and photo by the exact name, and « Author: claire dumas » showed none.
"""

import difflib

from pelican import signals
from pelican.contents import Article
from pelican.urlwrappers import Author, Category

from carnet.defaults import setting
from carnet.i18n import _
from carnet.posts import as_typed
from carnet.settings_check import category_key

# Spelling for each category key in this build: the configured ones.
_spellings = {}
_configured = {"names": []}
# Spelling of each CARNET_AUTHORS name, by its key.
_author_spellings = {}


def load_configured_spellings(pelican_object):
    settings = pelican_object.settings
    _spellings.clear()
    _configured["names"] = list(setting(settings, "CARNET_CATEGORIES"))
    for name in _configured["names"]:
        _spellings[category_key(name)] = name
    _author_spellings.clear()
    for name in setting(settings, "CARNET_AUTHORS"):
        _author_spellings[category_key(name)] = name
    # No category from the folder's name, and none by default unless the site names one:
    # Pelican drops an empty DEFAULT_CATEGORY.
    settings["USE_FOLDER_AS_CATEGORY"] = False
    settings["DEFAULT_CATEGORY"] = setting(settings, "CARNET_DEFAULT_CATEGORY")


def _listed():
    return ", ".join(f"« {name} »" for name in _configured["names"])


def use_configured_spelling(content):
    if not isinstance(content, Article) or content.metadata.get("status") == "draft":
        return
    category = getattr(content, "category", None)
    if not category:
        if _configured["names"]:
            raise ValueError(
                _(
                    "no Category: line: add one, e.g. « Category: {example} » (one of {names})"
                ).format(example=_configured["names"][0], names=_listed())
            )
        raise ValueError(_("no Category: line: add one, e.g. « Category: Journal intime »"))
    key = category_key(category.name)
    if _configured["names"] and key not in _spellings:
        close = difflib.get_close_matches(key, list(_spellings), n=1, cutoff=0.6)
        hint = (
            _(": did you mean « {name} » ?").format(name=_spellings[close[0]])
            if close
            else _(": use one of {names}").format(names=_listed())
        )
        raise ValueError(
            _("the category « {name} » is not in CARNET_CATEGORIES{hint}").format(
                name=as_typed(category), hint=hint
            )
        )
    if key in _spellings and _spellings[key] != category.name:
        content.category = Category(_spellings[key], content.settings)


def use_configured_author_spelling(content):
    """Each author of a post or page (the site's AUTHOR for one without Author:) that is a
    CARNET_AUTHORS name but for case, accents, spaces or typography is given that name."""
    authors = getattr(content, "authors", None)
    if not authors or not _author_spellings:
        return
    names = [_author_spellings.get(category_key(author.name), author.name) for author in authors]
    if names != [author.name for author in authors]:
        # In place: the post's metadata holds this same list.
        authors[:] = [
            author if author.name == name else Author(name, content.settings)
            for author, name in zip(authors, names, strict=True)
        ]
        content.author = authors[0]
        if "author" in content.metadata:
            content.metadata["author"] = authors[0]


def spell_each_category_as_its_oldest_post(generator):
    """With an empty CARNET_CATEGORIES, every post of a category (hidden and e-mail-only
    ones too) gets the spelling of its oldest post, before Pelican groups them."""
    if _configured["names"]:
        return  # each post was given the configured spelling as it was read
    posts = [
        *generator.articles,
        *generator.translations,
        *generator.hidden_articles,
        *generator.hidden_translations,
        # Taken out of the articles by plugin newsletter_manifest, when it ran first.
        *getattr(generator, "newsletter_only_articles", []),
    ]
    oldest = {}
    for post in posts:
        if not getattr(post, "category", None):
            continue
        key = post.category.slug  # one address, one category page: one spelling
        first = oldest.get(key)
        if first is None or (post.date, post.source_path) < (first.date, first.source_path):
            oldest[key] = post
    for post in posts:
        if getattr(post, "category", None):
            post.category = oldest[post.category.slug].category


def register():
    signals.initialized.connect(load_configured_spellings)
    signals.content_object_init.connect(use_configured_spelling)
    signals.content_object_init.connect(use_configured_author_spelling)
    signals.article_generator_pretaxonomy.connect(spell_each_category_as_its_oldest_post)
