"""axe-core on every page each role can reach, not only the pages the journeys happen to visit.

A server with `reachable demo` data; each demo role signs in in a real browser (password, then a TOTP code) and
crawls breadth-first from the home page, following same-origin links that answer with HTML (never a download,
never signing out). Addresses are grouped by route pattern (identifiers, references and numbers become
placeholders) and at most PER_PATTERN addresses of each pattern are visited. Every page is checked as the journeys
check theirs (conftest.Browser.check: axe at 375 and 1280 px, a screenshot of each, no script). Pages a crawl does
not reach by links are checked too: the sign-in page, the second-factor page, a page not found, a refusal, and
forms refused with their problems shown. All violations of a role are collected before the test fails, so one
run names them all.
"""
import collections
import contextlib
import re
import sys
import time
import urllib.parse

import pyotp
import pytest
from selenium.webdriver.common.by import By

from conftest import OUT, Browser, Server

PER_PATTERN = 3
MAX_PAGES_PER_ROLE = 80
# The manager goes first: they add the records the demo data lacks, so that later crawls reach their pages too.
ROLES = ["manager", "caseworker", "national lead", "commissioner", "admin"]
HOME_REGION = "west-midlands"

# Route parameters that are words, not identifiers: a region's code, a code list's name.
WORD_PARAMETERS = [(re.compile(r"^/admin/regions/[^/]+"), "/admin/regions/{code}"),
                   (re.compile(r"^/admin/code-lists/[^/]+"), "/admin/code-lists/{list}")]
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
REFERENCE = re.compile(r"^[A-Z]{2,4}-\d{4}-\d+$")  # WM-2025-00012
NUMBER = re.compile(r"^\d+$")
# Addresses never followed: the crawl must stay signed in and must not download files.
SKIPPED = re.compile(r"^/(sign-out|account/sign-out-everywhere|account/sessions/|api/|metrics|health|ready)|\.(csv|json|zip|pdf)$")


def pattern_of(url: str) -> str:
    """A route pattern: /cases/{id}, /referrals?page={v}&status=accepted, /admin/regions/{code}."""
    parts = urllib.parse.urlsplit(url)
    segments = []
    for segment in parts.path.split("/"):
        if UUID.match(segment):
            segment = "{id}"
        elif REFERENCE.match(segment):
            segment = "{ref}"
        elif NUMBER.match(segment):
            segment = "{n}"
        segments.append(segment)
    path = "/".join(segments) or "/"
    for expression, placeholder in WORD_PARAMETERS:
        path = expression.sub(placeholder, path)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    if not query:
        return path
    # A value with a digit in it (a page, a year, a date, an identifier) is a placeholder; words (a tab, a status,
    # a region) are kept, as they choose different pages.
    keys = sorted(f"{k}={'{v}' if re.search(r'[0-9]', v) else v}" for k, v in query)
    return path + "?" + "&".join(keys)


def demo_accounts(server: Server) -> dict:
    """Runs `reachable demo --seed 17` on the new database; returns one account per role it printed (a region's
    manager and caseworker from HOME_REGION when there is one), with the shared password."""
    printed = server.command("demo", "--seed", "17")
    password = re.search(r"password for all: ([^)]+)\)", printed).group(1)
    accounts: dict[str, dict] = {}
    for line in printed.splitlines():
        match = re.match(r"^\s+(\S+@\S+)\s+(.+?)\s{2,}([A-Z2-7]{16,})\s*$", line)
        if not match:
            continue
        email, label, secret = match.groups()
        role, _, region = label.partition(",")
        role, region = role.strip().lower(), region.strip()
        if role not in accounts or (region == HOME_REGION and accounts[role]["region"] != HOME_REGION):
            accounts[role] = {"email": email, "secret": secret, "region": region, "password": password}
    assert accounts, "reachable demo printed no accounts:\n" + printed
    return accounts


