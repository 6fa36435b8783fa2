"""The main journeys of Reachable, as real people in a real browser, in order: the first administrator sets up
the service, creates everyone's accounts, and each role does its work. Each journey also checks what another
role must not see. Pages are checked by axe at both widths as they are visited (conftest.Browser.check)."""
import datetime
import io
import re
import sqlite3
import struct
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import Browser, Person

LONDON = ZoneInfo("Europe/London")


def financial_year(today: datetime.date) -> str:
    start = today.year if today.month >= 4 else today.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


class World:
    """What the journeys share: the people, their browsers, and the records they made."""

    def __init__(self, server):
        self.server = server
        self.people: dict[str, Person] = {}
        self.browsers: dict[str, Browser] = {}
        self.records: dict[str, str] = {}

    def browser(self, who: str) -> Browser:
        return self.browsers[who]

    def close(self):
        for b in self.browsers.values():
            b.close()


@pytest.fixture(scope="module")
def world(server):
    w = World(server)
    yield w
    w.close()


ACCOUNTS = [
    # key, email, role value, region value
    ("caseworker", "sam.caseworker@example.org", "caseworker", "west-midlands"),
    ("manager", "priya.manager@example.org", "manager", "west-midlands"),
    ("london", "lee.london@example.org", "caseworker", "london"),
    ("commissioner", "chris.commissioner@example.org", "commissioner", ""),
]
LEAD = ("lead", "nat.lead@example.org", "national_lead", "")


def test_first_admin_creates_every_role(world, server):
    admin = Person("ada.admin@example.org", "admin", None)
    world.people["admin"] = admin
    b = world.browsers["admin"] = Browser(server)
    b.complete_set_up(server.first_admin_link(), admin, first_admin=True, name="Ada Admin")
    assert b.path == "/"
    b.check("home-admin")
    # The national lead is made by the operator on the command line: with one admin there is nobody else yet to
    # confirm an account that reads case content.
    printed = server.command("users", "create", "--email", LEAD[1], "--role", LEAD[2], "--name", "Lead Person")
    lead_link = re.search(r"(http://\S+/set-up/\S+)", printed).group(1)
    lead = world.people["lead"] = Person(LEAD[1], LEAD[2], None)
    lead_browser = world.browsers["lead"] = Browser(server)
    lead_browser.complete_set_up(lead_link, lead)
    for key, email, role, region in ACCOUNTS:
        b.open("/admin/users/new", "admin-user-new" if key == "caseworker" else None)
        b.fill("email", email)
        b.fill("name", key.title() + " Person")
        b.fill("role", role)
        b.fill("region", region)
        b.submit("Create account")
        if role == "commissioner":
            # No case content: the link at once.
            link = b.driver.find_element(By.ID, "setup-link").text.strip()
        else:
            # A role that reads case content: the admin never sees the link; a second person confirms it.
            assert b.driver.find_elements(By.ID, "approval-requested"), b.text()[:500]
            assert not b.driver.find_elements(By.ID, "setup-link")
            if key == "caseworker":
                b.check("admin-approval-requested")
                lead_browser.open("/admin/approvals", "account-approvals")
            else:
                lead_browser.open("/admin/approvals")
            lead_browser.submit("Confirm")
            link = lead_browser.driver.find_element(By.ID, "setup-link").text.strip()
            if key == "caseworker":
                lead_browser.check("admin-setup-link")
        assert "/set-up/" in link
        person = world.people[key] = Person(email, role, region or None)
        other = world.browsers[key] = Browser(server)
        other.complete_set_up(link, person)
        assert other.path == "/", f"{key} did not land on the home page"
    b.open("/admin/users", "admin-users")
    for _, email, _, _ in ACCOUNTS + [LEAD]:
        assert email in b.text()
    # Administrators run the system but never see case content.
    heading, _ = b.status_of("/referrals")
    assert heading == "You cannot do that"
    heading, _ = b.status_of("/cases")
    assert heading == "You cannot do that"


