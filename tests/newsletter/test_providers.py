"""Providers: one factory chooses them from the settings and the environment; the
newsletter takes a provider as an argument, and Mailchimp's HTTP client is injected."""

import mailchimp_marketing
import pytest
from conftest import in_french, make_site

from carnet import newsletter
from carnet.newsletter import NewsletterError, manifest, providers
from carnet.newsletter.providers.mailchimp import MailchimpProvider
from carnet.newsletter.providers.outbox import OutboxProvider
from newsletter.conftest import API_KEY, LIST_ID, Blog, mailchimp_environment

PROTOCOL = ("check", "deliver", "find", "send_test", "status", "describe", "name", "label")


@pytest.fixture(scope="module")
def built_blog(tmp_path_factory):
    blog = Blog(make_site(tmp_path_factory.mktemp("providers") / "site"))
    blog.post("2021-01-05-a.md", title="Un billet", date="2021-01-05 08:30")
    blog.build()
    return blog


@pytest.fixture
def one_post(built_blog):
    built_blog.start_ledger()
    for path in (built_blog.root / "outbox").glob("*"):
        path.unlink()
    return built_blog


def test_the_factory_chooses_from_the_environment_and_the_settings(one_post):
    settings = one_post.settings
    environment = {"MAILCHIMP_API_KEY": API_KEY, "MAILCHIMP_LIST_ID": LIST_ID}
    assert isinstance(providers.choose(settings, True, environ={}), OutboxProvider)
    assert isinstance(providers.choose(settings, True, environ=environment), MailchimpProvider)
    forced = dict(settings, CARNET_NEWSLETTER_PROVIDER="outbox")
    assert isinstance(providers.choose(forced, True, environ=environment), OutboxProvider)
    unknown = dict(settings, CARNET_NEWSLETTER_PROVIDER="sendgrid")
    with pytest.raises(NewsletterError, match="CARNET_NEWSLETTER_PROVIDER must be one of"):
        providers.choose(unknown, True, environ={})


def test_mailchimp_chosen_without_a_key_is_said_in_the_sites_language(one_post):
    chosen = dict(one_post.settings, CARNET_NEWSLETTER_PROVIDER="mailchimp")
    with in_french(), pytest.raises(NewsletterError) as refused:
        providers.choose(chosen, True, environ={})
    assert str(refused.value) == (
        "CARNET_NEWSLETTER_PROVIDER vaut mailchimp mais MAILCHIMP_API_KEY n’est pas défini\u00a0: "
        "définissez-le dans l’environnement (Mailchimp\u00a0: Profile → Extras → API keys), ou "
        'réglez CARNET_NEWSLETTER_PROVIDER sur "outbox"'
    )


@pytest.mark.parametrize("name", sorted(providers.PROVIDERS))
def test_every_provider_follows_the_protocol(name):
    cls = providers.provider_class(name)
    for member in PROTOCOL:
        assert hasattr(cls, member), f"{cls.__name__} has no {member}"
    assert cls.name == name and callable(cls.from_settings)


class Recording:
    """A provider given to the newsletter: the real outbox, its deliveries noted."""

    def __init__(self, provider):
        self.provider = provider
        self.name = provider.name
        self.label = provider.label
        self.delivered = []

    def __getattr__(self, name):
        return getattr(self.provider, name)

    def deliver(self, post, email):
        self.delivered.append(post.id)
        return self.provider.deliver(post, email)


def test_the_newsletter_uses_the_provider_it_is_given(one_post):
    given = Recording(OutboxProvider(one_post.settings))
    (post,) = manifest.read(one_post.settings)
    assert given.find(post) is None
    newsletter.run(one_post.settings, deployed=True, provider=given)
    assert given.delivered == ["un-billet"]
    assert one_post.sent() == {"un-billet": "outbox"}
    found = given.find(post)
    assert found is not None and found.campaign_id == "2021-01-05-un-billet"
    assert given.status() == "the outbox (outbox/)"


def test_mailchimp_talks_through_the_client_it_is_given(one_post, standin):
    client = mailchimp_marketing.Client()
    provider = providers.choose(
        one_post.settings, True, environ=mailchimp_environment(standin), transport=client
    )
    assert provider.client is client
    (post,) = manifest.read(one_post.settings)
    assert provider.find(post) is None
    assert standin.requests == ["GET /3.0/lists/" + LIST_ID, "GET /3.0/campaigns"]
    newsletter.run(one_post.settings, deployed=True, provider=provider)
    found = provider.find(post)
    assert found is not None and found.campaign_id in standin.campaigns
    assert LIST_ID in provider.status() and API_KEY not in provider.status()
