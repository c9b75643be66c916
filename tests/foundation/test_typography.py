"""French typography on titles, summaries, content and descriptions; never in code, URLs or
attributes (image alt and title excepted)."""

import html
import itertools
import re

import pytest
from conftest import ROOT

from carnet.build import load_settings
from carnet.newsletter.providers import from_name
from carnet.summaries import shortened
from carnet.typography import plain_text, typeset_html, typeset_text

NNBSP, NBSP = "\u202f", "\u00a0"


def build_one(site, body, title="Un titre", **fields):
    site.add_post("p.md", title=title, body=body, **fields)
    site.build()
    return site.read("un-titre/index.html") if title == "Un titre" else None


@pytest.mark.parametrize(
    "typed, typeset",
    [
        ("Vraiment ? Oui ! Bon ; voilà", f"Vraiment{NNBSP}? Oui{NNBSP}! Bon{NNBSP}; voilà"),
        ("Note : ceci", f"Note{NBSP}: ceci"),
        ("« Bonjour »", f"«{NBSP}Bonjour{NBSP}»"),
        ("l'écoute", "l’écoute"),
        ("Et puis...", "Et puis…"),
    ],
)
def test_content_rules(site, typed, typeset):
    assert typeset in build_one(site, typed)


def test_code_pre_urls_and_attributes_are_left_alone(site):
    body = (
        'Voir [la page ?](https://exemple.fr/recherche?q=a:b&x=1 "Titre : là ?") ici.\n\n'
        "Du code `a ? b : c` en ligne.\n\n"
        "    bloc ; de code ?\n"
    )
    page = build_one(site, body)
    assert 'href="https://exemple.fr/recherche?q=a:b&amp;x=1"' in page
    assert 'title="Titre : là ?"' in page
    assert "<code>a ? b : c</code>" in page
    assert "bloc ; de code ?" in page
    assert f"la page{NNBSP}?" in page


def test_times_and_correct_text_stay_unchanged(site):
    already = f"Rendez-vous à 10h30 ou 14:45{NNBSP}? Oui{NNBSP}!"
    page = build_one(site, already)
    assert already in page


def test_title_and_summary_are_typeset(site):
    site.add_post(
        "p.md", title="Pourquoi moi ?", summary="Une question : la mienne !", body="Texte."
    )
    site.build()
    page = site.read("pourquoi-moi/index.html")
    assert f"Pourquoi moi{NNBSP}?" in page
    home = site.read("index.html")
    assert f"question{NBSP}: la mienne{NNBSP}!" in home
    assert f"Pourquoi moi{NNBSP}?" in site.read("feeds/all.atom.xml")


# ---------------------------------------------------------------- the rules, one by one


