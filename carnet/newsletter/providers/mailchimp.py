"""The Mailchimp provider: one regular campaign per post, sent once.

Each post's campaign carries a stable id in its internal title (settings.title
"carnet:SLUG"), so that after any failure the next attempt finds it instead of creating
another: find → create if missing → set the content → send (or schedule). A campaign that
Mailchimp says is sending, sent or scheduled counts as delivered; Mailchimp itself never
sends one campaign twice. The caller records the post in the ledger only after that.

Configuration comes from the environment: MAILCHIMP_API_KEY (never printed, logged or
written anywhere), MAILCHIMP_LIST_ID, and MAILCHIMP_API_URL (optional base URL, e.g.
http://127.0.0.1:PORT/3.0 for tests or a proxy; by default the key's data centre).

Quirks of mailchimp-marketing 3.0.80 handled here: an answer with an empty body (204, but
also a bare 403 or 429) or one that is not JSON (cut short, or without its content type)
comes back as a requests.Response instead of raising, and a success of another content
type (text/html) as its text; a problem+json error arrives as a JSON string in
ApiClientError.text; a connection failure or a timeout is an ApiClientError with
status_code None.
"""

import base64
import json
import re
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import mailchimp_marketing
import requests
from mailchimp_marketing.api_client import ApiClientError
from requests.utils import get_environ_proxies, select_proxy

from carnet import console
from carnet.dates import long_moment
from carnet.defaults import setting
from carnet.i18n import _
from carnet.newsletter.errors import NewsletterError
from carnet.newsletter.providers import Delivery, from_name
from carnet.sources import source_name

DELIVERED = {"sending", "sent", "schedule"}
LIST_FIELDS = [
    "campaigns.id",
    "campaigns.status",
    "campaigns.settings.title",
    "campaigns.send_time",
    "total_items",
]
PAGE_SIZE = 1000  # the API's maximum
LONGEST_PAUSE = 60  # seconds, whatever Retry-After or the backoff say


