"""Alerts that reach people who are not looking at a screen (SPEC §2.10), with real parts on loopback.

- Email goes to a real SMTP server (aiosmtpd) that demands STARTTLS and then a password: a new account's set-up
  link reaches the person, and is never on the admin's screen.
- Text messages and calls go to a local server that checks each request as Twilio's API does and answers as
  Twilio does (e2e/fake_twilio.py), including a rate limit; Twilio's signed webhooks come back the same way.
- A browser journey: a visit goes overdue; the worker's text arrives (after a 429 and a retry); nobody replies;
  the on-call manager's text and email arrive; the manager acknowledges by the email's link; nothing more is
  sent; the alerts page and the audit log tell the story.
- Two instances on one PostgreSQL: one is killed with SIGKILL while its send is held open by the provider; the
  other sends the message once, after the dead one's claim runs out.
"""
import datetime
import re
import time
import urllib.parse
import urllib.request
from zoneinfo import ZoneInfo

import pyotp
import pytest

import fake_twilio
from conftest import Browser, Server, binary, http_sign_in
from mail_server import MailServer

LONDON = ZoneInfo("Europe/London")
SID = "AC" + "0123456789abcdef" * 2
TOKEN = "e2e-twilio-auth-token"
WORKER_PHONE, MANAGER_PHONE = "+447700900101", "+447700900102"


def demo_accounts(env: dict) -> dict:
    """`reachable demo`: every demo account's email and TOTP secret by its name, and the password for all."""
    import subprocess
    result = subprocess.run([binary(), "demo", "--seed", "17"], env=env, capture_output=True, text=True, check=True)
    password = re.search(r"password for all: ([^)]+)\)", result.stderr).group(1)
    accounts = {"password": password}
    for line in result.stderr.splitlines():
        parts = line.split()
        if parts and parts[0].endswith("@demo.reachable.example"):
            accounts[parts[0].split("@")[0]] = {"email": parts[0], "secret": parts[-1]}
    return accounts


def alert_settings(mail: MailServer, twilio: fake_twilio.FakeTwilio) -> dict:
    return {"REACHABLE_SMTP_HOST": "localhost", "REACHABLE_SMTP_PORT": str(mail.port), "REACHABLE_SMTP_SECURITY": "starttls",
            "REACHABLE_SMTP_USERNAME": "reachable", "REACHABLE_SMTP_PASSWORD": "smtp-secret",
            "REACHABLE_SMTP_FROM": "Reachable alerts <alerts@service.example.org>", "REACHABLE_SMTP_CA_FILE": str(mail.ca_file),
            "REACHABLE_TWILIO_ACCOUNT_SID": SID, "REACHABLE_TWILIO_AUTH_TOKEN": TOKEN, "REACHABLE_TWILIO_FROM": "+447700900999",
            "REACHABLE_TWILIO_API_URL": twilio.url, "REACHABLE_ALERT_STEP_MINUTES": "1"}


@pytest.fixture(scope="module")
def providers():
    mail = MailServer("reachable", "smtp-secret").start()
    twilio = fake_twilio.FakeTwilio(SID, TOKEN).start()
    yield mail, twilio
    twilio.stop()
    mail.stop()


@pytest.fixture(scope="module")
def alerting(providers):
    mail, twilio = providers
    server = Server(before_serve=lambda s: demo_accounts(s.env), settings=alert_settings(mail, twilio))
    yield server, mail, twilio
    server.stop()


class Session:
    """A signed-in person without a browser (cookies kept by hand, as conftest's http_sign_in does)."""

    def __init__(self, base: str, account: dict, password: str):
        self.base = base
        self.cookies = http_sign_in(base, account["email"], password, account["secret"])

    def get(self, path: str) -> str:
        request = urllib.request.Request(self.base + path, headers={"Cookie": self.cookie()})
        return urllib.request.urlopen(request).read().decode()

    def post(self, path: str, fields: list[tuple[str, str]], token_from: str) -> tuple[int, str]:
        token = re.search(r'name="_csrf" value="([^"]+)"', self.get(token_from)).group(1)
        data = urllib.parse.urlencode(fields + [("_csrf", token)]).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Cookie": self.cookie()})
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


def texted_code(twilio: fake_twilio.FakeTwilio, phone: str) -> str:
    """The code Reachable texted to confirm a new number."""
    [record] = twilio.wait_for(lambda r: r["to"] == phone and "your code" in (r["body"] or ""), timeout=40)
    return re.search(r"\b(\d{6})\b", record["body"]).group(1)


