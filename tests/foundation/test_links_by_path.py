"""A link written as a path, not with {static} or {filename}, is read by the reader's
browser from the page's address: the build stops, one line per link leading nowhere, with
the link to write when the path names a file of the content folder."""

from html import unescape as html_unescape

import pytest
from conftest import post_text

from carnet.build import BuildFailed

JPEG = b"\xff\xd8\xff\xd9"
PRODUCTION_SITE = "https://carnet-de-coach.fr"
# Posts one folder deeper than content/posts/x.md is: « ../images/x.jpg » then misses.
DATED_ADDRESSES = {
    "ARTICLE_URL": "{date:%Y}/{slug}/",
    "ARTICLE_SAVE_AS": "{date:%Y}/{slug}/index.html",
}
HOW_TO_LINK = (
    "correct the link (a file of the content folder is linked as {static}/images/its-name.jpg, "
    "a post as {filename}/posts/its-file.md)"
)


def _problems(site, production, **overrides):
    with pytest.raises(BuildFailed) as failure:
        site.build(production=production, **overrides)
    return failure.value.problems


@pytest.mark.parametrize("production", [False, True], ids=["development", "production"])
def test_each_link_leading_nowhere_is_one_line_saying_what_to_write(site, production):
    (site.content / "images" / "bureau.jpg").write_bytes(JPEG)
    (site.content / "images" / "mon bureau.jpg").write_bytes(JPEG)
    site.add_post(
        "x.md",
        title="Mon billet",
        body="""
        ![Mon bureau](../images/bureau.jpg)

        ![Mon bureau encore](images/mon%20bureau.jpg) et [le programme](/pdf/programme.pdf).

        <p><img src='images/mon bureau.jpg' alt="Mon bureau, en HTML"></p>
        """,
    )
    site.add_post("autre.md", title="Un autre billet", body="Voir [le premier](x.md).")
    host = PRODUCTION_SITE if production else ""  # development: SITEURL is empty
    base = host + "/2020/"
    assert sorted(_problems(site, production, **DATED_ADDRESSES)) == [
        "content/posts/autre.md: links to x.md, which the site does not have (a browser "
        f"looks for it at {base}un-autre-billet/x.md): write it {{filename}}/posts/x.md",
        "content/posts/x.md: links to ../images/bureau.jpg, which the site does not have (a "
        f"browser looks for it at {base}images/bureau.jpg): write it {{static}}/images/bureau.jpg",
        f"content/posts/x.md: links to /pdf/programme.pdf: nothing is at that address on the "
        f"site (a browser looks for it at {host}/pdf/programme.pdf); {HOW_TO_LINK}",
        "content/posts/x.md: links to images/mon bureau.jpg, which the site does not have (a "
        f"browser looks for it at {base}mon-billet/images/mon bureau.jpg): write it "
        "{static}/images/mon bureau.jpg",
        "content/posts/x.md: links to images/mon%20bureau.jpg, which the site does not have (a "
        f"browser looks for it at {base}mon-billet/images/mon%20bureau.jpg): write it "
        "{static}/images/mon bureau.jpg",
    ]


def test_a_link_in_the_summary_field_is_checked_too(site):
    site.add_post("x.md", title="Mon billet", summary="Voir [le plan](plan.pdf).")
    assert _problems(site, production=False) == [
        "content/posts/x.md: links to plan.pdf: nothing is at that address on the site (a "
        f"browser looks for it at /mon-billet/plan.pdf); {HOW_TO_LINK}"
    ]


@pytest.mark.parametrize("production", [False, True], ids=["development", "production"])
def test_links_that_lead_to_something_the_site_writes_build(site, production):
    """Pages, posts, lists, files, the theme's files, feeds, and what is no path at all."""
    (site.content / "images" / "bureau.jpg").write_bytes(JPEG)
    (site.content / "images" / "mon bureau.jpg").write_bytes(JPEG)
    site.add_page("a-propos.md", title="À propos", body="Qui je suis.")
    site.add_post("premier.md", title="Premier billet", tags="écoute")
    links = [
        "[à propos](/a-propos/)",
        "[à propos](../a-propos/)",
        "[à propos](/a-propos)",
        "[à propos, encore](/a-propos/index.html#fin)",
        "[le premier](../premier-billet/)",
        "[l’accueil](/)",
        "[l’accueil](../)",
        "[ce billet](./)",
        "[l’étiquette](/etiquette/ecoute/)",
        "[les archives](/archives/)",
        "[la recherche](/recherche/?q=tarifs)",
        "[le flux](/feeds/all.atom.xml)",
        "[le plan du site](/sitemap.xml)",
        "[le style](/theme/css/carnet.css)",
        "![Mon bureau](../images/bureau.jpg)",
        "![Mon bureau](/images/bureau.jpg?v=2)",
        "![Mon bureau](</images/mon bureau.jpg>)",
        "![Mon bureau](/images/mon%20bureau.jpg)",
        "![Mon bureau]({static}/images/bureau.jpg)",
        "[la suite](#suite)",
        "[trier](?ordre=date)",
        "[un site](https://example.org/images/x.jpg)",
        "[un autre](//example.org/x)",
        "[m’écrire](mailto:claire@example.org)",
        "<claire@example.org>",
        "[m’appeler](tel:+33600000000)",
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">',
        "<a href=/a-propos/>à propos</a>",
        '`<img src="images/exemple.jpg">` s’écrit ainsi',
        'Dans le texte, src="nulle-part.jpg" ne renvoie à rien.',
        '<!-- <img src="images/plus-tard.jpg"> -->',
    ]
    site.add_post("x.md", title="Mon billet", body="\n\n".join(links))
    site.build(production=production)
    assert 'src="data:image/gif' in site.read("mon-billet/index.html")


