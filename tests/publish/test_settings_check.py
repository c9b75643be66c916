"""Rule 4: every setting is checked before the build.

A wrong setting stops `publish` (and `build`, `preview`) at once with one line naming the
setting, the file, what was given and what is expected; nothing is built, deployed or
sent, and Mailchimp (the stand-in) hears nothing.
"""

import re
from pathlib import Path

import pytest
from mailchimp.standin import StandIn

from carnet.defaults import SETTINGS
from carnet.settings_check import table

ROOT = Path(__file__).resolve().parents[2]

API_KEY = "3f9a7c21e4b05d86a1c2e3f4a5b6c7d8-us21"
LIST_ID = "a1b2c3d4e5"

CASES = [
    (
        "publishconf.py",
        'ARTICLE_URL = "{slug}.html"',
        'ARTICLE_URL in publishconf.py: "{slug}.html" leads to mon-billet.html (for a page '
        '« Mon billet », slug mon-billet), but ARTICLE_SAVE_AS ("{slug}/index.html") writes that page at '
        "mon-billet/index.html",
    ),
    (
        "pelicanconf.py",
        'CATEGORY_URL = "categorie/{name}/"',
        'CATEGORY_URL in pelicanconf.py: "categorie/{name}/" leads to categorie/Mon billet/',
    ),
    (
        "publishconf.py",
        'ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}/"\n'
        'ARTICLE_SAVE_AS = "{date:%Y}/{date:%d}/{slug}/index.html"',
        'ARTICLE_URL in publishconf.py: "{date:%Y}/{date:%m}/{slug}/" leads to 2021/10/mon-billet/',
    ),
    (
        "pelicanconf.py",
        'TAG_SAVE_AS = "tags/{slug}.html"',
        'TAG_URL in pelicanconf.py: "etiquette/{slug}/" leads to etiquette/mon-billet/',
    ),
    # A page of the site's own, its address changed and not where it is written: every
    # outbox e-mail's « Se désinscrire » link led nowhere, and so did the search box.
    (
        "publishconf.py",
        'CARNET_NEWSLETTER_UNSUBSCRIBE_URL = "desinscription/"',
        'CARNET_NEWSLETTER_UNSUBSCRIBE_URL in publishconf.py: "desinscription/" leads to '
        "desinscription/, but CARNET_NEWSLETTER_UNSUBSCRIBE_SAVE_AS "
        '("newsletter/desinscription/index.html") writes that page at '
        "newsletter/desinscription/index.html: every link to it, e-mailed ones too, would "
        "lead nowhere; make the two agree: CARNET_NEWSLETTER_UNSUBSCRIBE_SAVE_AS = "
        '"desinscription/index.html"',
    ),
    (
        "pelicanconf.py",
        'SEARCH_URL = "chercher/"',
        'SEARCH_URL in pelicanconf.py: "chercher/" leads to chercher/, but SEARCH_SAVE_AS',
    ),
    (
        "pelicanconf.py",
        'CARNET_READING_SPEED = "230"',
        'CARNET_READING_SPEED in pelicanconf.py: "230" is text; a whole number is expected',
    ),
    (
        "publishconf.py",
        'CARNET_NEWSLETTER_SCHEDULE = "7h30"',
        'CARNET_NEWSLETTER_SCHEDULE in publishconf.py: "7h30" is not a time; a time on a '
        'quarter hour like "07:30" (or "") is expected',
    ),
    (
        "publishconf.py",
        'CARNET_NEWSLETTER_SCHEDULE = "07:20"',
        'CARNET_NEWSLETTER_SCHEDULE in publishconf.py: "07:20" is not on a quarter hour',
    ),
    (
        "publishconf.py",
        'CARNET_NEWSLETTER_SINCE = "septembre 2021"',
        'CARNET_NEWSLETTER_SINCE in publishconf.py: "septembre 2021" is not a day; a day like '
        '"2021-09-01" (or "") is expected',
    ),
    (
        "pelicanconf.py",
        'CARNET_NEWSLETTER_REPLY_TO = "bonjour chez carnet"',
        'CARNET_NEWSLETTER_REPLY_TO in pelicanconf.py: "bonjour chez carnet" is not an e-mail '
        "address",
    ),
    (
        "pelicanconf.py",
        'CARNET_NEWSLETTER_REPLY_TO = "élodie@carnet-de-coach.fr"',
        'CARNET_NEWSLETTER_REPLY_TO in pelicanconf.py: "élodie@carnet-de-coach.fr" holds « é », '
        "which an e-mail address cannot (letters without accents, digits and . _ + -; a domain "
        'with accents in its xn-- form); an e-mail address like "bonjour@carnet-de-coach.fr" '
        "is expected",
    ),
    (
        "publishconf.py",
        'CARNET_NEWSLETTER_REPLY_TO = "bonjour:coach@carnet-de-coach.fr"',
        'CARNET_NEWSLETTER_REPLY_TO in publishconf.py: "bonjour:coach@carnet-de-coach.fr" holds '
        "« : », which an e-mail address cannot",
    ),
    (
        "publishconf.py",
        'CARNET_NEWSLETTER_SAMPLE_ADDRESS = "lectrice@exémple.fr"',
        'CARNET_NEWSLETTER_SAMPLE_ADDRESS in publishconf.py: "lectrice@exémple.fr" holds « é »',
    ),
    (
        "pelicanconf.py",
        'CARNET_NEWSLETTER_FROM_NAME = "Claire Dumas\\nCarnet de coach"',
        'CARNET_NEWSLETTER_FROM_NAME in pelicanconf.py: "Claire Dumas\\nCarnet de coach" holds '
        "a line break or an invisible control character (U+000A); a text on one line is expected",
    ),
    (
        "publishconf.py",
        'CARNET_NEWSLETTER_FROM_NAME = "Claire Dumas\u2028Carnet de coach"',
        'CARNET_NEWSLETTER_FROM_NAME in publishconf.py: "Claire Dumas\\u2028Carnet de coach" holds '
        "a line break or an invisible control character (U+2028)",
    ),
    (
        "pelicanconf.py",
        'CARNET_NEWSLETTER_SUBJECT = "{titre} — {site}"',
        'CARNET_NEWSLETTER_SUBJECT in pelicanconf.py: "{titre} — {site}" uses {titre}, which '
        "Carnet does not know; a text using only {title} and {site} is expected",
    ),
    (
        "pelicanconf.py",
        'CARNET_NEWSLETTER_RETRIES = "4"',
        'CARNET_NEWSLETTER_RETRIES in pelicanconf.py: "4" is text; a whole number is expected',
    ),
    (
        "pelicanconf.py",
        'CARNET_NEWSLETTER_SEGMENTS = ["emails-prives"]',
        'CARNET_NEWSLETTER_SEGMENTS in pelicanconf.py: ["emails-prives"] is a list; a mapping',
    ),
    (
        "pelicanconf.py",
        "CARNET_NEWSLETTER_TIMEOUT = None",
        "CARNET_NEWSLETTER_TIMEOUT in pelicanconf.py: None is empty; a number is expected",
    ),
    (
        "pelicanconf.py",
        'CARNET_CATEGORIES = "Journal intime"',
        'CARNET_CATEGORIES in pelicanconf.py: "Journal intime" is text; a list of texts',
    ),
    (
        "pelicanconf.py",
        'CARNET_TYPOGRAPHY = "no"',
        'CARNET_TYPOGRAPHY in pelicanconf.py: "no" is text; True or False is expected',
    ),
    (
        "publishconf.py",
        'CARNET_NEWSLETTER_FULL_POST = "False"',
        'CARNET_NEWSLETTER_FULL_POST in publishconf.py: "False" is text; True or False is expected',
    ),
    (
        "pelicanconf.py",
        'CARNET_AUTHORS = ["Claire Dumas"]',
        'CARNET_AUTHORS in pelicanconf.py: ["Claire Dumas"] is a list; a mapping of author name',
    ),
    # It stopped the build at the first post without Category:, naming that post, which
    # has no such category.
    (
        "pelicanconf.py",
        'CARNET_DEFAULT_CATEGORY = "Divers"',
        'CARNET_DEFAULT_CATEGORY in pelicanconf.py: "Divers" is not one of CARNET_CATEGORIES '
        "(« Journal intime », « Lancer son business »); write one of them, or add it there",
    ),
    # Babel formats the dates with it: the build stopped at the first date, in Babel's
    # words, naming no setting.
    (
        "pelicanconf.py",
        'CARNET_LOCALE = "français"',
        'CARNET_LOCALE in pelicanconf.py: "français" is not a locale Babel knows; a locale like '
        '"fr" (or "fr_CA") is expected',
    ),
    ("publishconf.py", 'CARNET_LOCALE = "fr-CA"', '"fr-CA" is not a locale Babel knows'),
    # A post's category is matched without case, accents, spaces or typography: only one of
    # the two could be used, the last listed in the menu, the other never.
    (
        "pelicanconf.py",
        'CARNET_CATEGORIES = ["Journal intime", "Lancer son business", "journal  intime"]',
        'CARNET_CATEGORIES in pelicanconf.py: ["Journal intime", "Lancer son business", '
        '"journal  intime"] holds « Journal intime » and « journal  intime », one name but for '
        "case, accents, spaces or typography: keep one of them",
    ),
    (
        "pelicanconf.py",
        'CARNET_CATEGORIES = ["Été", "Journal intime", "ete"]',
        "holds « Été » and « ete », one name but for case, accents, spaces or typography",
    ),
    (
        "pelicanconf.py",
        'CARNET_AUTHORS = {"Claire Dumas": {}, "claire dumas": {"bio": "Coach."}}',
        "holds « Claire Dumas » and « claire dumas », one name but for case",
    ),
    # Typeset as the site shows them (plugin french_typography), the two were one name: the
    # second's bio replaced the first's without a word, and « Oser ! » was listed twice.
    (
        "pelicanconf.py",
        'CARNET_AUTHORS = {"Anne d\'Arvor": {"bio": "Coach."}, "Anne d’Arvor": {"bio": "À Brest."}}',
        "holds « Anne d'Arvor » and « Anne d’Arvor », one name but for case, accents, spaces or "
        "typography",
    ),
    (
        "pelicanconf.py",
        'CARNET_CATEGORIES = ["Oser!", "Journal intime", "Oser !"]',
        "holds « Oser! » and « Oser ! », one name but for",
    ),
    # Written « Bio » or « image », a detail went unseen: no bio under any post.
    (
        "pelicanconf.py",
        'CARNET_AUTHORS = {"Claire Dumas": {"Bio": "Coach à Nantes."}}',
        'CARNET_AUTHORS in pelicanconf.py: {"Claire Dumas": {"Bio": "Coach à Nantes."}} has '
        '"Bio" for "Claire Dumas", which Carnet does not read; a mapping of author name to '
        '{"bio": "…", "photo": "…", "email": "…"} is expected',
    ),
    (
        "publishconf.py",
        'SITEURL = "carnet-de-coach.fr"',
        'SITEURL in publishconf.py: "carnet-de-coach.fr" does not start with https:// (or '
        'http://); an address like "https://carnet-de-coach.fr" is expected',
    ),
    (
        "publishconf.py",
        'SITEURL = "https://carnet de coach.fr"',
        'SITEURL in publishconf.py: "https://carnet de coach.fr" has a space',
    ),
    # Pasted from the browser's bar: « https://carnet-de-coach.fr/#/un-billet/ » and
    # « …/?utm_source=x/un-billet/ » are the home page.
    (
        "publishconf.py",
        'SITEURL = "https://carnet-de-coach.fr/#"',
        'SITEURL in publishconf.py: "https://carnet-de-coach.fr/#" has a « ? » or « # » part, '
        "so every link of the site would lead to its home page",
    ),
    (
        "publishconf.py",
        'SITEURL = "https://carnet-de-coach.fr/?utm_source=linkedin"',
        "has a « ? » or « # » part",
    ),
    (
        "publishconf.py",
        'SITEURL = ""',
        'SITEURL in publishconf.py: "" is empty, so every link of the site would be broken',
    ),
    # A name no one reads although it was meant as a setting: the site went on without
    # its value (a warning after the build, or not a word for one in small letters).
    (
        "pelicanconf.py",
        'CARNET_CATEGORIE = ["Journal intime"]',
        "CARNET_CATEGORIE in pelicanconf.py is not a Carnet setting, so its value would not "
        "be used: did you mean CARNET_CATEGORIES?",
    ),
    (
        "publishconf.py",
        'CARNET_NEWSLETTER_PROVIDR = "outbox"',
        "CARNET_NEWSLETTER_PROVIDR in publishconf.py is not a Carnet setting, so its value "
        "would not be used: did you mean CARNET_NEWSLETTER_PROVIDER?",
    ),
    (
        "pelicanconf.py",
        "CARNET_FOO = 1",
        "CARNET_FOO in pelicanconf.py is not a Carnet setting, so its value would not be "
        "used: carnet/defaults.py lists them",
    ),
    (
        "pelicanconf.py",
        'sitename = "Les Pas de Claire"',
        "sitename in pelicanconf.py is not read: a setting's name is written in capitals; "
        "write SITENAME",
    ),
    (
        "publishconf.py",
        'Timezone = "America/Montreal"',
        "Timezone in publishconf.py is not read: a setting's name is written in capitals; "
        "write TIMEZONE",
    ),
    # Pelican's own settings, checked before Pelican reads them: it stopped with a Python
    # error naming tasks.py (SITEURL = None, DEFAULT_LANG = None), failed on a post
    # (DEFAULT_PAGINATION = "8", AUTHOR as a list), built a site without its home page
    # (DEFAULT_PAGINATION = -1), or left content/extra/ out (STATIC_PATHS as text).
    (
        "publishconf.py",
        "SITEURL = None",
        'SITEURL in publishconf.py: None is empty; an address like "https://carnet-de-coach.fr"',
    ),
    (
        "pelicanconf.py",
        "DEFAULT_LANG = None",
        'DEFAULT_LANG in pelicanconf.py: None is empty; a language code like "fr"',
    ),
    (
        "pelicanconf.py",
        'DEFAULT_PAGINATION = "8"',
        'DEFAULT_PAGINATION in pelicanconf.py: "8" is text; a whole number of at least 1 (or '
        "False: every post on one page) is expected",
    ),
    (
        "pelicanconf.py",
        "DEFAULT_PAGINATION = -1",
        "DEFAULT_PAGINATION in pelicanconf.py: -1 is too small",
    ),
    (
        "pelicanconf.py",
        'STATIC_PATHS = "images"',
        'STATIC_PATHS in pelicanconf.py: "images" is text; a list of texts like ["images", '
        '"extra", "extra/.well-known"] is expected',
    ),
    (
        "publishconf.py",
        'OUTPUT_RETENTION = ".git"',
        'OUTPUT_RETENTION in publishconf.py: ".git" is text; a list of texts like [".git"]',
    ),
    # A site's own links (MENUITEMS, SOCIAL, LINKS) were shown nowhere: now they are, so
    # each is a (name, address) pair.
    (
        "pelicanconf.py",
        'SOCIAL = "https://instagram.com/claire.coach"',
        'SOCIAL in pelicanconf.py: "https://instagram.com/claire.coach" is text; a list of '
        '(name, address) pairs like [("Instagram", "https://instagram.com/…"), ("Ateliers", '
        '"/ateliers/")] is expected',
    ),
    (
        "pelicanconf.py",
        'MENUITEMS = [("Ateliers",)]',
        'MENUITEMS in pelicanconf.py: [["Ateliers"]] holds ["Ateliers"], which is not a (name, '
        "address) pair",
    ),
    (
        "publishconf.py",
        'LINKS = [("Un ami", "exemple.fr")]',
        'LINKS in publishconf.py: [["Un ami", "exemple.fr"]] holds the address "exemple.fr", '
        "which does not start with https:// (or http://)",
    ),
    (
        "pelicanconf.py",
        'AUTHOR = ["Claire Dumas"]',
        'AUTHOR in pelicanconf.py: ["Claire Dumas"] is a list; a text on one line is expected',
    ),
    (
        "pelicanconf.py",
        'SITENAME = ""',
        'SITENAME in pelicanconf.py: "" is empty; a text on one line is expected',
    ),
    (
        "publishconf.py",
        'TIMEZONE = "Europe/Pariss"',
        'TIMEZONE in publishconf.py: "Europe/Pariss" is not a known time zone; a time zone '
        'like "Europe/Paris" is expected',
    ),
    (
        "publishconf.py",
        'CARNET_NEWSLETTER_LOCK_WAIT = float("nan")',
        "CARNET_NEWSLETTER_LOCK_WAIT in publishconf.py: NaN is not a finite number; a number",
    ),
    (
        "pelicanconf.py",
        'CARNET_NEWSLETTER_TIMEOUT = float("inf")',
        "CARNET_NEWSLETTER_TIMEOUT in pelicanconf.py: Infinity is not a finite number",
    ),
    (
        "publishconf.py",
        'CARNET_NEWSLETTER_MANIFEST = "tasks.py"',
        'CARNET_NEWSLETTER_MANIFEST in publishconf.py: "tasks.py" is a file Carnet did not '
        "write, which it would overwrite; a new file or one Carnet wrote, in the project "
        "folder, outside content/",
    ),
    (
        "publishconf.py",
        'CARNET_NEWSLETTER_LEDGER = "publishconf.py"',
        'CARNET_NEWSLETTER_LEDGER in publishconf.py: "publishconf.py" is a file Carnet did not',
    ),
    (
        "pelicanconf.py",
        'CARNET_NEWSLETTER_LEDGER = "../newsletter-ledger.json"',
        'CARNET_NEWSLETTER_LEDGER in pelicanconf.py: "../newsletter-ledger.json" is outside the '
        "project folder",
    ),
    (
        "publishconf.py",
        'CARNET_NEWSLETTER_OUTBOX = "content/pages"',
        'CARNET_NEWSLETTER_OUTBOX in publishconf.py: "content/pages" is inside content/, which '
        "Carnet needs; a new folder or Carnet's own, in the project folder, outside content/",
    ),
    (
        "publishconf.py",
        'CARNET_NEWSLETTER_OUTBOX = "."',
        'CARNET_NEWSLETTER_OUTBOX in publishconf.py: "." is the project folder itself',
    ),
    (
        "publishconf.py",
        'CARNET_NEWSLETTER_OUTBOX = "tasks.py"',
        'CARNET_NEWSLETTER_OUTBOX in publishconf.py: "tasks.py" is a file, not a folder',
    ),
]