@pytest.mark.parametrize(
    "typed, typeset",
    [
        # U+202F before ; ! ?, replacing a plain space or a U+00A0, or added after a word.
        ("Quoi ? Oui ! Bon ; non", "Quoi\u202f? Oui\u202f! Bon\u202f; non"),
        ("Quoi? Oui!", "Quoi\u202f? Oui\u202f!"),
        ("Quoi\u00a0?", "Quoi\u202f?"),
        ("Vraiment ?!", "Vraiment\u202f?!"),
        # Never after an opening bracket or quotation mark.
        ("(? quoi) et « ? »", "(? quoi) et «\u00a0?\u00a0»"),
        # U+00A0 before :, never in a time or a URL.
        ("Note : ceci", "Note\u00a0: ceci"),
        ("Note: ceci", "Note\u00a0: ceci"),
        ("à 10:30 ou 10h30", "à 10:30 ou 10h30"),
        ("Voir https://exemple.fr/a?b=c:d ici", "Voir https://exemple.fr/a?b=c:d ici"),
        (
            "Voir https://exemple.fr/? ou claire@exemple.fr ?",
            "Voir https://exemple.fr/? ou claire@exemple.fr\u202f?",
        ),
        # U+00A0 inside « ».
        ("« Bonjour »", "«\u00a0Bonjour\u00a0»"),
        ("«Bonjour»", "«\u00a0Bonjour\u00a0»"),
        # U+00A0 after n°, N°, art., p., fig. before a number, after M., Mme before a name.
        (
            "le n° 5, N° 6, art. 7, p. 8, fig. 9",
            "le n°\u00a05, N°\u00a06, art.\u00a07, p.\u00a08, fig.\u00a09",
        ),
        ("M. Dupont, Mme Durand, M. le maire", "M.\u00a0Dupont, Mme\u00a0Durand, M.\u00a0le maire"),
        # Between a number and its unit.
        ("10 kg, 50 €, 20 %, 90 km/h", "10\u00a0kg, 50\u00a0€, 20\u00a0%, 90\u00a0km/h"),
        # The apostrophe, inside or before a word.
        ("l'écoute, aujourd'hui, l'« autre »", "l’écoute, aujourd’hui, l’«\u00a0autre\u00a0»"),
        # Three dots.
        ("Et puis... rien", "Et puis… rien"),
        # Straight double quotes around French text.
        (
            'Il dit "bonjour" et "au revoir".',
            "Il dit «\u00a0bonjour\u00a0» et «\u00a0au revoir\u00a0».",
        ),
        ('« Il dit "oui" »', "«\u00a0Il dit “oui”\u00a0»"),
    ],
)
def test_each_rule(typed, typeset):
    assert typeset_text(typed) == typeset
    assert typeset_html(f"<p>{typed}</p>") == f"<p>{typeset}</p>"


def test_a_hard_wrapped_line_break_is_the_space_a_no_break_one_replaces(site):
    """Markdown keeps the line breaks of a hard-wrapped paragraph, and a browser shows each
    as a space it may break at: « M. » ended one line and « Dupont » began the next, « was
    left alone at a line's end. Where a no-break space goes, the line break becomes it;
    elsewhere it stays."""
    typed = (
        "J’ai écrit à M.\nDupont, p.\n12 de son livre, n°\n5, puis à J.\nDurand pour 50\n€\n"
        "(p.\nex. celui-ci). Vraiment\n? Il a dit :\n«\nbonjour\n» et la ligne\nsuivante."
    )
    typeset = (
        f"J’ai écrit à M.{NBSP}Dupont, p.{NBSP}12 de son livre, n°{NBSP}5, puis à J.{NBSP}Durand"
        f" pour 50{NBSP}€\n(p.{NBSP}ex. celui-ci). Vraiment{NNBSP}? Il a dit{NBSP}:\n"
        f"«{NBSP}bonjour{NBSP}» et la ligne\nsuivante."
    )
    assert typeset_html(f"<p>{typed}</p>") == f"<p>{typeset}</p>"
    assert typeset_html(f"<p>{typeset}</p>") == f"<p>{typeset}</p>"
    site.add_post("lignes.md", title="Lignes", body=typed)
    site.build()
    assert f"<p>{typeset}</p>" in site.read("lignes/index.html")


@pytest.mark.parametrize(
    "html",
    [
        '<p><a href="https://exemple.fr/recherche?q=a:b&amp;x=1" title="Titre : là ?">lien</a></p>',
        "<p><code>a ? b : c</code> <kbd>Ctrl ; C</kbd> <samp>ok ?</samp> <var>x ! y</var></p>",
        '<pre><code>bloc ; de code ?\n"cité" l\'apostrophe...\n</code></pre>',
        '<script>var x = "a ? b : c";</script><style>a:hover { color: red; }</style>',
        "<p>Les entités&nbsp;: déjà là&#160;? Tom &amp; Jerry</p>",
        # A tag right before ? ! : (the mark starts its text node): nothing is added.
        '<p><em>vrai</em>? <a href="/x/">lien</a>! <strong>note</strong>:</p>',
        # Text already correct.
        "<p>Déjà correct\u00a0: rien ne bouge\u202f; ici\u202f! «\u00a0Voilà\u00a0». L’écoute…</p>",
        "<p>Rendez-vous à 10h30 ou 14:45\u202f? Oui\u202f!</p>",
    ],
)
def test_hard_cases_stay_as_they_are(html):
    assert typeset_html(html) == html


