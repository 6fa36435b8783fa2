"""Self-tests of the stand-in servers (fake_twilio.py, mail_server.py): no app needed, a few seconds."""
import base64
import json
import smtplib
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from fake_twilio import FakeTwilio, post_webhook, signature
from mail_server import MailServer

SID = "AC" + "1" * 32
TOKEN = "test-auth-token"


# --- Twilio ---

def test_signature_matches_twilios_documented_example():
    # The worked example on Twilio's "Webhooks security" page.
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675310", "Digits": "1234",
              "From": "+14158675310", "To": "+18005551212"}
    assert signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params) == "GvWf1cFY/Q7PnoempGyD5oXAezc="
    # The same example as Twilio's SDKs test it (another caller number).
    params.update(Caller="+14158675309", From="+14158675309")
    assert signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_signature_orders_repeated_names_by_value_order():
    assert signature("k", "https://a/b", [("b", "2"), ("a", "y"), ("a", "x")]) == \
        signature("k", "https://a/b", {"a": ["y", "x"], "b": "2"})


@pytest.fixture
def twilio():
    fake = FakeTwilio(SID, TOKEN).start()
    yield fake
    fake.stop()


def call_api(twilio, resource, form=None, *, sid=SID, token=TOKEN, body=None, content_type=None, timeout=5):
    data = body if body is not None else urllib.parse.urlencode(form or {}).encode()
    request = urllib.request.Request(f"{twilio.url}/2010-04-01/Accounts/{sid}/{resource}.json", data=data,
                                     method="POST")
    request.add_header("Authorization", "Basic " + base64.b64encode(f"{SID}:{token}".encode()).decode())
    request.add_header("Content-Type", content_type or "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


SMS = {"To": "+447700900123", "From": "+447700900999", "Body": "Your referral was received.",
       "StatusCallback": "https://reachable.example/twilio/status?x=1"}


def test_good_message_accepted_and_recorded(twilio):
    status, _, body = call_api(twilio, "Messages", SMS)
    assert status == 201
    assert body["sid"].startswith("SM") and len(body["sid"]) == 34
    assert (body["status"], body["num_segments"], body["direction"]) == ("queued", "1", "outbound-api")
    assert body["uri"] == f"/2010-04-01/Accounts/{SID}/Messages/{body['sid']}.json"
    assert body["date_created"].endswith(" +0000")
    [record] = twilio.messages(to="+447700900123")
    assert record["sid"] == body["sid"] and record["body"] == SMS["Body"] and record["form"] == SMS
    assert twilio.requests_received == 1


def test_wrong_auth_is_401_20003(twilio):
    status, headers, body = call_api(twilio, "Messages", SMS, token="wrong")
    assert (status, body["code"], body["status"]) == (401, 20003, 401)
    assert headers["WWW-Authenticate"] == 'Basic realm="Twilio API"'
    assert body["more_info"] == "https://www.twilio.com/docs/errors/20003"
    assert twilio.messages() == [] and twilio.refused[0]["code"] == 20003


def test_other_account_in_path_is_404(twilio):
    status, _, body = call_api(twilio, "Messages", SMS, sid="AC" + "2" * 32)
    assert (status, body["code"]) == (404, 20404)


@pytest.mark.parametrize("change, code", [
    ({"To": "07700900123"}, 21211),
    ({"To": ""}, 21604),
    ({"From": ""}, 21603),
    ({"Body": ""}, 21602),
    ({"Body": "x" * 1601}, 21617),
    ({"StatusCallback": "/relative"}, 21609),
])
def test_bad_message_refused(twilio, change, code):
    form = {k: v for k, v in {**SMS, **change}.items() if v}
    status, _, body = call_api(twilio, "Messages", form)
    assert (status, body["code"]) == (400, code)
    if code == 21211:
        assert body["message"] == "The 'To' number 07700900123 is not a valid phone number."
    assert twilio.messages() == []


def test_json_body_refused(twilio):
    status, _, body = call_api(twilio, "Messages", body=json.dumps(SMS).encode(), content_type="application/json")
    assert (status, body["code"]) == (400, 21604)
    assert twilio.messages() == []


def test_fail_next_429_then_success(twilio):
    twilio.fail_next(1, 429)
    status, headers, body = call_api(twilio, "Messages", SMS)
    assert (status, body["code"], headers["Retry-After"]) == (429, 20429, "1")
    assert twilio.messages() == []
    assert call_api(twilio, "Messages", SMS)[0] == 201
    assert len(twilio.messages()) == 1


def test_hang_next_holds_until_release(twilio):
    twilio.hang_next(1)
    result = {}
    thread = threading.Thread(target=lambda: result.update(r=call_api(twilio, "Messages", SMS)))
    thread.start()
    assert twilio.wait_hanging(5)
    assert twilio.messages() == [] and thread.is_alive()
    twilio.release()
    thread.join(5)
    assert result["r"][0] == 201
    # A held request is recorded once its 201 has been written, which the client may read a moment before.
    assert len(twilio.wait_for(lambda r: True, timeout=2)) == 1 and not twilio.hanging.is_set()


def test_calls(twilio):
    call = {"To": "+447700900123", "From": "+447700900999", "Twiml": "<Response><Say>Hello</Say></Response>"}
    status, _, body = call_api(twilio, "Calls", call)
    assert status == 201 and body["sid"].startswith("CA") and body["status"] == "queued"
    assert twilio.calls(to="+447700900123")[0]["sid"] == body["sid"]
    status, _, body = call_api(twilio, "Calls", {"To": "+447700900123", "From": "+447700900999"})
    assert (status, body["code"]) == (400, 21205)
    assert call_api(twilio, "Calls", {**call, "Twiml": "x" * 4001})[2]["code"] == 32018


class _Webhook(BaseHTTPRequestHandler):
    """Records what reaches the 'app' and checks the signature the way the app should."""
    seen = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        params = urllib.parse.parse_qs(body, keep_blank_values=True)
        url = f"http://127.0.0.1:{self.server.server_address[1]}{self.path}"
        ok = self.headers["X-Twilio-Signature"] == signature(TOKEN, url, params)
        self.seen.append(params)
        self.send_response(204 if ok else 403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhooks_are_signed(twilio):
    app = ThreadingHTTPServer(("127.0.0.1", 0), _Webhook)
    threading.Thread(target=app.serve_forever, args=(0.05,), daemon=True).start()
    try:
        hook = f"http://127.0.0.1:{app.server_address[1]}/twilio/status?region=north"
        call_api(twilio, "Messages", {**SMS, "StatusCallback": hook})
        [sms] = twilio.wait_for(lambda r: r["to"] == SMS["To"])
        assert twilio.status_callback(sms, "delivered")[0] == 204
        assert _Webhook.seen[-1]["MessageStatus"] == ["delivered"]
        assert _Webhook.seen[-1]["ApiVersion"] == ["2010-04-01"]
        assert twilio.reply("+447700900123", "+447700900999", "STOP", hook)[0] == 204
        assert _Webhook.seen[-1]["Body"] == ["STOP"]
        assert post_webhook(hook, {"Body": "x"}, TOKEN, signature="forged")[0] == 403
    finally:
        app.shutdown()
        app.server_close()


# --- Mail ---

@pytest.fixture
def mail():
    server = MailServer("reachable", "s3cret pass").start()
    yield server
    server.stop()


def message(to="ana@example.org"):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "noreply@reachable.test", to, "Your referral"
    msg.set_content("Received.")
    return msg


def client(mail):
    # Connected by the name "localhost", which smtplib's starttls() then checks the certificate against.
    smtp = smtplib.SMTP("localhost", mail.port, local_hostname="localhost", timeout=5)
    smtp.starttls(context=ssl.create_default_context(cafile=mail.ca_file))
    return smtp


def test_starttls_login_and_send(mail):
    with client(mail) as smtp:
        smtp.login("reachable", "s3cret pass")
        smtp.send_message(message())
    [received] = mail.wait_for(lambda m: "ana@example.org" in m["rcpt_tos"])
    assert received["tls"] is True and received["user"] == "reachable"
    assert received["mail_from"] == "noreply@reachable.test"
    assert received["message"]["Subject"] == "Your referral"
    assert received["message"].get_content().strip() == "Received."
    assert mail.messages(to="ANA@example.org") == [received]


def test_certificate_verification_is_real(mail):
    # The same certificate does not pass for another name, and not at all without trusting ca_file.
    for name, context in [("127.0.0.2", ssl.create_default_context(cafile=mail.ca_file)),
                          ("localhost", ssl.create_default_context())]:
        smtp = smtplib.SMTP(local_hostname="localhost", timeout=5)
        smtp.connect(mail.host, mail.port)
        smtp._host = name  # the name smtplib's starttls() checks the certificate against
        with pytest.raises(ssl.SSLCertVerificationError):
            smtp.starttls(context=context)
        smtp.close()


def test_auth_before_starttls_refused(mail):
    with smtplib.SMTP(mail.host, mail.port, local_hostname="localhost", timeout=5) as smtp:
        smtp.ehlo()
        assert not smtp.has_extn("auth")  # not even offered in clear
        credentials = base64.b64encode(b"\0reachable\0s3cret pass").decode()
        assert smtp.docmd("AUTH", "PLAIN " + credentials)[0] == 530
        assert smtp.docmd("MAIL", "FROM:<noreply@reachable.test>")[0] == 530
    assert mail.messages() == []


def test_wrong_password_refused(mail):
    with client(mail) as smtp:
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            smtp.login("reachable", "wrong")
        assert refused.value.smtp_code == 535
        with pytest.raises(smtplib.SMTPSenderRefused):  # auth_required: nothing without AUTH
            smtp.send_message(message())
    assert mail.messages() == []


def test_refuse_next_gives_451_once(mail):
    mail.refuse_next(1)
    with client(mail) as smtp:
        smtp.login("reachable", "s3cret pass")
        with pytest.raises(smtplib.SMTPDataError) as refused:
            smtp.send_message(message())
        assert refused.value.smtp_code == 451 and b"4.3.0 Try again later" in refused.value.smtp_error
        assert mail.messages() == []
        smtp.send_message(message())
    assert len(mail.messages()) == 1


def test_refuse_next_at_rcpt(mail):
    mail.refuse_next(1, stage="RCPT")
    with client(mail) as smtp:
        smtp.login("reachable", "s3cret pass")
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            smtp.send_message(message())
        assert refused.value.recipients["ana@example.org"][0] == 451
        smtp.send_message(message())
    assert len(mail.messages()) == 1


def test_hang_next_client_leaving_is_not_accepted(twilio):
    twilio.hang_next(1)
    with pytest.raises(OSError):  # the client gives up: a timeout
        call_api(twilio, "Messages", SMS, timeout=0.5)
    deadline = time.monotonic() + 2
    while not [r for r in twilio.refused if r["status"] is None] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [r["message"] for r in twilio.refused] == ["client left while the request was held"]
    assert twilio.messages() == [] and not twilio.hanging.is_set()
    assert call_api(twilio, "Messages", SMS)[0] == 201  # the next request is answered at once