@pytest.fixture
def standin():
    with StandIn(API_KEY, list_ids=[LIST_ID]) as server:
        yield server


def mailchimp(standin, **changes):
    env = {
        "MAILCHIMP_API_KEY": API_KEY,
        "MAILCHIMP_LIST_ID": LIST_ID,
        "MAILCHIMP_API_URL": standin.url,
    }
    env.update(changes)
    return env


def set_in(site, file, line):
    path = site.root / file
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")


def stopped_before_the_build(site, done, standin, tmp_path):
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Building" not in done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert not (site.root / "output").exists() and not (tmp_path / "www").exists()
    assert not (site.root / "outbox").exists() and standin.requests == []
    return lines[0]


@pytest.fixture
def blog(site):
    site.add_post("a.md", title="Un billet", date="2021-10-01 08:00", category="Journal intime")
    return site


@pytest.mark.parametrize("file, line, message", CASES, ids=[case[1] for case in CASES])
def test_a_wrong_setting_stops_publish_before_the_build(
    blog, standin, tmp_path, file, line, message
):
    set_in(blog, file, line)
    env = mailchimp(standin, CARNET_DEPLOY_TARGET=str(tmp_path / "www"))
    done = blog.invoke("publish", env=env)
    assert message in stopped_before_the_build(blog, done, standin, tmp_path)


