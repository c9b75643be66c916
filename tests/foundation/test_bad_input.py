"""Bad input stops the build with a message naming the file and the problem."""

import pytest
from conftest import in_french, post_text

from carnet.build import BuildFailed

CASES = {
    "no title": (post_text(title=None), "could not find information about 'title'"),
    "impossible date": (post_text(date="2021-13-45"), "'2021-13-45' is not a valid date"),
    "unknown status": (post_text(status="publie"), "Unknown status 'publie'"),
    "not UTF-8": (post_text(body="Café").encode("latin-1"), "is not valid UTF-8"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_build_fails_naming_the_file_and_the_problem(site, case):
    text, problem = CASES[case]
    site.add_post("good.md", title="Bon billet")
    site.add_post("bad-post.md", text)
    with pytest.raises(BuildFailed) as failure:
        site.build()
    [line] = [p for p in failure.value.problems if "bad-post.md" in p]
    assert problem in line


@pytest.mark.parametrize("case", sorted(CASES))
def test_publish_deploys_nothing_after_a_failed_build(site, tmp_path, case):
    site.add_post("bad-post.md", CASES[case][0])
    target = tmp_path / "deployed"
    done = site.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(target)})
    assert done.returncode != 0
    assert "bad-post.md" in done.stderr
    assert "rien n’a été publié" in done.stderr
    assert not target.exists()


def test_the_line_names_the_file_as_it_is_named(site):
    # Rich turns « :fire: » into an emoji unless told not to: the line would name a file
    # the coach cannot find.
    site.add_post("mes:fire:objectifs.md", post_text(date="2021-13-45"))
    done = site.invoke("build")
    assert done.returncode != 0
    assert "content/posts/mes:fire:objectifs.md\u00a0: " in done.stderr


def test_links_to_a_tag_a_category_and_an_author_of_the_site_build(site):
    site.add_post("a.md", title="Un billet", tags="écoute, premiers pas", author="Claire Dumas")
    body = (
        "Voir [l’écoute]({tag}écoute), [les débuts]({tag}premiers-pas), "
        "[le journal]({category}journal intime), [Claire]({author}claire-dumas) "
        "et [l’accueil]({index})."
    )
    site.add_post("b.md", title="Des liens", body=body)
    site.build()
    page = site.read("des-liens/index.html")
    assert "{tag}" not in page and "{category}" not in page and "{author}" not in page


def test_a_tag_without_letters_is_one_line_naming_the_post(site):
    site.add_post("good.md", title="Bon billet", tags="écoute")
    site.add_post("bad-post.md", title="Un billet", tags="écoute, 😀")
    with pytest.raises(BuildFailed) as failure:
        site.build()
    said = [*failure.value.problems, *failure.value.warnings]
    assert said == [
        "content/posts/bad-post.md: the tag « 😀 » has no letter or digit to make an address "
        "of: add a word to it"
    ]


ETE_APART = "photo-e\u0301te\u0301.jpg"  # « été » as macOS may write it: each accent apart


@pytest.mark.parametrize(
    ("field", "body"),
    [("image", "Un texte."), (None, "![Le lac]({static}/images/photo-été.jpg)")],
    ids=["Image:", "a link"],
)
def test_a_file_name_whose_accents_are_written_apart_is_named_in_one_line(site, field, body):
    """The post names photo-été.jpg as a keyboard writes it, the file's name has the same
    letters with its accents apart: « does not exist », though both look the same."""
    (site.content / "images").mkdir(parents=True, exist_ok=True)
    (site.content / "images" / ETE_APART).write_bytes(b"\xff\xd8\xff\xd9")
    fields = {"image": "images/photo-été.jpg"} if field else {}
    site.add_post("a.md", title="Au bord du lac", body=body, **fields)
    with pytest.raises(BuildFailed) as failure:
        site.build()
    [line] = failure.value.problems
    assert line.startswith("content/posts/a.md: ")
    assert f"written another way on disk: the file is named {ETE_APART}" in line


