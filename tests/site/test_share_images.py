"""The sample site's production build: every article shares its own 1200×630 image."""

import hashlib
import re

from PIL import Image


def meta(page, name):
    match = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', page)
    return match.group(1) if match else None


def test_every_article_has_its_own_existing_1200x630_og_image(built_site):
    assert built_site.articles
    digests = {}
    for article in built_site.articles:
        page = (built_site.output / article.save_as).read_text(encoding="utf-8")
        url = meta(page, "og:image")
        assert url and url.startswith(built_site.base_url + "/"), article.slug
        path = built_site.output / url[len(built_site.base_url) + 1 :]
        with Image.open(path) as image:
            assert image.size == (1200, 630), path
        assert meta(page, "og:image:width") == "1200" and meta(page, "og:image:height") == "630"
        assert meta(page, "og:image:alt")
        assert meta(page, "twitter:card") == "summary_large_image"
        digests[article.slug] = hashlib.sha256(path.read_bytes()).hexdigest()
    # Each one differs from every other post's.
    assert len(set(digests.values())) == len(digests)


def test_the_post_with_an_image_shares_it_and_lists_and_pages_share_the_site_card(built_site):
    with_image = built_site.showcase_article
    page = (built_site.output / with_image.save_as).read_text(encoding="utf-8")
    alt = meta(page, "og:image:alt")
    assert alt and not alt.startswith("« ")  # the image's own alt text, not a drawn card's
    home = meta((built_site.output / "index.html").read_text(encoding="utf-8"), "og:image")
    about = meta(
        (built_site.output / "a-propos" / "index.html").read_text(encoding="utf-8"), "og:image"
    )
    assert home == about and home != meta(page, "og:image")


def test_the_sample_reactions_show_under_their_posts(built_site):
    page = (built_site.output / "qu-est-ce-que-l-ecoute" / "index.html").read_text(encoding="utf-8")
    assert "Réactions (" in page and "Sophie" in page
    assert "sophie.martin@gmail.com" not in built_site_text(built_site)


def built_site_text(built_site):
    return "\n".join(p.read_text(encoding="utf-8") for p in built_site.output.rglob("*.html"))
