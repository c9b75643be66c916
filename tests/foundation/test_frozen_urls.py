"""Plugin frozen_urls: each post's address, worked out once, is the one Pelican would give,
and an address the author set is kept."""

from pelican import signals


def test_frozen_addresses_are_pelicans_and_an_authors_own_is_kept(site):
    site.add_post("a.md", title="Premier billet", body="Un texte.")
    site.add_post(
        "b.md",
        text="Title: Second billet\nDate: 2020-10-01\nURL: ailleurs/second/\n"
        "Save_as: ailleurs/second/index.html\n\nUn autre texte.\n",
    )
    seen = {}

    def remember(generator, writer):
        # Once the posts are written: frozen_urls stored each address before.
        for article in generator.articles:
            seen[article.title] = (
                article.__dict__.get("override_url"),
                article._expand_settings("url"),  # Pelican's own formatting of the pattern
                article.save_as,
            )

    signals.article_writer_finalized.connect(remember)
    try:
        site.build()
    finally:
        signals.article_writer_finalized.disconnect(remember)
    assert seen["Premier billet"] == (
        "premier-billet/",
        "premier-billet/",
        "premier-billet/index.html",
    )
    assert seen["Second billet"][0] == "ailleurs/second/"
    assert seen["Second billet"][2] == "ailleurs/second/index.html"
    home = site.read("index.html")
    assert "premier-billet/" in home and "ailleurs/second/" in home
    assert (site.output / "ailleurs" / "second" / "index.html").exists()
