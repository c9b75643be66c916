"""The email: French, one column, inlined CSS, absolute links, the footer, the size guard."""

import re
import shutil
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from conftest import in_french, make_site
from PIL import Image

from carnet.newsletter import manifest, render
from carnet.newsletter.render import EmailRefused
from newsletter.conftest import Blog


def paragraphs(count):
    return "\n\n".join(
        f"Paragraphe {n} : une phrase assez longue pour remplir l’email, encore et encore."
        for n in range(count)
    )


@pytest.fixture(scope="module")
def posts(tmp_path_factory):
    blog = Blog(make_site(tmp_path_factory.mktemp("render") / "site"))
    # What the posts link to is on the site (a link leading nowhere stops the build).
    images = blog.site.content / "images"
    for name in ("sans-alt.png", "icone.png"):
        Image.new("RGB", (8, 8), "white").save(images / name)
    Image.new("RGB", (1200, 800), "white").save(images / "tasse.jpg")
    Image.new("RGB", (300, 400), "white").save(images / "portrait.jpg")
    # Taken with the phone turned: stored 400 wide, shown 300 wide (EXIF orientation 6).
    turned = Image.Exif()
    turned[0x0112] = 6
    Image.new("RGB", (400, 300), "white").save(images / "tourne.jpg", exif=turned)
    (images / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (images / "pause.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (images / "anim.swf").write_bytes(b"FWS")
    (images / "seance.mp3").write_bytes(b"ID3")
    blog.site.add_page("autre.md", title="Autre", body="Une autre page.")
    blog.post(
        "a.md",
        title="Le <script> & moi",
        date="2021-01-05 08:30",
        summary="Ce qu’on <em>ne</em> dit pas ; un résumé.",
        body="""
        Premier paragraphe avec un [lien relatif](../autre/) et un [lien absolu](https://example.org/x).

        ![Une tasse de café](../images/tasse.jpg)

        ![Un portrait]({static}/images/portrait.jpg) ![Tourné](/images/tourne.jpg)

        <img src="/images/sans-alt.png" width="1200">
        <img src="/images/icone.png" width="40" alt="icône">

        ## Un intertitre

        Fin du billet.
        """,
    )
    blog.post(
        "b.md",
        title="Lettre privée",
        date="2021-01-06 08:30",
        newsletter="only",
        body="Pour vous seulement.",
    )
    blog.post(
        "g.md",
        title="Lettre annotée",
        date="2021-01-11 08:30",
        newsletter="only",
        body="""
        Une phrase[^1], puis [la suite](#suite) et [un billet](../le-moi/).

        ## La suite {#suite}

        [^1]: Une note.
        """,
    )
    blog.post(
        "h.md",
        title="En vidéo",
        date="2021-01-12 08:30",
        body="""
        Regardez :

        <iframe src="https://www.youtube.com/embed/abc" title="La séance en vidéo"></iframe>

        <video controls><source src="/images/pause.mp4" type="video/mp4"></video>

        Fin.
        """,
    )
    blog.post(
        "i.md",
        title="Du HTML brut",
        date="2021-01-13 08:30",
        body="""
        Avant la vidéo.

        <iframe width="560" height="315" src="https://www.youtube.com/embed/xyz" title="YouTube video player" allowfullscreen></iframe>

        <script>alert("bonjour")</script>

        <p onclick="alert('clic')">Un paragraphe <a href="javascript:alert('x')" onmouseover="x()">à cliquer</a>, <a href=" JavaScript:alert('y')">un autre</a> et <a href="java&#9;script:alert('z')">un dernier</a>.</p>

        <form action="https://exemple.fr/inscription" method="post"><label>Votre e-mail <input type="email" name="email"></label><button type="submit">Je m’inscris</button></form>

        <object data="/images/anim.swf"><embed src="/images/anim.swf"></object>

        <style>p { color: red; }</style>

        <audio src="/images/seance.mp3" controls></audio>

        Après.
        """,
    )
    blog.post(
        "j.md",
        title="Lettre avec vidéo",
        date="2021-01-14 08:30",
        newsletter="only",
        body="""
        Pour vous :

        <iframe src="https://player.vimeo.com/video/42"></iframe>

        <iframe src="data:text/html,bonjour"></iframe>

        <form action="https://exemple.fr/inscription"><input name="email"></form>

        Fin.
        """,
    )
    blog.post(
        "k.md",
        title="Beaucoup de liens",
        date="2021-01-15 08:30",
        body="\n\n".join(
            f"Paragraphe {n} : [à lire](https://exemple.fr/p{n}/)." for n in range(500)
        ),
    )
    blog.post(
        "l.md",
        title="En images",
        date="2021-01-16 08:30",
        body="""
        Avant.

        ![Une tasse de café](../images/tasse.jpg)

        [![Le programme](../images/icone.png)](https://exemple.fr/programme/)

        Après.
        """,
    )
    blog.post(
        "m.md",
        title="Un programme",
        date="2021-01-17 08:30",
        body="""
        Voir https://exemple.fr/un/chemin/vraiment/tres/long/qui/ne/se/coupe/jamais/de/lui-meme.

        ```
        invoke reaction-add --slug un-programme reponses/ --name "Une lectrice" --with-email --draft
        ```

        | Jour | Séance |
        |------|--------|
        | Lundi | Course |
        """,
    )
    blog.post(
        "n.md", title="Notre logo", date="2021-01-18 08:30", image="/images/logo.svg", body="Voilà."
    )
    blog.post("c.md", title="Un gros billet", date="2021-01-07 08:30", body=paragraphs(1000))
    blog.post("d.md", title="Un billet moyen", date="2021-01-08 08:30", body=paragraphs(740))
    blog.post(
        "e.md",
        title="Pour les proches",
        date="2021-01-09 08:30",
        newsletter_segment="emails-prives",
    )
    blog.post(
        "f.md",
        title="Du code",
        date="2021-01-10 08:30",
        summary="Tapez <code>a ; b ?</code> puis <kbd>Ctrl : C</kbd> !",
        body="""
        L’<em>écoute</em> d’abord :

        ```python
        def f():
            if x : print("l'autre ?")
        ```
        """,
    )
    settings = blog.build(
        CARNET_NEWSLETTER_SEGMENTS={
            "emails-prives": {"saved_segment_id": 7, "label": "les emails privés"}
        }
    )
    return settings, {post.id: post for post in manifest.read(settings)}


def email_for(posts, slug, test=False, **settings_changes):
    settings, by_id = posts
    return render.render(by_id[slug], dict(settings, **settings_changes), test=test)


def document(email):
    return lxml.html.document_fromstring(email.html)


def test_subject_and_preheader_are_plain_text(posts):
    email = email_for(posts, "le-moi")
    assert email.subject == "Le <script> & moi"
    assert email.preheader.startswith("Ce qu’on ne dit pas\u202f; un résumé")
    preheader = document(email).xpath("//div[@class='preheader']")[0]
    assert preheader.text_content() == email.preheader
    assert "&lt;script&gt; &amp; moi" in email.html and "<script>" not in email.html


def test_the_preheader_keeps_code_as_it_is_written(posts):
    email = email_for(posts, "du-code")
    assert email.preheader == "Tapez a ; b ? puis Ctrl : C\u202f!"
    preheader = document(email).xpath("//div[@class='preheader']")[0]
    assert preheader.text_content() == email.preheader
    assert "L’écoute d’abord\u00a0:" in email.text
    assert 'def f():\n    if x : print("l\'autre ?")' in email.text


def test_test_emails_have_a_marked_subject(posts):
    assert email_for(posts, "le-moi", test=True).subject == "[TEST] Le <script> & moi"


def test_subject_setting_and_french_typography(posts):
    email = email_for(posts, "lettre-privee", CARNET_NEWSLETTER_SUBJECT="{site} : {title}")
    assert email.subject == "Carnet de coach\u00a0: Lettre privée"


def test_footer_has_every_required_part(posts):
    email = email_for(posts, "le-moi")
    footer = document(email).xpath("//td[@class='footer']")[0]
    text = footer.text_content()
    assert (
        "Vous recevez cet e-mail parce que vous êtes abonné·e à la lettre de Carnet de coach"
        in text
    )
    assert "Envoyé à *|EMAIL|*" in text
    assert footer.xpath(".//a[@href='*|UNSUB|*']") and footer.xpath(
        ".//a[@href='*|UPDATE_PROFILE|*']"
    )
    assert "*|HTML:LIST_ADDRESS_HTML|*" in text
    assert "*|LIST_ADDRESS|*" in email.text and "*|UNSUB|*" in email.text


def test_the_footer_says_why_for_a_segment(posts):
    text = (
        document(email_for(posts, "pour-les-proches"))
        .xpath("//td[@class='footer']")[0]
        .text_content()
    )
    assert "et avez choisi de recevoir les emails privés." in text


def test_one_column_at_most_600px_with_inlined_css_and_dark_mode(posts):
    email = email_for(posts, "le-moi")
    page = document(email).xpath("//table[@class='page']")[0]
    assert page.get("width") == "600" and "max-width: 600px" in page.get("style")
    assert not document(email).xpath("//link[@rel='stylesheet']")
    styles = document(email).xpath("//style")
    # Only what cannot be inlined stays in <style>: the dark-mode colours.
    assert len(styles) == 1 and styles[0].text.strip().startswith(
        "@media (prefers-color-scheme: dark)"
    )
    assert 'name="color-scheme" content="light dark"' in email.html
    assert document(email).xpath("//h1")[0].get("style")  # inlined


def test_links_and_images_are_absolute_with_width_and_alt(posts):
    email = email_for(posts, "le-moi")
    page = document(email)
    hrefs = [a.get("href") for a in page.iter("a")]
    assert all(h.startswith(("https://", "*|")) for h in hrefs), hrefs
    assert "https://carnet-de-coach.fr/autre/" in hrefs and "https://example.org/x" in hrefs
    images = {img.get("src"): img for img in page.iter("img")}
    assert all(src.startswith("https://carnet-de-coach.fr/") for src in images)
    assert images["https://carnet-de-coach.fr/images/tasse.jpg"].get("alt") == "Une tasse de café"
    assert images["https://carnet-de-coach.fr/images/tasse.jpg"].get("width") == "560"
    assert images["https://carnet-de-coach.fr/images/sans-alt.png"].get("width") == "560"
    assert images["https://carnet-de-coach.fr/images/sans-alt.png"].get("alt") == ""
    assert images["https://carnet-de-coach.fr/images/icone.png"].get("width") == "40"
    # Narrower than the column, as wide as the file shows it: stretched, it was blurred.
    assert images["https://carnet-de-coach.fr/images/portrait.jpg"].get("width") == "300"
    assert images["https://carnet-de-coach.fr/images/tourne.jpg"].get("width") == "300"
    assert any(
        "sans-alt.png has no description" in w and w.startswith("content/posts/a.md")
        for w in email.warnings
    )


def test_the_preheader_of_a_post_of_one_photo_is_what_it_shows(site):
    # No words to start the preheader with: the inbox showed the e-mail's first words,
    # « Voir dans le navigateur », after the subject.
    blog = Blog(site)
    Image.new("RGB", (8, 8), "white").save(site.content / "images" / "coucher.jpg")
    blog.post(
        "a.md",
        title="La photo de la semaine",
        body="![Un coucher de soleil](../images/coucher.jpg)",
    )
    settings = blog.build()
    email = render.render(manifest.read(settings)[0], settings)
    assert email.preheader == "Un coucher de soleil"
    preheader = document(email).xpath("//div[@class='preheader']")[0]
    assert preheader.text_content() == "Un coucher de soleil"


def test_words_struck_through_are_marked_struck_in_the_plain_text(site):
    # Without a mark, the plain-text part read « je vends je donne », the opposite.
    blog = Blog(site)
    blog.post(
        "a.md", title="Des livres", body="Je ~~vends~~ donne mes livres, <s>10 €</s> gratuits."
    )
    settings = blog.build()
    email = render.render(manifest.read(settings)[0], settings)
    assert "Je ~~vends~~ donne mes livres, ~~10\u00a0€~~ gratuits." in email.text
    assert email.preheader == "Je donne mes livres, gratuits."


def test_view_in_browser_links_to_the_post_or_to_mailchimps_archive(posts):
    browser = "//td[@class='browser']/a"
    site_post = document(email_for(posts, "le-moi")).xpath(browser)[0]
    assert site_post.get("href") == "https://carnet-de-coach.fr/le-moi/"
    assert site_post.text == "Voir dans le navigateur"
    assert (
        document(email_for(posts, "lettre-privee")).xpath(browser)[0].get("href") == "*|ARCHIVE|*"
    )


def test_an_email_only_posts_footnotes_and_anchors_stay_within_the_email(posts):
    # Its address is no page on the site: https://…/lettre-annotee/#fn:1 would be a 404.
    hrefs = [a.get("href") for a in document(email_for(posts, "lettre-annotee")).iter("a")]
    assert "#fn:1" in hrefs and "#fnref:1" in hrefs and "#suite" in hrefs
    assert "https://carnet-de-coach.fr/le-moi/" in hrefs
    assert not [h for h in hrefs if "lettre-annotee" in h], hrefs


def test_an_embedded_player_becomes_a_link_and_the_coach_is_told(posts):
    email = email_for(posts, "en-video")
    page = document(email)
    assert not page.xpath("//iframe | //video")  # e-mail programs show nothing for them
    # The post's page, where the player works as the coach embedded it.
    post = "https://carnet-de-coach.fr/en-video/"
    links = [(a.get("href"), a.text) for a in page.xpath("//td[@class='post']//a")]
    assert links.count((post, "See it on carnet-de-coach.fr")) == 2, links
    assert f"[See it on carnet-de-coach.fr]({post})" in email.text and "Fin." in email.html
    assert [w for w in email.warnings if "<iframe>" in w or "<video>" in w] == [
        "content/posts/h.md: e-mails do not show the <iframe> https://www.youtube.com/embed/abc; "
        f"the e-mail links to {post} instead",
        "content/posts/h.md: e-mails do not show the <video> "
        f"https://carnet-de-coach.fr/images/pause.mp4; the e-mail links to {post} instead",
    ]


def test_what_mail_programs_block_is_left_out_of_the_email_only(posts):
    """A coach's raw HTML: players, forms, scripts, event attributes, javascript: links."""
    email = email_for(posts, "du-html-brut")
    page = document(email)
    post = "https://carnet-de-coach.fr/du-html-brut/"
    body = page.xpath("//td[@class='post']")[0]
    blocked = "script style iframe object embed audio form input button".split()
    assert not [e.tag for e in body.iter(*blocked)]
    for element in page.iter(lxml.etree.Element):
        for name, value in element.attrib.items():
            assert not name.startswith("on"), (element.tag, name)
            assert "javascript" not in value.lower(), (element.tag, name, value)
    # The link text stays, as text.
    paragraph = body.xpath(".//p[contains(., 'Un paragraphe')]")[0]
    assert paragraph.text_content() == "Un paragraphe à cliquer, un autre et un dernier."
    assert not paragraph.xpath(".//a")
    links = [(a.get("href"), a.text) for a in body.iter("a")]
    assert links[1:] == [
        (post, "See it on carnet-de-coach.fr"),
        (post, "Fill it in on carnet-de-coach.fr"),
        (post, "See it on carnet-de-coach.fr"),
        (post, "Listen to it on carnet-de-coach.fr"),
    ], links
    # The post's <style> reached neither the post nor the theme around it (css-inline
    # applied it to every paragraph, the footer's too); the theme keeps its own.
    assert "red" not in email.html
    assert page.xpath("//head/meta[@name='color-scheme']") and page.xpath("//head/style")
    assert page.xpath("//td[@class='footer']//a[@href='*|UNSUB|*']")
    text = email.text
    assert "Avant la vidéo." in text and "Après." in text
    assert f"[See it on carnet-de-coach.fr]({post})" in text
    assert f"[Fill it in on carnet-de-coach.fr]({post})" in text
    assert "Un paragraphe à cliquer, un autre et un dernier." in text
    for word in ("alert", "javascript", "Je m’inscris", "Votre e-mail", "color"):
        assert word not in text and word not in email.preheader, word
    assert email.preheader.startswith("Avant la vidéo. See it on carnet-de-coach.fr Un")
    assert email.warnings == [
        "content/posts/i.md: e-mails do not show the <iframe> https://www.youtube.com/embed/xyz; "
        f"the e-mail links to {post} instead",
        "content/posts/i.md: e-mails do not show the <form> https://exemple.fr/inscription; "
        f"the e-mail links to {post} instead",
        "content/posts/i.md: e-mails do not show the <object> "
        f"https://carnet-de-coach.fr/images/anim.swf; the e-mail links to {post} instead",
        "content/posts/i.md: e-mails do not show the <audio> "
        f"https://carnet-de-coach.fr/images/seance.mp3; the e-mail links to {post} instead",
        "content/posts/i.md: e-mail programs block <script>, <style>, javascript:, onclick=, "
        "onmouseover=; the e-mail leaves them out",
    ]


def test_the_site_keeps_the_coachs_html_as_written(posts):
    settings, _ = posts
    page = (Path(settings["OUTPUT_PATH"]) / "du-html-brut" / "index.html").read_text()
    for written in ('<iframe width="560"', "<script>", "onclick=", "javascript:", "<form"):
        assert written in page, written


def test_an_email_only_posts_player_links_to_its_own_address(posts):
    # It has no page on the site: the player's own web address, if it has one.
    email = email_for(posts, "lettre-avec-video")
    body = document(email).xpath("//td[@class='post']")[0]
    assert not list(body.iter("iframe", "form", "input"))
    links = [(a.get("href"), a.text) for a in body.iter("a")]
    assert links == [("https://player.vimeo.com/video/42", "See it on player.vimeo.com")]
    assert "Pour vous" in email.text and "Fin." in email.text
    assert [w for w in email.warnings if "leaves it out" in w] == [
        "content/posts/j.md: e-mails do not show the <iframe> data:text/html,bonjour; "
        "the e-mail leaves it out",
        "content/posts/j.md: e-mails do not show the <form> https://exemple.fr/inscription; "
        "the e-mail leaves it out",
    ]


def test_the_links_instead_are_in_the_sites_language(posts):
    with in_french():
        email = email_for(posts, "du-html-brut")
    post = "https://carnet-de-coach.fr/du-html-brut/"
    assert f"[À voir sur carnet-de-coach.fr]({post})" in email.text
    assert f"[À remplir sur carnet-de-coach.fr]({post})" in email.text
    assert f"[À écouter sur carnet-de-coach.fr]({post})" in email.text


def test_full_post_or_excerpt_with_read_more(posts):
    full = email_for(posts, "le-moi")
    assert "Fin du billet." in full.html and "Lire la suite" not in full.html
    excerpt = email_for(posts, "le-moi", CARNET_NEWSLETTER_FULL_POST=False)
    assert "Fin du billet." not in excerpt.html
    read_more = document(excerpt).xpath("//a[text()='Lire la suite']")
    assert read_more and read_more[0].get("href") == "https://carnet-de-coach.fr/le-moi/"
    # An email-only post has no page to read the rest on: always whole.
    private = email_for(posts, "lettre-privee", CARNET_NEWSLETTER_FULL_POST=False)
    assert "Pour vous seulement." in private.html and "Lire la suite" not in private.html


def test_french_typography_and_date(posts):
    email = email_for(posts, "le-moi")
    assert "5 janvier 2021 · Claire Dumas" in email.html
    assert "Paragraphe" not in email.html
    text = email.text
    assert "Premier paragraphe avec un [lien relatif](https://carnet-de-coach.fr/autre/)" in text
    assert "Voir dans le navigateur" in text and "<" not in re.sub(r"<script>", "", text)
    assert "Un intertitre" in text and "Fin du billet." in text
    assert "dit pas\u202f;" in email_for(posts, "le-moi", CARNET_NEWSLETTER_FULL_POST=False).text


def test_the_plain_text_keeps_what_the_images_say(posts):
    """A reader of the plain-text part (a text-only mail program, a screen reader) gets each
    image's alt text where the image is: a linked image is not an empty link."""
    text = email_for(posts, "en-images").text
    assert "Avant.\n\n[Une tasse de café]\n\n" in text
    assert "[[Le programme]](https://exemple.fr/programme/)" in text
    assert "[](" not in text


def test_code_long_words_and_tables_stay_within_a_phones_width(posts):
    """A line of code or a long address cannot be cut: on a phone it made the whole e-mail
    wider than the screen (the footer's links out of sight). They wrap, a table's words
    too where they must, and its cells are framed. Inline: French webmails drop <style>.
    (tests/site/test_browser.py opens such an e-mail in Chromium at a phone's width.)"""
    page = document(email_for(posts, "un-programme"))

    def style(element):
        parts = element.get("style", "").split(";")
        pairs = (part.split(":", 1) for part in parts if ":" in part)
        return {name.strip(): value.strip() for name, value in pairs}

    post = style(page.xpath("//td[@class='post']")[0])
    assert post["word-break"] == "break-word" and post["overflow-wrap"] == "anywhere"
    assert style(page.xpath("//pre")[0])["white-space"] == "pre-wrap"
    [table] = page.xpath("//td[@class='post']//table")
    assert "word-break" not in style(table)  # the cells break long words as the text does
    cells = table.xpath(".//th | .//td")
    assert len(cells) == 4
    for cell in cells:
        assert style(cell)["padding"] and style(cell)["border"].startswith("1px solid")


def test_the_coach_is_told_when_the_posts_own_image_is_an_svg(posts):
    """The post's Image: heads its e-mail: as an SVG, Gmail and Outlook show a blank there."""
    email = email_for(posts, "notre-logo")
    assert document(email).xpath("//img/@src")[0] == "https://carnet-de-coach.fr/images/logo.svg"
    assert email.warnings == [
        "content/posts/n.md: image https://carnet-de-coach.fr/images/logo.svg is an SVG, "
        "which Gmail and Outlook do not show"
    ]


def test_the_coach_is_told_of_a_drawing_written_into_the_post(tmp_path):
    """An <svg> in the post's HTML shows on the site; Gmail and Outlook show a blank."""
    blog = Blog(make_site(tmp_path / "site"))
    blog.post(
        "a.md",
        title="Un schéma",
        date="2021-01-05 08:30",
        body="""
        Avant.

        <svg width="40" height="40"><circle cx="20" cy="20" r="10"/><svg><rect/></svg></svg>
        """,
    )
    settings = blog.build()
    [post] = manifest.read(settings)
    with in_french():
        email = render.render(post, settings)
    assert email.warnings == [
        "content/posts/a.md\u00a0: un dessin (<svg>) est écrit dans l’article\u202f; Gmail et "
        "Outlook ne l’affichent pas\u00a0: enregistrez-le en PNG dans content/images/ et faites-y "
        "un lien"
    ]


def test_size_warning_and_refusal_name_the_post(posts):
    medium = email_for(posts, "un-billet-moyen")
    assert 85 * 1024 < medium.size <= 96 * 1024
    assert any(
        w.startswith("content/posts/d.md: the email is") and "KB" in w for w in medium.warnings
    )
    with pytest.raises(
        EmailRefused,
        match=r"^content/posts/c\.md: the email is 1\d\d KB of HTML, about 1\d\d KB once Mailchimp "
        r"adds its tracking and footer; above 100 KB Gmail clips it and hides the unsubscribe "
        r"link\. Shorten the post or set CARNET_NEWSLETTER_FULL_POST = False$",
    ):
        email_for(posts, "un-gros-billet")
    # The excerpt is small enough.
    assert email_for(posts, "un-gros-billet", CARNET_NEWSLETTER_FULL_POST=False).size < 20 * 1024


def test_the_size_counts_what_mailchimp_adds(posts):
    """Gmail counts the HTML Mailchimp sends: its tracking address for every link (some 120
    bytes, however short the link), its open-tracking image, the postal address it fills."""
    with pytest.raises(EmailRefused) as refused:
        email_for(posts, "beaucoup-de-liens")
    message = str(refused.value)
    assert "\n" not in message
    size, sent = map(int, re.findall(r"(\d+) KB", message)[:2])
    # Carnet's own HTML is under the limit; 500 links of some 24 bytes add some 52 KB.
    assert size < 100 < sent and sent - size > 45, message
    assert message.startswith("content/posts/k.md: the email is")
    assert message.endswith("Shorten the post or set CARNET_NEWSLETTER_FULL_POST = False")


def test_an_email_without_the_unsubscribe_link_is_refused(posts, tmp_path):
    settings, _ = posts
    theme = tmp_path / "theme"
    shutil.copytree(settings["THEME"] + "/templates/email", theme / "templates" / "email")
    footer = theme / "templates" / "email" / "footer.html"
    footer.write_text(footer.read_text().replace('<a href="*|UNSUB|*">Se désinscrire</a>', ""))
    with pytest.raises(EmailRefused, match=r"posts/a\.md: the email has no unsubscribe link"):
        email_for(posts, "le-moi", THEME=str(theme))


def test_the_templates_own_words_are_typeset_too(posts, tmp_path):
    """The footer (and any text of the email's templates) gets French typography, not only
    the post; code in it stays as typed."""
    settings, _ = posts
    theme = tmp_path / "theme"
    shutil.copytree(settings["THEME"] + "/templates/email", theme / "templates" / "email")
    footer = theme / "templates" / "email" / "footer.html"
    footer.write_text(
        footer.read_text().replace(
            "<p>Envoyé à *|EMAIL|*.</p>",
            '<p>Une question ? Écrivez-nous : c\'est "simple". <code>a ? b</code></p>',
        )
    )
    email = email_for(posts, "le-moi", THEME=str(theme))
    footer_line = document(email).xpath("//p[contains(., 'Une question')]")[0]
    assert footer_line.text_content() == (
        "Une question\u202f? Écrivez-nous\u00a0: c’est «\u00a0simple\u00a0». a ? b"
    )
    assert footer_line.xpath("code")[0].text == "a ? b"
    assert "Une question\u202f? Écrivez-nous\u00a0: c’est «\u00a0simple\u00a0»." in email.text


def test_the_images_of_a_srcset_are_absolute_too(tmp_path):
    """Apple Mail picks an image of srcset (or of a <picture>'s <source>) over src: one at
    an address relative to the post shows as a broken image in an e-mail."""
    blog = Blog(make_site(tmp_path / "site"))
    for name in ("a.png", "a@2x.png", "b.webp"):
        Image.new("RGB", (8, 8), "white").save(blog.site.content / "images" / name)
    blog.post(
        "a.md",
        title="Des images nettes",
        date="2021-01-05 08:30",
        body="""
        <img src="/images/a.png" srcset="/images/a.png 1x,  ../images/a@2x.png	2x" alt="A">

        <picture><source srcset="/images/b.webp" type="image/webp"><img src="/images/a.png" alt="B"></picture>
        """,
    )
    settings = blog.build()
    [post] = manifest.read(settings)
    page = document(render.render(post, settings))
    site = "https://carnet-de-coach.fr/images/"
    assert [element.get("srcset") for element in page.xpath("//*[@srcset]")] == [
        f"{site}a.png 1x, {site}a@2x.png 2x",
        f"{site}b.webp",
    ]


def test_an_image_written_into_the_post_is_said_in_a_short_line(tmp_path):
    """Gmail and Outlook show no data: image; the coach is told, in a line that names the
    image without its thousands of characters of base64."""
    blog = Blog(make_site(tmp_path / "site"))
    pixels = "iVBORw0KGgo" + "A" * 4000
    blog.post(
        "a.md",
        title="Une image collée",
        date="2021-01-05 08:30",
        body=f'Avant.\n\n<img src="data:image/png;base64,{pixels}">\n\nAprès.',
    )
    settings = blog.build()
    [post] = manifest.read(settings)
    email = render.render(post, settings)
    assert email.warnings == [
        "content/posts/a.md: image data:image/png;base64,… has no description, so readers who "
        "cannot see it get nothing: write what it shows in ![…](…)",
        "content/posts/a.md: image data:image/png;base64,… is written into the post "
        "(data:), which Gmail and Outlook do not show: save it in content/images/ and "
        "link to it",
    ]
