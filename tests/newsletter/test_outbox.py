"""The outbox provider (no Mailchimp key): real .eml files, each post once, the baseline."""

import email
import email.policy
import re
import shutil
from pathlib import Path

from conftest import ROOT, make_site


def read_eml(path):
    with open(path, "rb") as handle:
        return email.message_from_binary_file(handle, policy=email.policy.default)


def test_new_posts_become_eml_files_and_a_second_run_writes_nothing(blog):
    blog.post("2021-01-05-a.md", title="Premier : billet", date="2021-01-05 08:30")
    blog.post(
        "2021-02-01-b.md",
        title="Second billet",
        date="2021-02-01 08:30",
        newsletter_segment="emails-prives",
    )
    blog.post(
        "2021-03-01-c.md", title="Sur le site seulement", date="2021-03-01 08:30", newsletter="no"
    )
    blog.start_ledger()
    blog.build(CARNET_NEWSLETTER_SEGMENTS={"emails-prives": {"saved_segment_id": 3}})
    blog.run(deployed=False)  # the outbox does not need a deployed site
    assert blog.outbox() == [
        "2021-01-05-premier-billet.eml",
        "2021-01-05-premier-billet.html",
        "2021-02-01-second-billet.eml",
        "2021-02-01-second-billet.html",
    ]
    assert blog.sent() == {"premier-billet": "outbox", "second-billet": "outbox"}
    entry = blog.ledger()["premier-billet"]
    assert (
        entry["campaign_id"] == "2021-01-05-premier-billet"
        and entry["source"] == "posts/2021-01-05-a.md"
    )
    assert entry["url"] == "https://carnet-de-coach.fr/premier-billet/" and entry[
        "sent_at"
    ].endswith("+00:00")

    message = read_eml(blog.root / "outbox" / "2021-01-05-premier-billet.eml")
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == "Premier\u00a0: billet"
    assert message["From"] == "Claire Dumas · Carnet de coach <bonjour@carnet-de-coach.fr>"
    assert message["Date"] and message["Message-ID"]
    html = message.get_body(("html",)).get_content()
    assert "*|" not in html  # the full check is in test_outbox_eml.py
    assert "Premier\u00a0: billet" in message.get_body(("plain",)).get_content()
    assert (
        read_eml(blog.root / "outbox" / "2021-02-01-second-billet.eml")["X-Carnet-Segment"]
        == "emails-prives"
    )

    before = {p: p.stat().st_mtime_ns for p in (blog.root / "outbox").iterdir()}
    ledger_before = Path(blog.ledger_path).read_text()
    blog.run()
    assert {p: p.stat().st_mtime_ns for p in (blog.root / "outbox").iterdir()} == before
    assert Path(blog.ledger_path).read_text() == ledger_before


def test_first_run_on_an_existing_blog_records_posts_and_sends_nothing(blog, capsys):
    blog.post("a.md", title="Ancien", date="2021-01-05 08:30")
    blog.post("b.md", title="Plus ancien", date="2020-01-05 08:30")
    blog.build()
    blog.run()
    assert blog.outbox() == []
    assert {k: e["provider"] for k, e in blog.ledger().items()} == {
        "ancien": "baseline",
        "plus-ancien": "baseline",
    }
    assert "first run, 2 existing posts recorded as already sent" in capsys.readouterr().out
    blog.post("c.md", title="Nouveau", date="2021-06-01 08:30")
    blog.build()
    blog.run()
    assert blog.outbox() == ["2021-06-01-nouveau.eml", "2021-06-01-nouveau.html"]


def test_first_run_of_an_empty_blog_starts_the_ledger(blog):
    blog.build()
    blog.run()
    assert blog.ledger() == {} and Path(blog.ledger_path).exists()
    blog.post("a.md", title="Tout premier", date="2021-01-05 08:30")
    blog.build()
    blog.run()
    assert blog.sent() == {"tout-premier": "outbox"}


def test_an_edited_post_is_not_sent_again(blog):
    path = blog.post("a.md", title="Titre", date="2021-01-05 08:30", body="Version 1.")
    blog.start_ledger()
    blog.build()
    blog.run()
    path.write_text(
        path.read_text()
        .replace("Title: Titre", "Title: Titre corrigé")
        .replace("Version 1.", "Version 2.")
    )
    blog.build()
    blog.run()
    assert blog.outbox() == ["2021-01-05-titre.eml", "2021-01-05-titre.html"]
    assert list(blog.ledger()) == ["titre"]


def test_a_fresh_clone_publish_puts_the_newest_sample_posts_in_the_outbox(tmp_path):
    """The README's first command on a fresh clone: no account, no deploy target."""
    clone = make_site(tmp_path / "clone")
    shutil.rmtree(clone.content)
    shutil.copytree(ROOT / "content", clone.content)
    done = clone.invoke("publish")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("Aucune destination de déploiement") == 1  # said once
    sent = sorted(p.name for p in (clone.root / "outbox").glob("*.eml"))
    assert 1 <= len(sent) <= 2, sent
    assert all(name.startswith("2021-") for name in sent)
    # Each preview's images are there once the publish is over (its build folder is not).
    for preview in (clone.root / "outbox").glob("*.html"):
        for source in re.findall(r'<img[^>]* src="([^"]+)"', preview.read_text(encoding="utf-8")):
            assert (preview.parent / source).resolve().is_file(), (preview.name, source)
    assert "notés comme déjà envoyés" in done.stdout and "écrite dans outbox/" in done.stdout
    again = clone.invoke("publish")
    assert again.returncode == 0, again.stderr
    assert "rien de nouveau à envoyer" in again.stdout
    assert sorted(p.name for p in (clone.root / "outbox").glob("*.eml")) == sent
