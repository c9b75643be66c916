"""`invoke reaction-add`: real e-mail replies, as French clients write them, become reaction
files; bad e-mails get one line naming the file, and nothing is written."""

import mailbox
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EMAILS = Path(__file__).parent / "emails"
EXPECTED = Path(__file__).parent / "expected"

# fixture -> (the post it answers, the file it must become)
REPLIES = {
    "gmail": ("qu-est-ce-que-l-ecoute", "2020-11-12-sophie.md"),
    "outlook": ("savoir-dire-non-quand-l-agenda-est-vide", "2021-04-07-marc.md"),
    "apple-mail": ("un-an-de-carnet", "2021-09-09-anais.md"),
    "orange": ("du-cafe-des-semis-et-un-peu-de-patience", "2021-05-20-dominique.md"),
}
POSTS = (
    "2020-11-12-qu-est-ce-que-l-ecoute.md",
    "2021-04-06-savoir-dire-non.md",
    "2021-09-09-un-an-de-carnet.md",
    "2021-05-20-cafe-et-semis.md",
)


@pytest.fixture
def blog(site):
    """A site with the sample posts the fixtures answer."""
    for name in POSTS:
        shutil.copy(ROOT / "content" / "posts" / name, site.content / "posts" / name)
    return site


def reactions_of(site, slug):
    folder = site.content / "reactions" / slug
    return sorted(folder.glob("*.md")) if folder.exists() else []


@pytest.mark.parametrize("client", sorted(REPLIES))
def test_a_french_reply_becomes_the_expected_reaction_file(blog, client):
    slug, file_name = REPLIES[client]
    done = blog.invoke("reaction-add", "--slug", slug, str(EMAILS / f"{client}.eml"))
    assert done.returncode == 0, done.stdout + done.stderr
    written = blog.content / "reactions" / slug / file_name
    assert written.read_text(encoding="utf-8") == (EXPECTED / f"{client}.md").read_text(
        encoding="utf-8"
    )
    text = written.read_text(encoding="utf-8")
    # Neither the quoted post, nor the signature, nor the reader's address.
    assert ">" not in text.split("\n\n", 1)[1]
    assert "@" not in text.split("Message-Id:")[0] + text.split("\n\n", 1)[1]
    assert file_name in done.stdout


def test_signatures_and_history_are_cut(blog):
    blog.invoke("reaction-add", "--slug", "qu-est-ce-que-l-ecoute", str(EMAILS / "gmail.eml"))
    blog.invoke(
        "reaction-add",
        "--slug",
        "savoir-dire-non-quand-l-agenda-est-vide",
        str(EMAILS / "outlook.eml"),
    )
    gmail = reactions_of(blog, "qu-est-ce-que-l-ecoute")[0].read_text(encoding="utf-8")
    outlook = reactions_of(blog, "savoir-dire-non-quand-l-agenda-est-vide")[0].read_text(
        encoding="utf-8"
    )
    assert "Sophrologue" not in gmail and "a écrit" not in gmail and "06 11" not in gmail
    assert "cordialement" not in outlook.lower() and "Envoyé" not in outlook
    assert "Tél." not in outlook and "J'avais promis" not in outlook


def test_with_email_writes_the_address_and_name_chooses_the_name(blog):
    done = blog.invoke(
        "reaction-add",
        "--slug",
        "un-an-de-carnet",
        "--with-email",
        "--name",
        "Anaïs L.",
        str(EMAILS / "apple-mail.eml"),
    )
    assert done.returncode == 0, done.stderr
    (written,) = reactions_of(blog, "un-an-de-carnet")
    assert written.name == "2021-09-09-anais-l.md"
    text = written.read_text(encoding="utf-8")
    assert "Name: Anaïs L.\n" in text and "Email: anais.leroy@icloud.com\n" in text


def test_a_folder_and_an_mbox_add_several_and_the_same_email_is_not_added_twice(blog, tmp_path):
    box = mailbox.mbox(tmp_path / "reponses.mbox")
    for client in ("gmail", "gmail"):
        box.add((EMAILS / f"{client}.eml").read_bytes())
    box.flush()
    done = blog.invoke("reaction-add", "--slug", "qu-est-ce-que-l-ecoute", str(box._path))
    assert done.returncode == 0, done.stderr
    assert len(reactions_of(blog, "qu-est-ce-que-l-ecoute")) == 1  # one message, twice
    folder = tmp_path / "replies"
    folder.mkdir()
    shutil.copy(EMAILS / "gmail.eml", folder / "a.eml")
    done = blog.invoke("reaction-add", "--slug", "qu-est-ce-que-l-ecoute", str(folder))
    assert done.returncode == 0 and len(reactions_of(blog, "qu-est-ce-que-l-ecoute")) == 1


