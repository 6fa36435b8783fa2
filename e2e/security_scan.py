"""Wapiti against a running Reachable, signed in as a manager, with explicit modules only and on loopback.

Starts `reachable serve` on a fresh SQLite file with demo data, signs in as the West Midlands demo manager
(password, then a TOTP code computed from the secret `reachable demo` printed), and runs Wapiti with the
session cookie. Exits non-zero, naming each finding, if Wapiti reports any vulnerability or anomaly.
Usage: e2e/.venv/bin/python e2e/security_scan.py [max-scan-seconds]
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyotp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import ROOT, Server, binary  # noqa: E402

MODULES = "xss,sql,csrf,http_headers,cookieflags,csp"
# The server is told its address is https (as behind nginx with TLS, docs/deploy.md): cookies are then
# Secure with the __Host- prefix, as in production, and that is what cookieflags checks.
SESSION_COOKIE = "__Host-reachable"
WAPITI = ROOT / "e2e" / ".venv-wapiti" / "bin" / "wapiti"


def demo_manager(server: Server) -> tuple[str, str, str]:
    env = dict(os.environ, DATABASE_URL=f"sqlite:{server.work / 'e2e.sqlite'}", REACHABLE_DATA_DIR=str(server.work))
    result = subprocess.run([binary(), "demo", "--seed", "17"], env=env, capture_output=True, text=True, check=True)
    password = re.search(r"password for all: ([^)]+)\)", result.stderr).group(1)
    line = next(l for l in result.stderr.splitlines() if l.strip().startswith("manager.west-midlands@"))
    email, *_, secret = line.split()
    return email, password, secret


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base: str, email: str, password: str, secret: str) -> str:
    """Password, then code, keeping cookies by hand: they are Secure (the server believes it is behind TLS),
    which Python's cookie jar would not send back over plain HTTP on loopback."""
    opener = urllib.request.build_opener(NoRedirect)
    cookies: dict[str, str] = {}

    def request(path: str, fields: dict | None = None) -> str:
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        req = urllib.request.Request(base + path, data=data)
        req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
        try:
            response = opener.open(req)
        except urllib.error.HTTPError as redirect:  # 303 after each form
            response = redirect
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name] = rest.split(";")[0]
        return response.read().decode()

    def token(page: str) -> str:
        return re.search(r'name="_csrf" value="([^"]+)"', page).group(1)

    request("/sign-in", {"_csrf": token(request("/sign-in")), "email": email, "password": password})
    request("/sign-in/code", {"_csrf": token(request("/sign-in/code")), "code": pyotp.TOTP(secret).now()})
    assert "Sign out" in request("/"), "signing in as the demo manager failed"
    return cookies[SESSION_COOKIE]


def main() -> int:
    max_time = sys.argv[1] if len(sys.argv) > 1 else "240"
    server = Server(before_serve=demo_manager, settings={"REACHABLE_BASE_URL": "https://reachable.test"})
    try:
        email, password, secret = server.prepared
        session = sign_in(server.base, email, password, secret)
        report = Path(tempfile.mkdtemp()) / "wapiti.json"
        # Signing out (or ending sessions) would end the scan's own session: those addresses are left out.
        excluded = ["/sign-out", "/account/sign-out-everywhere", "/account/sessions/*"]
        command = [str(WAPITI), "-u", server.base + "/", "--scope", "folder", "-m", MODULES,
                   "-C", f"{SESSION_COOKIE}={session}", "--flush-session", "--max-scan-time", max_time,
                   "--max-attack-time", "40", "-d", "4", "--max-links-per-page", "40", "-f", "json", "-o", str(report),
                   "--no-bugreport", "-v", "1"]
        for path in excluded:
            command += ["-x", server.base + path]
        print("== wapiti", " ".join(c if SESSION_COOKIE not in c else "[session cookie]" for c in command), file=sys.stderr)
        started = time.time()
        subprocess.run(command, check=True, stdout=sys.stderr)
        findings = json.loads(report.read_text())
        problems = []
        for section in ("vulnerabilities", "anomalies"):
            for category, items in findings.get(section, {}).items():
                for item in items:
                    problems.append(f"{section[:-3] if section.endswith('ies') else section}: {category}: "
                                    f"{item.get('method', '')} {item.get('path', '')} {item.get('info', '')}")
        crawled = findings.get("infos", {}).get("crawled_pages_nbr", "?")
        print(f"Wapiti ran {time.time() - started:.0f} s over {crawled} crawled pages with modules {MODULES}.",
              file=sys.stderr)
        if "Fatal error" in server.output():
            problems.append("the server crashed during the scan")
        if problems:
            print("Wapiti found:\n" + "\n".join(problems), file=sys.stderr)
            return 1
        print("Wapiti found nothing.", file=sys.stderr)
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
