"""Rule 5: an address that was emailed keeps working, and the post is never emailed again.

After a post went out, its title is edited (so its slug changes), its `Slug:` is changed,
or its file is moved: the next publish writes a redirect page at the emailed address
(meta refresh, canonical link, a visible link, no script), says so once, and sends
nothing. The deployed site is served on 127.0.0.1 and the old address followed.
"""

import functools
import http.server
import re
import threading
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from newsletter.conftest import mailchimp_environment


@pytest.fixture(autouse=True)
def english(blog):
    """The assertions read Carnet's English messages (the sample site speaks French)."""
    blog.site.speak("en")


@pytest.fixture
def served(tmp_path):
    """The deployed folder served on 127.0.0.1: (target, base URL)."""
    target = tmp_path / "www"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(target))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield target, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def follow(base, url):
    """GET the path of the production `url` on the local server; follow a meta refresh."""
    page = urlopen(base + urlsplit(url).path).read().decode()
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', page)
    if refresh:
        return page, urlopen(base + urlsplit(refresh[1]).path).read().decode()
    return page, None


def publish(blog, target, env=None):
    blog.site.speak("en")  # the messages as written in the code
    done = blog.invoke("publish", env=dict(env or {}, CARNET_DEPLOY_TARGET=str(target)))
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def emails(blog):
    """How many e-mails the outbox holds (each also has its .html preview)."""
    return len([name for name in blog.outbox() if name.endswith(".eml")])