def test_caseworker_records_a_referral_by_keyboard_alone(world):
    b = world.browser("caseworker")
    b.open("/referrals/new", "referral-new")
    # Keys only from here: Tab to each field, type, arrow or space to choose, Enter to send.
    b.tab_to("referralSource")
    b.keys("Police")
    b.tab_to("referrerOrganisation").send_keys("West Midlands Police")
    b.tab_to("firstName").send_keys("Jordan")
    b.tab_to("lastName").send_keys("Hayes")
    b.tab_to("aliases").send_keys("JJ")
    b.tab_to("dateOfBirth")
    b.keys("03042008")  # Chromium's date field takes day, month and year as typed digits (en-GB: dd/mm/yyyy)
    b.tab_to("gender")
    b.keys("Male")
    b.tab_to("homeLocalAuthority")
    b.keys("Birmingham")
    b.tab_to("type-county_lines")
    b.keys(Keys.SPACE)
    b.tab_to("consent-given")
    b.keys(Keys.SPACE)
    b.tab_to("concerns").send_keys("Found at New Street station with two phones and cash.")
    b.tab_to_button("Save and screen")
    b.press_enter()
    assert "/referrals/" in b.path and "saved=referral.created" in b.path, b.text()[:500]
    b.check("referral-screened")
    assert b.driver.find_element(By.ID, "screening-result").text == "Meets the criteria.", b.text()[:800]
    world.records["referral"] = b.path.split("?")[0]
    # Another region's caseworker gets "not found"; a commissioner is refused.
    heading, _ = world.browser("london").status_of(world.records["referral"])
    assert heading == "Page not found"
    heading, _ = world.browser("commissioner").status_of(world.records["referral"])
    assert heading == "You cannot do that"


def test_manager_screens_and_opens_a_case(world):
    b = world.browser("manager")
    b.open("/referrals", "referrals-awaiting")
    assert "Hayes" in b.text()
    b.open(world.records["referral"], "referral-to-screen")
    caseworker_option = [o for o in b.driver.find_elements(By.CSS_SELECTOR, "#caseworker option")
                         if "Caseworker Person" in o.text]
    assert caseworker_option, "the caseworker is offered as lead"
    b.fill("caseworker", caseworker_option[0].get_attribute("value"))
    b.submit("Accept and open a case")
    assert b.path.startswith("/cases/"), b.text()[:500]
    world.records["case"] = b.path.split("?")[0]
    b.check("case-new")


def test_caseworker_logs_contacts_and_an_outcome_wheel(world):
    b = world.browser("caseworker")
    case = world.records["case"]
    b.open(case)
    for notes, sensitive in [("Met at the youth centre; talked about football trials.", False),
                             ("Disclosed threats from an older boy who holds his debt.", True)]:
        b.fill("kind", "face_to_face")
        b.fill("durationMinutes", "45")
        b.fill("notes", notes)
        if sensitive:
            b.tick("sensitive")
        b.submit("Save contact")
        assert b.path.split("?")[0] == case, b.text()[:500]
        assert "saved=" in b.path and b.driver.find_element(By.ID, "confirmation").text, "a confirmation after the save"
    assert "football trials" in b.text() and "older boy" in b.text()
    scores = b.driver.find_elements(By.CSS_SELECTOR, "input[id^='score_']")
    assert len(scores) >= 5
    b.fill("wheelStage", "entry")
    for index, field in enumerate(scores):
        field.clear()
        field.send_keys(str(3 + index % 5))
    b.submit("Save assessment")
    assert b.driver.find_elements(By.CSS_SELECTOR, "svg"), "the outcome wheel is drawn"
    b.check("case-with-timeline")
    # The manager reads the sensitive note; London and the commissioner cannot open the case at all.
    world.browser("manager").open(case)
    assert "older boy" in world.browser("manager").text()
    assert world.browser("london").status_of(case)[0] == "Page not found"
    assert world.browser("commissioner").status_of(case)[0] == "You cannot do that"


def fetch(b: Browser, path: str) -> tuple[int, "email.message.Message", bytes]:
    """What the signed-in person at `b` gets at `path`, without the browser (a download is not a page)."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in b.driver.get_cookies())
    request = urllib.request.Request(b.server.base + path, headers={"Cookie": cookies})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers, answer.read()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nConsent to the referral, signed.\n%%EOF\n"


def jpeg_with_gps() -> bytes:
    """A small JPEG carrying an Exif block with a GPS position and the camera, as a phone's photo does."""
    exif = b"Exif\x00\x00GPSLatitude 52.4862 N GPSLongitude 1.8904 W Make Apple Model iPhone 15"
    return (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            + b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
            + b"\xff\xdb\x00\x04\x00\x01\xff\xda\x00\x04\x01\x02\x11\x22\x33\xff\xd9")