def test_a_space_before_the_mark_after_a_tag_becomes_a_no_break_one():
    assert typeset_html("<p><em>vrai</em> ? non</p>") == "<p><em>vrai</em>\u202f? non</p>"
    assert (
        typeset_html('<p><a href="/x/">la page ?</a> ici</p>')
        == '<p><a href="/x/">la page\u202f?</a> ici</p>'
    )


def test_raw_html_in_a_post_is_typeset_like_the_rest():
    html = '<div class="encadre"><p>Une question ?</p><span>Réponse : oui</span></div>'
    assert typeset_html(html) == (
        '<div class="encadre"><p>Une question\u202f?</p><span>Réponse\u00a0: oui</span></div>'
    )


def test_a_passage_in_another_language_keeps_its_own_punctuation(site):
    # An English quotation, marked as English for screen readers, was given French spaces
    # and quotes: « The map is not the territory : really ? ».
    page = build_one(
        site,
        'Korzybski disait :\n\n> "The map is not the territory: really?" he said.\n'
        '{: lang="en" }\n\nEt <span lang="en-GB">you?</span> Et vous ?',
    )
    assert '<p lang="en">"The map is not the territory: really?" he said.</p>' in page
    assert '<span lang="en-GB">you?</span>' in page
    assert f"Korzybski disait{NBSP}:" in page and f"Et vous{NNBSP}?" in page
    # French, or no language said, is typeset.
    assert typeset_html('<p lang="fr-CA">Allo ?</p><p lang="">Quoi ?</p>') == (
        f'<p lang="fr-CA">Allo{NNBSP}?</p><p lang="">Quoi{NNBSP}?</p>'
    )


def test_image_alt_and_title_are_typeset_and_other_attributes_are_not():
    html = '<p><img src="/a?b=c:d" alt="Le café d\'hier : « chaud » ?" title="Une tasse ?"></p>'
    assert typeset_html(html) == (
        '<p><img src="/a?b=c:d" alt="Le café d’hier\u00a0: «\u00a0chaud\u00a0»\u202f?" '
        'title="Une tasse\u202f?"></p>'
    )


def test_typesetting_twice_changes_nothing():
    fixture = (ROOT / "tests" / "fixtures" / "typography" / "hard_cases.html").read_text()
    once = typeset_html(fixture)
    assert once != fixture
    assert typeset_html(once) == once
    for paragraph in fixture.split("\n\n"):
        text = plain_text(paragraph)
        assert typeset_text(typeset_text(text)) == typeset_text(text)


def test_typesetting_twice_changes_nothing_on_mixed_marks():
    """Every short mix of the characters the rules act on, at once and twice."""
    alphabet = ['"', "«", "»", "'", "?", ":", " ", "a", "1", ".", "-"]
    for length in (3, 4):
        for letters in itertools.product(alphabet, repeat=length):
            text = "".join(letters)
            once = typeset_text(text)
            assert typeset_text(once) == once, repr(text)


@pytest.mark.parametrize("typed", ['"«"a"', '"«"/«', '"«"\'»', '"“"a”', '"“"/„'])
def test_a_straight_quote_glued_to_a_typed_one_is_typeset_once_for_all(typed):
    # The first pass left the first straight quote unpaired, the second paired it with
    # what the first had typeset (« « a » then « « « a »).
    once = typeset_text(typed)
    assert typeset_text(once) == once
    assert typeset_html(once) == typeset_html(typed) == once


@pytest.mark.parametrize(
    "typed",
    [
        'Deux mots - "oui"',
        'Il a dit "oui" - puis rien',
        '"Il a dit oui - "',
        "Un « mot » - « autre »",
    ],
)
def test_a_dash_beside_quotation_marks_is_decided_once(typed):
    once = typeset_text(typed)
    assert typeset_text(once) == once
    assert typeset_html(f"<p>{once}</p>") == f"<p>{once}</p>"