class MailchimpError(NewsletterError):
    """Mailchimp refused, or kept failing; the message says which step and why. status:
    Mailchimp's HTTP answer when it refused (404…), else None."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class _Retryable(Exception):
    """A 429, a 5xx, a timeout or a dropped connection: worth trying again."""

    def __init__(self, message, pause=None):
        super().__init__(message)
        self.pause = pause


def campaign_title(post, test=False):
    return ("carnet-test:" if test else "carnet:") + post.id


class MailchimpProvider:
    name = "mailchimp"
    label = "Mailchimp"

    @classmethod
    def from_settings(cls, settings, deployed, environ, transport=None):
        """transport: a mailchimp_marketing Client (or one with the same API) to use."""
        key = environ.get("MAILCHIMP_API_KEY", "").strip()
        if not key:
            raise MailchimpError(
                _(
                    "CARNET_NEWSLETTER_PROVIDER is mailchimp but MAILCHIMP_API_KEY is not set: "
                    "set it in the environment (Mailchimp: Profile → Extras → API keys), or set "
                    'CARNET_NEWSLETTER_PROVIDER to "outbox"'
                )
            )
        api_url = environ.get("MAILCHIMP_API_URL", "").strip()
        list_id = environ.get("MAILCHIMP_LIST_ID", "").strip()
        if not list_id:
            raise MailchimpError(
                _(
                    "MAILCHIMP_API_KEY is set but MAILCHIMP_LIST_ID is not: set it to the id of "
                    "the audience to send to (Audience → Settings → Audience name and defaults)"
                )
            )
        if not api_url and not re.fullmatch(r"[a-z]+[0-9]+", key.rpartition("-")[2]):
            raise MailchimpError(
                _(
                    "MAILCHIMP_API_KEY does not end with its data centre (like -us21): copy the "
                    "whole key from Mailchimp (Profile → Extras → API keys)"
                )
            )
        if not setting(settings, "CARNET_NEWSLETTER_REPLY_TO"):
            raise MailchimpError(
                _("CARNET_NEWSLETTER_REPLY_TO is empty: Mailchimp needs a reply-to address to send")
            )
        return cls(settings, key, list_id, api_url, deployed, client=transport)

    def __init__(self, settings, api_key, list_id, api_url="", deployed=True, client=None):
        self.settings = settings
        self.list_id = list_id
        self.api_url = api_url
        self.deployed = deployed
        self.retries = setting(settings, "CARNET_NEWSLETTER_RETRIES")
        self.backoff = setting(settings, "CARNET_NEWSLETTER_BACKOFF")
        self.timeout = setting(settings, "CARNET_NEWSLETTER_TIMEOUT")
        self.schedule = setting(settings, "CARNET_NEWSLETTER_SCHEDULE")
        if self.schedule:  # a bad schedule is refused now, before anything is sent
            next_quarter_hour_at(
                self.schedule, settings.get("TIMEZONE") or "UTC", datetime.now(UTC)
            )
        # What an answer may echo of the key (an error body, a proxy's page quoting the
        # request): the key, its 32 digits without the data centre, and the Authorization
        # header the client sends it in (Basic, user "user", in Latin-1 as requests does).
        self._key_forms = []
        if api_key:
            basic = base64.b64encode(f"user:{api_key}".encode("latin-1", "replace")).decode()
            # Never an empty form (a key starting with its dash): it would match everywhere.
            self._key_forms = [form for form in (api_key, api_key.split("-")[0], basic) if form]
        self.client = client or mailchimp_marketing.Client()
        self.client.set_config({"api_key": api_key, "timeout": self.timeout})
        if api_url:
            self.client.api_client.host = api_url.rstrip("/")
            # The client replaces every "server" in the URL by the data centre; an explicit
            # base URL must be used as it is.
            self.client.api_client.server = ""

    # --- the provider interface ---------------------------------------------------------

    def check(self):
        """Refuse before anything is sent: a site that is not online, an unknown audience."""
        if not self.deployed:
            raise MailchimpError(
                _(
                    "The site was not deployed (no CARNET_DEPLOY_TARGET), so Mailchimp sends "
                    "nothing: subscribers would get links to pages that are not online. Set a "
                    "deploy target, or unset MAILCHIMP_API_KEY to write the outbox instead."
                )
            )
        self._check_audience()

    def deliver(self, post, email):
        return self._with_retries(self._path(post), lambda: self._deliver_once(post, email))

    def find(self, post):
        # Its campaigns are listed by audience: in one that does not exist the post would be
        # found nowhere, so forgotten, and sent again once MAILCHIMP_LIST_ID is set right.
        self._check_audience()
        campaign = self._with_retries(self._path(post), lambda: self._find(campaign_title(post)))
        if campaign is not None and campaign.get("status") in DELIVERED:
            return self._delivery(campaign)
        return None

    def status(self):
        return _("Mailchimp (audience {audience})").format(audience=self.list_id)

    def describe(self, delivery):
        if self.schedule:
            # In the site's time, as CARNET_NEWSLETTER_SCHEDULE is written: « 07:30 » was
            # said « 06:30 UTC ».
            return _("scheduled through Mailchimp for {when} (campaign {campaign})").format(
                when=long_moment(delivery.sent_at, self.settings), campaign=delivery.campaign_id
            )
        return _("sent through Mailchimp (campaign {campaign})").format(
            campaign=delivery.campaign_id
        )

    def send_test(self, post, email, to):
        self._check_audience()

        def attempt():
            campaign = self._find(campaign_title(post, test=True))
            campaign_id = self._prepare(campaign, post, email, test=True)
            self._call(
                _("{path}: sending the test email").format(path=self._path(post)),
                self.client.campaigns.send_test_email,
                campaign_id,
                {"test_emails": [to], "send_type": "html"},
            )
            return campaign_id

        campaign_id = self._with_retries(self._path(post), attempt)
        try:
            self._call(_("removing the test campaign"), self.client.campaigns.remove, campaign_id)
        except (MailchimpError, _Retryable) as error:
            console.warn(
                _("The test campaign {campaign} stays in Mailchimp: {reason}").format(
                    campaign=campaign_id, reason=error
                )
            )
        return _("Mailchimp, to {address}").format(address=to)

    def check_account(self):
        """Before the site goes online: a key or an audience Mailchimp does not know is one
        line naming the setting. One try: a failure that may pass (no network, Mailchimp
        busy) says nothing here; the newsletter, after the deploy, tries again and says it."""
        try:
            self._check_audience(retried=False)
        except _Retryable:
            pass

    def _check_audience(self, retried=True):
        """MAILCHIMP_LIST_ID names an audience of this account; else one line saying so."""

        def ask():
            return self._call(
                _("checking the audience {audience}").format(audience=self.list_id),
                self.client.lists.get_list,
                self.list_id,
                fields=["id", "name"],
            )

        try:
            self._with_retries(_("checking the audience"), ask) if retried else ask()
        except MailchimpError as error:
            if error.status != 404:
                raise
            raise MailchimpError(
                _(
                    'MAILCHIMP_LIST_ID: Mailchimp has no audience "{audience}" for this '
                    "account: copy the audience ID from Mailchimp (Audience → Settings → "
                    "Audience name and defaults)"
                ).format(audience=self.list_id),
                status=404,
            ) from None

    # --- one attempt -----------------------------------------------------------------------

    def _deliver_once(self, post, email):
        campaign = self._find(campaign_title(post))
        if campaign and campaign["status"] in DELIVERED:
            return self._delivery(campaign)  # an earlier run sent it; its answer was lost
        campaign_id = self._prepare(campaign, post, email)
        try:
            when = self._send(post, campaign_id)
        except MailchimpError:
            # Mailchimp refused the send: if an earlier send did get through after all,
            # the post is delivered; ask before failing.
            campaign = self._call(
                _("{path}: reading the campaign's status").format(path=self._path(post)),
                self.client.campaigns.get,
                campaign_id,
                fields=["id", "status", "send_time"],
            )
            if campaign.get("status") in DELIVERED:
                return self._delivery(campaign)
            raise
        return Delivery(campaign_id, when)

    def _find(self, title):
        """This post's campaign (the delivered one if there are several), or None."""
        found = []
        offset = 0
        while True:
            page = self._call(
                _("listing the campaigns"),
                self.client.campaigns.list,
                list_id=self.list_id,
                count=PAGE_SIZE,
                offset=offset,
                fields=LIST_FIELDS,
                sort_field="create_time",
                sort_dir="ASC",
                needs={"campaigns": list, "total_items": int},
            )
            campaigns = page["campaigns"]
            found += [c for c in campaigns if c.get("settings", {}).get("title") == title]
            offset += len(campaigns)
            if not campaigns or offset >= page["total_items"]:
                break
        delivered = [c for c in found if c.get("status") in DELIVERED]
        if delivered:
            return delivered[0]
        drafts = [c for c in found if c.get("status") == "save"]
        if drafts:
            return drafts[0]
        if found:
            raise MailchimpError(
                _(
                    "The campaign {campaign} ({title}) is {status!r} in Mailchimp, so Carnet "
                    "does not send it again; delete it in Mailchimp to send the post anew"
                ).format(campaign=found[0]["id"], title=title, status=found[0].get("status"))
            )
        return None

    def _prepare(self, campaign, post, email, test=False):
        """Create the campaign or bring the draft up to date; set its content. Its id."""
        body = self._campaign_body(post, email, test)
        if campaign is None:
            created = self._call(
                _("{path}: creating the campaign").format(path=self._path(post)),
                self.client.campaigns.create,
                dict(body, type="regular"),
                needs={"id": str},
            )
            campaign_id = created["id"]
        else:
            campaign_id = campaign["id"]
            self._call(
                _("{path}: updating the campaign").format(path=self._path(post)),
                self.client.campaigns.update,
                campaign_id,
                body,
            )
        self._call(
            _("{path}: setting the campaign's content").format(path=self._path(post)),
            self.client.campaigns.set_content,
            campaign_id,
            {"html": email.html, "plain_text": email.text},
        )
        return campaign_id

    def _send(self, post, campaign_id):
        """Send now, or schedule; when the email goes out."""
        if not self.schedule:
            self._call(
                _("{path}: sending the campaign").format(path=self._path(post)),
                self.client.campaigns.send,
                campaign_id,
            )
            return datetime.now(UTC)
        when = next_quarter_hour_at(
            self.schedule, self.settings.get("TIMEZONE") or "UTC", datetime.now(UTC)
        )
        self._call(
            _("{path}: scheduling the campaign").format(path=self._path(post)),
            self.client.campaigns.schedule,
            campaign_id,
            {"schedule_time": when.isoformat()},
        )
        return when

    def _campaign_body(self, post, email, test):
        recipients = {"list_id": self.list_id}
        if post.segment:
            recipients["segment_opts"] = segment_options(self.settings, post)
        return {
            "recipients": recipients,
            "settings": {
                "title": campaign_title(post, test),
                "subject_line": email.subject,
                "preview_text": email.preheader,
                "from_name": from_name(self.settings),
                "reply_to": setting(self.settings, "CARNET_NEWSLETTER_REPLY_TO"),
            },
        }

    def _path(self, post):
        """The post's file as the coach opens it (content/posts/x.md), for messages."""
        return source_name(self.settings, post.source)

    @staticmethod
    def _delivery(campaign):
        send_time = campaign.get("send_time")
        sent_at = datetime.fromisoformat(send_time) if send_time else datetime.now(UTC)
        return Delivery(campaign["id"], sent_at)

    # --- talking to the API -------------------------------------------------------------

    def _with_retries(self, what, attempt):
        """Run `attempt`, again after a retryable failure, with a doubling pause."""
        for number in range(self.retries + 1):
            try:
                return attempt()
            except _Retryable as failure:
                last = failure
                if number == self.retries:
                    break
                if failure.pause is not None and failure.pause > LONGEST_PAUSE:
                    break  # Mailchimp asks for a longer wait than a publish makes
                pause = failure.pause if failure.pause is not None else self.backoff * 2**number
                pause = min(pause, LONGEST_PAUSE)  # the pause said is the one made
                console.warn(
                    _("{failure}; trying again in {pause:g} s").format(failure=failure, pause=pause)
                )
                time.sleep(pause)
        raise MailchimpError(
            _(
                "{what}: Mailchimp kept failing ({reason}); nothing is recorded for it, the next "
                "publish will try again"
            ).format(what=what, reason=last)
        )

    def _call(self, what, method, *args, needs=None, **kwargs):
        """The answer of one API call; raise _Retryable or MailchimpError, without the key.
        needs: {field: type} the answer must have (a search without its list of campaigns
        would find none, and the post would go out again)."""
        try:
            answer = method(*args, **kwargs)
        except ApiClientError as error:
            raise self._failure(what, error.status_code, error.text) from None
        if isinstance(answer, requests.Response):  # an empty or unreadable body
            if not answer.ok:
                raise self._failure(
                    what, answer.status_code, answer.text, answer.headers.get("Retry-After")
                )
            if not answer.content.strip():
                return {}
        if not isinstance(answer, dict) or any(
            not isinstance(answer.get(name), kind) for name, kind in (needs or {}).items()
        ):
            # JSON cut short, a page that is not Mailchimp's (a proxy's, a Wi-Fi login), or
            # JSON without what was asked: taken as an empty answer, a search cut short found
            # no campaign and the post went out twice. It is worth another try.
            raise _Retryable(_("{what}: Mailchimp's answer cannot be read").format(what=what))
        return answer

    def _failure(self, what, status, text, retry_after=None):
        if status is None:  # no answer: `text` is the exception requests raised
            if isinstance(text, requests.Timeout):
                reason = _("timed out after {seconds} s").format(seconds=self.timeout)
            elif isinstance(text, requests.exceptions.ProxyError):
                reason = _(
                    "the connection to {address} through the proxy {proxy} failed (the "
                    "environment's HTTPS_PROXY, HTTP_PROXY or ALL_PROXY)"
                ).format(address=self._address(), proxy=self._proxy())
            else:
                # Where: a data centre that does not exist, a MAILCHIMP_API_URL that leads
                # nowhere and Mailchimp being down read alike without it.
                reason = _("the connection to {address} failed").format(address=self._address())
            return _Retryable(_("{what}: {reason}").format(what=what, reason=reason))
        reason = self._redact(
            _("{what}: Mailchimp answered {status}{problem}").format(
                what=what, status=status, problem=_problem(text)
            )
        )
        if status == 429 or status >= 500:
            pause = float(retry_after) if str(retry_after or "").isdigit() else None
            return _Retryable(reason, pause)
        if status == 401:  # at any step: the key is the coach's to fix, not the step
            return MailchimpError(self._key_refused(), status)
        return MailchimpError(reason, status)

    def _key_refused(self):
        """What to do when Mailchimp answers 401: a wrong key, or the wrong data centre
        (the key's own, unless MAILCHIMP_API_URL leads elsewhere). Never the key."""
        if not self.api_url:
            return _(
                "MAILCHIMP_API_KEY: Mailchimp does not accept this key (it answered 401): "
                "copy the whole key again from Mailchimp (Profile → Extras → API keys), with "
                "its data centre at the end (like -us21)"
            )
        return _(
            "MAILCHIMP_API_KEY: Mailchimp at {address} does not accept this key (it answered "
            "401): copy the whole key again from Mailchimp (Profile → Extras → API keys), and "
            "leave MAILCHIMP_API_URL unset unless it leads to the key's data centre"
        ).format(address=self._address())

    def _url(self):
        api = self.client.api_client
        return api.host.replace("server", api.server) if api.server else api.host

    def _address(self):
        """Mailchimp's host (and port) as this run reaches it: never a user or password."""
        url = urlsplit(self._url())
        return url.hostname + (f":{url.port}" if url.port else "")

    def _proxy(self):
        """The host (and port) of the environment's proxy for Mailchimp's address."""
        proxy = urlsplit(select_proxy(self._url(), get_environ_proxies(self._url())) or "")
        return (proxy.hostname or "?") + (f":{proxy.port}" if proxy.port else "")

    def _redact(self, text):
        """`text` without the key in any of its forms, whatever their case."""
        for form in self._key_forms:
            text = re.sub(re.escape(form), "[MAILCHIMP_API_KEY]", text, flags=re.IGNORECASE)
        return text