def test_a_title_edited_after_sending_keeps_its_old_address_and_is_not_sent_again(blog, served):
    target, base = served
    blog.start_ledger()
    path = blog.post("2021-10-01-a.md", title="Première séance", date="2021-10-01 08:00")
    done = publish(blog, target)
    assert len(blog.sent()) == 1 and len(blog.outbox()) == 2  # .eml and .html
    assert "Newsletter: « Première séance » (content/posts/2021-10-01-a.md) " in done.stdout
    emailed = blog.ledger()["premiere-seance"]["url"]
    assert emailed == "https://carnet-de-coach.fr/premiere-seance/"

    path.write_text(path.read_text().replace("Première séance", "Ma première séance"))
    done = publish(blog, target)
    assert len(blog.sent()) == 1 and len(blog.outbox()) == 2  # nothing sent again
    said = [line for line in (done.stdout + done.stderr).splitlines() if "now redirects to" in line]
    assert said == [
        f"! content/posts/2021-10-01-a.md: its address changed after it was emailed; {emailed} now "
        "redirects to https://carnet-de-coach.fr/ma-premiere-seance/"
    ]
    old_page, new_page = follow(base, emailed)
    assert (
        '<link rel="canonical" href="https://carnet-de-coach.fr/ma-premiere-seance/">' in old_page
    )
    assert (
        '<a href="https://carnet-de-coach.fr/ma-premiere-seance/">Ma première séance</a>'
        in old_page
    )
    assert "<script" not in old_page
    assert "Ma première séance" in new_page and "<article" in new_page
    # The letters page still lists it, under its new title and address.
    letters = (target / "newsletter" / "archives" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://carnet-de-coach.fr/ma-premiere-seance/"' in letters
    # The next publish keeps the redirect, without saying it again, and still sends nothing.
    done = publish(blog, target)
    assert "now redirects to" not in done.stdout + done.stderr
    assert "http-equiv" in (target / "premiere-seance" / "index.html").read_text()
    assert len(blog.sent()) == 1


def test_a_moved_file_with_a_new_slug_is_not_sent_again(blog, served, standin):
    target, base = served
    env = mailchimp_environment(standin)
    blog.start_ledger()
    old = blog.post("2021-10-01-a.md", title="Le premier pas", date="2021-10-01 08:00")
    publish(blog, target, env)
    assert standin.delivered_titles() == {"carnet:le-premier-pas": 1}
    # Moved to another file, with a Slug of its own: source and slug changed, not the title
    # and date.
    text = old.read_text()
    old.unlink()
    blog.site.add_post(
        "2021/premier-pas.md", text=text.replace("\n\n", "\nSlug: premier-pas\n\n", 1)
    )
    done = publish(blog, target, env)
    assert "counted as already sent, because a post with the same title and date" in done.stderr
    assert standin.delivered_titles() == {"carnet:le-premier-pas": 1}
    assert blog.ledger()["le-premier-pas"]["source"] == "posts/2021/premier-pas.md"
    old_page, new_page = follow(base, "https://carnet-de-coach.fr/le-premier-pas/")
    assert "https://carnet-de-coach.fr/premier-pas/" in old_page and "Le premier pas" in new_page
    # Then its title is edited too: the ledger followed the file, so it is still known.
    moved = blog.root / "content" / "posts" / "2021" / "premier-pas.md"
    moved.write_text(moved.read_text().replace("Title: Le premier pas", "Title: Les premiers pas"))
    publish(blog, target, env)
    assert standin.delivered_titles() == {"carnet:le-premier-pas": 1}
    _, new_page = follow(base, "https://carnet-de-coach.fr/le-premier-pas/")
    assert "Les premiers pas" in new_page


def test_an_old_address_now_used_by_another_post_is_left_to_it(blog, served):
    target, _ = served
    blog.start_ledger()
    first = blog.post("a.md", title="Un titre", date="2021-10-01 08:00")
    publish(blog, target)
    first.write_text(first.read_text().replace("Title: Un titre", "Title: Un autre titre"))
    blog.post("b.md", title="Un titre", date="2021-10-05 08:00")  # takes the old address
    done = publish(blog, target)
    assert "is now another page's; it shows that page" in done.stderr
    assert "http-equiv" not in (target / "un-titre" / "index.html").read_text()
    # The new post that took the address is not mixed up with the one emailed from it:
    # it is not emailed, and the coach is told why.
    assert (
        "content/posts/b.md: not emailed, because its slug (un-titre) is that of "
        "content/posts/a.md" in done.stderr
    )
    assert blog.ledger()["un-titre"]["source"] == "posts/a.md"
    assert emails(blog) == 1


def test_a_post_renamed_and_retitled_at_once_is_not_sent_again_and_keeps_its_address(blog, served):
    target, base = served
    blog.start_ledger()
    old = blog.post("2022-01-08-premier-atelier.md", title="Mon premier atleier", date="2022-01-08")
    publish(blog, target)
    emailed = blog.ledger()["mon-premier-atleier"]["url"]
    # `mv` then `sed -i 's/atleier/atelier/'`: its file, slug, and title all change.
    new = old.with_name("2022-01-08-mon-premier-atelier.md")
    old.rename(new)
    new.write_text(new.read_text().replace("atleier", "atelier"))
    done = publish(blog, target)
    assert len(blog.sent()) == 1 and len(blog.outbox()) == 2  # nothing sent again
    assert (
        "! content/posts/2022-01-08-mon-premier-atelier.md: counted as already sent: it is "
        "« Mon premier atleier », emailed from content/posts/2022-01-08-premier-atelier.md, "
        "renamed and retitled (same date, close title)"
    ) in done.stderr.splitlines()
    assert f"{emailed} now redirects to https://carnet-de-coach.fr/mon-premier-atelier/" in (
        done.stderr
    )
    old_page, new_page = follow(base, emailed)
    assert "Mon premier atelier" in new_page and "<article" in new_page
    # The ledger followed the file: the next publish knows it by it, and keeps the redirect.
    assert (
        blog.ledger()["mon-premier-atleier"]["source"] == "posts/2022-01-08-mon-premier-atelier.md"
    )
    done = publish(blog, target)
    assert len(blog.sent()) == 1 and "counted as already sent" not in done.stderr
    assert "http-equiv" in (target / "mon-premier-atleier" / "index.html").read_text()


@pytest.mark.parametrize(
    "first, then",
    [
        # Its date corrected, published; then renamed and retitled at once (close title).
        (
            lambda text: text.replace("Date: 2022-01-08", "Date: 2022-01-09"),
            lambda text: text.replace("atleier", "atelier"),
        ),
        # Its title changed, published; then its file renamed (only the file: slug and
        # title are those of the last publish).
        (lambda text: text.replace("Mon premier atleier", "Ce que j’ai appris"), None),
        # Its Slug: changed, published; then renamed and its date corrected at once.
        (
            lambda text: text.replace("Title:", "Slug: atelier-un\nTitle:"),
            lambda text: text.replace("Date: 2022-01-08", "Date: 2022-01-09"),
        ),
    ],
    ids=["date-then-rename-and-retitle", "retitle-then-rename", "slug-then-rename-and-redate"],
)
def test_a_post_edited_over_several_publishes_is_known_by_what_the_last_one_saw(
    blog, served, first, then
):
    """Each publish sees one change the ledger can follow; the next is recognised from
    what the post was at the last publish, not only from what it was when e-mailed."""
    target, base = served
    blog.start_ledger()
    old = blog.post("2022-01-08-premier-atelier.md", title="Mon premier atleier", date="2022-01-08")
    publish(blog, target)
    emailed = blog.ledger()["mon-premier-atleier"]["url"]
    old.write_text(first(old.read_text()))
    publish(blog, target)
    new = old.with_name("2022-01-08-mon-premier-atelier.md")
    old.rename(new)
    if then:
        new.write_text(then(new.read_text()))
    publish(blog, target)
    assert len(blog.sent()) == 1 and emails(blog) == 1  # nothing sent again
    old_page, new_page = follow(base, emailed)
    assert "http-equiv" in old_page and "<article" in new_page
    assert blog.ledger()["mon-premier-atleier"]["source"] == (
        "posts/2022-01-08-mon-premier-atelier.md"
    )


def test_a_new_post_in_a_sent_posts_old_file_is_sent_and_the_moved_one_is_not(blog, served):
    target, base = served
    blog.start_ledger()
    old = blog.post("2021-11-02-test.md", title="Test", date="2021-11-02")
    publish(blog, target)
    old.rename(old.with_name("2021-11-02-pourquoi.md"))
    blog.post("2021-11-02-test.md", title="Un tout autre billet", date="2021-11-02")
    done = publish(blog, target)
    assert blog.sent() == {"test": "outbox", "un-tout-autre-billet": "outbox"}
    assert emails(blog) == 2
    assert "Newsletter: « Un tout autre billet » (content/posts/2021-11-02-test.md) " in done.stdout
    assert (
        "content/posts/2021-11-02-pourquoi.md: counted as already sent, because a post with the "
        "same slug (test) went out from content/posts/2021-11-02-test.md"
    ) in done.stderr
    entries = blog.ledger()
    assert entries["test"]["source"] == "posts/2021-11-02-pourquoi.md"
    assert entries["un-tout-autre-billet"]["source"] == "posts/2021-11-02-test.md"
    _, moved_page = follow(base, "https://carnet-de-coach.fr/test/")
    assert moved_page is None  # still its own page, no redirect needed
    publish(blog, target)
    assert emails(blog) == 2


def test_a_post_that_may_be_a_vanished_sent_one_stops_the_newsletter_with_what_to_do(blog, served):
    target, _ = served
    blog.start_ledger()
    old = blog.post("2022-01-08-a.md", title="Mon premier atelier", date="2022-01-08")
    publish(blog, target)
    old.unlink()
    new = blog.post("2022-01-08-b.md", title="Ce que les ateliers m’apprennent", date="2022-01-08")
    blog.site.speak("en")
    done = blog.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(target)})
    assert done.returncode != 0
    assert (
        "content/posts/2022-01-08-b.md: it has the date of « Mon premier atelier », emailed "
        "from content/posts/2022-01-08-a.md, whose file and address are gone; nothing was "
        "sent. If it is that post, add `Slug: mon-premier-atelier` (its emailed address); if "
        "it is a new post, give it a time of its own in Date:. Then publish again."
    ) in done.stdout + done.stderr
    assert len(blog.sent()) == 1
    # A new post: a time of its own, and it goes out.
    new.write_text(new.read_text().replace("Date: 2022-01-08", "Date: 2022-01-08 10:00"))
    publish(blog, target)
    assert len(blog.sent()) == 2


