"""Each post's and page's address is worked out once, when the site's content is complete;
a static file's address is written as an address.

Pelican computes `url` afresh at every use (a copy of the metadata, the source path made
relative, the pattern formatted), and the templates use it some forty-five times per post:
about a tenth of a cold build at 1000 posts. Once every generator has finished (slugs,
dates and categories are final), this plugin stores it with Pelican's own override
(`override_url`: what a `URL:` field in a post sets), which Pelican then returns as is.

`save_as` is left alone: an overridden one also lets the post's page silently win over any
other page written to the same file, where Pelican otherwise stops. A static file's address
is left alone too (an `{attach}` link moves the file while the pages are written, which
Pelican refuses to do to an address already overridden), unless its name has a character
an address cannot hold: Pelican's address of content/images/mon bureau.jpg is
images/mon bureau.jpg, whose space went into every `{static}` link to it (the page's
<img src>, the feeds, the e-mail, which some mail programs cut there); it is
images/mon%20bureau.jpg now, and the file keeps its name.

Once its address is known, a link a post's text or Summary: writes as a relative path
(« ../images/bureau.jpg », which works from the post's own page) is written as the path it
leads to there (« /images/bureau.jpg », carnet/links.py): its summary on a category's page
(/categorie/…/) and its text in a feed then lead to the same place. Plugin content_checks,
listed before, has said by then each one that leads nowhere, as the post writes it.
"""

from pelican import signals

from carnet.links import from_the_root, page_address
from carnet.pelican_private import rewrite_texts
from carnet.posts import quoted_address
from carnet.sources import CONTENT_LISTS


def _contents(generators):
    for generator in generators:
        for name in CONTENT_LISTS:
            yield from getattr(generator, name, ())


def freeze_urls(generators):
    for content in _contents(generators):
        if not hasattr(content, "override_url"):
            content.override_url = content.url
    rewrite_texts(_contents(generators), _links_from_the_root)
    for generator in generators:
        for static in getattr(generator, "staticfiles", ()):
            if hasattr(static, "override_url"):
                continue  # set in EXTRA_PATH_METADATA: as it is written
            # Not `static.url`: Pelican then takes the file's place as used by a link, and
            # an {attach} link no longer moves it.
            url = static.get_url_setting("url")
            quoted = quoted_address(url)
            if quoted != url:
                static.override_url = quoted


def _links_from_the_root(content, html):
    return from_the_root(html, page_address(content))


def register():
    signals.all_generators_finalized.connect(freeze_urls)