def test_an_existing_file_is_never_overwritten(blog):
    folder = blog.content / "reactions" / "qu-est-ce-que-l-ecoute"
    folder.mkdir(parents=True)
    mine = folder / "2020-11-12-sophie.md"
    mine.write_text("Name: Sophie\nDate: 2020-11-12 10:00\n\nUne autre Sophie.\n")
    done = blog.invoke(
        "reaction-add", "--slug", "qu-est-ce-que-l-ecoute", str(EMAILS / "gmail.eml")
    )
    assert done.returncode == 0, done.stderr
    assert mine.read_text() == "Name: Sophie\nDate: 2020-11-12 10:00\n\nUne autre Sophie.\n"
    assert (folder / "2020-11-12-sophie-2.md").exists()


def _email(subject="Re: Un an de carnet", body="Merci !", headers="", charset="utf-8"):
    head = (
        "From: Léa Roux <lea@example.org>\nTo: bonjour@carnet-de-coach.fr\n"
        f"Subject: {subject}\nDate: Fri, 10 Sep 2021 10:00:00 +0200\n"
        "Message-ID: <x1@example.org>\nMIME-Version: 1.0\n"
        f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: 8bit\n{headers}\n"
    )
    return head.encode("utf-8") + (body if isinstance(body, bytes) else body.encode("utf-8"))


@pytest.mark.parametrize(
    "data, problem",
    [
        (_email(subject="Un an de carnet"), "In-Reply-To"),
        (_email(subject="Re: Mes vacances"), "Mes vacances"),
        (_email(body="> Il y a un an jour pour jour...\n"), "text"),
        (_email(body="\n-- \nLéa Roux\n"), "text"),
        (_email(body="Merci, c'\xe9tait beau".encode("latin-1")), "UTF-8"),
        (_email(body="Merci. " * 800_000), "Mo"),
        (
            _email().replace(b"Fri, 10 Sep 2021 10:00:00 +0200", b"Fri, 31 Dec 9999 23:59 -1200"),
            "Date",
        ),
    ],
    ids=[
        "not-a-reply",
        "another-post",
        "only-quotes",
        "only-signature",
        "not-utf8",
        "huge",
        "date-past-9999",
    ],
)
def test_bad_email_gets_one_line_naming_the_file_and_nothing_is_written(blog, data, problem):
    bad = blog.root / "mauvais.eml"
    bad.write_bytes(data)
    good = EMAILS / "apple-mail.eml"
    done = blog.invoke("reaction-add", "--slug", "un-an-de-carnet", str(blog.root / "*.eml"))
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if "mauvais.eml" in line]
    assert len(lines) == 1 and problem in lines[0], done.stderr
    assert reactions_of(blog, "un-an-de-carnet") == []
    # The same file with a good one: still nothing written (checked before anything goes out).
    shutil.copy(good, blog.root / "bon.eml")
    done = blog.invoke("reaction-add", "--slug", "un-an-de-carnet", str(blog.root / "*.eml"))
    assert done.returncode == 1 and reactions_of(blog, "un-an-de-carnet") == []


def test_an_unknown_slug_is_refused(blog):
    done = blog.invoke("reaction-add", "--slug", "pas-de-billet", str(EMAILS / "gmail.eml"))
    assert done.returncode == 1 and "pas-de-billet" in done.stderr
    assert not (blog.content / "reactions").exists()


# --- What an attack, a signature or a client's quoting must not get onto the site ---------

ECOUTE = "qu-est-ce-que-l-ecoute"


@pytest.fixture
def whole_blog(site):
    """The sample site's posts, pages and images (their links hold): it builds."""
    for folder in ("posts", "pages", "images"):
        shutil.copytree(ROOT / "content" / folder, site.content / folder, dirs_exist_ok=True)
    return site