def test_a_clock_set_back_stops_publish_before_an_emailed_post_leaves_the_site(blog, served):
    """The post went out an hour ago; the computer's clock is then set back a day (a
    machine without a battery, a wrong time zone): to the build the post is dated later,
    so it would be left out and its address broken. Publish stops before building."""
    from datetime import UTC, datetime, timedelta

    from carnet.newsletter import ledger

    target, _base = served
    blog.start_ledger()
    sent_day = datetime.now(UTC) + timedelta(days=1)  # the day it was, before the clock went back
    blog.post("a.md", title="Un billet", date=f"{sent_day:%Y-%m-%d %H:%M}")
    entries = {
        "un-billet": {
            "provider": "outbox",
            "campaign_id": "x",
            "sent_at": sent_day.isoformat(timespec="seconds"),
            "title": "Un billet",
            "url": "https://carnet-de-coach.fr/un-billet/",
            "source": "posts/a.md",
            "save_as": "un-billet/index.html",
            "date": sent_day.replace(second=0, microsecond=0).isoformat(),
        }
    }
    ledger.save(blog.ledger_path, entries)
    done = blog.invoke("publish", env={"CARNET_DEPLOY_TARGET": str(target)})
    assert done.returncode == 1
    assert "newsletter-ledger.json records « Un billet », dated" in done.stderr
    assert "set the clock right" in done.stderr
    assert "+00:00" not in done.stderr  # dates as the coach reads them, in the site's zone
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Building" not in done.stdout and not target.exists()


