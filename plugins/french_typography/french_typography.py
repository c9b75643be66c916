"""French typography on titles, summaries, content and the names of tags, categories and
authors (carnet.typography), and two filters.

Narrow no-break space before ; ! ?, no-break space before : and inside « », typographic
apostrophe, ellipsis, « » for straight quotes; never in code, pre, attributes or URLs (image
alt and title excepted: a reader sees them). See carnet/typography.py for the rules.

The readers are wrapped (rather than the finished articles changed) so that Pelican's
content cache stores the typeset text: a warm build does not pay for it again. Text is
also put in Unicode NFC first, so a title typed in NFD (as macOS writes it) is the same
text, with the same slug, as one typed in NFC. It costs a fraction of a millisecond per
post, in the build process, as Pelican reads each post.

Filters for templates: `typeset` (plain text in French typography: page descriptions made
of words and a category name) and `plain_text` (the text of some HTML, for a description,
without losing its no-break spaces as Jinja's `striptags` does).
"""

from pelican import signals
from pelican.urlwrappers import URLWrapper

from carnet import readers
from carnet.defaults import setting
from carnet.typography import (  # noqa: F401
    plain_text,
    typeset_filter,
    typeset_html,
    typeset_post,
    typeset_settings,
    typeset_text,
    typeset_text_once,
)

PLAIN_TEXT_FIELDS = ("title",)
HTML_FIELDS = ("summary",)
# Pelican's objects for the names a post gives (Tag, Category, Author).
NAME_FIELDS = ("category", "tags", "author", "authors")


def _typeset(content, metadata, locale):
    plain = {key: metadata[key] for key in PLAIN_TEXT_FIELDS if isinstance(metadata.get(key), str)}
    html = {key: metadata[key] for key in HTML_FIELDS if isinstance(metadata.get(key), str)}
    content, plain, html = typeset_post(content, plain, html, locale)
    metadata.update(plain)
    metadata.update(html)
    _typeset_names(metadata)
    return content, metadata


def _typeset_names(metadata):
    """The post's tags', category's and authors' names, as every page, feed and e-mail
    shows them (« l’estime de soi »); each keeps the address its name as typed gives, so
    that no page moves, and that name (as_typed), which the checks of the post quote.
    CARNET_CATEGORIES and CARNET_AUTHORS are typeset alike (carnet.typography.typeset_settings)."""
    for key in NAME_FIELDS:
        value = metadata.get(key)
        for name in value if isinstance(value, list) else [value]:
            if isinstance(name, URLWrapper):
                typeset = typeset_text_once(name.name)
                if typeset != name.name:
                    slug = name.slug
                    # What a check of the post quotes: the coach looks for it in the post.
                    name.as_typed = name.name
                    name.name = typeset
                    name.slug = slug


def french_reader(reader_class):
    """A subclass of reader_class whose output is typeset in French."""

    class FrenchReader(reader_class):
        typesets_french = True

        def read(self, source_path):
            content, metadata = super().read(source_path)
            return _typeset(content, metadata, setting(self.settings, "CARNET_LOCALE"))

    return FrenchReader


def typeset_reader_settings(pelican_object):
    # After carnet_settings' defaults, before french_categories matches names against them.
    if setting(pelican_object.settings, "CARNET_TYPOGRAPHY"):
        typeset_settings(pelican_object.settings)


def add_filters(generator):
    typeset = setting(generator.settings, "CARNET_TYPOGRAPHY")
    generator.env.filters.update(
        typeset=typeset_filter if typeset else (lambda value: value),
        plain_text=plain_text,
    )


def register():
    # Not the "static" reader: an image has no text to typeset (its empty read was typeset
    # again at every build, the static files being read anew each time).
    readers.add_layer(
        "french_typography",
        french_reader,
        applies=lambda settings: setting(settings, "CARNET_TYPOGRAPHY"),
        wraps_static=False,
    )
    signals.initialized.connect(typeset_reader_settings)
    signals.generator_init.connect(add_filters)