@pytest.mark.parametrize(
    "import_line", ["", "from pelicanconf import SITENAME, PATH, CARNET_PLUGINS, PLUGINS"]
)
def test_a_publishconf_without_pelicanconfs_settings_stops_before_the_build(
    blog, standin, tmp_path, import_line
):
    # Without them the build read the whole project folder as content (Pelican's PATH) and
    # said so in some forty lines naming the theme's templates.
    path = blog.root / "publishconf.py"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("from pelicanconf import *", import_line), encoding="utf-8")
    env = mailchimp(standin, CARNET_DEPLOY_TARGET=str(tmp_path / "www"))
    line = stopped_before_the_build(
        blog, done=blog.invoke("publish", env=env), standin=standin, tmp_path=tmp_path
    )
    assert line.endswith(
        "publishconf.py: the settings of pelicanconf.py are not in it (ARCHIVES_SAVE_AS, "
        "ARCHIVES_URL, ARTICLE_PATHS…): keep its line « from pelicanconf import * », then "
        "change what production needs below it"
    )


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"MAILCHIMP_API_KEY": "3f9a7c21e4b05d86"},
            "MAILCHIMP_API_KEY in the environment is not a Mailchimp API key",
        ),
        ({"MAILCHIMP_API_KEY": API_KEY[:-5]}, "the data centre, like …-us21"),
        ({"MAILCHIMP_LIST_ID": ""}, "MAILCHIMP_LIST_ID in the environment is not set"),
        (
            {"MAILCHIMP_LIST_ID": "ma liste"},
            "MAILCHIMP_LIST_ID in the environment is not an audience id",
        ),
        # The key given as the list id or the address: never echoed (no MAILCHIMP_* value is).
        ({"MAILCHIMP_LIST_ID": API_KEY}, "MAILCHIMP_LIST_ID in the environment is MAILCHIMP_API"),
        # Its 32 digits pass for an id: Mailchimp's « no audience "…" » would show them.
        (
            {"MAILCHIMP_LIST_ID": API_KEY[:32]},
            "MAILCHIMP_LIST_ID in the environment is MAILCHIMP_API_KEY or a part of it",
        ),
        ({"MAILCHIMP_API_URL": API_KEY}, "MAILCHIMP_API_URL in the environment is not the"),
        (
            {"MAILCHIMP_API_URL": "https://us21.api.mailchimp.com/3.0?k=" + API_KEY},
            "MAILCHIMP_API_URL in the environment is not the",
        ),
        ({"MAILCHIMP_API_URL": "127.0.0.1:80"}, "MAILCHIMP_API_URL in the environment"),
        # Its 32 digits alone, in the host or the path: a failed connection names the host,
        # and urllib3 logs the whole address (invoke --debug).
        (
            {"MAILCHIMP_API_URL": f"https://{API_KEY[:32]}.api.mailchimp.com/3.0"},
            "MAILCHIMP_API_URL in the environment is not the",
        ),
        (
            {"MAILCHIMP_API_URL": f"https://us21.api.mailchimp.com/3.0/{API_KEY[:32].upper()}"},
            "MAILCHIMP_API_URL in the environment is not the",
        ),
        # Kept with its quotes by a .env file: « not a Mailchimp API key » said not why.
        (
            {"MAILCHIMP_API_KEY": f'"{API_KEY}"'},
            "MAILCHIMP_API_KEY in the environment starts or ends with a quote, which is then "
            "part of its value: set it again without the quotes",
        ),
        ({"MAILCHIMP_LIST_ID": f"'{LIST_ID}' "}, "MAILCHIMP_LIST_ID in the environment starts"),
    ],
)
def test_the_mailchimp_environment_is_checked_before_the_build(
    blog, standin, tmp_path, changes, message
):
    env = mailchimp(standin, CARNET_DEPLOY_TARGET=str(tmp_path / "www"), **changes)
    done = blog.invoke("publish", env=env)
    line = stopped_before_the_build(blog, done, standin, tmp_path)
    assert message in line
    shown = done.stdout + done.stderr
    assert API_KEY not in shown and API_KEY[:-5] not in shown and API_KEY[:32] not in shown
    assert all(value not in shown for value in changes.values() if value)


