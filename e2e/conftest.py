"""Real-browser tests of Reachable: `reachable serve` on a fresh SQLite file, driven by Debian's Chromium.

Every page a journey visits is checked by axe-core (WCAG 2.0, 2.1 and 2.2 A and AA rules) at phone (375 px) and
desktop (1280 px) widths and photographed at both; a failure names the page and the rule. axe-core is the one file
scripts/python-tools puts at e2e/.venv/axe-core-<version>.min.js, injected into each page by the driver.
"""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyotp
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("E2E_OUT", ROOT / "e2e" / "out"))
WIDTHS = {"desktop": (1280, 900), "phone": (375, 812)}
AXE_VERSION = "4.14.0"
AXE_SCRIPT = ROOT / "e2e" / ".venv" / f"axe-core-{AXE_VERSION}.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PASSWORD = "harbour lantern juniper"


def binary() -> str:
    path = os.environ.get("REACHABLE_BINARY")
    if path:
        return path
    bin_dir = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True,
                             text=True).stdout.strip()
    return str(Path(bin_dir) / "reachable")


def demo_manager(env: dict) -> dict:
    """Runs `reachable demo` on the database `env` names; returns the West Midlands demo manager's email,
    password and TOTP secret, as the command printed them."""
    result = subprocess.run([binary(), "demo", "--seed", "17"], env=env, capture_output=True, text=True, check=True)
    password = re.search(r"password for all: ([^)]+)\)", result.stderr).group(1)
    line = next(l for l in result.stderr.splitlines() if l.strip().startswith("manager.west-midlands@"))
    email, *_, secret = line.split()
    return {"email": email, "password": password, "secret": secret}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def http_sign_in(base: str, email: str, password: str, secret: str) -> dict[str, str]:
    """Signs in without a browser (password, then a TOTP code) and returns the cookies. Cookies are kept by hand:
    when the server believes it is behind TLS they are Secure, which Python's cookie jar would not send back over
    plain HTTP on loopback."""
    opener = urllib.request.build_opener(_NoRedirect)
    cookies: dict[str, str] = {}

    def request(path: str, fields: dict | None = None) -> str:
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        req = urllib.request.Request(base + path, data=data)
        req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
        try:
            response = opener.open(req)
        except urllib.error.HTTPError as answer:  # the 303 after each form
            response = answer
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name] = rest.split(";")[0]
        return response.read().decode()

    def token(page: str) -> str:
        return re.search(r'name="_csrf" value="([^"]+)"', page).group(1)

    request("/sign-in", {"_csrf": token(request("/sign-in")), "email": email, "password": password})
    request("/sign-in/code", {"_csrf": token(request("/sign-in/code")), "code": pyotp.TOTP(secret).now()})
    assert "Sign out" in request("/"), f"signing in as {email} failed"
    return cookies


class Server:
    """One `reachable serve` on a fresh database, for the whole run."""

    def __init__(self, before_serve=None, settings: dict | None = None):
        """`before_serve(server)` runs on the new database before the server starts (demo data, say); what it
        returns is kept as `prepared`."""
        self.work = Path(tempfile.mkdtemp(prefix="reachable-e2e-"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, DATABASE_URL=f"sqlite:{self.work / 'e2e.sqlite'}", REACHABLE_DATA_DIR=str(self.work),
                   REACHABLE_BASE_URL=self.base, REACHABLE_SIGNIN_ATTEMPTS_PER_ADDRESS="10000", LOG_LEVEL="info",
                   # A template reading a name its model lacks answers 500, which every journey and the crawl fail on.
                   REACHABLE_STRICT_TEMPLATES="1")
        env.update(settings or {})
        self.env = env
        self.prepared = before_serve(self) if before_serve else None
        self.log = open(self.work / "serve.log", "w+")
        self.process = subprocess.Popen([binary(), "serve", "--hostname", "127.0.0.1", "--port", str(self.port)],
                                        env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.work)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.base + "/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("reachable serve did not start:\n" + self.output())

    def output(self) -> str:
        self.log.flush()
        return (self.work / "serve.log").read_text()

    def command(self, *arguments: str) -> str:
        """Runs `reachable` on this server's database, as the operator would; returns what it printed."""
        result = subprocess.run([binary(), *arguments], env=self.env, capture_output=True, text=True, check=True,
                                cwd=self.work)
        return result.stdout + result.stderr

    def first_admin_link(self) -> str:
        match = re.search(r"(http://\S+/set-up/\S+)", self.output())
        assert match, "serve printed no set-up link for the first administrator"
        return match.group(1)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()
        shutil.rmtree(self.work, ignore_errors=True)


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    s.stop()


def make_driver(javascript: bool = True):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=en-GB",
                     f"--window-size={WIDTHS['desktop'][0]},{WIDTHS['desktop'][1]}"]:
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.implicitly_wait(0)
    return driver


_axe_source: str | None = None


