"""A local stand-in for Twilio's REST API (2010-04-01), for tests that must not reach the real one.

It checks each request as Twilio does (Basic auth, the account in the path, a form body, the parameters Twilio
documents as required and their limits) and answers with Twilio's JSON error shape, so a client that passes here
sends what Twilio would accept. It records what it accepted and refused, can be told to fail or hang, and plays
Twilio's other side: signed webhooks (status callbacks, incoming SMS) posted to the app.

Standard library only. Usage:

    twilio = FakeTwilio("AC" + "0" * 32, "token").start()
    ... point the app at twilio.url ...
    [sms] = twilio.wait_for(lambda r: r["to"] == "+447700900123")
    twilio.status_callback(sms, "delivered")
    twilio.stop()
"""
import base64
import hashlib
import hmac
import json
import re
import secrets
import select
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_VERSION = "2010-04-01"
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
PATH = re.compile(r"^/2010-04-01/Accounts/([^/]+)/(Messages|Calls)\.json$")
MAX_BODY = 1600  # Twilio refuses a longer Body with 21617 (counted here in code points)
MAX_TWIML = 4000  # Twilio refuses longer inline Twiml with 32018

# GSM 03.38: the basic set costs one septet, the extension set two; anything else forces UCS-2. Only used to
# give num_segments the value Twilio would report.
GSM_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = set("^{}\\[~]|€")


def signature(auth_token, url, params):
    """X-Twilio-Signature as Twilio documents it: the full URL (query string included), then each POST parameter's
    name and value, sorted by name (a repeated name contributes each value in order), HMAC-SHA1 keyed with the
    auth token, base64. `params` is a dict (str or list values) or a list of (name, value) pairs."""
    items = params.items() if isinstance(params, dict) else params
    pairs = [(k, v) for k, vs in items for v in (vs if isinstance(vs, (list, tuple)) else [vs])]
    # sorted() is stable, so values of a repeated name keep their order.
    data = url + "".join(k + v for k, v in sorted(pairs, key=lambda kv: kv[0]))
    return base64.b64encode(hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()).decode()


compute_signature = signature  # post_webhook's keyword argument `signature` hides the function's name