def test_a_header_with_line_breaks_adds_no_field(whole_blog):
    blog = whole_blog
    # The Message-ID, RFC 2047-encoded, decodes to three lines: « Status: published » and
    # « Email: victim@… » would become the reaction's own fields.
    email = EMAILS / "header-injection.eml"
    done = blog.invoke("reaction-add", "--slug", ECOUTE, "--draft", str(email))
    assert done.returncode == 0, done.stderr
    (written,) = reactions_of(blog, ECOUTE)
    head = written.read_text(encoding="utf-8").split("\n\n", 1)[0].splitlines()
    assert [line.split(":")[0] for line in head] == ["Name", "Date", "Status", "Message-Id"]
    assert "Status: draft" in head
    blog.build()
    assert "Merci pour ce billet" not in blog.read(f"{ECOUTE}/index.html")
    assert "victim@example.org" not in blog.all_text()


@pytest.mark.parametrize(
    "client, slug, found",
    [
        ("signature-phone", ECOUTE, ["06 11 22 33 44", "sophie.martin@gmail.com"]),
        ("apple-mail-phone", "un-an-de-carnet", ["+33 6 12 34 56 78"]),
    ],
)
def test_a_phone_number_or_address_in_the_text_makes_a_draft_and_says_so(
    whole_blog, client, slug, found
):
    blog = whole_blog
    done = blog.invoke("reaction-add", "--slug", slug, str(EMAILS / f"{client}.eml"))
    assert done.returncode == 0, done.stderr
    (written,) = reactions_of(blog, slug)
    assert "Status: draft\n" in written.read_text(encoding="utf-8")
    said = (done.stdout + done.stderr).splitlines()
    (warning,) = [line for line in said if "brouillon" in line]
    assert written.name in warning and all(detail in warning for detail in found), warning
    blog.build()
    page = blog.read(f"{slug}/index.html")
    assert not any(detail in page for detail in found)


@pytest.mark.parametrize(
    "client, slug",
    [
        ("outlook-message-d-origine", "savoir-dire-non-quand-l-agenda-est-vide"),
        ("gmail-only-quote", ECOUTE),
    ],
)
def test_a_reply_that_is_only_a_quote_is_refused(blog, client, slug):
    done = blog.invoke("reaction-add", "--slug", slug, str(EMAILS / f"{client}.eml"))
    assert done.returncode == 1
    (line,) = [line for line in done.stderr.splitlines() if f"{client}.eml" in line]
    assert "pas de texte à elle" in line
    assert reactions_of(blog, slug) == []


def test_an_attribution_wrapped_over_three_lines_is_cut(blog):
    email = EMAILS / "gmail-wrapped-attribution.eml"
    done = blog.invoke("reaction-add", "--slug", ECOUTE, str(email))
    assert done.returncode == 0, done.stderr
    (written,) = reactions_of(blog, ECOUTE)
    assert written.read_text(encoding="utf-8").split("\n\n", 1)[1] == (
        "Merci, c’est tout à fait ça.\n"
    )


def test_an_email_without_message_id_is_not_added_twice(blog):
    email = str(EMAILS / "no-message-id.eml")
    assert blog.invoke("reaction-add", "--slug", ECOUTE, email).returncode == 0
    done = blog.invoke("reaction-add", "--slug", ECOUTE, email)
    assert done.returncode == 0 and "Déjà ajoutée" in done.stdout, done.stdout
    assert len(reactions_of(blog, ECOUTE)) == 1


def test_a_folder_without_eml_says_so(blog, tmp_path):
    done = blog.invoke("reaction-add", "--slug", ECOUTE, str(tmp_path))
    assert done.returncode == 1 and str(tmp_path) in done.stderr and ".eml" in done.stderr


LONG_TITLE = (
    "Savoir dire non quand l'agenda est vide, que le loyer attend et que chaque client "
    "compte double"
)


@pytest.mark.parametrize(
    "text",
    [
        f"Title: {LONG_TITLE}\nDate: 2021-04-06 08:05\n\nLe billet.\n",
        f'---\ntitle: "{LONG_TITLE}"\ndate: 2021-04-06 08:05\n---\n\nLe billet.\n',
    ],
    ids=["long-title", "yaml-front-matter"],
)
def test_the_slug_is_the_one_of_the_posts_address(site, text):
    site.add_post("long.md", text)
    site.build()
    (address,) = [p.parent.name for p in site.output.glob("*/index.html") if "savoir" in str(p)]
    reply = site.root / "reponse.eml"
    reply.write_bytes(_email(subject=f"Re: {LONG_TITLE}", body="Ancien manager, merci."))
    done = site.invoke("reaction-add", "--slug", address, "--name", "Marc", str(reply))
    assert done.returncode == 0, done.stderr
    assert len(reactions_of(site, address)) == 1
    site.build()
    assert "Ancien manager" in site.read(f"{address}/index.html")