@pytest.mark.parametrize(
    "text", ["www.carnet-de-coach.fr", "https://exemple.fr/?a=1", "claire@exemple.fr"]
)
def test_a_text_that_is_only_an_address_stays_as_it_is(text):
    assert typeset_text(text) == text
    html = f'<p><img src="/a.png" alt="{text}" title="{text}"></p>'
    assert typeset_html(html) == html


def test_an_ampersand_before_a_word_is_not_a_character_reference():
    assert typeset_text("Budget R&D ; bilan") == "Budget R&D\u202f; bilan"
    assert (
        typeset_text("Tom &amp; Jerry ; ici &#8239; là") == "Tom &amp; Jerry\u202f; ici &#8239; là"
    )


def test_plain_text_joins_what_inline_tags_cut():
    html = '<p>l’<em>écoute</em> et <code><span class="n">f</span><span class="p">(</span></code></p><p>Fin</p>'
    assert plain_text(html) == "l’écoute et f( Fin"


def test_plain_text_leaves_scripts_and_styles_out(site):
    """A post's raw <script> or <style> was in its description (« Avant. alert("bonjour")
    p { color: red; } Après »), for search engines and sharing."""
    html = '<p>Avant.</p><script>alert("bonjour")</script><STYLE>p { color: red; }</STYLE ><p>Après</p>'
    assert plain_text(html) == "Avant. Après"
    assert plain_text("<p>Avant</p><script>jamais fermé <p>texte</p>") == "Avant"
    assert plain_text("<p>Un <scripted> mot</p>") == "Un mot"  # not a script element
    site.add_post(
        "brut.md",
        title="Brut",
        body='Avant.\n\n<script>alert("bonjour")</script>\n\n<style>p { color: red; }</style>\n\nAprès.',
    )
    site.build()
    assert_described(site.read("brut/index.html"), "Avant. Après.")


# ---------------------------------------------------------------- in the built site


def assert_described(page, described):
    """`described` is the page's description, for search engines and for sharing."""
    assert f'<meta name="description" content="{described}">' in page
    assert f'<meta property="og:description" content="{described}">' in page


def test_descriptions_and_alt_texts_are_typeset(site):
    (site.content / "images" / "tasse.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    site.add_post(
        "p.md",
        title="Le retour",
        summary="Et si vous oubliez d'y revenir ? Notez : tout.",
        body="![Une tasse d'hier : « chaude » ?](/images/tasse.png)\n\nLe texte.",
    )
    site.build()
    page = site.read("le-retour/index.html")
    described = "Et si vous oubliez d’y revenir\u202f? Notez\u00a0: tout."
    assert_described(page, described)
    assert f'"description": "{described}"' in page.replace("\\u202f", "\u202f").replace(
        "\\u00a0", "\u00a0"
    ).replace("\\u2019", "’")
    assert 'alt="Une tasse d’hier\u00a0: «\u00a0chaude\u00a0»\u202f?"' in page


def test_descriptions_keep_code_as_it_is_written(site):
    site.add_post(
        "p.md",
        title="Le retour",
        body='Tapez `a ; b ? "c"` puis <kbd>Ctrl : C</kbd> ! Et l’*écoute* ?',
    )
    site.build()
    page = site.read("le-retour/index.html")
    assert_described(page, "Tapez a ; b ? &#34;c&#34; puis Ctrl : C\u202f! Et l’écoute\u202f?")


def test_a_cut_description_ends_on_a_word_with_nothing_dangling():
    text = "mot " * 30 + "voir\u00a0: la suite"
    assert shortened(text, 127) == "mot " * 29 + "mot voir…"
    assert shortened(text, 127, leeway=len(text)) == text


def test_a_footnote_number_is_not_glued_to_the_word_before():
    html = '<p>la note<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup> et m<sup>2</sup></p>'
    assert plain_text(html) == "la note et m2"


def test_the_share_image_alt_keeps_the_title_as_written(site):
    site.add_post("p.md", title="Toi & moi : 2 < 3", body="Texte.")
    site.build()
    page = site.read("toi-moi-2-3/index.html")
    [alt] = re.findall(r'<meta property="og:image:alt" content="([^"]*)"', page)
    assert html.unescape(alt).startswith("«\u00a0Toi & moi\u00a0: 2 < 3\u00a0», par ")


