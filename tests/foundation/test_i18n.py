"""Carnet speaks the site's language: every message in the catalog, French tasks for a
French site, English for any other."""

import re
import shutil
import string

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po
from conftest import ROOT

PO = ROOT / "carnet" / "locale" / "fr" / "LC_MESSAGES" / "carnet.po"


def code_messages():
    """Every message of Carnet's code, found by Babel's extractor (_, N_, ngettext…): a
    msgid, or (singular, plural) for ngettext."""
    found = {message for _, message, _, _ in extract_from_file("python", ROOT / "tasks.py")}
    for folder in ("carnet", "plugins"):
        found |= {
            message
            for _, _, message, _, _ in extract_from_dir(
                ROOT / folder, method_map=[("**.py", "python")]
            )
        }
    return {m for m in found if isinstance(m, str | tuple)}


def message_texts():
    """The English text of every message, each form of a plural one apart."""
    return {text for m in code_messages() for text in (m if isinstance(m, tuple) else (m,))}


def catalog():
    with open(PO, "rb") as handle:
        return read_po(handle, locale="fr")


def english_fragments():
    """The fixed words of each message, long enough not to be a French word by chance."""
    fragments = set()
    for message in message_texts():
        for piece in re.split(r"\{[^}]*\}", message):
            piece = piece.strip(" :;,.…()«»")
            if len(piece) >= 12 and " " in piece:
                fragments.add(piece)
    return fragments


def test_every_message_in_the_code_has_a_french_translation():
    messages = code_messages()
    assert len(messages) > 50
    french = catalog()
    missing = []
    for message in messages:
        msgid = message[0] if isinstance(message, tuple) else message
        translated = french[msgid].string if msgid in french else ""
        forms = translated if isinstance(translated, tuple) else (translated,)
        if isinstance(message, tuple) != isinstance(translated, tuple) or not all(forms):
            missing.append(message)
    assert missing == []
    fuzzy = [m.id for m in french if m.id and m.fuzzy]
    assert fuzzy == []


def placeholders(text):
    """The str.format fields of `text`, or None when it is not a format string (a message
    that shows braces, never formatted)."""
    try:
        return sorted(
            field for _, field, _, _ in string.Formatter().parse(text) if field is not None
        )
    except ValueError:
        return None


def test_the_french_catalog_keeps_every_placeholder():
    for message in catalog():
        if message.id and message.string:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for text in strings:
                assert placeholders(ids[-1]) == placeholders(text), message.id


def test_a_french_site_hears_no_english_from_carnet(site):
    site.add_post("a.md", title="Un billet", category="Journal intime")
    done = site.invoke("build")
    assert done.returncode == 0, done.stderr
    printed = done.stdout + done.stderr
    assert "Construction du site de développement…" in printed
    assert "Site construit dans output/\u00a0: 1 billet et 0 page" in printed
    leaks = [piece for piece in english_fragments() if piece in printed]
    assert leaks == []
    assert "Done" not in printed  # Pelican's own closing line, in English

    site.add_post("b.md", text=b"Title: Cass\xe9\nDate: 2021-01-01\n\nTexte.\n")
    failed = site.invoke("build")
    assert failed.returncode == 1
    assert (
        "La construction a échoué\u202f; output/ est resté tel quel (le dernier site "
        "construit)\u00a0:" in failed.stderr
    )
    assert "n’est pas un texte UTF-8 valide" in failed.stderr
    assert [piece for piece in english_fragments() if piece in failed.stderr] == []


def test_a_settings_file_python_cannot_read_still_speaks_its_language(site):
    # A typo in pelicanconf.py hid its DEFAULT_LANG: the one line saying so was English.
    with open(site.root / "pelicanconf.py", "a", encoding="utf-8") as settings:
        settings.write("\nSITENAME = \n")
    failed = site.invoke("build")
    assert failed.returncode == 1
    assert "Python ne peut pas exécuter ce fichier de réglages (invalid syntax)" in failed.stderr
    assert [piece for piece in english_fragments() if piece in failed.stderr] == []


def test_another_language_hears_english(site):
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text().replace('DEFAULT_LANG = "fr"', 'DEFAULT_LANG = "en"'))
    site.add_post("a.md", title="Un billet", category="Journal intime")
    done = site.invoke("build")
    assert "Building the development site…" in done.stdout
    assert "Site built in output/: 1 post and 0 pages" in done.stdout


def _own_theme(site, template, old, new):
    (site.root / "theme").unlink()
    shutil.copytree(ROOT / "theme", site.root / "theme")
    path = site.root / "theme" / "templates" / template
    source = path.read_text(encoding="utf-8")
    assert old in source
    path.write_text(source.replace(old, new, 1), encoding="utf-8")


def _problem_lines(site):
    failed = site.invoke("build")
    assert failed.returncode == 1
    assert [piece for piece in english_fragments() if piece in failed.stderr] == []
    return [
        line.removeprefix("  - ") for line in failed.stderr.splitlines() if line.startswith("  - ")
    ]


def test_a_typo_in_a_template_names_the_template_in_french(site):
    # The post being written was named, with Jinja's English: « content/posts/a.md :
    # Encountered unknown tag 'endblok'. Jinja was looking for… ».
    _own_theme(site, "base.html", "{% endblock %}", "{% endblok %}")
    site.add_post("a.md", title="Un billet")
    (line,) = _problem_lines(site)
    assert line.startswith("theme/templates/base.html, ligne ")
    assert line.endswith(
        "\u00a0: le gabarit ne peut pas servir (balise inconnue «\u00a0endblok\u00a0», là où "
        "'endblock' était attendu)\u202f; corrigez-le et relancez la construction"
    )


def test_a_template_that_fails_on_a_post_names_both_in_french(site):
    # « content/posts/a.md : 'titre' is undefined »: Jinja's English, and no template.
    _own_theme(site, "article.html", "{{ article.title", "{{ titre.title")
    site.add_post("a.md", title="Un billet")
    (line,) = _problem_lines(site)
    assert line.startswith(
        "content/posts/a.md\u00a0: le gabarit theme/templates/article.html, ligne "
    )
    assert line.endswith(" ne peut pas afficher ce billet («\u00a0titre\u00a0» n’est pas défini)")


def test_newsletter_test_without_an_address_says_so_in_french(site):
    # Invoke said « 'newsletter-test' did not receive required positional arguments: 'to' ».
    failed = site.invoke("newsletter-test")
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert failed.stderr.splitlines() == [
        "✗ newsletter-test a besoin de l’adresse où envoyer\u00a0: --to ADRESSE"
    ]


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("title: Mon titre: la suite", "un «\u00a0:\u00a0» dans une valeur"),
        ("tags: [écoute, doutes", "un «\u00a0[\u00a0» n’est pas refermé par «\u00a0]\u00a0»"),
        ('title: "Mon titre', "un guillemet n’est pas refermé"),
    ],
)
def test_a_front_matter_yaml_cannot_read_is_said_in_french(site, line, said):
    # PyYAML's English was shown: « … n’est pas du YAML valide : mapping values are not
    # allowed here ».
    site.add_post("a.md", text=f"---\ndate: 2021-01-01\n{line}\n---\n\nTexte.\n")
    (problem,) = _problem_lines(site)
    assert problem.startswith("content/posts/a.md\u00a0: ligne ")
    assert f"n’est pas du YAML valide\u00a0: {said} (" in problem