def test_newsletter_test_checks_the_mailchimp_environment_as_publish_does(blog, standin, tmp_path):
    done = blog.invoke(
        "newsletter-test",
        "--to",
        "claire@example.org",
        env=mailchimp(standin, MAILCHIMP_LIST_ID=API_KEY),
    )
    line = stopped_before_the_build(blog, done, standin, tmp_path)
    assert "MAILCHIMP_LIST_ID in the environment is MAILCHIMP_API_KEY or a part of it" in line
    assert API_KEY[:32] not in done.stdout + done.stderr


@pytest.mark.parametrize(
    "file, line, task",
    [
        ("pelicanconf.py", f'MAILCHIMP_API_KEY = "{API_KEY}"', "build"),
        ("publishconf.py", f'mailchimp_api_key = "{API_KEY.upper()}"', "publish"),
        ("pelicanconf.py", f'CARNET_NEWSLETTER_REPLY_TO = "{API_KEY}"', "publish"),
        ("pelicanconf.py", f'_keys = {{"mailchimp": "{API_KEY}"}}', "build"),
    ],
    ids=["its name", "its name in small letters", "another setting", "a variable of the file"],
)
def test_a_mailchimp_key_in_a_settings_file_is_refused_without_showing_it(
    blog, standin, tmp_path, file, line, task
):
    """Pasted in a settings file, the key was not read (Carnet reads it from the
    environment only), and Pelican kept it in the build's cache, .carnet/cache/: a
    settings file is shared with the site's code. One line, without the key."""
    set_in(blog, file, line)
    done = blog.invoke(task, env=mailchimp(standin, CARNET_DEPLOY_TARGET=str(tmp_path / "www")))
    said = stopped_before_the_build(blog, done, standin, tmp_path)
    assert said.endswith(
        f"in {file} holds a Mailchimp API key, which must not be in a settings file (it is "
        "shared with the site's code and kept in the build's cache): delete it there and set "
        "MAILCHIMP_API_KEY in the environment; if the file was shared, make a new key in "
        "Mailchimp (Profile → Extras → API keys)"
    )
    assert API_KEY[:32] not in (done.stdout + done.stderr).lower()
    assert not (blog.root / ".carnet" / "cache").exists()


