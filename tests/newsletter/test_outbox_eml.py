"""An outbox .eml is the message one subscriber receives: every header and part checked."""

import email
import email.policy
import email.utils
import re
from pathlib import Path

import lxml.html

SITE = "https://carnet-de-coach.fr"
POSTAL = "Claire Dumas\n12 rue des Coquelicots\n44000 Nantes"


def test_each_eml_is_a_complete_message_with_its_merge_tags_filled(blog):
    blog.site.add_page("a.md", title="À propos")
    (blog.root / "content" / "images").mkdir(exist_ok=True)
    (blog.root / "content" / "images" / "photo.png").write_bytes(
        (Path(__file__).parents[2] / "content" / "images" / "carnet-ouvert.png").read_bytes()
    )
    blog.post(
        "a.md",
        title="Le premier billet",
        date="2021-10-05 08:30",
        body="Un texte.\n\n![Un carnet ouvert]({static}/images/photo.png)",
    )
    blog.start_ledger()
    blog.build(CARNET_NEWSLETTER_POSTAL_ADDRESS=POSTAL)
    blog.run(deployed=False)
    eml = blog.root / "outbox" / "2021-10-05-le-premier-billet.eml"
    raw = eml.read_bytes()
    assert b"*|" not in raw and all(len(line) <= 998 for line in raw.splitlines())
    message = email.message_from_bytes(raw, policy=email.policy.strict)
    assert message.defects == []

    # Headers: exactly these, each well formed.
    assert sorted(message.keys()) == sorted(
        [
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "List-Unsubscribe",
            "List-Unsubscribe-Post",
            "X-Carnet-Post",
            "MIME-Version",
            "Content-Type",
        ]
    )
    assert message["From"] == "Claire Dumas · Carnet de coach <bonjour@carnet-de-coach.fr>"
    assert message["To"] == "lectrice@example.com"
    assert message["Subject"] == "Le premier billet"
    assert email.utils.parsedate_to_datetime(message["Date"]).tzinfo is not None
    assert re.fullmatch(r"<[^<>@\s]+@carnet-de-coach\.fr>", message["Message-ID"])
    assert message["List-Unsubscribe"] == (
        f"<{SITE}/newsletter/desinscription/>, "
        "<mailto:bonjour@carnet-de-coach.fr?subject=unsubscribe>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["X-Carnet-Post"] == "le-premier-billet"
    assert message["MIME-Version"] == "1.0"

    # Parts: a plain-text and an HTML alternative, UTF-8, nothing else.
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" and not p.is_multipart() for p in parts)
    text, html = (p.get_content() for p in parts)

    for body in (text, html):
        assert "lectrice@example.com" in body
        assert "12 rue des Coquelicots" in body and "44000 Nantes" in body
        assert "Le premier billet" in body
    assert "Envoyé à lectrice@example.com" in text
    assert f"{SITE}/newsletter/desinscription/" in text
    assert f"{SITE}/newsletter/preferences/" in text

    document = lxml.html.document_fromstring(html)
    links = {a.text_content(): a.get("href") for a in document.iter("a")}
    assert links["Se désinscrire"] == f"{SITE}/newsletter/desinscription/"
    assert links["Gérer vos préférences"] == f"{SITE}/newsletter/preferences/"
    assert [img.get("src") for img in document.iter("img")] == [f"{SITE}/images/photo.png"]
    # Every link to the site leads to a page the build wrote.
    for href in links.values():
        if href.startswith(SITE + "/"):
            path = href.removeprefix(SITE + "/").split("#")[0]
            assert (blog.site.output / path / "index.html").exists() or (
                blog.site.output / path
            ).is_file(), href
    # The pages those two links lead to say how it is done, not « click the link » that
    # led there: a static site keeps no subscriber's file.
    for page in ("desinscription", "preferences"):
        said = (blog.site.output / "newsletter" / page / "index.html").read_text()
        assert "répondez" in said.lower() and "Le lien « " not in said

    # The preview shows the image in content/, which exists.
    preview = (blog.root / "outbox" / "2021-10-05-le-premier-billet.html").read_text()
    sources = [img.get("src") for img in lxml.html.document_fromstring(preview).iter("img")]
    assert len(sources) == 1 and not sources[0].startswith("http")
    assert (eml.parent / sources[0]).resolve().is_file()
    assert preview.replace(sources[0], f"{SITE}/images/photo.png") == html.rstrip("\n")


def test_the_mailchimp_content_keeps_the_merge_tags(blog):
    from carnet.newsletter import render

    blog.post("a.md", title="Le premier billet", date="2021-10-05 08:30")
    settings = blog.build(CARNET_NEWSLETTER_POSTAL_ADDRESS=POSTAL)
    from carnet.newsletter import manifest

    rendered = render.render(manifest.read(settings)[0], settings)
    for tag in ("*|UNSUB|*", "*|UPDATE_PROFILE|*", "*|EMAIL|*", "*|HTML:LIST_ADDRESS_HTML|*"):
        assert tag in rendered.html
    assert "12 rue des Coquelicots" not in rendered.html


def test_a_long_french_subject_reads_back_as_written(blog):
    title = 'Tom & Jerry <3 : "le coaching" c\'est quoi ? 🎉'
    blog.post("a.md", title=title, date="2021-10-05 08:30")
    blog.start_ledger()
    blog.build()
    blog.run(deployed=False)
    [eml] = (blog.root / "outbox").glob("*.eml")
    raw = eml.read_bytes()
    assert all(len(line) <= 998 for line in raw.splitlines())
    message = email.message_from_bytes(raw, policy=email.policy.strict)
    typeset = "Tom & Jerry <3\u00a0: «\u00a0le coaching\u00a0» c’est quoi\u202f? 🎉"
    assert message["Subject"] == typeset


def test_a_title_with_a_unicode_line_break_is_one_subject_line(blog):
    """U+2028, a line break pasted from a word processor or a web page, ends a header line
    as « \\n » does: the subject is one line, as Mailchimp's would be."""
    blog.post("a.md", title="Ligne un\u2028ligne deux", date="2021-10-05 08:30")
    blog.post("b.md", title="Un\u2028\u2028Bcc: x@example.org", date="2021-10-06 08:30")
    blog.start_ledger()
    blog.build()
    blog.run(deployed=False)
    subjects = []
    for eml in sorted((blog.root / "outbox").glob("*.eml")):
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.strict)
        assert "Bcc" not in message
        subjects.append(message["Subject"])
    assert subjects == ["Ligne un ligne deux", "Un Bcc\u00a0: x@example.org"]