def _problem(text):
    """' title — detail — field: message' from an error body (JSON text or a dict), or ''."""
    if isinstance(text, str):
        try:
            text = json.loads(text)
        except ValueError:
            return ""
    if not isinstance(text, dict):
        return ""
    fields = "; ".join(
        f"{error.get('field')}: {error.get('message')}"
        for error in text.get("errors") or []
        if isinstance(error, dict)
    )
    parts = [str(part) for part in (text.get("title"), text.get("detail"), fields) if part]
    return " " + " — ".join(parts) if parts else ""


def segment_options(settings, post):
    """The recipients.segment_opts for a post's Newsletter-Segment."""
    segment = setting(settings, "CARNET_NEWSLETTER_SEGMENTS").get(post.segment)
    if not segment:
        raise MailchimpError(
            _("{path}: segment {segment!r} is not in CARNET_NEWSLETTER_SEGMENTS").format(
                path=source_name(settings, post.source), segment=post.segment
            )
        )
    if "saved_segment_id" in segment:
        return {"saved_segment_id": int(segment["saved_segment_id"])}
    return {
        "match": "any",
        "conditions": [
            {
                "condition_type": "Interests",
                "field": f"interests-{segment['interest_category_id']}",
                "op": "interestcontains",
                "value": [str(i) for i in segment["interest_ids"]],
            }
        ],
    }