@pytest.mark.parametrize("task", ["build", "preview", "publish"])
def test_an_output_folder_that_is_a_link_is_refused_before_the_build(blog, tmp_path, task):
    victim = tmp_path / "victim"
    (victim / "docs").mkdir(parents=True)
    (victim / "docs" / "thesis.txt").write_text("important")
    blog.output.symlink_to(victim)
    done = blog.invoke(task)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Building" not in done.stdout and "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"output/ is a symbolic link (to {victim})" in lines[0]
    assert [p.name for p in victim.rglob("*")] == ["docs", "thesis.txt"]
    assert (victim / "docs" / "thesis.txt").read_text() == "important"


def test_an_output_that_is_a_file_is_refused_before_the_build(blog):
    blog.output.write_text("mes notes")
    done = blog.invoke("preview")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "output/ is a file, not a folder" in done.stderr
    assert blog.output.read_text() == "mes notes"


@pytest.mark.parametrize("task", ["build", "preview"])
def test_a_repository_in_the_output_is_refused_before_the_build(blog, task):
    """A host's guide may have the site's pages kept in a git repository inside output/:
    a build empties output/ and its history with it."""
    (blog.output / ".git").mkdir(parents=True)
    (blog.output / ".git" / "HEAD").write_text("ref: refs/heads/main")
    done = blog.invoke(task)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "output/.git is a repository inside output/" in lines[0]
    assert (blog.output / ".git" / "HEAD").read_text() == "ref: refs/heads/main"