class Summary:
    def __init__(self):
        self.rows: list[str] = []
        self.visits: list[str] = []
        self.started = time.time()


@pytest.fixture(scope="module")
def demo_server():
    s = Server(before_serve=demo_accounts)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def summary(request):
    result = Summary()
    yield result
    lines = ["", f"== axe crawl (at most {PER_PATTERN} addresses per route pattern, each at both widths)",
             *result.rows, f"   {time.time() - result.started:.0f} s in all"]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "crawl-summary.txt").write_text("\n".join(lines[1:] + ["", "Addresses visited:"] + result.visits) + "\n")
    # Shown even when every test passed: the summary is printed outside pytest's capture.
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print("\n".join(lines), file=sys.stderr)


class Crawler:
    """One role's browser, collecting failures instead of stopping at the first."""

    def __init__(self, server: Server, role: str):
        self.server = server
        self.role = role
        self.slug = role.replace(" ", "-")
        self.browser = Browser(server)
        self.failures: list[str] = []
        self.pages = 0
        self.visits: list[str] = []

    def check(self, name: str):
        self.pages += 1
        self.failures += self.browser.problems(f"crawl-{self.slug}-{name}")

    def html_answer(self, url: str) -> tuple[int, str]:
        """The status and Content-Type the server gives a HEAD for `url`, asked from the page (same origin, so
        with this person's session cookie)."""
        answer = self.browser.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(arguments[0], {method: "HEAD", credentials: "same-origin", redirect: "follow"})
              .then(r => done([r.status, r.headers.get("content-type") || ""]), e => done([0, String(e)]));""", url)
        return answer[0], answer[1]

    def links(self) -> list[str]:
        hrefs = self.browser.driver.execute_script(
            "return Array.from(document.querySelectorAll('a[href]'), a => [a.href, a.hasAttribute('download')])")
        found = []
        for href, download in hrefs:
            if download:
                continue
            parts = urllib.parse.urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != self.server.base:
                continue
            url = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
            found.append(url)
        return found

    def sign_in(self, account: dict, check_second_factor: bool):
        b = self.browser
        b.open("/sign-in")
        b.fill("email", account["email"])
        b.fill("password", account["password"])
        b.submit("Continue")
        assert b.path.startswith("/sign-in/code"), f"{account['email']}: {b.text()[:300]}"
        if check_second_factor:
            self.check("sign-in-code")
            # A wrong code is refused, with the problem shown.
            b.fill("code", "000000" if pyotp.TOTP(account["secret"]).now() != "000000" else "111111")
            b.submit("Sign in")
            assert b.path.startswith("/sign-in"), b.path
            self.check("sign-in-code-refused")
        b.fill("code", pyotp.TOTP(account["secret"]).now())
        b.submit("Sign in")
        assert b.path == "/", f"{account['email']} did not reach the home page: {b.text()[:300]}"

    def crawl(self) -> tuple[int, int, list[str]]:
        """Breadth-first from the home page; returns how many addresses and patterns were visited and the
        addresses skipped as not HTML."""
        queue = ["/"]
        queued = {"/"}
        per_pattern: dict[str, int] = {pattern_of("/"): 1}
        visited = 0
        not_html: list[str] = []
        while queue and visited < MAX_PAGES_PER_ROLE:
            url = queue.pop(0)
            if url != "/":
                status, content_type = self.html_answer(url)
                if not content_type.startswith("text/html"):
                    not_html.append(f"{url} ({status} {content_type})")
                    continue
            self.browser.open(url)
            if self.browser.path.startswith("/sign-in"):
                raise AssertionError(f"{self.role} was signed out by visiting {url}")
            visited += 1
            self.visits.append(f"   {self.role}: {url} -> {self.browser.h1()[:60]!r}")
            name = re.sub(r"[^a-z0-9]+", "-", pattern_of(url).lower()).strip("-") or "home"
            self.check(f"{visited:03d}-{name}"[:90])
            for link in self.links():
                if link in queued or SKIPPED.search(urllib.parse.urlsplit(link).path):
                    continue
                key = pattern_of(link)
                if per_pattern.get(key, 0) >= PER_PATTERN:
                    continue
                per_pattern[key] = per_pattern.get(key, 0) + 1
                queued.add(link)
                queue.append(link)
        return visited, len(per_pattern), not_html

    def submit_refused(self, path: str, button: str, name: str, values: dict | None = None, within: str | None = None,
                       ticks: tuple = ()):
        """Opens the form at `path`, fills `values` (nothing else), turns off the browser's own checks so the
        server sees what was typed, submits, and checks the page that comes back with the problems."""
        b = self.browser
        b.open(path)
        for field, value in (values or {}).items():
            b.fill(field, value)
        for field in ticks:
            b.tick(field)
        b.driver.execute_script("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
        b.submit(button, within)
        assert b.driver.find_elements(By.CSS_SELECTOR, ".error-message, .error-summary"), \
            f"{self.role}: the form at {path} was not refused: {b.text()[:300]}"
        self.failures += refused_form_problems(b, name, values or {})
        self.check(name)

    def add_missing_records(self):
        """A place or group, and a partnership meeting with an action: the demo data has none, so no crawl would
        reach their pages."""
        b = self.browser
        b.open("/contexts")
        b.fill("name", "Crawl test: Broad Street underpass")
        b.submit("Add")
        b.open("/partnerships")
        b.fill("agencies", "Police, children's services")
        cases = b.driver.find_elements(By.CSS_SELECTOR, "input[name='cases[]']")
        if cases:
            cases[0].click()
        b.submit("Save meeting")
        if b.driver.find_elements(By.ID, "description"):
            b.fill("description", "Share the disruption plan")
            b.fill("owner", "Police")
            b.submit("Add action")

    def close(self):
        self.browser.close()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_passes_axe(demo_server, summary, role):
    accounts = demo_server.prepared
    if role not in accounts:
        pytest.skip(f"reachable demo printed no {role}")
    account = accounts[role]
    started = time.time()
    c = Crawler(demo_server, role)
    try:
        first = role == next(r for r in ROLES if r in accounts)
        if first:
            # Before anyone signs in: the sign-in page, and its refusal.
            c.browser.open("/sign-in")
            c.check("sign-in")
            c.browser.fill("email", "nobody@example.org")
            c.browser.fill("password", "not the password")
            c.browser.submit("Continue")
            c.check("sign-in-refused")
            c.browser.open("/no-such-page")
            c.check("not-found-signed-out")
            # The partners' front door: public, so checked before signing in, refusals included.
            for path, name in (("/refer", "refer"), ("/refer/urgent", "refer-urgent"), ("/refer/full", "refer-full")):
                c.browser.open(path)
                c.check(name)
            c.submit_refused("/refer/urgent", "Send the referral", "refer-urgent-refused",
                             {"who": "A boy, about 15", "referrerPhone": "call me"})
            c.submit_refused("/refer/full", "Send the referral", "refer-full-refused",
                             {"firstName": "Kai", "dateOfBirth": "2999-01-01", "referrerEmail": "not an address"})
        c.sign_in(account, check_second_factor=first)
        if role == "manager":
            c.add_missing_records()
        visited, patterns, not_html = c.crawl()
        # The phone header's menu (a <details>), open.
        c.browser.open("/")
        if c.browser.driver.execute_script(
                "const m = document.querySelector('details.menu'); if (m) { m.open = true; } return !!m"):
            c.check("menu-open")
        # Pages that no link reaches.
        c.browser.open("/no-such-page")
        assert c.browser.h1() == "Page not found", c.browser.text()[:300]
        c.check("not-found")
        if role == "admin":
            assert c.browser.status_of("/referrals")[0] == "You cannot do that"
            c.check("refused")
            c.submit_refused("/admin/users/new", "Create account", "user-new-refused", {"email": "not an address"})
        if role == "manager":
            c.browser.open("/cases")
            person = next((l for l in c.links() if l.startswith("/cases/")), None)
            if person:
                c.browser.open(person)
                person = c.browser.driver.execute_script(
                    "const a = document.querySelector('main a[href^=\"/people/\"]'); return a && a.getAttribute('href')")
            if person:
                c.submit_refused(person, "Open a subject access request", "subject-access-refused", {"requester": ""})
            c.browser.open("/partnerships")
            meeting = next((l for l in c.links() if l.startswith("/partnerships/")), None)
            if meeting:
                c.submit_refused(meeting, "Add action", "meeting-action-refused", {"description": "Share the plan", "owner": ""})
            c.submit_refused("/on-call", "Add to the rota", "on-call-refused", {"startsAt": "2030-01-02T09:00", "endsAt": "2030-01-01T09:00"})
            c.submit_refused("/account/alerts", "Save", "account-alerts-refused", {"phone": "call me <b>maybe</b>", "email": "not an address"},
                             ticks=("channel-sms",))
            c.browser.open("/staff")
            member = next((l for l in c.links() if l.startswith("/staff/")), None)
            if member:
                c.submit_refused(member, "Save", "staff-refused", {"capacity": "500"})
                c.submit_refused(member, "Record absence", "absence-refused", {"from": "2024-03-10", "to": "2024-03-01"})
                c.submit_refused(member, "Record training", "training-refused",
                                 {"provider": "NWG Network", "completedOn": "2999-01-01"})
        if role == "caseworker":
            c.submit_refused("/referrals/new", "Save and screen", "referral-new-refused")
            c.submit_refused("/rescues/new", "Log the rescue", "rescue-new-refused")
            case = own_open_case(c)
            # On a phone the case's first actions are on the first screen, one tap from the form.
            c.browser.driver.set_window_size(375, 812)
            top = c.browser.driver.execute_script(
                "const a = document.querySelector('a[href=\"#record-contact\"]'); return a ? a.getBoundingClientRect().top : null")
            c.browser.driver.set_window_size(1280, 900)
            if top is None or top > 812:
                c.failures.append(f"caseworker: 'Record a contact' is not on the case page's first phone screen (top {top})")
            c.submit_refused(case, "Save contact", "case-contact-refused",
                             {"durationMinutes": "5000", "notes": "Met at the station; <b>kept</b>"})
            c.submit_refused(case, "Save rating", "case-risk-refused", {"riskReason": "Seen with older males"})
            c.submit_refused(case, "Add goal", "case-goal-refused", {"goalDescription": ""})
            c.submit_refused("/lone-working", "Start the visit", "lone-working-refused",
                             {"place": "", "withWhom": "Mum", "checkInNote": "call at nine"})
            c.submit_refused("/contexts", "Add", "context-refused", {"name": ""}, within="main")
            c.submit_refused("/partnerships", "Save meeting", "meeting-refused",
                             {"heldOn": "2999-01-01", "agencies": "Police; school"})
            c.submit_refused("/rescues/new", "Log the rescue", "rescue-unidentified-refused",
                             {"caller": "British Transport Police", "description": "A boy about 15, says he is J",
                              "approximateAge": "40"}, ticks=("identity-pending",))
            c.browser.open(case)
            person = c.browser.driver.execute_script(
                "const a = document.querySelector('main a[href^=\"/people/\"]'); return a && a.getAttribute('href')")
            c.submit_refused(case, "Save measures", "case-measures-refused", {"safety": "11", "mental_health": "4"})
            c.submit_refused(case + "/registers", "Add to", "case-register-refused", {}, within="section")
            c.submit_refused("/outreach", "Save session", "outreach-refused", {"attendees": "-3", "topic": "County lines"})
            # A rescue saved before the young person is known, then its details refused.
            c.browser.open("/rescues/new")
            c.browser.fill("caller", "British Transport Police")
            c.browser.tick("identity-pending")
            c.browser.fill("description", "A boy about 15, says his name is J")
            c.browser.fill("approximateAge", "15")
            c.browser.submit("Log the rescue")
            assert c.browser.path.startswith("/rescues/unidentified/"), c.browser.text()[:300]
            c.check("rescue-unidentified")
            c.submit_refused(c.browser.path, "Save their details", "rescue-details-refused", {"firstName": "Jay"})
            if person:
                c.submit_refused(person, "Record sharing", "information-sharing-refused",
                                 {"agency": "Youth offending team", "why": ""})
            if c.browser.driver.find_elements(By.ID, "header-search"):
                # The header's search box (a POST, so no link reaches its results): results, then a refusal.
                c.browser.fill("header-search", "Smith")
                c.browser.submit("Search", within=".header__search")
                c.check("search-results")
                c.submit_refused("/search", "Search", "search-refused", within="main")
        elapsed = time.time() - started
        summary.rows.append(f"   {role:<13} {account['email']:<48} {visited:3d} crawled addresses in {patterns:3d} "
                            f"patterns, {c.pages:3d} pages checked in all, {elapsed:4.0f} s; skipped as not HTML: "
                            f"{', '.join(not_html) or 'none'}")
        summary.visits += c.visits
        if visited >= MAX_PAGES_PER_ROLE:
            c.failures.append(f"{role}: the crawl stopped at {MAX_PAGES_PER_ROLE} addresses; raise the limit")
    finally:
        c.close()
    if c.failures:
        rules = collections.Counter(re.search(r"\): ([a-z0-9-]+) \(", f).group(1) if re.search(r"\): ([a-z0-9-]+) \(", f)
                                    else "other" for f in c.failures)
        pytest.fail(f"{role}: axe found accessibility violations ("
                    + ", ".join(f"{rule} on {count} page widths" for rule, count in rules.most_common()) + "):\n"
                    + "\n".join(c.failures), pytrace=False)


def refused_form_problems(b: Browser, name: str, typed: dict) -> list[str]:
    """A refused form's page, as issue #30 asks of every form: focus on the error summary, each error beside its
    field and linked to it with aria-describedby, and everything typed still there."""
    problems = []
    focused = b.driver.execute_script("return document.activeElement && document.activeElement.className")
    if "error-summary" not in (focused or ""):
        problems.append(f"{name} ({b.path}): focus is on '{focused}', not the error summary")
    unlinked = b.driver.execute_script("""
        return [...document.querySelectorAll('.error-message[id]')].map(e => e.id).filter(id =>
            !document.querySelector('[aria-describedby~="' + id + '"]'));
    """)
    unnamed = b.driver.execute_script("return document.querySelectorAll('.error-message:not([id])').length")
    if unlinked:
        problems.append(f"{name} ({b.path}): errors not linked with aria-describedby: {unlinked}")
    if unnamed:
        problems.append(f"{name} ({b.path}): {unnamed} error(s) without an id to link to")
    for field, value in typed.items():
        elements = b.driver.find_elements(By.ID, field)
        if elements and elements[0].get_attribute("type") not in ("checkbox", "radio", "hidden") \
                and (elements[0].get_attribute("value") or "") != value:
            problems.append(f"{name} ({b.path}): {field} lost what was typed ({value!r} became "
                            f"{elements[0].get_attribute('value')!r})")
    return problems


def own_open_case(c: Crawler) -> str:
    """An open case the caseworker leads (its page has the contact form)."""
    b = c.browser
    b.open("/cases")
    for link in c.links():
        if re.fullmatch(r"/cases/[0-9a-fA-F-]{36}", link):
            b.open(link)
            if b.driver.find_elements(By.ID, "durationMinutes"):
                return link
    raise AssertionError("the demo caseworker leads no open case with a contact form")
