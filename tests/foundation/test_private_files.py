"""What a coach keeps beside her images or links from a draft never goes online."""

import warnings

import pytest
from conftest import AUTHOR_PHOTOS, post_text
from PIL import Image

from carnet.build import BuildFailed
from carnet.photo_metadata import gps_position_outside_jpeg, is_a_photo

# The test site's authors' photos (conftest), published as every image is.
PHOTOS = [photo.removeprefix("images/") for photo in AUTHOR_PHOTOS]


def published_files(site, folder):
    return sorted(
        str(path.relative_to(site.output / folder))
        for path in (site.output / folder).rglob("*")
        if path.is_file()
    )


def test_hidden_files_lock_files_and_backups_beside_the_images_are_not_published(site):
    images = site.content / "images"
    Image.new("RGB", (40, 30), "teal").save(images / "photo.png")
    for name, text in {
        ".DS_Store": "Finder",
        ".env": "MAILCHIMP_API_KEY=abc-us1",
        ".git/HEAD": "ref: refs/heads/main",
        ".obsidian/workspace.json": '{"lastOpenFiles": ["clientes/madame-x.md"]}',
        "~$devis.docx": "Office's lock file",
        "photo.png~": "a backup",
        "Thumbs.db": "Windows",
    }.items():
        (images / name).parent.mkdir(parents=True, exist_ok=True)
        (images / name).write_text(text, encoding="utf-8")
    site.add_post(
        "a.md", post_text(title="Un billet", body="![Une photo]({static}/images/photo.png)")
    )
    site.build()
    assert published_files(site, "images") == sorted([*PHOTOS, "photo.png"])


def test_a_file_only_a_draft_or_a_later_post_links_to_is_not_published(site, tmp_path):
    (site.content / "clientes").mkdir()
    (site.content / "clientes" / "devis.pdf").write_text("Devis de Mme X", encoding="utf-8")
    (site.content / "docs").mkdir()
    (site.content / "docs" / "guide.pdf").write_text("Le guide", encoding="utf-8")
    (site.content / "docs" / "tarifs.pdf").write_text("Les tarifs", encoding="utf-8")
    (site.root / "notes.txt").write_text("Notes de séance", encoding="utf-8")
    for name in ("bureau.png", "photo.png", "claire-dumas.png", "guide-a-telecharger.png"):
        Image.new("RGB", (40, 30), "teal").save(site.content / "images" / name)
    site.add_post(
        "brouillon.md",
        post_text(
            title="Brouillon",
            status="draft",
            body="[Le devis]({static}/clientes/devis.pdf), [les tarifs]({attach}/docs/tarifs.pdf), "
            "[le guide]({static}/docs/guide.pdf), [mes notes]({attach}/../notes.txt), "
            "![Le bureau]({static}/images/bureau.png) ![Une photo]({static}/images/photo.png) "
            "![Claire]({static}/images/claire-dumas.png)",
        ),
    )
    site.add_post(
        "plus-tard.md",
        post_text(
            title="Plus tard", date="2099-01-01", body="[Le devis]({static}/clientes/devis.pdf)"
        ),
    )
    site.add_post(
        "a.md",
        post_text(
            title="Un billet",
            body="[Le guide]({static}/docs/guide.pdf) ![Une photo]({static}/images/photo.png)",
        ),
    )
    site.output = tmp_path / "deep" / "output"
    site.build(CARNET_AUTHORS={"Claire Dumas": {"photo": "images/claire-dumas.png"}})
    # Nothing links to guide-a-telecharger.png: published, as Pelican does (a letter may).
    assert published_files(site, "images") == sorted(
        [*PHOTOS, "claire-dumas.png", "guide-a-telecharger.png", "photo.png"]
    )
    files = [path for path in published_files(site, ".") if path.endswith((".pdf", ".txt"))]
    assert not (tmp_path / "deep" / "notes.txt").exists()
    assert files == ["docs/guide.pdf", "robots.txt"]