def test_a_repository_output_retention_keeps_is_left_to_it(blog):
    set_in(blog, "pelicanconf.py", 'OUTPUT_RETENTION = [".git"]')
    (blog.output / ".git").mkdir(parents=True)
    (blog.output / ".git" / "HEAD").write_text("ref: refs/heads/main")
    done = blog.invoke("build")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (blog.output / ".git" / "HEAD").read_text() == "ref: refs/heads/main"


def test_mailchimp_needs_a_reply_to_address_before_the_build(blog, standin, tmp_path):
    set_in(blog, "pelicanconf.py", 'CARNET_NEWSLETTER_REPLY_TO = ""')
    done = blog.invoke(
        "publish", env=mailchimp(standin, CARNET_DEPLOY_TARGET=str(tmp_path / "www"))
    )
    line = stopped_before_the_build(blog, done, standin, tmp_path)
    assert 'CARNET_NEWSLETTER_REPLY_TO in pelicanconf.py: "" is empty; Mailchimp needs' in line


@pytest.mark.parametrize("task", ["build", "preview"])
def test_build_and_preview_stop_too(blog, standin, tmp_path, task):
    set_in(blog, "pelicanconf.py", 'CARNET_READING_SPEED = "230"')
    done = blog.invoke(task)
    line = stopped_before_the_build(blog, done, standin, tmp_path)
    assert line.endswith(
        'CARNET_READING_SPEED in pelicanconf.py: "230" is text; a whole number is expected'
    )


