"""The idle timeout at 2 a.m., in a real browser: a caseworker types a contact note, the session ends while the
page is open, they send it anyway, sign in again, and save it with one button; the note is on the case.

A server of its own, with the shortest idle timeout the settings allow (one minute), so the journey waits about
a minute instead of half an hour; the warning before the timeout is checked on the page as it loads.
"""
import re
import time

import pyotp
import pytest
from selenium.webdriver.common.by import By

from conftest import Browser, Server
from test_crawl import demo_accounts, own_open_case, Crawler

IDLE_MINUTES = 1


@pytest.fixture(scope="module")
def short_session_server():
    s = Server(before_serve=demo_accounts, settings={"REACHABLE_SESSION_IDLE_MINUTES": str(IDLE_MINUTES)})
    yield s
    s.stop()


def sign_in(b: Browser, account: dict, lands_on: str):
    b.open("/sign-in")
    b.fill("email", account["email"])
    b.fill("password", account["password"])
    b.submit("Continue")
    b.fill("code", pyotp.TOTP(account["secret"]).now())
    b.submit("Sign in")
    assert b.path == lands_on, f"{account['email']} reached {b.path}: {b.text()[:300]}"


def test_a_note_typed_as_the_session_ends_is_saved_after_signing_in_again(short_session_server):
    server = short_session_server
    account = server.prepared["caseworker"]
    c = Crawler(server, "caseworker")
    b = c.browser
    try:
        sign_in(b, account, "/")
        case = own_open_case(c)
        assert b.driver.find_element(By.ID, "session-timeout").text.startswith("For safety you are signed out after 1 minute without")
        note = f"Seen at New Street at 02:10 with two older males ({int(time.time())})"
        b.fill("notes", note)
        b.fill("durationMinutes", "20")
        # The session ends while the page is open (the server's clock: a minute without a request).
        time.sleep(IDLE_MINUTES * 60 + 5)
        b.submit("Save contact")
        assert b.path.startswith("/sign-in"), b.path
        assert "it is kept for you" in b.text(), b.text()[:300]
        b.check("sign-in-kept")
        sign_in(b, account, "/kept")
        assert note in b.text()
        b.check("kept")
        b.submit("Save it")
        assert b.path.startswith(case), b.path
        assert "Contact saved." in b.text()
        assert note in b.text(), "the note is on the case"
        assert not b.driver.find_elements(By.CSS_SELECTOR, ".error-summary")
    finally:
        c.close()