def is_alert_to(phone: str):
    return lambda r: r["to"] == phone and r["kind"] == "message" and "AL-" in (r["body"] or "")


def local(seconds_from_now: int) -> str:
    return (datetime.datetime.now(LONDON) + datetime.timedelta(seconds=seconds_from_now)).strftime("%Y-%m-%dT%H:%M:%S")


def test_set_up_link_goes_by_email_over_starttls_and_never_to_the_admins_screen(alerting):
    server, mail, _ = alerting
    accounts = server.prepared
    admin = Session(server.base, accounts["admin"], accounts["password"])
    mail.refuse_next(1)  # 451 at DATA: the first attempt fails, the retry goes
    status, page = admin.post("/admin/users/new", [("email", "new.commissioner@example.org"), ("name", "New Commissioner"),
                                                   ("role", "commissioner"), ("region", "")], token_from="/admin/users/new")
    assert status == 200 and 'id="setup-link-sent"' in page, page[:500]
    assert "/set-up/" not in page, "the admin never sees the link"
    [received] = mail.wait_for(lambda m: "new.commissioner@example.org" in m["rcpt_tos"], timeout=90)
    assert received["tls"] and received["user"] == "reachable", "STARTTLS, then authenticated"
    message = received["message"]
    assert message["From"] == "Reachable alerts <alerts@service.example.org>" and message["Message-ID"]
    link = re.search(r"(http://\S+/set-up/\S+)", message.get_content()).group(1)
    assert urllib.request.urlopen(link).status == 200, "the link in the email opens the set-up page"


def sign_in(browser: Browser, account: dict, password: str):
    browser.open("/sign-in")
    browser.fill("email", account["email"])
    browser.fill("password", password)
    browser.submit("Continue")
    browser.fill("code", pyotp.TOTP(account["secret"]).now())
    browser.submit("Sign in")
    assert browser.path == "/", browser.text()[:300]


def test_overdue_visit_escalates_to_the_on_call_manager_who_acknowledges_by_the_link(alerting):
    server, mail, twilio = alerting
    accounts, password = server.prepared, server.prepared["password"]
    manager = Browser(server)
    try:
        sign_in(manager, accounts["manager.west-midlands"], password)
        # The manager says how to reach them and puts themselves on call; the worker gives a mobile number.
        manager.open("/account/alerts", "account-alerts")
        manager.fill("phone", "07700 900102")
        manager.tick("channel-sms")
        manager.tick("channel-voice")
        manager.tick("channel-email")
        manager.submit("Save")
        assert "How you are alerted is saved" in manager.text()
        # A new number is used once the code texted to it is typed back.
        manager.fill("code", texted_code(twilio, MANAGER_PHONE))
        manager.submit("Confirm the number")
        assert "Your number is confirmed" in manager.text(), manager.text()[:400]
        manager.open("/on-call", "on-call")
        manager.fill("person", manager.driver.find_element("xpath", "//select[@id='person']/option[contains(., 'manager')]").get_attribute("value"))
        manager.fill("role", "manager")
        manager.fill("startsAt", local(-120))
        manager.fill("endsAt", local(6 * 3600))
        manager.submit("Add to the rota")
        assert "Added to the rota" in manager.text()
        worker = Session(server.base, accounts["caseworker.west-midlands"], password)
        status, _ = worker.post("/account/alerts", [("phone", "07700 900101"), ("channels[]", "sms")], token_from="/account/alerts")
        assert status == 200
        status, _ = worker.post("/account/alerts/confirm", [("code", texted_code(twilio, WORKER_PHONE))], token_from="/account/alerts")
        assert status == 200
        twilio.fail_next(1, 429)  # Twilio's rate limit: the first attempt is refused, the retry goes
        status, _ = worker.post("/lone-working", [("place", "Flat 9, Soho Road"), ("expectedEnd", local(20))], token_from="/lone-working")
        assert status == 200

        [to_worker] = twilio.wait_for(is_alert_to(WORKER_PHONE), timeout=120)
        assert "Reply OK" in to_worker["body"] and "Soho" not in to_worker["body"]
        assert to_worker["form"]["StatusCallback"].endswith("/webhooks/twilio/status")
        assert any(r["status"] == 429 for r in twilio.refused), "the first attempt met the rate limit"
        # Twilio reports delivery, signed.
        status, _ = twilio.status_callback(to_worker, "delivered", signed_url=None)
        assert status == 200

        # Nobody replies: a step later, the manager on call by text and by email.
        [to_manager] = twilio.wait_for(is_alert_to(MANAGER_PHONE), timeout=150)
        [mailed] = mail.wait_for(lambda m: "manager.west-midlands@demo.reachable.example" in m["rcpt_tos"], timeout=60)
        assert "Soho" not in to_manager["body"] and "Soho" not in mailed["message"].get_content()
        [call] = twilio.wait_for(lambda r: r["kind"] == "call" and r["to"] == MANAGER_PHONE, timeout=30)
        twiml = call["form"]["Twiml"]
        assert "<Gather" in twiml and "/webhooks/twilio/voice?message=" in twiml and "Soho" not in twiml
        link = re.search(r"(http://\S+/alerts/ack/\S+)", mailed["message"].get_content()).group(1)

        manager.open(link, "alert-acknowledge")
        assert "works once" in manager.text()
        manager.submit("Acknowledge")
        assert "you have acknowledged it" in manager.text()
        sent_before = len(twilio.messages()) + len(mail.received)
        time.sleep(80)  # more than a step: nothing more goes to anyone
        assert len(twilio.messages()) + len(mail.received) == sent_before, "acknowledged: nothing more is sent"

        manager.open("/alerts", "alerts")
        story = manager.text()
        assert "Lone-working visit overdue" in story and "by the link in a message" in story, story[:800]
        admin = Session(server.base, accounts["admin"], password)
        for action in ["alert.raised", "alert.send_failed", "alert.sent", "alert.delivery", "alert.escalated", "alert.acknowledged"]:
            audit = admin.get(f"/admin/audit?action={action}")
            count = int(re.search(r'id="audit-count">(\d+) entries', audit).group(1))
            assert count >= 1, f"the audit log tells the story: {action}"
    finally:
        manager.close()