def test_caseworker_attaches_a_consent_form_and_a_photo_from_a_phone(world, server, tmp_path):
    """SPEC §2.12: on a 375 px phone the lead caseworker attaches a PDF and a photo; the photo is stored without its
    GPS; London gets "not found" for both; the manager downloads them; the subject-access ZIP holds them."""
    consent, photo = tmp_path / "consent form.pdf", tmp_path / "IMG_0042.jpg"
    consent.write_bytes(PDF)
    photo.write_bytes(jpeg_with_gps())
    b = world.browser("caseworker")
    case = world.records["case"]
    b.driver.set_window_size(375, 812)
    for path in (consent, photo):
        b.open(case)
        b.driver.find_element(By.ID, "attachment-file").send_keys(str(path))
        b.submit("Upload")
        assert "saved=attachment.uploaded" in b.path, b.text()[:500]
    b.driver.set_window_size(1280, 900)
    b.check("case-with-attachments")
    links = {a.text: a.get_attribute("href").removeprefix(server.base)
             for a in b.driver.find_elements(By.CSS_SELECTOR, "#attachments a[download]")}
    assert set(links) == {"consent form.pdf", "IMG_0042.jpg"}, links
    assert "GPS location" in b.text()
    for link in links.values():
        assert world.browser("london").status_of(link)[0] == "Page not found"
    manager = world.browser("manager")
    manager.open(case)
    status, headers, body = fetch(manager, links["consent form.pdf"])
    assert status == 200 and body == PDF and (headers.get("Content-Disposition") or "").startswith("attachment;")
    status, _, picture = fetch(manager, links["IMG_0042.jpg"])
    assert status == 200 and picture.startswith(b"\xff\xd8") and b"GPS" not in picture and b"iPhone" not in picture
    # The subject-access ZIP: the export, both files, a manifest.
    manager.driver.find_element(By.LINK_TEXT, "The young person").click()
    manager.fill("requester", "The young person, by letter")
    manager.submit("Open a subject access request")
    zip_link = manager.driver.find_element(By.ID, "export-zip").get_attribute("href").removeprefix(server.base)
    status, headers, body = fetch(manager, zip_link)
    assert status == 200, body[:300]
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = archive.namelist()
        assert "manifest.json" in names and "subject-access.json" in names
        files = [n for n in names if n.startswith("attachments/")]
        assert len(files) == 2 and any(archive.read(n) == PDF for n in files), names


def test_retention_removes_an_old_case_s_files(world, server, tmp_path):
    """A case closed more than six years ago, with a letter on it: retention removes the letter with the rest."""
    csv = tmp_path / "old.csv"
    csv.write_text("referral_ref,received_date,region,service,referral_source,first_name,last_name,date_of_birth,gender,"
                   "home_local_authority,exploitation_types,case_opened_date,case_closed_date,closure_reason\n"
                   "E2E-OLD-1,2016-05-01,west-midlands,support,police,Old,Record,2000-01-01,male,birmingham,county_lines,"
                   "2016-05-10,2017-01-10,planned\n")
    server.command("import", "referrals", str(csv))
    with sqlite3.connect(server.work / "e2e.sqlite") as db:
        row = db.execute("SELECT c.id FROM cases c JOIN referrals r ON r.id = c.referral_id WHERE r.ref = 'E2E-OLD-1'").fetchone()
    case = "/cases/" + str(uuid.UUID(bytes=row[0]) if isinstance(row[0], bytes) else row[0]).upper()
    letter = tmp_path / "letter from school.txt"
    letter.write_text("A letter from the school about attendance.\n")
    manager = world.browser("manager")
    manager.open(case)
    manager.driver.find_element(By.ID, "attachment-file").send_keys(str(letter))
    manager.submit("Upload")
    link = manager.driver.find_element(By.CSS_SELECTOR, "#attachments a[download]").get_attribute("href").removeprefix(server.base)
    assert fetch(manager, link)[0] == 200
    printed = server.command("retention", "--apply")
    assert "Anonymised 1;" in printed, printed
    assert fetch(manager, link)[0] == 404
    manager.open(case)
    assert "letter from school" not in manager.text()


