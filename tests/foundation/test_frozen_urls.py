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


def test_a_file_whose_name_has_a_space_is_linked_with_percent_codes_everywhere(site):
    """`{static}/images/mon bureau.jpg` was published with its space (src="…/mon bureau.jpg"),
    an address no URL may hold, which some mail programs cut there."""
    from PIL import Image

    from carnet.newsletter import manifest, render

    Image.new("RGB", (40, 30), "white").save(site.content / "images" / "mon bureau.jpg")
    site.add_post(
        "x.md",
        title="Mon billet",
        image="images/mon bureau.jpg",
        body="![Mon bureau]({static}/images/mon bureau.jpg)",
    )
    site.build(production=False)
    assert 'src="../images/mon%20bureau.jpg"' in site.read("mon-billet/index.html")
    result = site.build(production=True)
    address = "https://carnet-de-coach.fr/images/mon%20bureau.jpg"
    assert f'src="{address}"' in site.read("mon-billet/index.html")
    assert address in site.read("feeds/all.atom.xml")
    [post] = manifest.read(result.settings)
    assert post.image == address
    email = render.render(post, result.settings).html
    assert f'src="{address}"' in email
    assert "mon bureau.jpg" not in site.all_text() + email
    assert (site.output / "images" / "mon bureau.jpg").is_file()  # the file keeps its name


def test_only_what_an_address_cannot_hold_is_written_with_percent_codes():
    from carnet.posts import quoted_address

    assert quoted_address("images/photo-été.jpg") == "images/photo-été.jpg"
    assert quoted_address("pdf/100% «bien» #1?.pdf") == "pdf/100%25%20«bien»%20%231%3F.pdf"


def test_a_static_link_may_write_the_space_of_a_name_as_percent_20(site):
    """Pelican reads `{static}/images/mon%20bureau.jpg` as the file mon bureau.jpg; the
    build refused it (« not a published post, page or file »), and the share image of a
    post whose first image it is was a drawn card instead of the photo."""
    from PIL import Image

    Image.new("RGB", (40, 30), "white").save(site.content / "images" / "mon bureau.jpg")
    site.add_post(
        "x.md", title="Mon billet", body="![Mon bureau]({static}/images/mon%20bureau.jpg)"
    )
    site.build(production=True)
    page = site.read("mon-billet/index.html")
    assert 'src="https://carnet-de-coach.fr/images/mon%20bureau.jpg"' in page
    assert '<meta property="og:image:alt" content="Mon bureau">' in page  # the photo's