def test_a_stray_quote_in_a_tag_does_not_run_on_through_the_page():
    # A quotation mark opens a value only after =, as browsers read it: the tag ends at its
    # >, the link's title is no image's, and the text after it is typeset.
    html = '<p><img src="a.png" alt=\'l\'hiver\'> et <a title="a ?">x</a> ici ?</p>'
    assert typeset_html(html) == (
        '<p><img src="a.png" alt=\'l\'hiver\'> et <a title="a ?">x</a> ici\u202f?</p>'
    )


def test_a_straight_quote_paired_with_a_typed_one_becomes_its_other_half():
    # Text pasted from a word processor, finished by hand: one pair of marks, not “oui » or
    # « non”.
    typed = 'Il dit “oui" puis "non” ici'
    assert typeset_text(typed) == "Il dit “oui” puis “non” ici"
    assert typeset_html(f"<p>{typed}</p>") == "<p>Il dit “oui” puis “non” ici</p>"
    # A pair with « or » is made « » as before: a « made of a straight quote after a typed
    # » would pair differently the second time.
    for text in (typed, '»/" o"', '« oui"'):
        once = typeset_text(text)
        assert typeset_text(once) == once


def test_addresses_keep_their_characters_as_typed(site):
    # macOS may name a file in NFD (e + U+0301), and a link dropped into the post keeps that
    # spelling: made NFC, it named a file that does not exist and the build stopped.
    nfd = "cafe\u0301"
    html = f'<p><a href="/images/{nfd}.png">{nfd} ?</a> <img src="{nfd}.png" alt="{nfd}"></p>'
    assert typeset_html(html) == (
        f'<p><a href="/images/{nfd}.png">café\u202f?</a> <img src="{nfd}.png" alt="café"></p>'
    )
    (site.content / "images" / f"{nfd}.png").write_bytes(
        (ROOT / "content" / "images" / "carnet-ouvert.png").read_bytes()
    )
    page = build_one(site, f"![Une tasse]({{static}}/images/{nfd}.png)")
    assert f'src="https://carnet-de-coach.fr/images/{nfd}.png"' in page


# Jinja's comments, statements and expressions, as the theme's templates write them, and
# the texts quoted in the last two.
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
JINJA_STATEMENT = re.compile(r"\{%.*?%\}", re.S)
JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)
JINJA_TEXT = re.compile(r"'([^'\\]*)'|\"([^\"\\]*)\"")


def test_the_themes_own_french_is_typeset():
    """What the theme writes itself (the subscribe form's notes, the newsletter's pages, a
    screen reader's « 2 réactions à « … » ») is text a reader sees, like a post's: typeset
    in French in the template, since it is not typeset at each page. Each expression stands
    for a word; the template's text must come out of the typesetting unchanged."""
    untypeset = []
    for template in sorted((ROOT / "theme" / "templates").rglob("*.html")):
        source = JINJA_COMMENT.sub("", template.read_text(encoding="utf-8"))
        # A statement's texts, each joined to the next by a word (« 'la lettre de ' ~
        # SITENAME ~ ' : une réponse' »), as a page description puts them together.
        for statement in JINJA_STATEMENT.findall(source) + JINJA_EXPRESSION.findall(source):
            texts = "Mot".join(a + b for a, b in JINJA_TEXT.findall(statement))
            if typeset_text(texts) != texts:
                untypeset.append(f"{template.relative_to(ROOT)}: {texts!r}")
        source = JINJA_STATEMENT.sub("", source)
        source = JINJA_EXPRESSION.sub("Mot", source)
        for typed, typeset in zip(
            source.splitlines(), typeset_html(source).splitlines(), strict=True
        ):
            if typed != typeset:
                untypeset.append(f"{template.relative_to(ROOT)}: {typed.strip()!r}")
    assert not untypeset, "\n".join(untypeset)


