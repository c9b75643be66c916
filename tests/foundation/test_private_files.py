"""What a coach keeps beside her images or links from a draft never goes online."""

from conftest import post_text
from PIL import Image


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
    assert published_files(site, "images") == ["photo.png"]
