"""Markdown as the coach's editor shows it (carnet/editor_markdown.py): what Obsidian,
Typora, iA Writer or Notion write, on the post's page as it was in the editor."""

import re

import pytest

# (the post's text, what its page's text holds, what it must not hold).
AS_THE_EDITOR_SHOWS = {
    "a list right under a paragraph's line": (
        "Mes trois conseils :\n- écouter\n- se taire\n- reformuler",
        "<ul>\n<li>écouter</li>\n<li>se taire</li>\n<li>reformuler</li>\n</ul>",
        "- écouter",
    ),
    "a numbered list right under a paragraph's line": (
        "Les étapes :\n1. écouter\n2. reformuler",
        "<ol>\n<li>écouter</li>\n<li>reformuler</li>\n</ol>",
        "1. écouter",
    ),
    "a list nested by 2 spaces": (
        "- écouter\n  - sans juger\n    - vraiment\n  - sans couper\n- reformuler",
        "<li>écouter<ul>\n<li>sans juger<ul>\n<li>vraiment</li>\n</ul>\n</li>\n"
        "<li>sans couper</li>\n</ul>\n</li>\n<li>reformuler</li>",
        "<li>sans juger</li>",
    ),
    "a list nested by 3 spaces under « 1. », with paragraphs": (
        "1. écouter\n\n   sans juger\n\n   - vraiment\n\n     et longtemps\n\nFin.",
        "<li>\n<p>écouter</p>\n<p>sans juger</p>\n<ul>\n<li>\n<p>vraiment</p>\n"
        "<p>et longtemps</p>\n</li>\n</ul>\n</li>\n</ol>\n<p>Fin.</p>",
        "<ul>\n<li>vraiment</li>",
    ),
    "words struck through": (
        "Le ~~meilleur~~ plus simple moyen.",
        "Le <del>meilleur</del> plus simple moyen.",
        "~~",
    ),
    "words highlighted": (
        "Ce qui compte : ==écouter==.",
        "Ce qui compte\u00a0: <mark>écouter</mark>.",
        "==",
    ),
    "an address as it is": (
        "Le programme : https://exemple.fr/atelier?jour=1&heure=2. Voir aussi "
        "(https://fr.wikipedia.org/wiki/Coaching_(sport)).",
        '<a class="address-as-typed" href="https://exemple.fr/atelier?jour=1&amp;heure=2">'
        "https://exemple.fr/atelier?jour=1&amp;heure=2</a>. Voir aussi "
        '(<a class="address-as-typed" href="https://fr.wikipedia.org/wiki/Coaching_(sport)">'
        "https://fr.wikipedia.org/wiki/Coaching_(sport)</a>).",
        "heure=2.<",
    ),
    "a task list": (
        "- [ ] écrire le devis\n- [x] appeler Julie\n\nEt :\n\n- [X] un\n\n- [ ] deux",
        "<li>\u2610 écrire le devis</li>\n<li>\u2611 appeler Julie</li>\n</ul>\n<p>Et\u00a0:</p>\n"
        "<ul>\n<li>\n<p>\u2611 un</p>\n</li>\n<li>\n<p>\u2610 deux</p>",
        "[ ]",
    ),
    "a numbered list taken up after a paragraph": (
        "1. écouter\n2. se taire\n\nUne pause.\n\n3. reformuler\n4. conclure",
        '<ol start="3">\n<li>reformuler</li>',
        "<ol>\n<li>reformuler</li>",
    ),
    "a line starting with « # » and a word": (
        "#1 des conseils : écouter.\n\n# Partie\n\n#confiance #écoute",
        "<p>#1 des conseils\u00a0: écouter.</p>\n<h2>Partie</h2>\n<p>#confiance #écoute</p>",
        "<h2>1 des conseils",
    ),
    "a line ending with a backslash": (
        "Première ligne\\\nseconde ligne, `code\\`\\",
        "<p>Première ligne<br>\nseconde ligne, <code>code\\</code>\\</p>",
        "ligne\\",
    ),
    "an Obsidian callout": (
        "> [!note] Avant la séance\n> Relire ses notes.\n\n> [!warning]\n> Pas de conseil."
        "\n\n> [!TIP]\n> Boire.\n\n> [!recette]\n> Du thé.",
        "<blockquote>\n<p><strong>Avant la séance</strong><br>\nRelire ses notes.</p>\n"
        "</blockquote>\n<blockquote>\n<p><strong>Attention</strong><br>\nPas de conseil.</p>\n"
        "</blockquote>\n<blockquote>\n<p><strong>Astuce</strong><br>\nBoire.</p>\n"
        "</blockquote>\n<blockquote>\n<p><strong>Recette</strong><br>\nDu thé.</p>",
        "[!",
    ),
    # The quote in the second callout was looked for in the quote it had left, and the
    # build stopped (« is not in list »).
    "a callout in a callout, each after a paragraph": (
        "> Avant la séance.\n>\n> [!note] Pendant\n>\n> > Elle a dit :\n> >\n"
        "> > [!tip] Écouter\n> > Longtemps.",
        "<blockquote>\n<p>Avant la séance.</p>\n</blockquote>\n<blockquote>\n"
        "<p><strong>Pendant</strong></p>\n<blockquote>\n<p>Elle a dit\u00a0:</p>\n"
        "</blockquote>\n<blockquote>\n<p><strong>Écouter</strong><br>\nLongtemps.</p>\n"
        "</blockquote>\n</blockquote>",
        "[!",
    ),
}


