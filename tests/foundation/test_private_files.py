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


def test_a_file_only_a_draft_or_a_later_post_links_to_is_not_published(site, tmp_path):
    (site.content / "clientes").mkdir()
    (site.content / "clientes" / "devis.pdf").write_text("Devis de Mme X", encoding="utf-8")
    (site.content / "docs").mkdir()
    (site.content / "docs" / "guide.pdf").write_text("Le guide", encoding="utf-8")
    (site.content / "docs" / "tarifs.pdf").write_text("Les tarifs", encoding="utf-8")
    (site.root / "notes.txt").write_text("Notes de séance", encoding="utf-8")
    site.add_post(
        "brouillon.md",
        post_text(
            title="Brouillon",
            status="draft",
            body="[Le devis]({static}/clientes/devis.pdf), [les tarifs]({attach}/docs/tarifs.pdf), "
            "[le guide]({static}/docs/guide.pdf), [mes notes]({attach}/../notes.txt)",
        ),
    )
    site.add_post(
        "plus-tard.md",
        post_text(
            title="Plus tard", date="2099-01-01", body="[Le devis]({static}/clientes/devis.pdf)"
        ),
    )
    site.add_post("a.md", post_text(title="Un billet", body="[Le guide]({static}/docs/guide.pdf)"))
    site.output = tmp_path / "deep" / "output"
    site.build()
    files = [path for path in published_files(site, ".") if path.endswith((".pdf", ".txt"))]
    assert not (tmp_path / "deep" / "notes.txt").exists()
    assert files == ["docs/guide.pdf", "robots.txt"]