def redirects_said(result):
    return [line for line in result.warnings if "now redirects to" in line]


def test_a_redirect_is_said_by_the_build_that_first_makes_it_on_each_site(blog, tmp_path):
    """Said once per site (SITEURL): a development build with an address of its own does not
    take the production build's turn, nor the other way round. The redirect page stays."""
    from carnet.build import build

    blog.start_ledger()
    path = blog.post("2021-10-01-a.md", title="Première séance", date="2021-10-01 08:00")
    blog.build()
    blog.run()
    path.write_text(path.read_text().replace("Première séance", "Ma première séance"))

    def production():
        result = blog.site.build(**blog.overrides)
        assert "http-equiv" in blog.site.read("premiere-seance/index.html")
        return [line.rsplit(" ", 1)[1] for line in redirects_said(result)]

    def development(number):
        # A folder of its own: a development build keeps the files of the one before.
        result = build(
            blog.site.settings_file(production=False),
            output_path=tmp_path / f"development-{number}",
            overrides={"SITEURL": "http://127.0.0.1:8000"},
        )
        return [line.rsplit(" ", 1)[1] for line in redirects_said(result)]

    assert production() == ["https://carnet-de-coach.fr/ma-premiere-seance/"]
    assert development(1) == ["http://127.0.0.1:8000/ma-premiere-seance/"]
    assert production() == [] and development(2) == [] and production() == []
    # Moved again: a new redirect, said again.
    path.write_text(path.read_text().replace("Ma première séance", "Une première séance"))
    assert production() == ["https://carnet-de-coach.fr/une-premiere-seance/"]
    assert production() == []


def test_a_post_hidden_and_retitled_after_it_was_emailed_keeps_its_emailed_address(blog):
    """Status: hidden keeps a post on the site at its address, listed nowhere: retitled too,
    its emailed address led nowhere, as only the listed posts were given a redirect."""
    blog.start_ledger()
    path = blog.post("2021-10-01-a.md", title="Première séance", date="2021-10-01 08:00")
    blog.build()
    blog.run()
    text = path.read_text().replace("Première séance", "Ma première séance")
    path.write_text(text.replace("\n\n", "\nStatus: hidden\n\n", 1))
    result = blog.site.build(**blog.overrides)
    new = "https://carnet-de-coach.fr/ma-premiere-seance/"
    assert f'<meta http-equiv="refresh" content="0; url={new}">' in blog.site.read(
        "premiere-seance/index.html"
    )
    assert "Ma première séance" in blog.site.read("ma-premiere-seance/index.html")
    assert [line.rsplit(" ", 1)[1] for line in redirects_said(result)] == [new]


def test_a_publish_that_builds_again_for_the_letters_page_says_a_redirect_once(blog, served):
    target, _ = served
    blog.start_ledger()
    path = blog.post("2021-10-01-a.md", title="Première séance", date="2021-10-01 08:00")
    publish(blog, target)
    path.write_text(path.read_text().replace("Première séance", "Ma première séance"))
    blog.post("2021-10-08-b.md", title="Deuxième séance", date="2021-10-08 08:00")
    done = publish(blog, target)
    assert "Updating the letters page" in done.stdout and len(blog.sent()) == 2
    said = [line for line in (done.stdout + done.stderr).splitlines() if "now redirects to" in line]
    assert len(said) == 1