def test_a_siteurl_trailing_slash_is_removed(blog, tmp_path):
    set_in(blog, "publishconf.py", 'SITEURL = "https://carnet-de-coach.fr/"\nFEED_DOMAIN = SITEURL')
    done = blog.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(tmp_path / "www")})
    assert done.returncode == 0, done.stderr
    for name in ("feeds/all.atom.xml", "feeds/all.rss.xml", "index.html", "sitemap.xml"):
        text = (tmp_path / "www" / name).read_text(encoding="utf-8")
        assert "https://carnet-de-coach.fr/un-billet/" in text, name
        assert not re.search(r"carnet-de-coach\.fr//", text), name


def test_the_readme_table_is_made_from_defaults():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert table() in readme, (
        "README.md's settings table: run python -m carnet.settings_check --table"
    )
    documented = set(re.findall(r"^\| `(CARNET_[A-Z_]+)` \|", readme, re.M))
    assert documented == set(SETTINGS)


@pytest.mark.parametrize(
    "line",
    [
        "DEFAULT_PAGINATION = False",
        'DEFAULT_LANG = "fr-CA"',
        'CARNET_LOCALE = "fr_CA"',
        'SITESUBTITLE = ""',
        'SOCIAL = (("Écrire", "mailto:claire@exemple.fr"),)\nLINKS = ()\nMENUITEMS = None',
        # Both changed, agreeing; an empty SAVE_AS writes no such page.
        'SEARCH_URL = "chercher/"\nSEARCH_SAVE_AS = "chercher/index.html"',
        'CARNET_NEWSLETTER_ARCHIVE_SAVE_AS = ""',
        # Matched as a post's Category: is, without case or accents.
        'CARNET_DEFAULT_CATEGORY = "journal INTIME"',
        # The file's own names: a helper variable, an import.
        'path = "content"',
        "from datetime import timezone",
    ],
)
def test_pelicans_settings_take_what_pelican_takes(blog, line):
    set_in(blog, "pelicanconf.py", line)
    done = blog.invoke("build")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "line, message",
    [
        ('THEME = "themes"', "Could not find the theme themes"),
        ('PATH = "contenu"', "You need to specify a path containing the content"),
    ],
)
def test_a_value_pelican_refuses_names_the_settings_file_not_tasks(blog, line, message):
    # Pelican raises once the file has run: the line named was tasks.py's own, line 64.
    set_in(blog, "pelicanconf.py", line)
    done = blog.invoke("build")
    assert done.returncode == 1 and "Building" not in done.stdout
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("✗ pelicanconf.py: Pelican cannot use the settings of this file (")
    assert message in lines[0] and "tasks.py" not in lines[0]


