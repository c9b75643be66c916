"""French typography with polytypo: the functions the site and the worker processes share.

Kept apart from the plugin so that a worker process (plugin french_typography typesets
posts in parallel) imports polytypo and nothing of Pelican.
"""

import unicodedata

import polytypo


def typeset_html(html, locale):
    return polytypo.transform(unicodedata.normalize("NFC", html), locale=locale, mode="html")


def typeset_text(text, locale):
    return polytypo.transform(unicodedata.normalize("NFC", text), locale=locale, mode="text")


def typeset_post(content, plain_fields, html_fields, locale):
    """Typeset one post: its HTML content and its metadata fields ({name: text}).

    Returns (content, plain_fields, html_fields), typeset; None content stays None.
    """
    return (
        typeset_html(content, locale) if content else content,
        {name: typeset_text(text, locale) for name, text in plain_fields.items()},
        {name: typeset_html(text, locale) for name, text in html_fields.items()},
    )
