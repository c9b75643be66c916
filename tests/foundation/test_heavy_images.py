"""A heavy image a post shows (a photo straight from a phone): one warning per file."""

import io

from PIL import Image

from tests.conftest import in_french

MB = 1_000_000


def image_of(size, kind="JPEG"):
    """A small picture, then zeros after its end (which browsers skip), `size` bytes in all."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(out, kind)
    data = out.getvalue()
    return data + bytes(size - len(data))


def test_each_heavy_image_shown_is_named_once_with_its_size(site):
    (site.content / "images" / "bureau.jpg").write_bytes(image_of(int(3.2 * MB)))
    (site.content / "images" / "capture.png").write_bytes(image_of(int(1.5 * MB), "PNG"))
    (site.content / "images" / "leger.jpg").write_bytes(image_of(300_000))
    (site.content / "images" / "guide.pdf").write_bytes(b"%PDF-1.4\n" + bytes(5 * MB))
    site.add_post(
        "a.md",
        title="Le bureau",
        date="2021-01-01",
        body="""
        ![Le bureau]({static}/images/bureau.jpg)

        ![Petit]({static}/images/leger.jpg) [Le guide]({static}/images/guide.pdf)
        """,
    )
    site.add_post(
        "b.md",
        title="Encore le bureau",
        date="2021-02-01",
        image="images/capture.png",
        body="![Le bureau]({static}/images/bureau.jpg)",
    )
    (site.content / "images" / "affiche.jpg").write_bytes(image_of(int(1.2 * MB)))
    (site.content / "images" / "film.mp4").write_bytes(b"\0\0\0\x18ftypmp42" + bytes(5 * MB))
    site.add_post(
        "c.md",
        title="Le film",
        date="2020-12-01",
        body='<video src="{static}/images/film.mp4" poster="{static}/images/affiche.jpg"></video>',
    )
    # An `Image:` is shown in the post's e-mail only: of a page, or of a post not e-mailed,
    # no reader downloads it.
    (site.content / "images" / "grande.jpg").write_bytes(image_of(2 * MB))
    site.add_page("a-propos.md", title="À propos", image="images/grande.jpg")
    site.add_post(
        "d.md", title="Site seul", date="2020-11-01", newsletter="no", image="images/grande.jpg"
    )
    warnings = site.build().warnings
    # The file two posts show: named once, with the newest of them.
    assert warnings == [
        "content/posts/b.md: shows {static}/images/bureau.jpg, a file of 3.2 MB, which each "
        "reader downloads whole to see it, on a phone too: export it at 2000 pixels wide (as "
        "JPEG for a photo: some 300 KB) and show that file",
        "content/posts/b.md: shows Image: images/capture.png, a file of 1.5 MB, which each "
        "reader downloads whole to see it, on a phone too: export it at 2000 pixels wide (as "
        "JPEG for a photo: some 300 KB) and show that file",
        "content/posts/c.md: shows {static}/images/affiche.jpg, a file of 1.2 MB, which each "
        "reader downloads whole to see it, on a phone too: export it at 2000 pixels wide (as "
        "JPEG for a photo: some 300 KB) and show that file",
    ]


def test_the_warning_in_french(site):
    site.speak("fr")
    (site.content / "images" / "bureau.jpg").write_bytes(image_of(int(2.5 * MB)))
    site.add_post("a.md", body="![Le bureau]({static}/images/bureau.jpg)")
    with in_french():
        warnings = site.build().warnings
    assert warnings == [
        "content/posts/a.md\u00a0: montre {static}/images/bureau.jpg, un fichier de 2,5 Mo, que "
        "chaque lecteur télécharge en entier pour le voir, sur un téléphone aussi\u00a0: "
        "exportez-le en 2000 pixels de large (en JPEG pour une photo\u00a0: quelque 300 Ko) et "
        "montrez ce fichier"
    ]


def test_an_image_shown_by_its_path_as_an_editor_writes_it(site):
    """« ../images/x.jpg », as a Markdown editor's preview reads it: the site publishes it."""
    (site.content / "images" / "bureau.jpg").write_bytes(image_of(2 * MB))
    (site.content / "images" / "jardin.jpg").write_bytes(image_of(int(1.1 * MB)))
    site.add_post(
        "a.md",
        title="Le bureau",
        date="2021-01-01",
        body="![Le bureau](../images/bureau.jpg) ![Le jardin](/images/jardin.jpg)",
    )
    # Shown by {static} too, in a newer post: named once.
    site.add_post(
        "b.md",
        title="Le jardin",
        date="2021-02-01",
        body="![Le jardin]({static}/images/jardin.jpg)",
    )
    warnings = site.build().warnings
    assert [line.split(", which")[0] for line in warnings] == [
        "content/posts/b.md: shows {static}/images/jardin.jpg, a file of 1.1 MB",
        "content/posts/a.md: shows ../images/bureau.jpg, a file of 2 MB",
    ]
