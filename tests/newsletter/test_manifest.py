"""plugins/newsletter_manifest: the manifest of published posts, and email-only posts."""

import json

import pytest

from carnet.build import BuildFailed
from carnet.newsletter import manifest as newsletter_manifest
from carnet.posts import Post


def manifest(blog):
    return json.loads((blog.root / ".carnet" / "newsletter-manifest.json").read_text())


def test_the_manifest_lists_published_posts_with_what_the_email_needs(blog):
    # An `Image:` must be there (an email pointing to nothing stops the build).
    (blog.site.content / "images" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 une photo")
    blog.post(
        "2021-01-05-premier.md",
        title="Premier billet : « oui »",
        date="2021-01-05 08:30",
        tags="écoute, doutes",
        image="{static}/images/photo.jpg",
        summary="Un résumé.",
        body="Voir [l’autre]({filename}/posts/2021-02-01-second.md) et ![Une photo](../images/photo.jpg).",
    )
    blog.post("2021-02-01-second.md", title="Second", date="2021-02-01 08:30", newsletter="no")
    blog.post("2021-03-01-brouillon.md", title="Brouillon", date="2021-03-01 08:30", status="draft")
    blog.post("2021-03-02-cache.md", title="Caché", date="2021-03-02 08:30", status="hidden")
    blog.post("2031-01-01-futur.md", title="Futur", date="2031-01-01 08:30")
    blog.build()
    data = manifest(blog)
    assert data["version"] == 1 and data["siteurl"] == "https://carnet-de-coach.fr"
    assert [p["id"] for p in data["posts"]] == ["premier-billet-oui", "second"]
    first = data["posts"][0]
    assert first["source"] == "posts/2021-01-05-premier.md"
    assert (
        first["title"] == "Premier billet\u00a0: «\u00a0oui\u00a0»"
    )  # plain text, French typography
    assert first["url"] == "https://carnet-de-coach.fr/premier-billet-oui/"
    assert first["date"] == "2021-01-05T08:30:00+01:00"
    assert "Un résumé." in first["summary"]
    assert 'href="https://carnet-de-coach.fr/second/"' in first["content"]
    assert (first["author"], first["category"], first["tags"]) == (
        "Claire Dumas",
        "Journal intime",
        ["écoute", "doutes"],
    )
    assert (first["newsletter"], first["segment"]) == ("yes", None)
    assert first["image"] == "https://carnet-de-coach.fr/images/photo.jpg"
    assert data["posts"][1]["newsletter"] == "no"


def test_an_email_only_post_is_in_the_manifest_but_nowhere_on_the_site(blog):
    blog.post("2021-01-05-public.md", title="Billet public", date="2021-01-05 08:30", tags="écoute")
    blog.post(
        "2021-02-01-prive.md",
        title="Lettre réservée",
        date="2021-02-01 08:30",
        category="Lancer son business",
        tags="confidences",
        newsletter="only",
        body="Un texte pour les abonnées seulement, unique-marker-42.",
    )
    blog.build()
    assert [p["newsletter"] for p in manifest(blog)["posts"]] == ["yes", "only"]
    output = blog.site.output
    assert not (output / "lettre-reservee").exists()
    assert not (output / "categorie" / "lancer-son-business").exists()
    assert not (output / "etiquette" / "confidences").exists()
    everything = blog.site.all_text()  # pages, index, archives, feeds, sitemap
    assert "Lettre réservée" not in everything and "lettre-reservee" not in everything
    assert "unique-marker-42" not in everything
    assert "Billet public" in (output / "feeds" / "all.atom.xml").read_text()


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({"newsletter": "peut-être"}, "Newsletter must be yes, no or only, not 'peut-être'"),
        (
            {"newsletter_segment": "vip"},
            "Newsletter-Segment 'vip' is not in CARNET_NEWSLETTER_SEGMENTS (emails-prives)",
        ),
    ],
)
def test_bad_newsletter_metadata_fails_the_build_naming_the_file(blog, fields, problem):
    blog.post("2021-01-05-a.md", title="Un billet", date="2021-01-05 08:30", **fields)
    with pytest.raises(BuildFailed) as failed:
        blog.build(CARNET_NEWSLETTER_SEGMENTS={"emails-prives": {"saved_segment_id": 1}})
    # Named from the project folder, as the coach opens it.
    assert f"content/posts/2021-01-05-a.md: {problem}" in failed.value.problems


def test_a_development_build_manifest_is_refused_by_the_newsletter(blog):
    from carnet.newsletter import NewsletterError

    blog.post("a.md", title="Un billet", date="2021-01-05 08:30")
    blog.start_ledger()
    settings = blog.site.build(production=False, **blog.overrides).settings
    with pytest.raises(NewsletterError, match="production build"):
        blog.settings = settings
        blog.run()
    assert blog.outbox() == []


def test_the_manifest_is_written_post_by_post_and_reads_back(tmp_path):
    settings = {
        "PATH": str(tmp_path / "content"),
        "SITEURL": "https://carnet-de-coach.fr",
        "CARNET_NEWSLETTER_MANIFEST": str(tmp_path / "manifest.json"),
    }
    post = {
        "id": "a",
        "source": "posts/a.md",
        "title": 'Un «\u00a0titre\u00a0» "cité"',
        "url": "https://carnet-de-coach.fr/a/",
        "date": "2021-01-05T08:30:00+01:00",
        "summary": "<p>r</p>",
        "content": "<p>L\u2019été\u202f!\nSuite</p>",
        "author": "A",
        "category": "C",
        "tags": ["écoute"],
        "newsletter": "yes",
        "segment": None,
        "image": None,
        "save_as": "a/index.html",
        "image_widths": {"https://carnet-de-coach.fr/images/x.png": 300},
    }
    # A generator, as plugin newsletter_manifest gives it: each post is made when written.
    newsletter_manifest.write(
        settings, (Post.from_json(dict(post, id=slug)) for slug in ("a", "b"))
    )
    data = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert data == {
        "version": 1,
        "siteurl": "https://carnet-de-coach.fr",
        "posts": [post, dict(post, id="b")],
    }
    read = newsletter_manifest.read(settings)
    assert [p.id for p in read] == ["a", "b"] and read[0].content == post["content"]
    assert read[0].title == post["title"] and read[0].tags == ("écoute",)
    assert read[0].save_as == "a/index.html"
    # A manifest written before posts carried save_as still reads (the ledger then derives
    # the address from the url).
    older = {key: value for key, value in post.items() if key != "save_as"}
    assert Post.from_json(older).save_as == ""
    assert read[0].image_widths == {"https://carnet-de-coach.fr/images/x.png": 300}
    # And one written before posts carried their images' widths (the e-mail then shows
    # each at the column's width, as it did).
    older = {key: value for key, value in post.items() if key != "image_widths"}
    assert Post.from_json(older).image_widths == {}
