"""Wapiti against a running Reachable, signed in as a manager, with explicit modules only and on loopback.

Starts `reachable serve` on a fresh SQLite file with demo data, signs in as the West Midlands demo manager
(password, then a TOTP code computed from the secret `reachable demo` printed), and runs Wapiti with the
session cookie. Exits non-zero, naming each finding, if Wapiti reports any vulnerability or anomaly.
Usage: e2e/.venv/bin/python e2e/security_scan.py [max-scan-seconds]
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import ROOT, Server, demo_manager, http_sign_in  # noqa: E402

MODULES = "xss,sql,csrf,http_headers,cookieflags,csp"
# The server is told its address is https (as behind nginx with TLS, docs/deploy.md): cookies are then
# Secure with the __Host- prefix, as in production, and that is what cookieflags checks.
SESSION_COOKIE = "__Host-reachable"
WAPITI = ROOT / "e2e" / ".venv-wapiti" / "bin" / "wapiti"


def demo(server: Server) -> dict:
    return demo_manager(dict(os.environ, DATABASE_URL=f"sqlite:{server.work / 'e2e.sqlite'}",
                             REACHABLE_DATA_DIR=str(server.work)))


def main() -> int:
    max_time = sys.argv[1] if len(sys.argv) > 1 else "240"
    server = Server(before_serve=demo, settings={"REACHABLE_BASE_URL": "https://reachable.test"})
    try:
        account = server.prepared
        session = http_sign_in(server.base, account["email"], account["password"], account["secret"])[SESSION_COOKIE]
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
        for attempt in (1, 2):
            run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            print(run.stdout, file=sys.stderr)
            # Wapiti keeps its scan state in a SQLite file of its own, and now and then fails to commit to it
            # ("database is locked") as a module stops at its time limit: a fault of the scanner, so scan again.
            if run.returncode != 0 and attempt == 1 and "database is locked" in run.stdout and "wapiti" in run.stdout:
                print("== Wapiti's own scan state was locked: scanning again", file=sys.stderr)
                continue
            run.check_returncode()
            break
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