def phone_photo(path, orientation=6):
    """A JPEG as a phone writes it: where it was taken, the phone and its serial number."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Apple", "iPhone 13", orientation
    exif[0x8769] = {0xA431: "F2LXK0QJ0D4M"}  # Exif IFD: the phone's serial number
    exif[0x8825] = {1: "N", 2: (47.0, 13.0, 5.5), 3: "W", 4: (1.0, 33.0, 12.3)}  # GPS
    Image.new("RGB", (64, 48), "teal").save(path, exif=exif, quality=90)


def test_a_photo_with_the_longest_name_a_disk_takes_is_published_without_its_position(site):
    """Its temporary copy was named after it, and longer than a file name may be: the build
    stopped with « File name too long »."""
    name = "séance-au-bord-du-lac-" + "x" * 226 + ".jpg"  # 254 bytes: a name may have 255
    phone_photo(site.content / "images" / name)
    site.add_post("a.md", post_text(title="Un billet", body=f"![Le lac]({{static}}/images/{name})"))
    site.build()
    with Image.open(site.output / "images" / name) as image:
        assert dict(image.getexif()) == {0x0112: 6}


@pytest.mark.parametrize("linked", [False, True], ids=["copied", "STATIC_CREATE_LINKS"])
def test_a_phone_photo_is_published_without_where_it_was_taken_nor_the_phone(site, linked):
    photo = site.content / "images" / "seance.JPG"
    phone_photo(photo)
    original = photo.read_bytes()
    site.add_post(
        "a.md", post_text(title="Un billet", body="![Le bureau]({static}/images/seance.JPG)")
    )
    site.build(STATIC_CREATE_LINKS=linked)
    published = site.output / "images" / "seance.JPG"
    with Image.open(published) as image:
        assert dict(image.getexif()) == {0x0112: 6}  # the orientation only
        assert b"F2LXK0QJ0D4M" not in published.read_bytes()
        with Image.open(photo) as source:
            assert image.tobytes() == source.tobytes()  # the same picture
    assert photo.read_bytes() == original  # the coach's own file unchanged
    assert oct(published.stat().st_mode & 0o777) == oct(photo.stat().st_mode & 0o777)


def test_a_link_in_the_images_folder_to_a_file_or_folder_outside_it_stops_the_build(site, tmp_path):
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "bilan-cliente.txt").write_text("Bilan de Mme X", encoding="utf-8")
    images = site.content / "images"
    (images / "bilan.txt").symlink_to(documents / "bilan-cliente.txt")
    (images / "documents").symlink_to(documents)
    Image.new("RGB", (40, 30), "teal").save(images / "photo.png")
    (images / "aussi-photo.png").symlink_to(images / "photo.png")  # inside: fine
    site.add_post("a.md", post_text(title="Un billet"))
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert sorted(failure.value.problems) == [
        f"content/images/{name}: a symbolic link to {target}, outside content/images: the site "
        "would publish what it points to; copy the file into content/images, or remove the link"
        for name, target in sorted(
            {"bilan.txt": documents / "bilan-cliente.txt", "documents": documents}.items()
        )
    ]


def test_an_image_field_naming_a_file_outside_the_content_folder_stops_the_build(site):
    Image.new("RGB", (1200, 630), "red").save(site.root.parent / "photo-perso.jpg")
    site.add_post("a.md", post_text(title="Un billet", image="../../photo-perso.jpg"))
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert failure.value.problems == [
        "content/posts/a.md: Image: ../../photo-perso.jpg is outside the content folder: "
        "copy the image into content/images/ and write Image: images/its-name.jpg"
    ]


def _with_stray_bytes(photo):
    data = photo.read_bytes()
    photo.write_bytes(data[:2] + b"\x00\x00" + data[2:])  # browsers skip them, as libjpeg


def _cut_inside_its_exif(photo):
    photo.write_bytes(photo.read_bytes()[:300])


def _with_a_second_picture(photo):
    """A Multi-Picture file (a phone's depth or gain map, a 3D camera's other eye): every
    picture with the phone's EXIF."""
    with Image.open(photo) as image:
        exif = image.getexif()
    first, second = Image.new("RGB", (64, 48), "teal"), Image.new("RGB", (64, 48), "navy")
    first.save(photo, "MPO", save_all=True, append_images=[second], exif=exif)