def test_an_address_a_post_was_emailed_with_leads_to_its_redirect(site):
    """A post renamed after it was e-mailed: a production build writes a redirect at its
    old address (plugin kept_addresses), which a link may still name."""
    from carnet.newsletter import ledger

    site.add_post("a.md", title="Nouveau titre", date="2020-09-09 08:30")
    site.add_post("b.md", title="Un autre", date="2020-10-01 08:30", body="[Lui](/ancien-titre/)")
    emailed = {
        "provider": "outbox",
        "campaign_id": None,
        "sent_at": "2020-09-09T07:00:00+00:00",
        "title": "Ancien titre",
        "url": f"{PRODUCTION_SITE}/ancien-titre/",
        "source": "posts/a.md",
        "save_as": "ancien-titre/index.html",
        "date": "2020-09-09T08:30:00+02:00",
    }
    ledger.save(site.root / "newsletter-ledger.json", {"ancien-titre": emailed})
    site.build(production=False)
    site.build(production=True)
    assert "nouveau-titre/" in site.read("ancien-titre/index.html")


def test_a_site_under_a_path_has_nothing_at_an_address_from_the_host_root(site):
    site.add_page("a-propos.md", title="À propos", body="Qui je suis.")
    site.add_post("x.md", title="Mon billet", body="[Moi](../a-propos/), [moi](/a-propos/).")
    assert _problems(site, production=True, SITEURL="https://example.org/carnet") == [
        "content/posts/x.md: links to /a-propos/: nothing is at that address on the site (a "
        f"browser looks for it at https://example.org/a-propos/); {HOW_TO_LINK}"
    ]


def test_a_file_of_this_computer_is_named_with_the_link_to_write(site):
    """A Markdown editor may write the image dropped into it as file:///…/images/x.jpg."""
    (site.content / "images" / "bureau.jpg").write_bytes(JPEG)
    on_disk = (site.content / "images" / "bureau.jpg").as_uri()
    site.add_post("x.md", title="Mon billet", body=f"![Mon bureau]({on_disk})")
    [line] = _problems(site, production=False)
    # The build names files from the project folder (file://content/images/bureau.jpg).
    assert line.startswith("content/posts/x.md: links to file://")
    assert line.endswith("): write it {static}/images/bureau.jpg")


def test_the_check_speaks_french(site):
    site.speak("fr")
    site.add_post("x.md", post_text(title="Mon billet", body="[le programme](programme.pdf)"))
    done = site.invoke("build")
    assert done.returncode != 0
    assert (
        "content/posts/x.md\u00a0: renvoie à programme.pdf\u00a0: rien n’est à cette adresse "
        "sur le site (un navigateur le cherche à /mon-billet/programme.pdf)"
    ) in done.stderr


@pytest.mark.parametrize("production", [False, True], ids=["development", "production"])
def test_a_link_written_as_a_path_leads_to_the_same_place_from_every_page_showing_it(
    site, production
):
    """`../images/bureau.jpg` works from the post's page (/mon-billet/): its summary on a
    category's page (/categorie/…/) and its text in a feed lead there too."""
    (site.content / "images" / "bureau.jpg").write_bytes(JPEG)
    site.add_post("premier.md", title="Premier billet", date="2020-09-01 08:30")
    site.add_post(
        "x.md",
        title="Mon billet",
        category="Journal intime",
        body="""
        ![Mon bureau](../images/bureau.jpg) et [le premier](../premier-billet/#fin).

        <img src='../images/bureau.jpg' alt="En HTML"> [ce billet](./) [là](#note)
        """,
    )
    site.add_post(
        "y.md",
        title="Avec résumé",
        category="Journal intime",
        summary="Voir [mon bureau](../images/bureau.jpg).",
    )
    site.build(production=production)
    host = PRODUCTION_SITE if production else ""
    for page in ("mon-billet/index.html", "categorie/journal-intime/index.html"):
        html = site.read(page)
        assert "../images/bureau.jpg" not in html and "../premier-billet/#" not in html, page
        assert '<img alt="Mon bureau" src="/images/bureau.jpg"' in html, page
        assert 'href="/premier-billet/#fin"' in html, page
        assert """<img src="/images/bureau.jpg" alt="En HTML">""" in html, page
    assert 'href="/mon-billet/"' in site.read("mon-billet/index.html")
    assert 'href="#note"' in site.read("mon-billet/index.html")
    assert 'href="/images/bureau.jpg"' in site.read("categorie/journal-intime/index.html")
    if production:
        feed = site.read("feeds/all.atom.xml")
        assert "../images" not in feed
        assert f'src="{host}/images/bureau.jpg"' in html_unescape(feed)
        assert f'href="{host}/premier-billet/#fin"' in html_unescape(feed)
