"""French typography on titles, summaries and content, with polytypo.

Narrow no-break space before ; ! ?, no-break space before : and inside « », typographic
apostrophe, ellipsis; polytypo leaves code, pre, script, attributes and URLs alone.

The readers are wrapped (rather than the finished articles changed) so that Pelican's
content cache stores the typeset text: a warm build does not pay for it again. Text is
also put in Unicode NFC first, so a title typed in NFD (as macOS writes it) is the same
text, with the same slug, as one typed in NFC.
"""

import unicodedata

import polytypo
from pelican import signals

from carnet.defaults import setting

PLAIN_TEXT_FIELDS = ("title",)
HTML_FIELDS = ("summary",)


def typeset_html(html, locale):
    return polytypo.transform(unicodedata.normalize("NFC", html), locale=locale, mode="html")


def typeset_text(text, locale):
    return polytypo.transform(unicodedata.normalize("NFC", text), locale=locale, mode="text")


def _typeset_metadata(metadata, locale):
    for key in PLAIN_TEXT_FIELDS:
        if isinstance(metadata.get(key), str):
            metadata[key] = typeset_text(metadata[key], locale)
    for key in HTML_FIELDS:
        if isinstance(metadata.get(key), str):
            metadata[key] = typeset_html(metadata[key], locale)
    return metadata


def french_reader(reader_class):
    """A subclass of reader_class whose output is typeset in French."""

    class FrenchReader(reader_class):
        def read(self, source_path):
            content, metadata = super().read(source_path)
            locale = setting(self.settings, "CARNET_LOCALE")
            if content:
                content = typeset_html(content, locale)
            return content, _typeset_metadata(metadata, locale)

    FrenchReader.__name__ = reader_class.__name__
    return FrenchReader


def wrap_readers(readers):
    if not setting(readers.settings, "CARNET_TYPOGRAPHY"):
        return
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is not None:
            readers.reader_classes[extension] = french_reader(reader_class)


def register():
    signals.readers_init.connect(wrap_readers)