def _body(page):
    return re.search(r'<div class="post__body">\n(.*?)\n</div>', page, re.S)[1]


@pytest.mark.parametrize("case", sorted(AS_THE_EDITOR_SHOWS))
def test_markdown_is_read_as_the_editor_shows_it(site, case):
    text, shown, not_shown = AS_THE_EDITOR_SHOWS[case]
    site.add_post("a.md", title="Le billet", body=text)
    site.build()
    body = _body(site.read("le-billet/index.html"))
    assert shown in body and not_shown not in body, body


# What looks like it and is not: (the post's text, what its page's text holds).
LEFT_AS_WRITTEN = {
    "dashes in a code block": (
        "```\nTexte\n- pas une liste\n```",
        "Texte\n- pas une liste",
    ),
    "a list nested by 4 spaces, with a code block": (
        "- un\n    - deux\n\n    suite\n\n        du code\n\nFin.",
        "<li>\n<p>un</p>\n<ul>\n<li>deux</li>\n</ul>\n<p>suite</p>\n"
        '<div class="highlight"><pre><span></span><code>du code\n</code></pre></div>',
    ),
    "tildes in code and alone": (
        "En Markdown, `~~barré~~` barre ; ~ 3 ~~ 4 ~ ; \\~~pas barré~~.",
        "<code>~~barré~~</code> barre\u202f; ~ 3 ~~ 4 ~\u202f; ~~pas barré~~.",
    ),
    "equals signs in code and alone": (
        "Le test `a == b` ; « == » ; x == y == z ; \\==pas surligné== ; "
        '<abbr title="a==b==c">abc</abbr>.\n\nTitre\n=====',
        "<code>a == b</code>\u202f; «\u00a0==\u00a0»\u202f; x == y == z\u202f; "
        '==pas surligné==\u202f; <abbr title="a==b==c">abc</abbr>.</p>\n<h2>Titre</h2>',
    ),
    "addresses in links, code and tags": (
        "[https://exemple.fr](https://exemple.fr), <https://exemple.fr/a>, "
        '`https://exemple.fr/b`, <a href="https://exemple.fr/c">ici</a>.',
        '<a href="https://exemple.fr">https://exemple.fr</a>, '
        '<a href="https://exemple.fr/a">https://exemple.fr/a</a>, '
        '<code>https://exemple.fr/b</code>, <a href="https://exemple.fr/c">ici</a>.',
    ),
    "brackets that are no task": (
        "- `[ ]` est une case\n- voir [x] plus loin",
        "<li><code>[ ]</code> est une case</li>\n<li>voir [x] plus loin</li>",
    ),
    "brackets in a quote that is no callout": (
        "> Elle a dit [!] puis `[!note]`.",
        "<blockquote>\n<p>Elle a dit [!] puis <code>[!note]</code>.</p>",
    ),
    "a list item's next line": (
        "- un\nqui continue\n- deux",
        "<li>un\nqui continue</li>",
    ),
}


@pytest.mark.parametrize("case", sorted(LEFT_AS_WRITTEN))
def test_what_only_looks_like_it_is_left_as_written(site, case):
    text, shown = LEFT_AS_WRITTEN[case]
    site.add_post("a.md", title="Le billet", body=text)
    site.build()
    body = _body(site.read("le-billet/index.html"))
    assert shown in body, body


# ---------------------------------------------------------------- the post's other copies


def test_a_description_leaves_out_the_words_struck_through(site):
    # Kept, they said the opposite: « Je vends je donne mes livres ».
    site.add_post(
        "a.md",
        title="Le billet",
        body="~~Je vends~~ Je donne mes livres, <s>cher</s> gratuits.",
    )
    site.build()
    page = site.read("le-billet/index.html")
    described = "Je donne mes livres, gratuits."
    assert f'<meta name="description" content="{described}">' in page
    assert f'<meta property="og:description" content="{described}">' in page
    assert f'"description": "{described}"' in page