def test_a_sender_killed_mid_send_leaves_the_message_to_the_other_instance_which_sends_it_once(providers, tmp_path):
    """Two instances on one PostgreSQL. The provider holds the first instance's request open; the first instance is
    killed with SIGKILL while it waits (so the kill comes mid-send: nothing was accepted yet); the second sends the
    message once its claim runs out, and no second copy follows."""
    import os
    import uuid
    from test_operations import Instance, psql
    admin_url = os.environ.get("TEST_DATABASE_URL")
    if not admin_url:
        pytest.skip("TEST_DATABASE_URL names no PostgreSQL server")
    mail, twilio = providers
    name = "reachable_alerts_" + uuid.uuid4().hex[:10]
    psql(admin_url, f"CREATE DATABASE {name}")
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    phone = "+447700900201"

    class AlertInstance(Instance):
        def env(self) -> dict:
            env = super().env()
            env.update(alert_settings(mail, twilio), REACHABLE_BASE_URL=f"http://127.0.0.1:{self.port}")
            return env

    first, second = AlertInstance(tmp_path, url, "first"), AlertInstance(tmp_path, url, "second")
    try:
        accounts = demo_accounts(first.env())
        first.start()
        worker = Session(f"http://127.0.0.1:{first.port}", accounts["caseworker.london"], accounts["password"])
        status, _ = worker.post("/account/alerts", [("phone", "07700 900201"), ("channels[]", "sms")], token_from="/account/alerts")
        assert status == 200
        status, _ = worker.post("/account/alerts/confirm", [("code", texted_code(twilio, phone))], token_from="/account/alerts")
        assert status == 200
        twilio.hang_next(1)
        status, _ = worker.post("/lone-working", [("place", "Station forecourt"), ("expectedEnd", local(5))], token_from="/lone-working")
        assert status == 200
        assert twilio.wait_hanging(timeout=90), "the first instance's send reached the provider"
        assert not [r for r in twilio.messages(to=phone) if "AL-" in r["body"]], "held open: nothing accepted yet"
        assert psql(url, "SELECT status FROM alert_messages WHERE alert_id IS NOT NULL AND channel = 'sms'") == "sending", "claimed, mid-send"
        second.start()
        first.kill()
        [sent] = twilio.wait_for(is_alert_to(phone), timeout=150)
        assert "Station" not in sent["body"]
        time.sleep(35)  # two more ticks of the survivor: no second copy
        assert len([r for r in twilio.messages(to=phone) if "AL-" in r["body"]]) == 1, "sent once"
        assert psql(url, "SELECT status || ' ' || attempts FROM alert_messages WHERE alert_id IS NOT NULL AND channel = 'sms'") == "sent 2"
        assert any(r["path"].endswith("/Messages.json") for r in twilio.refused), "the held request ended with its sender"
    finally:
        for instance in (first, second):
            instance.stop()
        for attempt in range(5):
            try:
                psql(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                break
            except Exception:
                time.sleep(1)
