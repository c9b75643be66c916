"""A stand-in for the Mailchimp Marketing API, served on 127.0.0.1 for the real client.

The real mailchimp-marketing client reaches it through MAILCHIMP_API_URL. It keeps
campaigns in memory and behaves like Mailchimp where Carnet depends on it:

- request bodies and query parameters are checked against the published schemas
  (schemas.json, see extract_schemas.py) and the limit they do not say (a subject line of
  150 characters at most); a rejected request gets Mailchimp's 400 « Invalid Resource »
  and is kept in `violations`;
- a campaign goes save → sent once: sending or scheduling it again is refused, and a
  campaign without an unsubscribe link or a reply-to is « not ready to send »;
- errors are application/problem+json; a send answers 204 with no body.

Every send or schedule it accepts is appended to `deliveries` (campaign id, title): the
tests count duplicates and lost posts there.

Faults are queued with `inject(fault, nth=1, match=None)`: the nth request from now
(matching "METHOD /path" with `match`, a regex, if given) gets the fault:

  500, 503          an error answer, nothing done (503 is an HTML page, as from a proxy)
  429-json, 429     too many requests, with a problem+json body, or none at all
  429-wait          too many requests, with no body and Retry-After: 3600
  403               forbidden, with no body at all
  cut               the request is carried out, then its JSON answer is cut short
                    (a 204 becomes a 200 with half of {})
  200-html          an HTML page answered 200 (a proxy's or a captive portal's), nothing done
  200-other         the request is carried out, then answered 200 with a JSON object that is
                    not the one asked for ({"status": "ok"})
  drop-before       the connection closes without an answer, nothing done
  drop-after        the request is carried out, then the connection closes unanswered
  timeout           the request is carried out, then no answer until the client gave up
  kill-before       the client process (`client_pid`) is killed, nothing done
  kill-after        the request is carried out, then the client process is killed
"""

import base64
import itertools
import json
import os
import re
import signal
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
FAULTS = (
    "500",
    "503",
    "429-json",
    "429",
    "429-wait",
    "403",
    "cut",
    "200-html",
    "200-other",
    "drop-before",
    "drop-after",
    "timeout",
    "kill-before",
    "kill-after",
)
ROUTES = [
    ("GET", r"/ping", "ping"),
    ("GET", r"/lists/(?P<list_id>[^/]+)", "get_list"),
    ("GET", r"/campaigns", "list_campaigns"),
    ("POST", r"/campaigns", "create_campaign"),
    ("GET", r"/campaigns/(?P<campaign_id>[^/]+)", "get_campaign"),
    ("PATCH", r"/campaigns/(?P<campaign_id>[^/]+)", "update_campaign"),
    ("DELETE", r"/campaigns/(?P<campaign_id>[^/]+)", "remove_campaign"),
    ("PUT", r"/campaigns/(?P<campaign_id>[^/]+)/content", "set_content"),
    ("POST", r"/campaigns/(?P<campaign_id>[^/]+)/actions/send", "send"),
    ("POST", r"/campaigns/(?P<campaign_id>[^/]+)/actions/schedule", "schedule"),
    ("POST", r"/campaigns/(?P<campaign_id>[^/]+)/actions/test", "send_test"),
]


# What Mailchimp refuses that its published schemas do not say: a subject line longer
# than this (characters) is answered 400, and the campaign is neither made nor changed.
SUBJECT_LINE_LIMIT = 150


def load_schemas():
    with open(os.path.join(HERE, "schemas.json"), encoding="utf-8") as handle:
        schemas = json.load(handle)
    for operation in ("POST /campaigns", "PATCH /campaigns/{campaign_id}"):
        settings = schemas[operation]["body"]["properties"]["settings"]["properties"]
        settings["subject_line"]["maxLength"] = SUBJECT_LINE_LIMIT
    return schemas