def test_what_readers_see_of_the_settings_is_typeset(site):
    """The site's name and subtitle head every page, the sender's name is in every inbox,
    an author's bio is on her page: typed in pelicanconf.py, typeset like a post's title."""
    conf = site.root / "pelicanconf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8").replace(
            '"bio": "Coach professionnelle', '"bio": "L\'écoute d\'abord : coach professionnelle'
        )
        + "SITENAME = \"L'atelier d'Élise\"\n"
        + 'SITESUBTITLE = "Notes d\'une coach : oser ?"\n'
        + 'CARNET_NEWSLETTER_FROM_NAME = "Élise de l\'atelier"\n',
        encoding="utf-8",
    )
    site.add_post("a.md", title="Un titre", author="Claire Dumas")
    site.build()
    home, author = site.read("index.html"), site.read("auteur/claire-dumas/index.html")
    assert "L’atelier d’Élise</" in home and f"Notes d’une coach{NBSP}: oser{NNBSP}?</" in home
    assert "<title>Un titre — L’atelier d’Élise</title>" in site.read("un-titre/index.html")
    assert f">L’écoute d’abord{NBSP}: coach professionnelle" in author
    assert f'<meta name="description" content="L’écoute d’abord{NBSP}: coach' in author
    assert "<title>L’atelier d’Élise</title>" in site.read("feeds/all.atom.xml")
    assert "L'atelier" not in site.all_text() and "d'une coach" not in site.all_text()
    settings = load_settings(site.settings_file())
    assert from_name(settings) == "Élise de l’atelier"


def test_tag_category_and_author_names_are_typeset_at_the_same_addresses(site):
    """« l'estime de soi » is shown typeset wherever its name is (pages, menus, feeds,
    descriptions), at the address the name as typed gives; a category or author typed with
    a straight apostrophe is still the one CARNET_CATEGORIES or CARNET_AUTHORS names."""
    conf = site.root / "pelicanconf.py"
    text = conf.read_text(encoding="utf-8")
    text = text.replace("CARNET_CATEGORIES = [", 'CARNET_CATEGORIES = ["L\'art de dire non", ')
    text += 'CARNET_AUTHORS["Anne d\'Arvor"] = {"bio": "Coach à Brest."}\n'
    conf.write_text(text, encoding="utf-8")
    site.add_post(
        "a.md",
        title="Un titre",
        category="l'art de dire non",
        tags="l'estime de soi",
        author="Anne d'Arvor",
    )
    site.build()
    post = site.read("un-titre/index.html")
    assert "L’art de dire non</a>" in post and "l’estime de soi</a>" in post
    assert "Anne d’Arvor</" in post and "Coach à Brest." in post
    assert f"«{NBSP}l’estime de soi{NBSP}»" in site.read("etiquette/l-estime-de-soi/index.html")
    assert "Coach à Brest." in site.read("auteur/anne-d-arvor/index.html")
    feed = site.read("feeds/l-art-de-dire-non.atom.xml")
    assert "L’art de dire non</title>" in feed
    everything = site.all_text()
    assert "l'estime" not in everything and "L'art" not in everything
    assert "d'Arvor" not in everything


def test_names_typed_with_either_apostrophe_match_without_typography(site):
    """CARNET_TYPOGRAPHY = False: a post's « L'art de dire non » and « Anne d'Arvor » are
    still CARNET_CATEGORIES' « L’art de dire non » and CARNET_AUTHORS' « Anne d’Arvor »
    (one address each): the build stopped at the category, and the author had no bio."""
    conf = site.root / "pelicanconf.py"
    text = conf.read_text(encoding="utf-8")
    text = text.replace("CARNET_CATEGORIES = [", 'CARNET_CATEGORIES = ["L’art de dire non", ')
    text += (
        'CARNET_AUTHORS["Anne d’Arvor"] = {"bio": "Coach à Brest."}\nCARNET_TYPOGRAPHY = False\n'
    )
    conf.write_text(text, encoding="utf-8")
    site.add_post("a.md", title="Un titre", category="L'art de dire non", author="Anne d'Arvor")
    site.build()
    post = site.read("un-titre/index.html")
    assert "L’art de dire non</a>" in post and "Coach à Brest." in post
    assert "Coach à Brest." in site.read("auteur/anne-d-arvor/index.html")