def test_an_image_field_naming_a_folder_says_so(site):
    (site.content / "images" / "lac").mkdir(parents=True)
    site.add_post("a.md", title="Au bord du lac", image="images/lac")
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert failure.value.problems == [
        "content/posts/a.md: Image: images/lac is a folder: name the image in it, "
        "e.g. Image: images/photo.jpg"
    ]


def test_a_link_to_an_empty_file_reads_in_french(site):
    """« qui n’est un fichier vide » was the French line: the sentence needs its « que »."""
    (site.content / "images").mkdir(parents=True, exist_ok=True)
    (site.content / "images" / "vide.jpg").write_bytes(b"")
    site.add_post("a.md", title="Au bord du lac", body="![Le lac]({static}/images/vide.jpg)")
    with in_french(), pytest.raises(BuildFailed) as failure:
        site.build()
    [line] = failure.value.problems
    assert "renvoie à {static}/images/vide.jpg, qui n’est qu’un fichier vide" in line


@pytest.mark.parametrize(
    "head",
    [
        "Title: Un billet\nDate: 2021-02-30\n",
        "Title: Un billet\nDate: 2021-09-30 25:00\n",
        "---\ntitle: Un billet\ndate: 2021-02-30\n---\n",  # YAML reads it as a timestamp
        "---\ntitle: Un billet\ndate: 2021-09-30\nmodified: 2021-13-01\n---\n",
    ],
)
def test_a_date_no_calendar_has_is_one_line_in_the_coachs_language(site, head):
    """Pelican said « '2021-02-30' is not a valid date » in English and nothing of what to
    write; a YAML date stopped on Python's « day is out of range for month »."""
    site.add_post("bad.md", head + "\nLe texte.\n")
    with in_french(), pytest.raises(BuildFailed) as failure:
        site.build()
    [line] = failure.value.problems
    assert line.startswith("content/posts/bad.md\u00a0: '20"), line
    assert (
        "n’est pas une date valide\u00a0: ce jour ou cette heure n’existe pas\u202f; "
        "écrivez-la AAAA-MM-JJ, suivie si besoin de HH:MM"
    ) in line


@pytest.mark.parametrize(
    "head, field",
    [
        ("Title: Un billet\nDate: 0999-03-01\n", "Date: 0999-03-01"),
        ("---\ntitle: Un billet\ndate: 0999-03-01\n---\n", "Date: 0999-03-01"),
        ("Title: Un billet\nDate: 2021-03-01\nModified: 0202-03-01\n", "Modified: 0202-03-01"),
    ],
)
def test_a_year_before_1970_is_taken_for_a_typo(site, head, field):
    """Dated 0999 (for 1999), a post built, was e-mailed « 1er mars 999 », and its feeds,
    sitemap and <time> said « 999-03-01 » and +00:09:21 (Paris's local mean time), which
    none of them can hold."""
    site.add_post("bad.md", head + "\nLe texte.\n")
    with pytest.raises(BuildFailed) as failure:
        site.build()
    [line] = failure.value.problems
    assert line == (
        f"content/posts/bad.md: {field} is before 1970: is the year mistyped? Write the date "
        "as YYYY-MM-DD, optionally followed by HH:MM"
    )


def test_a_post_modified_before_its_date_is_one_line(site):
    """Modified: before Date: (a typo, or a date moved forward) made the feeds say the post
    was updated before it was published, and gave the sitemap and the JSON-LD a last change
    before its date. A Modified: with an offset is compared as the moment it is."""
    site.add_post("ok.md", title="Bon", date="2021-10-05 10:00", modified="2021-10-05T09:00Z")
    site.add_post("bad.md", title="Mauvais", date="2021-10-05 10:00", modified="2021-10-01 09:00")
    with pytest.raises(BuildFailed) as failure:
        site.build()
    [line] = failure.value.problems
    assert line == (
        "content/posts/bad.md: Modified: 2021-10-01 09:00 is before Date: 2021-10-05 10:00; "
        "Modified: says when the post was last changed, after its date: correct it, or "
        "remove the line"
    )


