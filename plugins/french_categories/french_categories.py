"""Categories matched case-insensitively, shown with the configured spelling.

« Journal Intime » in one post and « Journal intime » in another are one category, named
as CARNET_CATEGORIES spells it (or, for a category not listed there, as first met).
"""

import unicodedata

from pelican import signals
from pelican.contents import Article
from pelican.urlwrappers import Category

from carnet.defaults import setting


def _key(name):
    return unicodedata.normalize("NFC", name).strip().casefold()


# Spelling for each category key in this build: the configured ones, then the first met.
_spellings = {}


def load_configured_spellings(pelican_object):
    _spellings.clear()
    for name in setting(pelican_object.settings, "CARNET_CATEGORIES"):
        _spellings[_key(name)] = name


def use_configured_spelling(content):
    if not isinstance(content, Article) or not getattr(content, "category", None):
        return
    key = _key(content.category.name)
    spelling = _spellings.setdefault(key, content.category.name)
    if spelling != content.category.name:
        content.category = Category(spelling, content.settings)


def register():
    signals.initialized.connect(load_configured_spellings)
    signals.content_object_init.connect(use_configured_spelling)