def test_planned_closure_by_keyboard_then_approved_by_the_manager(world):
    b = world.browser("caseworker")
    case = world.records["case"]
    b.open(case)
    # Exit measures first: a planned closure needs them.
    b.fill("stage", "exit")
    for field, value in [("safety", "8"), ("mental_health", "7"), ("criminogenic_need", "2"),
                         ("missing_episodes", "0"), ("offences", "0")]:
        b.fill(field, value)
    b.fill("eet", "yes")
    b.fill("goal_progress", "positive")
    b.submit("Save measures")
    assert b.path.split("?")[0] == case, b.text()[:500]
    # The closure by keys alone.
    b.tab_to("reason")
    b.keys("Planned")
    b.tab_to("note").send_keys("Goals met; back at college.")
    b.tab_to_button("Close the case")
    b.press_enter()
    assert b.path.split("?")[0] == case
    assert "approval" in b.text().lower(), b.text()[:800]
    m = world.browser("manager")
    m.open(case, "case-closure-requested")
    m.submit("Approve the planned closure")
    assert m.path.split("?")[0] == case
    assert "Closure approved" in m.text(), "a confirmation after the approval"
    assert "Closed" in m.text() or "closed" in m.text()
    m.check("case-closed")


def test_rescue_is_logged_and_converted_into_a_case(world):
    b = world.browser("caseworker")
    b.open("/rescues/new", "rescue-new")
    now = datetime.datetime.now(LONDON).replace(second=0, microsecond=0) - datetime.timedelta(minutes=30)
    b.fill("callAt", now.strftime("%Y-%m-%dT%H:%M"))
    b.fill("caller", "British Transport Police")
    b.fill("foundPlace", "Platform 4, Crewe station")
    caseworker = [o for o in b.driver.find_elements(By.CSS_SELECTOR, "#dispatchedCaseworker option")
                  if "Caseworker Person" in o.text]
    b.fill("dispatchedCaseworker", caseworker[0].get_attribute("value"))
    b.fill("firstName", "Kai")
    b.fill("lastName", "Osei")
    b.fill("dateOfBirth", "2009-06-14")
    b.fill("gender", "male")
    b.fill("homeLocalAuthority", "wolverhampton")
    b.submit("Log the rescue")
    assert re.fullmatch(r"/rescues/[0-9A-Fa-f-]{36}", b.path.split("?")[0]), f"{b.path}: {b.text()[:800]}"
    assert "Rescue saved." in b.text(), "a confirmation after the save"
    rescue = b.path.split("?")[0]
    b.check("rescue")
    b.submit("Open a support case with the same caseworker")
    assert b.path.startswith("/cases/"), b.text()[:800]
    assert "Osei" in b.text()
    b.open("/rescues", "rescue-log")
    assert "Osei" in b.text()
    assert world.browser("london").status_of(rescue)[0] == "Page not found"
    assert world.browser("commissioner").status_of(rescue)[0] == "You cannot do that"


def test_lone_working_visit_goes_overdue_and_the_manager_sees_it(world):
    b = world.browser("caseworker")
    b.open("/lone-working", "lone-working")
    end = datetime.datetime.now(LONDON) + datetime.timedelta(seconds=25)
    b.fill("place", "Home visit, Lozells")
    b.fill("expectedEnd", end.strftime("%Y-%m-%dT%H:%M:%S"))
    b.submit("Start the visit")
    assert "Home visit, Lozells" in b.text(), b.text()[:800]
    time.sleep(30)
    m = world.browser("manager")
    m.open("/", "home-manager-overdue")
    assert "has not been checked out" in m.text(), m.text()[:800]
    m.open("/lone-working", "lone-working-manager")
    # Another region's caseworker sees no alert and no visit of West Midlands.
    lon = world.browser("london")
    lon.open("/lone-working")
    assert "Lozells" not in lon.text()


def test_annual_report_with_charts_and_suppression_for_commissioners(world):
    year = financial_year(datetime.date.today())
    lead = world.browser("lead")
    lead.open(f"/reports/annual?region=all&year={year}", "annual-report")
    assert len(lead.driver.find_elements(By.CSS_SELECTOR, "svg")) >= 3, "the report draws its charts"
    assert "Referrals received" in lead.text() or "referrals" in lead.text().lower()
    manager = world.browser("manager")
    assert manager.status_of(f"/reports/annual?region=london&year={year}")[0] == "Page not found"
    c = world.browser("commissioner")
    c.open(f"/reports/annual?region=west-midlands&year={year}", "annual-report-commissioner")
    text = c.text()
    assert "shown as c" in text
    assert re.search(r"\bc\b", text), "small numbers appear as c"
    assert "Hayes" not in text and "Osei" not in text, "never a name"
    assert c.status_of("/referrals")[0] == "You cannot do that"