class Problem(Exception):
    """An error answer, as Mailchimp gives them."""

    def __init__(self, status, title, detail, errors=None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.errors = status, title, detail, errors


class StandIn:
    def __init__(self, api_key, list_ids=("list0001",), answer_delay=0.0):
        self.api_key = api_key
        self.list_ids = set(list_ids)
        self.schemas = load_schemas()
        self.timeout_hang = 2.0  # seconds a "timeout" fault keeps the client waiting
        self.send_refusal = None  # a reason: every send is refused as « not ready »
        self.client_pid = None
        self.answer_delay = answer_delay
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.reset()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = None

    # --- test-facing API --------------------------------------------------------------------

    @property
    def url(self):
        return f"http://127.0.0.1:{self._server.server_address[1]}/3.0"

    def start(self):
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def reset(self):
        """Forget every campaign, delivery, request and fault."""
        with self._lock:
            self.campaigns = {}
            self.deliveries = []
            self.tests_sent = []
            self.requests = []
            self.violations = []
            self.faults = []

    def inject(self, fault, nth=1, match=None):
        assert fault in FAULTS, fault
        with self._lock:
            self.faults.append({"fault": fault, "left": nth, "match": match})

    def delivered_titles(self):
        """{campaign title: how many times a campaign with it was sent or scheduled}."""
        counts = {}
        for _, title in self.deliveries:
            counts[title] = counts.get(title, 0) + 1
        return counts

    def add_campaign(self, title, status="save", list_id=None, html=""):
        """Put a campaign there directly, as if made in Mailchimp's web app."""
        body = {
            "type": "regular",
            "recipients": {"list_id": list_id or next(iter(self.list_ids))},
            "settings": {"title": title},
        }
        with self._lock:
            campaign = self._new_campaign(body)
            campaign["status"] = status
            campaign["content"]["html"] = html
        return campaign

    # --- the API ----------------------------------------------------------------------------

    def _new_campaign(self, body):
        campaign_id = f"c{next(self._ids):05d}{uuid.uuid4().hex[:5]}"
        campaign = {
            "id": campaign_id,
            "web_id": next(self._ids),
            "type": body["type"],
            "create_time": _now(),
            "archive_url": f"https://mailchi.mp/carnet/{campaign_id}",
            "status": "save",
            "send_time": "",
            "recipients": body.get("recipients", {}),
            "settings": body.get("settings", {}),
            "content": {"html": "", "plain_text": ""},
        }
        self.campaigns[campaign_id] = campaign
        return campaign

    def _campaign(self, campaign_id):
        if campaign_id not in self.campaigns:
            raise Problem(404, "Resource Not Found", "The requested resource could not be found.")
        return self.campaigns[campaign_id]

    def ping(self, query, body):
        return 200, {"health_status": "Everything's Chimpy!"}

    def get_list(self, query, body, list_id):
        if list_id not in self.list_ids:
            raise Problem(404, "Resource Not Found", "The requested resource could not be found.")
        return 200, {"id": list_id, "name": "Carnet de coach"}

    def list_campaigns(self, query, body):
        found = [
            c
            for c in self.campaigns.values()
            if not query.get("list_id") or c["recipients"].get("list_id") == query["list_id"]
        ]
        if query.get("status"):
            found = [c for c in found if c["status"] == query["status"]]
        found.sort(key=lambda c: c["create_time"], reverse=query.get("sort_dir") == "DESC")
        offset, count = int(query.get("offset", 0)), int(query.get("count", 10))
        return 200, {
            "campaigns": [_public(c) for c in found[offset : offset + count]],
            "total_items": len(found),
        }

    def create_campaign(self, query, body):
        list_id = body.get("recipients", {}).get("list_id")
        if list_id not in self.list_ids:
            raise Problem(400, "Invalid Resource", f"The list ID {list_id!r} is invalid.")
        return 200, _public(self._new_campaign(body))

    def get_campaign(self, query, body, campaign_id):
        return 200, _public(self._campaign(campaign_id))

    def update_campaign(self, query, body, campaign_id):
        campaign = self._campaign(campaign_id)
        if campaign["status"] != "save":
            raise Problem(
                400,
                "Bad Request",
                "Cannot update a campaign that has already been sent or scheduled.",
            )
        campaign["settings"].update(body.get("settings", {}))
        if "recipients" in body:
            campaign["recipients"] = body["recipients"]
        return 200, _public(campaign)

    def remove_campaign(self, query, body, campaign_id):
        self._campaign(campaign_id)
        del self.campaigns[campaign_id]
        return 204, None

    def set_content(self, query, body, campaign_id):
        campaign = self._campaign(campaign_id)
        if campaign["status"] != "save":
            raise Problem(400, "Bad Request", "Cannot change the content of a sent campaign.")
        campaign["content"] = {
            "html": body.get("html", ""),
            "plain_text": body.get("plain_text", ""),
        }
        return 200, campaign["content"]

    def _check_ready(self, campaign):
        if self.send_refusal:
            raise Problem(
                400, "Bad Request", f"Your Campaign is not ready to send. {self.send_refusal}"
            )
        missing = [
            f"settings.{k}"
            for k in ("subject_line", "from_name", "reply_to")
            if not campaign["settings"].get(k)
        ]
        if "*|UNSUB|*" not in campaign["content"]["html"]:
            missing.append("an unsubscribe link (*|UNSUB|*)")
        if missing:
            raise Problem(
                400,
                "Bad Request",
                "Your Campaign is not ready to send. Missing: " + ", ".join(missing),
            )

    def _deliver(self, campaign, status, send_time):
        if campaign["status"] != "save":
            raise Problem(400, "Bad Request", "This campaign has already been sent or scheduled.")
        self._check_ready(campaign)
        campaign["status"], campaign["send_time"] = status, send_time
        self.deliveries.append((campaign["id"], campaign["settings"].get("title")))

    def send(self, query, body, campaign_id):
        self._deliver(self._campaign(campaign_id), "sent", _now())
        return 204, None

    def schedule(self, query, body, campaign_id):
        campaign = self._campaign(campaign_id)
        try:
            when = datetime.fromisoformat(body["schedule_time"].replace("Z", "+00:00"))
        except ValueError:
            raise Problem(
                400, "Invalid Resource", "schedule_time is not a valid date-time."
            ) from None
        if when.tzinfo is None or when.minute % 15 or when.second or when <= datetime.now(UTC):
            raise Problem(
                400,
                "Invalid Resource",
                "Schedule time must be in the future and on the quarter-hour (:00, :15, :30, :45).",
            )
        self._deliver(campaign, "schedule", when.astimezone(UTC).isoformat(timespec="seconds"))
        return 204, None

    def send_test(self, query, body, campaign_id):
        campaign = self._campaign(campaign_id)
        self._check_ready(campaign)
        self.tests_sent.append(
            {
                "to": body["test_emails"],
                "subject": campaign["settings"].get("subject_line"),
                "title": campaign["settings"].get("title"),
            }
        )
        return 204, None

    # --- HTTP -----------------------------------------------------------------------------

    def _route(self, method, path):
        for route_method, pattern, name in ROUTES:
            match = re.fullmatch("/3.0" + pattern, path)
            if route_method == method and match:
                return name, match.groupdict(), f"{method} {_spec_path(pattern)}"
        return None, {}, None

    def _take_fault(self, request_line):
        """The fault for this request, if one is due: each matching fault counts it."""
        with self._lock:
            due = []
            for fault in self.faults:
                if fault["match"] is None or re.search(fault["match"], request_line):
                    fault["left"] -= 1
                    if fault["left"] <= 0:
                        due.append(fault)
            if not due:
                return None
            self.faults.remove(due[0])
            for later in due[1:]:
                later["left"] = 1  # one fault per request: the others take the next one
            return due[0]["fault"]

    def _check(self, operation, query, body):
        schema = self.schemas[operation]
        problems = []
        typed_query = {}
        for name, value in query.items():
            declared = schema["query"]["properties"].get(name, {})
            typed_query[name] = (
                int(value) if declared.get("type") == "integer" and value.isdigit() else value
            )
            if declared.get("type") == "array":
                typed_query[name] = value.split(",")
        for error in jsonschema.Draft4Validator(schema["query"]).iter_errors(typed_query):
            problems.append(f"query: {error.message}")
        if schema["body"] is not None:
            for error in jsonschema.Draft4Validator(schema["body"]).iter_errors(body):
                where = ".".join(str(p) for p in error.absolute_path) or "body"
                problems.append(f"{where}: {error.message}")
        return problems

    def _handler_class(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self._serve()

            do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

            def _serve(self):
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                request_line = f"{self.command} {split.path}"
                with standin._lock:
                    standin.requests.append(request_line)
                fault = standin._take_fault(request_line)
                if fault in ("drop-before", "kill-before"):
                    if fault == "kill-before":
                        standin._kill_client()
                    self.close_connection = True
                    return
                if fault in ("500", "503", "429-json", "429", "429-wait", "403", "200-html"):
                    return self._fault_answer(fault)
                status, payload = standin._answer(
                    self.command, split, raw, self.headers.get("Authorization", "")
                )
                if fault == "kill-after":
                    standin._kill_client()
                if fault in ("drop-after", "kill-after"):
                    self.close_connection = True
                    return
                if fault == "timeout":
                    time.sleep(standin.timeout_hang)
                    self.close_connection = True
                    return
                if fault == "200-other":
                    return self._send_raw(200, b'{"status": "ok"}', "application/json")
                if fault == "cut":  # a 204's answer becomes a 200 with half of "{}"
                    whole = json.dumps(payload if payload is not None else {}).encode()
                    half = whole[: len(whole) // 2]
                    return self._send_raw(status if payload else 200, half, "application/json")
                if standin.answer_delay:
                    time.sleep(standin.answer_delay)
                self._send(status, payload)

            def _fault_answer(self, fault):
                if fault == "503":
                    page = b"<html><body><h1>503 Service Unavailable</h1></body></html>"
                    return self._send_raw(503, page, "text/html")
                if fault in ("429", "403"):
                    return self._send_raw(int(fault), b"", None)
                if fault == "429-wait":
                    return self._send_raw(429, b"", None, {"Retry-After": "3600"})
                if fault == "200-html":
                    page = b"<html><body><h1>Wi-Fi: please log in</h1></body></html>"
                    return self._send_raw(200, page, "text/html")
                titles = {
                    "500": (500, "Internal Server Error"),
                    "429-json": (429, "Too Many Requests"),
                }
                status, title = titles[fault]
                self._send(
                    status,
                    _problem_body(Problem(status, title, "The stand-in injected this fault.")),
                )

            def _send(self, status, payload):
                if payload is None:
                    return self._send_raw(status, b"", None)
                content_type = "application/problem+json" if status >= 400 else "application/json"
                self._send_raw(status, json.dumps(payload).encode(), content_type)

            def _send_raw(self, status, data, content_type, headers=None):
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if content_type:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data)
                self.close_connection = True

        return Handler

    def _answer(self, method, split, raw, authorization):
        """(status, JSON payload or None) for one request, carried out under the lock."""
        try:
            if not self._authorised(authorization):
                raise Problem(
                    401,
                    "API Key Invalid",
                    "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
                )
            name, path_params, operation = self._route(method, split.path)
            if name is None:
                raise Problem(
                    404, "Resource Not Found", "The requested resource could not be found."
                )
            query = dict(parse_qsl(split.query))
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                raise Problem(
                    400, "JSON Parse Error", "We encountered an unspecified JSON parsing error."
                ) from None
            problems = self._check(operation, query, body)
            if problems:
                with self._lock:
                    self.violations.append(f"{operation}: " + "; ".join(problems))
                errors = [
                    {"field": p.split(":")[0], "message": p.split(":", 1)[1].strip()}
                    for p in problems
                ]
                raise Problem(
                    400,
                    "Invalid Resource",
                    "The resource submitted could not be validated.",
                    errors,
                )
            with self._lock:
                return getattr(self, name)(query, body, **path_params)
        except Problem as problem:
            return problem.status, _problem_body(problem)

    def _authorised(self, authorization):
        if not authorization.startswith("Basic "):
            return False
        _, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
        return password == self.api_key

    def _kill_client(self):
        if self.client_pid:
            os.kill(self.client_pid, signal.SIGKILL)


def _problem_body(problem):
    body = {
        "type": "https://mailchimp.com/developer/marketing/docs/errors/",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": str(uuid.uuid4()),
    }
    if problem.errors:
        body["errors"] = problem.errors
    return body


def _public(campaign):
    return {key: value for key, value in campaign.items() if key != "content"}


def _spec_path(pattern):
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern)


def _now():
    return datetime.now(UTC).isoformat(timespec="microseconds")