def _with_a_picture_after_its_end(photo):
    other = photo.with_name("autre.jpg")
    phone_photo(other)
    plain = photo.with_name("plain.jpg")
    Image.new("RGB", (64, 48), "teal").save(plain)
    photo.write_bytes(plain.read_bytes() + other.read_bytes())
    other.unlink()
    plain.unlink()


@pytest.mark.parametrize(
    "damage",
    [
        _with_stray_bytes,
        _cut_inside_its_exif,
        _with_a_second_picture,
        _with_a_picture_after_its_end,
    ],
)
def test_a_photo_whose_exif_a_browser_or_a_download_reads_is_published_without_it(site, damage):
    photo = site.content / "images" / "seance.jpg"
    phone_photo(photo)
    damage(photo)
    original = photo.read_bytes()
    assert b"F2LXK0QJ0D4M" in original
    site.add_post(
        "a.md", post_text(title="Un billet", body="![Le bureau]({static}/images/seance.jpg)")
    )
    site.build()
    published = (site.output / "images" / "seance.jpg").read_bytes()
    assert b"F2LXK0QJ0D4M" not in published and b"iPhone 13" not in published
    assert photo.read_bytes() == original
    if damage is _with_a_second_picture:  # both pictures still there, where MPF says
        with Image.open(site.output / "images" / "seance.jpg") as image:
            assert image.n_frames == 2
            image.seek(1)
            assert image.convert("RGB").getpixel((10, 10))[2] > 100  # navy


def _heic_with(exif):
    """An HEIC's first box and its EXIF item, as an iPhone writes them (Pillow reads none)."""
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x00\x06" + exif


@pytest.mark.parametrize("name", ["seance.webp", "seance.png", "seance.avif", "seance.heic"])
def test_a_photo_of_another_format_with_a_gps_position_stops_the_build(site, name):
    photo = site.content / "images" / name
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (47.0, 13.0, 5.5), 3: "W", 4: (1.0, 33.0, 12.3)}
    if name.endswith(".heic"):
        photo.write_bytes(_heic_with(exif.tobytes()))
    else:
        Image.new("RGB", (64, 48), "teal").save(photo, exif=exif)
    Image.new("RGB", (64, 48), "teal").save(site.content / "images" / "sans-position.webp")
    # A HEIC shown in a post stops the build for that already (browsers do not show it):
    # linked, to download it, it is published as it is.
    shown = "" if name.endswith(".heic") else "!"
    site.add_post(
        "a.md", post_text(title="Un billet", body=f"{shown}[Le bureau]({{static}}/images/{name})")
    )
    for _build in ("cold", "warm"):
        with pytest.raises(BuildFailed) as failure:
            site.build()
        assert failure.value.problems == [
            f"content/images/{name}: the photo says where it was taken (a GPS position in its "
            "EXIF), and the site would publish it: save it as JPEG (Carnet removes the position "
            "from JPEG photos), or remove the position with your photo editor"
        ]


@pytest.mark.parametrize(
    ("start", "photo"),
    [
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", True),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00", True),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00", True),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00", False),  # an MP4 film
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", False),  # a QuickTime film
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", False),
    ],
)
def test_only_photos_are_read_whole_for_their_position(start, photo):
    """photo_privacy reads a file whole to look for a GPS position only when its first
    bytes are a photo's: a film of the same ISO family as HEIC (MP4, MOV) is not."""
    assert is_a_photo(start[:12]) is photo


def test_bytes_of_a_picture_that_look_like_exif_print_nothing():
    # Four bytes of a PNG's pixels read as a TIFF header, then a block cut short: Pillow
    # warned « Corrupt EXIF data… » on lines of its own in the build's output.
    garbage = b"II*\x00\x08\x00\x00\x00\x22\x91\xd8\xcd\xc3\x10A\x1e~\xc2sx\xa6a\xc95\x18|"
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        assert not gps_position_outside_jpeg(b"\x89PNG\r\n\x1a\n" + garbage)
    assert [str(warning.message) for warning in said] == []
