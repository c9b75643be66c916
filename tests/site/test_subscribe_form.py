"""The sample site shows the real subscribe form, in Chromium at 360 px and 1280 px: with
no Mailchimp form set it leads to a page saying what to configure; a real
CARNET_NEWSLETTER_FORM_URL replaces it."""

import lxml.html
import pytest

pytestmark = pytest.mark.browser


def test_the_sample_form_works_looking_and_leads_to_the_setup_page(page, built_site, artifacts):
    response = page.goto(built_site.url("newsletter/"), wait_until="load")
    assert response.status == 200
    form = page.locator("section.newsletter-signup form.subscribe")
    assert form.is_visible()
    email = form.get_by_label("Votre adresse e-mail")
    assert email.is_visible() and email.get_attribute("type") == "email"
    button = form.get_by_role("button", name="Je m’abonne")
    assert button.is_visible()
    note = form.locator(".subscribe__note").first
    assert "e-mail pour confirmer" in note.inner_text()  # double opt-in, said before the click
    assert "Votre adresse ne sert qu’à la lettre" in note.inner_text()  # consent
    trap = form.locator(".subscribe__trap input")
    assert trap.count() == 1 and trap.bounding_box()["x"] + trap.bounding_box()["width"] < 0
    # Nothing sticks out on a phone.
    box = form.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.width
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width
    form.screenshot(path=str(artifacts / f"subscribe-form-{page.width}.png"))
    # The browser refuses an empty address; a filled one leads to the setup page.
    button.click()
    assert page.url.rstrip("/").endswith("/newsletter")
    email.fill("lectrice@example.com")
    with page.expect_navigation():
        button.click()
    assert "/newsletter/configurer/" in page.url
    # The reader's address is sent nowhere: in the page's address, it went into the host's
    # logs and the browser's history.
    assert "lectrice" not in page.url and "=" not in page.url
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Ouvrir les inscriptions à la lettre"
    )
    assert "CARNET_NEWSLETTER_FORM_URL" in page.content()


def test_the_sidebar_form_shows_on_other_pages(page, built_site):
    page.goto(built_site.url("a-propos/"), wait_until="load")
    form = page.locator(".sidebar form.subscribe")
    assert form.count() == 1 and form.is_visible()
    assert form.get_by_role("button", name="Je m’abonne").is_visible()


def _newsletter_page_form(site, form_url):
    """The subscription form of the newsletter page, built with CARNET_NEWSLETTER_FORM_URL."""
    site.add_post("a.md", title="Un billet", category="Journal intime")
    site.add_page("newsletter.md", title="Newsletter", body="La lettre.")
    site.build(CARNET_NEWSLETTER_FORM_URL=form_url, CARNET_NEWSLETTER_FORM_HONEYPOT="b_abc_def")
    document = lxml.html.fromstring(site.read("newsletter/index.html"))
    [form] = document.xpath("//section[@class='newsletter-signup']/form")
    return form


def test_a_real_form_url_replaces_the_sample(site):
    url = "https://exemple.us21.list-manage.com/subscribe/post?u=abc&id=def"
    form = _newsletter_page_form(site, url)
    assert form.get("action") == url and form.get("method") == "post"
    assert form.xpath(".//input[@name='b_abc_def']")
    assert "Formulaire d’exemple" not in form.text_content()


def test_the_form_url_copied_from_mailchimp_s_html_posts_to_mailchimp_s_address(site):
    """The guide says to copy the address after action=" in Mailchimp's embedded form,
    whose HTML writes & as &amp;: the form posted to « …?u=abc&amp;amp;id=def », so the
    browser sent « amp;id » and Mailchimp never got the audience."""
    copied = "https://exemple.us21.list-manage.com/subscribe/post?u=abc&amp;id=def&amp;f_id=00a"
    form = _newsletter_page_form(site, copied)
    assert form.get("action") == (
        "https://exemple.us21.list-manage.com/subscribe/post?u=abc&id=def&f_id=00a"
    )