def run_axe(driver) -> list[dict]:
    """axe-core's violations of AXE_TAGS on the page the driver shows. The script is injected (once per document)
    with execute_script, so it is never part of the page's own markup."""
    global _axe_source
    if _axe_source is None:
        assert AXE_SCRIPT.is_file(), f"{AXE_SCRIPT} is missing: run scripts/python-tools"
        _axe_source = AXE_SCRIPT.read_text()
    if not driver.execute_script("return typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        driver.execute_script(_axe_source)
    version = driver.execute_script("return window.axe.version")
    assert version == AXE_VERSION, f"axe-core {version} was loaded, not {AXE_VERSION}"
    driver.set_script_timeout(120)
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        window.axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
          .then(r => done({violations: r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => ({target: n.target, html: n.html}))}))}),
                e => done({error: String(e)}));""", AXE_TAGS)
    assert "error" not in result, f"axe.run failed: {result.get('error')}"
    return result["violations"]


class Person:
    """An account the journeys created, with its authenticator."""

    def __init__(self, email: str, role: str, region: str | None):
        self.email, self.role, self.region = email, role, region
        self.secret: str | None = None
        self.last_counter = -1

    def code(self) -> str:
        """A code the server will accept: each works once, so wait for a fresh one after the last used."""
        totp = pyotp.TOTP(self.secret)
        while int(time.time()) // 30 <= self.last_counter:
            time.sleep(0.5)
        self.last_counter = int(time.time()) // 30
        return totp.now()


class Browser:
    """A person at a browser: visits pages and checks each one with axe at both widths."""

    checked: dict[str, list[str]] = {}

    def __init__(self, server: Server, javascript: bool = True):
        self.server = server
        self.driver = make_driver(javascript)
        self.javascript = javascript

    def close(self):
        self.driver.quit()

    # Navigation -------------------------------------------------------------------------------------------
    def open(self, path: str, name: str | None = None):
        self.driver.get(path if path.startswith("http") else self.server.base + path)
        if name:
            self.check(name)

    @property
    def path(self) -> str:
        return self.driver.current_url.removeprefix(self.server.base)

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def h1(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def fill(self, field_id: str, value: str):
        element = self.driver.find_element(By.ID, field_id)
        if element.tag_name == "select":
            from selenium.webdriver.support.ui import Select
            Select(element).select_by_value(value)
        elif element.get_attribute("type") in ("date", "datetime-local"):
            # Chromium's date widgets take keys field by field; set the value as a form would submit it.
            self.driver.execute_script("arguments[0].value = arguments[1]", element, value)
        else:
            element.clear()
            element.send_keys(value)

    def tick(self, field_id: str):
        element = self.driver.find_element(By.ID, field_id)
        if not element.is_selected():
            element.click()

    def submit(self, button_text: str, within: str | None = None):
        scope = self.driver.find_element(By.CSS_SELECTOR, within) if within else self.driver
        buttons = [b for b in scope.find_elements(By.TAG_NAME, "button") if b.text.strip().startswith(button_text)]
        assert buttons, f"no button '{button_text}' on {self.path}"
        page = self.driver.find_element(By.TAG_NAME, "html")
        buttons[0].click()
        self.wait_for_new_page(page)

    def wait_for_new_page(self, page):
        """Forms post and the server answers with a new page: wait until the old one is gone.

        Asking about the old page's element while Chromium swaps documents can fail with "Node with given id does
        not belong to the document" instead of the usual stale-element error (it failed a CI run once the server
        answered faster): both mean the old page is gone."""
        from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        def old_page_gone(_driver) -> bool:
            try:
                page.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as error:
                # Chromium's words for an element of a document that has been replaced.
                if any(sign in str(error) for sign in ("does not belong to the document", "No node with given id",
                                                       "Cannot find context with specified id")):
                    return True
                raise

        WebDriverWait(self.driver, 20).until(old_page_gone)

    def press_enter(self):
        """Enter on the focused button, then wait for the server's answer."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.keys(Keys.ENTER)
        self.wait_for_new_page(page)

    def status_of(self, path: str) -> tuple[str, str]:
        """The heading and text a person sees at `path` (for pages they must not see)."""
        self.open(path)
        return self.h1(), self.text()

    # Keyboard -------------------------------------------------------------------------------------------
    def tab_to(self, field_id: str, limit: int = 150):
        """Moves focus with the Tab key alone until it reaches the element, as a keyboard user would."""
        from selenium.webdriver.common.action_chains import ActionChains
        for _ in range(limit):
            active = self.driver.switch_to.active_element
            if active.get_attribute("id") == field_id:
                return active
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
        raise AssertionError(f"Tab never reached #{field_id} on {self.path}")

    def tab_to_button(self, text: str, limit: int = 200):
        from selenium.webdriver.common.action_chains import ActionChains
        for _ in range(limit):
            active = self.driver.switch_to.active_element
            if active.tag_name == "button" and active.text.strip().startswith(text):
                return active
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
        raise AssertionError(f"Tab never reached the button '{text}' on {self.path}")

    def keys(self, *keys):
        from selenium.webdriver.common.action_chains import ActionChains
        ActionChains(self.driver).send_keys(*keys).perform()

    # Checks ---------------------------------------------------------------------------------------------
    def check(self, name: str):
        """axe-core at both widths, a screenshot of each, and no script anywhere (pages work without JavaScript)."""
        failures = self.problems(name)
        assert not failures, "axe found accessibility violations:\n" + "\n".join(failures)

    def problems(self, name: str) -> list[str]:
        """What check finds wrong with the page, one line each, without failing."""
        if "<script" in self.driver.page_source.lower():
            return [f"{name}: the page carries a script"]
        if "Sorry, something went wrong" in self.text():
            return [f"{name}: an error page at {self.path}"]
        failures = []
        for label, (width, height) in WIDTHS.items():
            self.driver.set_window_size(width, height)
            OUT.mkdir(parents=True, exist_ok=True)
            shot = OUT / "screenshots" / f"{name}-{label}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            full_height = self.driver.execute_script("return document.documentElement.scrollHeight")
            self.driver.set_window_size(width, min(max(height, full_height), 4000))
            self.driver.save_screenshot(str(shot))
            self.driver.set_window_size(width, height)
            if not self.javascript:
                continue
            # Nothing wider than the screen: a long email address or a chart label must wrap or scroll in its own
            # box, not drag the whole page sideways.
            wider = self.driver.execute_script("""
                const page = document.documentElement;
                if (page.scrollWidth <= page.clientWidth + 1) return null;
                const culprits = [...document.querySelectorAll('body *')].filter(e => {
                    if (e.closest('.table-wrap, .visually-hidden, .skip-link')) return false;
                    const box = e.getBoundingClientRect();
                    // Past the screen's edge, or text running out of its own box.
                    return box.right > page.clientWidth + 1
                        || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible' && e.clientWidth > 0);
                }).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : ''));
                return page.scrollWidth + 'px wide: ' + culprits.join(', ');
            """)
            if wider:
                failures.append(f"{name} at {width}px ({self.path}): the page is wider than the screen, {wider}")
            # On a phone the header (service name, menu, search box) takes a quarter of the screen at most.
            header = self.driver.execute_script(
                "const h = document.querySelector('header.header'); return h ? h.getBoundingClientRect().height : 0")
            if label == "phone" and header > height / 4:
                failures.append(f"{name} at {width}px ({self.path}): the header is {header:.0f} px tall, more than a "
                                f"quarter of the screen")
            for violation in run_axe(self.driver):
                nodes = violation["nodes"]
                targets = "; ".join(" ".join(map(str, node["target"])) for node in nodes[:3])
                more = f" (+{len(nodes) - 3} more)" if len(nodes) > 3 else ""
                failures.append(f"{name} at {width}px ({self.path}): {violation['id']} ({violation['impact']}): "
                                f"{violation['help']} -> {targets}{more} | {nodes[0]['html'][:160]}")
        self.driver.set_window_size(*WIDTHS["desktop"])
        Browser.checked.setdefault(name, []).append(self.path)
        return failures

    # Accounts -------------------------------------------------------------------------------------------
    def complete_set_up(self, link: str, person: Person, first_admin: bool = False, name: str = "Test Person"):
        """Follows a one-time set-up link: password, authenticator (code computed from the secret shown), and
        recovery codes."""
        self.open(link, "set-up" if first_admin else None)
        if first_admin:
            self.fill("email", person.email)
            self.fill("name", name)
        self.fill("password", PASSWORD)
        self.fill("confirmation", PASSWORD)
        self.submit("Save password")
        assert self.h1() == "Set up your authenticator", self.text()
        if first_admin:
            self.check("enrol-authenticator")
        person.secret = self.driver.find_element(By.ID, "totp-secret").text.replace(" ", "")
        self.fill("code", person.code())
        self.submit("Confirm")
        assert self.h1() == "Your recovery codes", self.text()
        codes = self.driver.find_elements(By.CSS_SELECTOR, "#recovery-codes code")
        assert len(codes) >= 8
        if first_admin:
            self.check("recovery-codes")
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.LINK_TEXT, "I have saved my codes").click()
        self.wait_for_new_page(page)

    def sign_in(self, person: Person):
        self.open("/sign-in")
        self.fill("email", person.email)
        self.fill("password", PASSWORD)
        self.submit("Continue")
        self.fill("code", person.code())
        self.submit("Sign in")
        assert self.path == "/", f"{person.email} did not reach the home page: {self.text()[:300]}"

    def sign_out(self):
        self.submit("Sign out")
        assert self.path.startswith("/sign-in"), self.path


@pytest.fixture
def browser(server):
    b = Browser(server)
    yield b
    b.close()