def test_a_subject_and_a_name_that_look_encoded_read_back_as_written(blog):
    """« =?utf-8?q?…?= » in a title is text: the .eml's subject shows it, not « Oui »."""
    title = "Écrire =?utf-8?q?Oui?= dans un objet"
    name = "Claire =?utf-8?b?Tm9u?= Dumas"
    blog.post("a.md", title=title, date="2021-10-05 08:30")
    blog.start_ledger()
    blog.build(CARNET_NEWSLETTER_FROM_NAME=name)
    blog.run(deployed=False)
    [eml] = (blog.root / "outbox").glob("*.eml")
    raw = eml.read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.strict)
    assert message["Subject"] == title
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (name, "bonjour@carnet-de-coach.fr")
    assert all(len(line) <= 998 for line in raw.splitlines())


def test_a_test_emails_postal_address_is_typeset_as_a_sent_ones(blog):
    """`invoke newsletter-test` reads the settings without building: the postal address
    its .eml shows was as typed (« 12 rue de l'Église »), where publish's was typeset."""
    from carnet import newsletter
    from carnet.build import load_settings

    blog.post("a.md", title="Le premier billet", date="2021-10-05 08:30")
    blog.build(CARNET_NEWSLETTER_POSTAL_ADDRESS="Claire d'Arvor\n12 rue de l'Église")
    settings = load_settings(blog.site.settings_file(), blog.site.output, blog.overrides)
    eml = newsletter.send_test(settings, "claire@example.org")
    message = email.message_from_bytes(Path(eml).read_bytes(), policy=email.policy.strict)
    text, html = (part.get_content() for part in message.iter_parts())
    assert "Claire d’Arvor · 12 rue de l’Église" in text
    assert "Claire d’Arvor<br>12 rue de l’Église" in html