def next_quarter_hour_at(clock, zone, now):
    """The next time it is `clock` ("HH:MM", on a quarter hour) in `zone`, at least 10 min
    after `now` (aware), in UTC.

    Compared in UTC: two times of one zone subtract as their clocks read, so on the night
    France changes clocks « 02:30 » looked 20 minutes away at 02:10 CET when it was 40
    minutes past (the first 02:30, summer time's), and « 03:00 » an hour away at 01:55
    when it was 5 minutes. The hour that happens twice is tried first as summer time, then
    as winter time; a time the spring night skips is the same moment in winter time
    (02:30 is 03:30, summer time)."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", str(clock))
    if not match or int(match[2]) % 15:
        raise MailchimpError(
            _(
                "CARNET_NEWSLETTER_SCHEDULE must be a time on a quarter hour like 07:30, not "
                "{clock!r} (Mailchimp schedules on quarter hours only)"
            ).format(clock=clock)
        )
    local_now = now.astimezone(ZoneInfo(zone))
    day = local_now.date()
    while True:
        for fold in (0, 1):
            candidate = datetime(
                day.year,
                day.month,
                day.day,
                int(match[1]),
                int(match[2]),
                tzinfo=ZoneInfo(zone),
                fold=fold,
            ).astimezone(UTC)
            if candidate - now >= timedelta(minutes=10):
                return candidate
        day += timedelta(days=1)