def test_an_outbox_holding_a_note_of_the_coachs_own_is_not_refused(blog):
    (blog.root / "outbox").mkdir()
    (blog.root / "outbox" / "LISEZMOI.txt").write_text("mes notes")
    done = blog.invoke("build")
    assert done.returncode == 0, done.stderr


def test_a_path_left_to_its_default_is_named_as_a_default(blog):
    (blog.root / "newsletter-ledger.json").write_text("mes notes", encoding="utf-8")
    done = blog.invoke("build")
    assert done.returncode == 1
    assert "CARNET_NEWSLETTER_LEDGER in its default (not set in pelicanconf.py): " in done.stderr
    assert (blog.root / "newsletter-ledger.json").read_text(encoding="utf-8") == "mes notes"


def test_an_address_without_its_folders_slash_is_accepted(blog):
    set_in(blog, "pelicanconf.py", 'ARTICLE_URL = "{slug}"')
    done = blog.invoke("build")
    assert done.returncode == 0, done.stderr


def test_an_emptied_ledger_says_to_restore_it(blog):
    # Emptied by hand or by a sync tool: « a file Carnet did not write » would mislead.
    (blog.root / "newsletter-ledger.json").write_text("")
    done = blog.invoke("publish")
    assert done.returncode == 1
    assert '"newsletter-ledger.json" is empty: restore it from git or a backup' in done.stderr
    assert "did not write" not in done.stderr


def test_mailchimp_without_a_deploy_target_stops_publish_before_the_build(blog, standin, tmp_path):
    """Mailchimp sends nothing for a site that is not online: publish said so once the
    whole site was built."""
    done = blog.invoke("publish", env=mailchimp(standin))
    line = stopped_before_the_build(blog, done, standin, tmp_path)
    assert line.endswith(
        "CARNET_DEPLOY_TARGET is not set, so the site would not go online and Mailchimp "
        "(MAILCHIMP_API_KEY is set) would send nothing: subscribers would get links to pages "
        "that are not online; set a deploy target, or unset MAILCHIMP_API_KEY to write the "
        "outbox instead; nothing was built or sent"
    )