def test_a_post_sent_by_email_only_takes_no_reaction(site):
    site.add_post("seul.md", title="Un an de carnet", newsletter="only")
    done = site.invoke("reaction-add", "--slug", "un-an-de-carnet", str(EMAILS / "apple-mail.eml"))
    assert done.returncode == 1
    (line,) = [line for line in done.stderr.splitlines() if "un-an-de-carnet" in line]
    assert "Newsletter: only" in line
    assert reactions_of(site, "un-an-de-carnet") == []


def test_a_sender_name_written_in_raw_utf8_is_read(blog):
    # Many clients write « From: Léa Roux » without RFC 2047's encoding.
    (blog.root / "lea.eml").write_bytes(_email(body="Merci pour ce billet."))
    done = blog.invoke("reaction-add", "--slug", "un-an-de-carnet", str(blog.root / "lea.eml"))
    assert done.returncode == 0, done.stdout + done.stderr
    [written] = reactions_of(blog, "un-an-de-carnet")
    assert "Léa" in written.read_text(encoding="utf-8")


@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1252", "us-ascii"])
def test_utf8_text_declared_as_another_charset_is_read_as_utf8(blog, charset):
    # A webmail or phone declaring its default charset while writing UTF-8: read as
    # declared, « c’était » became « câ€™Ã©tait » on the site (or, for us-ascii, refused).
    (blog.root / "lea.eml").write_bytes(_email(body="Merci, c’était très beau.", charset=charset))
    done = blog.invoke("reaction-add", "--slug", "un-an-de-carnet", str(blog.root / "lea.eml"))
    assert done.returncode == 0, done.stdout + done.stderr
    [written] = reactions_of(blog, "un-an-de-carnet")
    assert written.read_text(encoding="utf-8").endswith("\n\nMerci, c’était très beau.\n")


def test_a_latin1_text_is_still_read_as_latin1(blog):
    (blog.root / "lea.eml").write_bytes(
        _email(body="Merci, c'était très beau.".encode("latin-1"), charset="iso-8859-1")
    )
    done = blog.invoke("reaction-add", "--slug", "un-an-de-carnet", str(blog.root / "lea.eml"))
    assert done.returncode == 0, done.stdout + done.stderr
    [written] = reactions_of(blog, "un-an-de-carnet")
    assert written.read_text(encoding="utf-8").endswith("\n\nMerci, c'était très beau.\n")


@pytest.mark.parametrize(
    "sender, shown",
    [
        ("DUPONT Marie <m@example.org>", "Marie"),  # family name in capitals first
        ('"Roux, Léa" <lea@example.org>', "Léa"),  # Outlook's « Family, First »
        ("Mme Léa Roux <lea@example.org>", "Léa"),
        ("=?utf-8?q?=F0=9F=8C=B8_Am=C3=A9lie_Dupont?= <a@example.org>", "Amélie"),
    ],
)
def test_the_name_shown_is_the_first_name_as_french_senders_write_theirs(blog, sender, shown):
    # The first word was taken: « DUPONT » (the family name she did not mean to publish),
    # « Roux, », « Mme » or « 🌸 » under her words.
    data = _email(body="Merci pour ce billet.").replace(
        "From: Léa Roux <lea@example.org>".encode(), f"From: {sender}".encode()
    )
    (blog.root / "r.eml").write_bytes(data)
    done = blog.invoke("reaction-add", "--slug", "un-an-de-carnet", str(blog.root / "r.eml"))
    assert done.returncode == 0, done.stdout + done.stderr
    [written] = reactions_of(blog, "un-an-de-carnet")
    assert f"Name: {shown}\n" in written.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "sender",
    # A title with a family name only; a broken RFC 2047 word (the name read « n�$z »).
    [b"From: M. DUPONT", b"From: =?utf-8?b?broken?="],
    ids=["title-and-family-name", "unreadable"],
)
def test_a_sender_without_a_first_name_to_show_is_asked_a_name(blog, sender):
    data = _email(body="Merci.").replace("From: Léa Roux".encode(), sender)
    (blog.root / "r.eml").write_bytes(data)
    done = blog.invoke("reaction-add", "--slug", "un-an-de-carnet", str(blog.root / "r.eml"))
    assert done.returncode == 1
    (line,) = [line for line in done.stderr.splitlines() if "r.eml" in line]
    assert "--name" in line
    assert reactions_of(blog, "un-an-de-carnet") == []