def test_a_link_to_a_post_dated_later_says_when_it_comes_out(site):
    """Pelican keeps a post dated later off the site (WITH_FUTURE_DATES): a link to it was
    « ni un billet publié, ni une page, ni un fichier », about a post the coach planned."""
    site.add_post("planned.md", title="Bientôt", date="2099-01-01 08:00")
    site.add_post("draft.md", title="Pas prêt", status="draft")
    site.add_post(
        "a.md", title="Maintenant", body="[Un]({filename}planned.md), [deux]({filename}draft.md)."
    )
    with in_french(), pytest.raises(BuildFailed) as failure:
        site.build()
    assert sorted(failure.value.problems) == [
        "content/posts/a.md\u00a0: renvoie à {filename}draft.md, qui n’est ni un billet "
        "publié, ni une page, ni un fichier",
        "content/posts/a.md\u00a0: renvoie à {filename}planned.md, qui n’est pas encore sur "
        "le site (billet daté du 1er janvier 2099 à 08:00)\u00a0: mettez le lien une fois "
        "qu’il est paru, ou datez ce billet après lui",
    ]


# What Markdown leaves as typed, which showed on the page, in the lists, the feeds and the
# e-mail (« une autre[^2] », « [mon atelier][atelier] »; a note nothing called was shown
# with a way back leading nowhere): (the post's fields, the line that stops the build).
WRITTEN_AS_IS = {
    "a call without its note": (
        {"body": "Une note[^1] et une autre[^2].\n\n[^1]: La première."},
        "content/posts/notes.md: footnote [^2] has no note",
    ),
    "a note nothing calls": (
        {"body": "Une note[^1].\n\n[^1]: La première.\n[^l]: Une autre."},
        "content/posts/notes.md: the note [^l] is never called in the text",
    ),
    "a call in the Summary:": (
        {"body": "Une note[^1].\n\n[^1]: La note.", "summary": "Un résumé[^1]."},
        "content/posts/notes.md: the Summary: calls footnote [^1]",
    ),
    "a link to a reference never defined": (
        {"body": "Voir [mon atelier][atelier] et [le site](https://exemple.fr)."},
        "content/posts/liens.md: [mon atelier][atelier] links to the reference [atelier], "
        "which the post does not define",
    ),
    "a short reference never defined": (
        {"body": "Voir [l’atelier][] demain."},
        "content/posts/liens.md: [l’atelier][] links to the reference [l’atelier]",
    ),
    "a reference in the Summary:": (
        {"body": "Le texte.\n\n[atelier]: https://exemple.fr", "summary": "Voir [ici][atelier]."},
        "content/posts/liens.md: [ici][atelier] links to the reference [atelier]",
    ),
    "an Obsidian link": (
        {"body": "Comme je l’écrivais dans [[Première séance#Après|ce billet]], écouter."},
        "content/posts/liens.md: [[Première séance#Après|ce billet]] is an Obsidian link, "
        "which Carnet shows as typed: write it [ce billet]({filename}/posts/its-file.md)",
    ),
    "an Obsidian embed": (
        {"body": "Le bureau :\n\n![[bureau.jpg]]"},
        "content/posts/liens.md: ![[bureau.jpg]] is an Obsidian embed, which Carnet shows as "
        "typed: put the file in content/images/ and write ![what it shows]"
        "({static}/images/bureau.jpg)",
    ),
    "HTML pasted from Word": (
        {
            "body": '<p class=MsoNormal><span style=\'font-family:"Calibri",sans-serif;'
            "mso-fareast-language:FR'>Bonjour à toutes<o:p></o:p></span></p>"
        },
        "content/posts/liens.md: HTML pasted from Word (« <o:p> », mso- styles)",
    ),
    "a table of contents": (
        {"body": "[TOC]\n\n## Un\n\nLe texte."},
        "content/posts/liens.md: [TOC]: Carnet writes no table of contents",
    ),
}