def post_webhook(url, params, auth_token, *, signature=None, signed_url=None, timeout=10):
    """POST `params` form-encoded to `url` as Twilio does, with X-Twilio-Signature computed over `signed_url`
    (default `url`: give the public URL when the app sits behind one) unless a `signature` is given (to send a
    wrong one). Returns (status, body text); an HTTP error status is returned, not raised."""
    sig = signature if signature is not None else compute_signature(auth_token, signed_url or url, params)
    body = urllib.parse.urlencode(params, doseq=True).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        "X-Twilio-Signature": sig,
        "User-Agent": "TwilioProxy/1.1",
    })
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def num_segments(body):
    """The number of SMS segments Twilio would bill for `body` (GSM-7: 160, or 153 each when split; UCS-2: 70,
    or 67 each; characters outside the BMP take two UCS-2 units)."""
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in body):
        units, single, multi = sum(2 if c in GSM_EXTENDED else 1 for c in body), 160, 153
    else:
        units, single, multi = sum(2 if ord(c) > 0xFFFF else 1 for c in body), 70, 67
    return 1 if units <= single else -(-units // multi)


def _twilio_date():
    return datetime.now(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")  # Twilio's RFC 2822 form


def _sid(prefix):
    return prefix + secrets.token_hex(16)


def _http_url(value):
    parts = urllib.parse.urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class _Refusal(Exception):
    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


class FakeTwilio:
    def __init__(self, account_sid, auth_token):
        self.account_sid, self.auth_token = account_sid, auth_token
        self.requests_received = 0
        self.accepted = []  # every accepted message and call, in order
        self.refused = []  # {"time", "path", "status", "code", "message"}
        self.hanging = threading.Event()  # set while at least one request is being held
        self._lock = threading.Condition()
        self._fail = []  # statuses for the next valid requests to get instead of 201
        self._hang = 0
        self._held = []  # one Event per held request, set by release()
        self._server = None

    # --- lifecycle ---

    def start(self):
        fake = self

        class Handler(_Handler):
            twilio = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A short poll interval, so that stop() (which waits for the loop to notice) takes milliseconds.
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True, name="fake-twilio").start()
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self):
        self.release()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- what was received ---

    def messages(self, to=None):
        return self._records("message", to)

    def calls(self, to=None):
        return self._records("call", to)

    def _records(self, kind, to):
        with self._lock:
            return [r for r in self.accepted if r["kind"] == kind and (to is None or r["to"] == to)]

    def wait_for(self, predicate, timeout=5.0):
        """The accepted records (messages and calls) matching `predicate`, as soon as there is at least one."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [r for r in self.accepted if predicate(r)]
                if found:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no matching Twilio request within {timeout}s; accepted: "
                                         f"{[(r['kind'], r['to']) for r in self.accepted]}, refused: {self.refused}")
                self._lock.wait(left)

    def clear(self):
        with self._lock:
            self.accepted.clear()
            self.refused.clear()
            self._fail.clear()
            self._hang = 0
            self.requests_received = 0

    # --- failure injection ---

    def fail_next(self, n, status=500):
        """The next n requests that would be accepted get `status` (429, 500 or 503) instead, and are not
        recorded as accepted."""
        assert status in _FAILURES, f"fail_next supports {sorted(_FAILURES)}"
        with self._lock:
            self._fail.extend([status] * n)

    def hang_next(self, n):
        """The next n requests are read in full, then held unanswered until release() or the client leaves."""
        with self._lock:
            self._hang += n

    def wait_hanging(self, timeout=5.0):
        return self.hanging.wait(timeout)

    def release(self):
        """Let every held request go on to be checked and answered as usual."""
        with self._lock:
            held, self._held = self._held, []
            self.hanging.clear()
        for event in held:
            event.set()

    # --- Twilio calling the app ---

    def status_callback(self, record, status, *, error_code=None, signed_url=None):
        """POST a status callback for an accepted message or call to its StatusCallback, signed, with the fields
        Twilio sends. Returns (status, body)."""
        form = record["form"]
        if "StatusCallback" not in form:
            raise ValueError(f"{record['sid']} was sent without a StatusCallback")
        if record["kind"] == "message":
            params = {"MessageSid": record["sid"], "MessageStatus": status, "SmsSid": record["sid"],
                      "SmsStatus": status}
        else:
            params = {"CallSid": record["sid"], "CallStatus": status, "Direction": "outbound-api"}
        params.update({"AccountSid": self.account_sid, "From": form.get("From", ""), "To": form["To"],
                       "ApiVersion": API_VERSION})
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        return post_webhook(form["StatusCallback"], params, self.auth_token, signed_url=signed_url)

    def reply(self, from_number, to_number, body, webhook_url, *, signed_url=None):
        """POST an incoming SMS to the app's messaging webhook as Twilio does, signed. Returns (status, body)."""
        sid = _sid("SM")
        params = {"MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid, "AccountSid": self.account_sid,
                  "From": from_number, "To": to_number, "Body": body, "NumMedia": "0",
                  "NumSegments": str(num_segments(body)), "ApiVersion": API_VERSION}
        return post_webhook(webhook_url, params, self.auth_token, signed_url=signed_url)

    # --- the API, called by the handler ---

    def _handle(self, method, path, headers, body):
        """Check one request as Twilio would; returns (kind, form, response dict) or raises _Refusal."""
        if not self._authorized(headers.get("Authorization", "")):
            raise _Refusal(401, 20003, "Authenticate", {"WWW-Authenticate": 'Basic realm="Twilio API"'})
        match = PATH.match(urllib.parse.urlsplit(path).path)
        if not match or match.group(1) != self.account_sid:
            raise _Refusal(404, 20404, f"The requested resource {path} was not found")
        if method != "POST":
            raise _Refusal(405, 20004, "Method not allowed")
        form = self._form(headers.get("Content-Type", ""), body)
        kind = "message" if match.group(2) == "Messages" else "call"
        response = self._check_message(form) if kind == "message" else self._check_call(form)
        with self._lock:
            failure = self._fail.pop(0) if self._fail else None
        if failure:
            code, message = _FAILURES[failure]
            raise _Refusal(failure, code, message, {"Retry-After": "1"} if failure == 429 else {})
        return kind, form, response

    def _authorized(self, header):
        scheme, _, encoded = header.partition(" ")
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except ValueError:
            return False
        # Compare both halves in constant time, and always both.
        ok_user = hmac.compare_digest(user.encode(), self.account_sid.encode())
        ok_password = hmac.compare_digest(password.encode(), self.auth_token.encode())
        return scheme.lower() == "basic" and ok_user and ok_password

    @staticmethod
    def _form(content_type, body):
        # Twilio reads parameters only from a form body: a JSON body leaves none, so the request then fails on
        # the first required one ("A 'To' phone number is required."), which is what Twilio answers too.
        if content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
            return {}
        try:
            parsed = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True,
                                           encoding="utf-8", errors="strict")
        except ValueError as error:  # includes UnicodeDecodeError
            raise _Refusal(400, 20001, f"Invalid form body: {error}")
        # Twilio's parameters are single-valued; the last value given wins, as with Twilio.
        return {name: values[-1] for name, values in parsed.items()}

    def _check_message(self, form):
        to, sender, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
        if not to:
            raise _Refusal(400, 21604, "A 'To' phone number is required.")
        if not sender and not form.get("MessagingServiceSid"):
            raise _Refusal(400, 21603, "A 'From' phone number is required.")
        if not E164.match(to):
            raise _Refusal(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if not body and not form.get("MediaUrl") and not form.get("ContentSid"):
            raise _Refusal(400, 21602, "Message body is required.")
        if len(body) > MAX_BODY:
            raise _Refusal(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        self._check_callback(form)
        sid = _sid("SM")
        now = _twilio_date()
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}"
        return {
            "sid": sid, "account_sid": self.account_sid, "api_version": API_VERSION, "to": to,
            "from": sender or None, "messaging_service_sid": form.get("MessagingServiceSid"), "body": body,
            # Sent through a messaging service without From, Twilio first reports "accepted".
            "status": "queued" if sender else "accepted", "num_segments": str(num_segments(body)),
            "num_media": "1" if form.get("MediaUrl") else "0", "direction": "outbound-api",
            "date_created": now, "date_updated": now, "date_sent": None, "error_code": None,
            "error_message": None, "price": None, "price_unit": "USD", "uri": uri + ".json",
            "subresource_uris": {"media": uri + "/Media.json"},
        }

    def _check_call(self, form):
        to, sender, url, twiml = (form.get(k, "") for k in ("To", "From", "Url", "Twiml"))
        if not to:
            raise _Refusal(400, 21201, "No 'To' number is specified")
        if not sender:
            raise _Refusal(400, 21213, "No 'From' number is specified")
        if not E164.match(to):
            raise _Refusal(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        # Twilio takes Url or Twiml (or an ApplicationSid, unused here). Given both, Twilio silently ignores
        # Twiml, which would hide a client bug, so this fake refuses that as well.
        if bool(url) == bool(twiml):
            raise _Refusal(400, 21205, "Url parameter is required." if not url else "Give Url or Twiml, not both.")
        if url and not _http_url(url):
            raise _Refusal(400, 21205, f"Url is not a valid URL: {url}")
        if len(twiml) > MAX_TWIML:
            raise _Refusal(400, 32018, "Twiml size exceeded maximum allowed value of 4000 characters")
        self._check_callback(form)
        sid = _sid("CA")
        now = _twilio_date()
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Calls/{sid}"
        return {
            "sid": sid, "account_sid": self.account_sid, "api_version": API_VERSION, "to": to,
            "to_formatted": to, "from": sender, "from_formatted": sender, "status": "queued",
            "direction": "outbound-api", "date_created": now, "date_updated": now, "start_time": None,
            "end_time": None, "duration": None, "price": None, "price_unit": "USD", "answered_by": None,
            "queue_time": "0", "uri": uri + ".json",
            "subresource_uris": {"notifications": uri + "/Notifications.json", "recordings": uri + "/Recordings.json"},
        }

    @staticmethod
    def _check_callback(form):
        callback = form.get("StatusCallback")
        if callback is not None and not _http_url(callback):
            raise _Refusal(400, 21609, f"The StatusCallback URL {callback} is not a valid URL.")

    def _record(self, kind, form, response):
        record = {"kind": kind, "sid": response["sid"], "to": form["To"], "from": form.get("From"),
                  "body": form.get("Body") if kind == "message" else None, "form": form, "response": response,
                  "time": time.time()}
        with self._lock:
            self.accepted.append(record)
            self._lock.notify_all()

    def _refused(self, path, status, code, message):
        with self._lock:
            self.refused.append({"time": time.time(), "path": path, "status": status, "code": code,
                                 "message": message})
            self._lock.notify_all()


_FAILURES = {429: (20429, "Too Many Requests"), 500: (20500, "Internal Server Error"),
             503: (20503, "Service Unavailable")}


class _Handler(BaseHTTPRequestHandler):
    twilio: FakeTwilio
    protocol_version = "HTTP/1.1"  # keep-alive, as the app's HTTP client expects of Twilio
    server_version = "FakeTwilio/1.0"

    def log_message(self, *args):  # quiet: the records say what happened
        pass

    def do_GET(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def _serve(self):
        twilio = self.twilio
        body = self._read_body()
        with twilio._lock:
            twilio.requests_received += 1
            hang = twilio._hang > 0
            if hang:
                twilio._hang -= 1
                released = threading.Event()
                twilio._held.append(released)
                twilio.hanging.set()
        if hang and not self._hold(released):
            self.close_connection = True
            with twilio._lock:
                if released in twilio._held:
                    twilio._held.remove(released)
                if not twilio._held:
                    twilio.hanging.clear()
            twilio._refused(self.path, None, None, "client left while the request was held")
            return
        try:
            kind, form, response = twilio._handle(self.command, self.path, self.headers, body)
        except _Refusal as refusal:
            twilio._refused(self.path, refusal.status, refusal.code, refusal.message)
            self._send(refusal.status, {"code": refusal.code, "message": refusal.message,
                                        "more_info": f"https://www.twilio.com/docs/errors/{refusal.code}",
                                        "status": refusal.status}, refusal.headers)
            return
        if not hang:
            # Recorded before answering, so a client that saw its 201 finds the record already there.
            twilio._record(kind, form, response)
            self._send(201, response)
        elif self._send(201, response):
            # A held request counts only if its answer could be written after the release.
            twilio._record(kind, form, response)
        else:
            twilio._refused(self.path, None, None, "answer after release could not be written")

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _hold(self, released):
        """Wait for release(); False if the client closed the connection first."""
        while not released.wait(0.05):
            if self._client_gone():
                return False
        return not self._client_gone()

    def _client_gone(self):
        readable, _, _ = select.select([self.connection], [], [], 0)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _send(self, status, payload, headers=None):
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
            return True
        except OSError:
            self.close_connection = True
            return False
