"""Each post's and page's address is worked out once, when the site's content is complete.

Pelican computes `url` afresh at every use (a copy of the metadata, the source path made
relative, the pattern formatted), and the templates use it some forty-five times per post:
about a tenth of a cold build at 1000 posts. Once every generator has finished (slugs,
dates and categories are final), this plugin stores it with Pelican's own override
(`override_url`: what a `URL:` field in a post sets), which Pelican then returns as is.

`save_as` is left alone: an overridden one also lets the post's page silently win over any
other page written to the same file, where Pelican otherwise stops. Static files too: an
`{attach}` link moves one while the pages are written, which Pelican refuses to do to an
address already overridden.
"""

from pelican import signals

from carnet.sources import CONTENT_LISTS


def _contents(generators):
    for generator in generators:
        for name in CONTENT_LISTS:
            yield from getattr(generator, name, ())


def freeze_urls(generators):
    for content in _contents(generators):
        if not hasattr(content, "override_url"):
            content.override_url = content.url


def register():
    signals.all_generators_finalized.connect(freeze_urls)