@pytest.mark.parametrize("case", sorted(WRITTEN_AS_IS))
def test_what_markdown_leaves_as_written_is_one_line(site, case):
    fields, line = WRITTEN_AS_IS[case]
    name = line.split(":", 1)[0].rsplit("/", 1)[1]  # the post the line names
    site.add_post(name, title="Des notes", **fields)
    with pytest.raises(BuildFailed) as failure:
        site.build()
    [problem] = failure.value.problems
    assert problem.startswith(line), problem


# Images that most readers' browsers and e-mail programs show as broken: (what the post
# shows, the file, the line that stops the build).
NOT_SHOWN = {
    "a phone's photo": (
        {"body": "![La vue](../images/IMG_0042.HEIC)"},
        "IMG_0042.HEIC",
        "content/posts/photos.md: ../images/IMG_0042.HEIC is a HEIC image, which most "
        "browsers and e-mail programs do not show",
    ),
    "a scan, written as HTML": (
        {"body": '<img src="{static}/images/scan.tiff?v=2" alt="Le devis">'},
        "scan.tiff",
        "content/posts/photos.md: {static}/images/scan.tiff?v=2 is a TIFF image",
    ),
    "a post's Image:": (
        {"body": "Le texte.", "image": "images/IMG_0042.heic"},
        "IMG_0042.heic",
        "content/posts/photos.md: Image: images/IMG_0042.heic is a HEIC image",
    ),
}


@pytest.mark.parametrize("case", sorted(NOT_SHOWN))
def test_an_image_browsers_do_not_show_is_one_line(site, case):
    fields, file_name, line = NOT_SHOWN[case]
    (site.content / "images" / file_name).write_bytes(b"\x00\x00\x00\x18ftypheic")
    site.add_post("photos.md", title="Des photos", **fields)
    with pytest.raises(BuildFailed) as failure:
        site.build()
    [problem] = failure.value.problems
    assert problem.startswith(line), problem


# What the checks above must let through (written in code, or meant as it is): (a file the
# post links to, the post's body, what its page then shows).
PASSES = {
    "a link to a TIFF, to download it": (
        # The coach's scan of a signed form, a photographer's raw file: linked, not shown.
        "devis.tiff",
        "[Le devis signé]({static}/images/devis.tiff), et en HTML : `<img src=x.heic>`.",
        ["devis.tiff"],
    ),
    "references defined, and one written in code": (
        None,
        "Voir [mon atelier][atelier], et en Markdown : `[texte][ref]`.\n\n"
        "[atelier]: https://exemple.fr/atelier",
        ['<a href="https://exemple.fr/atelier">mon atelier</a>', "<code>[texte][ref]</code>"],
    ),
    "double brackets in code and in a Python list": (
        None,
        "Dans Obsidian, `[[note]]` renvoie à une note.\n\n    ![[photo.png]]\n\n"
        "Et en Python, la liste `[[1, 2], [3]]`.",
        ["<code>[[note]]</code>"],
    ),
    "Word's HTML in code, and a style of her own": (
        None,
        "Word écrit `<o:p></o:p>` et `style='mso-fareast-language:FR'` ; mso-, Mso.\n\n"
        '<span style="color: teal">en couleur</span>',
        ["<code>&lt;o:p&gt;&lt;/o:p&gt;</code>"],
    ),
    "a footnote call written in code": (
        None,
        "En Markdown, `[^1]` appelle une note :\n\n    Une phrase[^1].\n\nVoilà.",
        ["<code>[^1]</code>"],
    ),
}


@pytest.mark.parametrize("case", sorted(PASSES))
def test_what_is_written_in_code_or_meant_passes(site, case):
    linked, body, shown = PASSES[case]
    if linked:
        (site.content / "images" / linked).write_bytes(b"II*\x00")
    site.add_post("billet.md", title="Un billet", body=body)
    site.build()
    page = site.read("un-billet/index.html")
    for text in shown:
        assert text in page