def test_police_officer_refers_from_a_phone_and_the_manager_triages_it(world, server):
    """SPEC §2.11: an officer with no account, on a 375 px phone, keyboard alone; the right region's manager sees it
    awaiting triage with its clock, calls back, and triages it into a referral that is screened and accepted."""
    officer = Browser(server)
    try:
        officer.driver.set_window_size(375, 812)
        officer.open("/sign-in")
        officer.tab_to("refer-link")
        officer.press_enter()
        assert officer.path == "/refer", officer.path
        officer.tab_to("start-urgent")
        officer.press_enter()
        assert officer.path == "/refer/urgent", officer.path
        officer.driver.set_window_size(375, 812)
        officer.tab_to("who").send_keys("Tyler, about 16, black puffer jacket")
        officer.tab_to("whereNow").send_keys("In the custody suite at Steelhouse Lane")
        officer.tab_to("whereNowArea")
        officer.keys("Birmingham")
        officer.tab_to("homeLocalAuthority")
        officer.keys("Birmingham")
        officer.tab_to("referrerName").send_keys("PC Dana Okafor")
        officer.tab_to("referrerOrganisation").send_keys("West Midlands Police")
        officer.tab_to("referrerPhone").send_keys("07700 900 123")
        officer.tab_to("referrerEmail").send_keys("dana.okafor@westmidlands.police.uk")
        officer.tab_to_button("Send the referral")
        officer.press_enter()
        reference = officer.driver.find_element(By.CLASS_NAME, "reference").text
        assert re.fullmatch(r"PR-[A-Z2-7]{4}-[A-Z2-7]{4}", reference), officer.text()[:500]
        assert "Tyler" not in officer.text() and "07700" not in officer.text(), "nothing sent is shown back"
        officer.check("refer-received")
    finally:
        officer.close()

    b = world.browser("manager")
    b.open("/", "home-partner-referral")
    assert reference in b.text() and "left" in b.text(), "the dashboard shows it with its clock"
    b.open("/partner-referrals", "partner-referrals")
    b.driver.find_element(By.LINK_TEXT, reference).click()
    assert b.path.startswith("/partner-referrals/"), b.path
    partner_page = b.path
    b.check("partner-referral")
    assert "listed partner domain (police.uk)" in b.text()
    b.submit("I have called the referrer back")
    assert "called back" in b.text()
    b.driver.find_element(By.LINK_TEXT, "Record the referral").click()
    assert "partner=" in b.path
    b.check("referral-from-partner")
    assert b.driver.find_element(By.ID, "referrerOrganisation").get_attribute("value") == "West Midlands Police"
    b.fill("referralSource", "police")
    b.fill("firstName", "Tyler")
    b.fill("lastName", "Grant")
    b.fill("dateOfBirth", "2010-02-14")
    b.fill("gender", "male")
    b.tick("type-county_lines")
    b.tick("consent-given")
    b.submit("Save and screen")
    assert "/referrals/" in b.path and "saved=partner_referral.triaged" in b.path, b.text()[:500]
    assert "From a partner" in b.text() and reference in b.text()
    assert b.driver.find_element(By.ID, "screening-result").text == "Meets the criteria.", b.text()[:800]
    option = [o for o in b.driver.find_elements(By.CSS_SELECTOR, "#caseworker option") if "Caseworker Person" in o.text]
    b.fill("caseworker", option[0].get_attribute("value"))
    b.submit("Accept and open a case")
    assert b.path.startswith("/cases/"), b.text()[:500]
    # Another region's caseworker gets "not found" for the partner referral.
    heading, _ = world.browser("london").status_of(partner_page)
    assert heading == "Page not found"


def test_everyone_signs_out(world):
    for key, b in world.browsers.items():
        b.open("/")
        b.sign_out()
        b.open("/cases")
        assert b.path.startswith("/sign-in"), f"{key} still reaches cases after signing out"
    world.browsers["admin"].check("sign-in")


def test_the_referral_form_works_with_javascript_turned_off(world, server):
    person = world.people["caseworker"]
    b = Browser(server, javascript=False)
    try:
        b.sign_in(person)
        b.open("/referrals/new", "referral-new-no-javascript")
        b.fill("referralSource", "police")
        b.fill("firstName", "Robin")
        b.fill("lastName", "Clarke")
        b.driver.find_element(By.ID, "dateOfBirth").send_keys("01022007")
        b.fill("gender", "female")
        b.fill("homeLocalAuthority", "sandwell")
        b.tick("type-county_lines")
        b.tick("consent-given")
        b.submit("Save and screen")
        assert "saved=referral.created" in b.path, b.text()[:800]
    finally:
        b.close()