def test_a_date_without_time_zone_is_the_sites_time(blog):
    """« -0000 » says the time zone is not known: the reader's clock was most likely the
    site's (Europe/Paris), and a reply at 23:30 was filed under the next day as UTC."""
    data = _email(body="Merci.").replace(
        b"Fri, 10 Sep 2021 10:00:00 +0200", b"Fri, 10 Sep 2021 23:30:00 -0000"
    )
    (blog.root / "r.eml").write_bytes(data)
    done = blog.invoke("reaction-add", "--slug", "un-an-de-carnet", str(blog.root / "r.eml"))
    assert done.returncode == 0, done.stdout + done.stderr
    (written,) = reactions_of(blog, "un-an-de-carnet")
    assert written.name.startswith("2021-09-10-")
    assert "Date: 2021-09-10 23:30" in written.read_text(encoding="utf-8")


def test_a_file_whose_name_looks_like_a_pattern_is_that_file(blog):
    # Thunderbird names a saved e-mail after its subject: brackets are a pattern's too.
    saved = blog.root / "Re_ [Carnet de coach] Un an de carnet.eml"
    saved.write_bytes(_email(body="Merci pour ce billet."))
    done = blog.invoke("reaction-add", "--slug", "un-an-de-carnet", str(saved))
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(reactions_of(blog, "un-an-de-carnet")) == 1


def test_an_empty_plain_text_beside_the_html_reply_reads_the_html(blog):
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "Léa Roux <lea@example.org>"
    message["Subject"] = "Re: Un an de carnet"
    message["Date"] = "Fri, 10 Sep 2021 10:00:00 +0200"
    message["In-Reply-To"] = "<x@carnet-de-coach.fr>"
    message.set_content("\n")
    message.add_alternative("<p>Merci pour ce billet, <b>vraiment</b>.</p>", subtype="html")
    (blog.root / "r.eml").write_bytes(message.as_bytes())
    done = blog.invoke("reaction-add", "--slug", "un-an-de-carnet", str(blog.root / "r.eml"))
    assert done.returncode == 0, done.stdout + done.stderr
    [written] = reactions_of(blog, "un-an-de-carnet")
    assert written.read_text(encoding="utf-8").endswith("\n\nMerci pour ce billet, vraiment.\n")


@pytest.mark.parametrize("rule", ["Message transféré", "Forwarded message"])
def test_the_line_above_a_forwarded_email_is_cut(blog, rule):
    # Gmail's line above the e-mail forwarded under a reply was left on the site.
    body = f"Merci, je l’ai fait suivre à ma sœur.\n\n---------- {rule} ---------\nDe : Claire\n"
    (blog.root / "r.eml").write_bytes(_email(body=body))
    done = blog.invoke("reaction-add", "--slug", "un-an-de-carnet", str(blog.root / "r.eml"))
    assert done.returncode == 0, done.stdout + done.stderr
    [written] = reactions_of(blog, "un-an-de-carnet")
    assert written.read_text(encoding="utf-8").endswith(
        "\n\nMerci, je l’ai fait suivre à ma sœur.\n"
    )


def test_a_settings_file_python_cannot_run_is_one_line(blog):
    # reaction-add loaded the settings without the tasks' guard: a traceback ending in
    # « SyntaxError: '{' was never closed ».
    with open(blog.root / "pelicanconf.py", "a", encoding="utf-8") as settings:
        settings.write("\nCARNET_AUTHORS = {\n")
    done = blog.invoke(
        "reaction-add", "--slug", "qu-est-ce-que-l-ecoute", str(EMAILS / "gmail.eml")
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    # In the site's language (French), though Python cannot read the file to find it.
    assert lines[0].startswith("✗ pelicanconf.py, ligne ")
    assert lines[0].endswith(
        "\u00a0: Python ne peut pas exécuter ce fichier de réglages ('{' was never closed)"
    )
    assert reactions_of(blog, "qu-est-ce-que-l-ecoute") == []