def test_each_image_without_a_description_is_one_warning_naming_the_post_and_the_image(site):
    # Pelican named the file only, and from the fifth image of the site on said just
    # « Other images have empty alt attributes »; an <img> with no alt at all, nothing.
    for name in ("a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg", "f.jpg", "vue.jpg"):
        (site.content / "images" / name).write_bytes(b"\xff\xd8\xff\xd9")
    site.add_post(
        "photos.md",
        post_text(
            body="""
            ![]({static}/images/a.jpg) ![]({static}/images/b.jpg) ![]({static}/images/c.jpg)

            ![ ]({static}/images/d.jpg) ![]({static}/images/a.jpg)

            <img alt="" src="{static}/images/e.jpg"> <img src="{static}/images/f.jpg">

            ![Le lac au matin]({static}/images/vue.jpg)
            """
        ),
    )
    warnings = site.build().warnings
    undescribed = [w for w in warnings if "has no description" in w]
    assert undescribed == [
        f"content/posts/photos.md: image {{static}}/images/{name}.jpg has no description, so readers "
        "who cannot see it get nothing: write what it shows in ![…](…)"
        for name in "abcdef"
    ], warnings
    assert not any("alt" in w for w in warnings), warnings
    with in_french():
        site.add_post("photos.md", post_text(body="![]({static}/images/a.jpg)"))
        [said] = [w for w in site.build().warnings if "a.jpg" in w]
    assert said.startswith(
        "content/posts/photos.md\u00a0: l’image {static}/images/a.jpg n’a pas de"
    )


def test_an_authors_photo_the_site_does_not_have_stops_the_build(site):
    """It showed as a broken image under every post of that author."""
    site.add_post("a.md", title="Un billet", author="Claire Dumas")
    (site.content / "images" / "claire-dumas.svg").unlink()
    authors = {"Claire Dumas": {"photo": "images/claire-dumas.svg"}, "Julien Moreau": {}}
    with pytest.raises(BuildFailed) as failure:
        site.build(CARNET_AUTHORS=authors)
    assert failure.value.problems == [
        "CARNET_AUTHORS: the photo of « Claire Dumas », images/claire-dumas.svg, is not in the "
        "site (no file content/images/claire-dumas.svg): every post by this author would show "
        "a broken image; put the photo there, or correct its path (relative to content/)"
    ]


@pytest.mark.parametrize(
    "file, photo",
    [
        ("images/claire-dumas.svg", "/images/claire-dumas.svg"),
        ("images/mon portrait.svg", "images/mon%20portrait.svg"),
        # content/extra/ is published at the site's root.
        ("extra/portrait.svg", "portrait.svg"),
        ("images/claire-dumas.svg", "https://example.org/claire.jpg"),
    ],
)
def test_an_authors_photo_the_site_publishes_builds(site, file, photo):
    (site.content / file).parent.mkdir(parents=True, exist_ok=True)
    (site.content / file).write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    site.add_post("a.md", title="Un billet", author="Claire Dumas")
    site.build(CARNET_AUTHORS={"Claire Dumas": {"photo": photo}})
    if not photo.startswith("https://"):  # where the page's <img> leads, the photo is
        assert (site.output / photo.lstrip("/").replace("%20", " ")).is_file()


@pytest.mark.parametrize("lang", ["en", "fr-CA", "FR"])
def test_a_post_in_another_language_stops_the_build(site, lang):
    """Pelican took it for a translation: published at « un-billet-en.html », listed
    everywhere in pages saying <html lang="fr">."""
    site.add_post("a.md", title="Un billet")
    site.add_post("b.md", title="A post", lang=lang)
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert failure.value.problems == [
        f"content/posts/b.md: Lang: {lang} is not the site's language (fr): Carnet would "
        f"publish the post at another address ({{slug}}-{lang}.html) in pages that say they "
        "are in fr; remove the Lang: line, and mark a passage in another language with {: "
        'lang="en" } on the line under its paragraph, or <span lang="en">…</span> in a sentence'
    ]


def test_a_post_in_the_sites_language_builds(site):
    site.add_post("a.md", title="Un billet", lang="fr")
    site.build()
    assert "Un billet" in site.read("un-billet/index.html")
