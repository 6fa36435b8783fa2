#!/usr/bin/env python3
"""The HTTP measures of SPEC §8 against a running server (scripts/bench runs it; standard library only).

1. The mixed case-page load: every signed-in session that reads case content (at least 8, of different roles
   and regions) views its own random cases (at least 400 each) in random order, 64 connections, through wrk
   and bench/mix.lua, while a caseworker writes a contact through the form every second.
2. /health in the same run: the framework's ceiling on this machine, this minute.
3. The crawl: for each role, every page reachable from its home page by links, three of each route pattern,
   each timed once (the first and only view, so no page is a cache hit of an earlier view of itself).
4. The search box: each session's searches (names, a slip, a last name alone, a name and date of birth, a ref)
   through the form, each timed once.
5. The server's peak memory (VmHWM).

Usage: load.py BASE-URL SESSIONS.jsonl SERVER-PID [--duration S]. Prints one JSON object; progress on stderr.
"""
import argparse
import http.client
import json
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
HREF = re.compile(r'href="(/[^"#]*)"')
# Links that end the session or are not pages.
SKIP = re.compile(r"^/(sign-out|static/|favicon)|\.(css|svg|png|ico|js)$")


def say(message):
    print(message, file=sys.stderr, flush=True)


class Client:
    """One keep-alive connection, as a browser keeps one."""

    def __init__(self, base, cookie):
        parsed = urllib.parse.urlparse(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.cookie = cookie
        self.connection = None

    def request(self, method, path, body=None):
        headers = {"Cookie": f"reachable={self.cookie}"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                started = time.perf_counter()
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                return response.status, data, (time.perf_counter() - started) * 1000
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise


def wrk(args):
    output = subprocess.run(["wrk", *args], check=True, capture_output=True, text=True).stdout
    def duration(text):
        number, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
        return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
    latency = {m[0]: duration(m[1]) for m in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M)}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: (.*)", output)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50_ms": latency.get("50"), "p90_ms": latency.get("90"), "p99_ms": latency.get("99"),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": socket.group(1) if socket else None,
    }


class Writer(threading.Thread):
    """A contact written every second through the case page's form, by caseworkers on cases they lead."""

    def __init__(self, base, sessions):
        super().__init__(daemon=True)
        self.writers = [(Client(base, s["cookie"]), s) for s in sessions if s["leads"]]
        self.stop = threading.Event()
        self.written, self.failed, self.times = 0, 0, []

    def run(self):
        random.seed(7)
        while not self.stop.is_set():
            started = time.monotonic()
            client, session = random.choice(self.writers)
            path = random.choice(session["leads"])
            form = urllib.parse.urlencode({
                "_csrf": session["csrf"], "happenedAt": time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() - 3600)),
                "kind": "phone", "durationMinutes": "10", "present[0]": "young_person",
                "notes": "Checked in by phone during the benchmark; no new concerns."})
            status, _, elapsed = client.request("POST", path + "/contacts", form)
            if status == 303:
                self.written += 1
                self.times.append(elapsed)
            else:
                self.failed += 1
            self.stop.wait(max(0.0, 1.0 - (time.monotonic() - started)))


def mixed_load(base, sessions, duration):
    readers = [s for s in sessions if s["cases"]]
    roles = {s["role"] for s in readers}
    if len(readers) < 8 or min(len(s["cases"]) for s in readers) < 400 or len(roles) < 2:
        sys.exit(f"the mix needs at least 8 sessions of 2 roles with 400 cases each: {len(readers)} sessions, roles {roles}")
    # Every session's first case must answer with its page: a refused or redirected view would be cheap and count.
    for session in readers:
        status, body, _ = Client(base, session["cookie"]).request("GET", session["cases"][0])
        if status != 200 or b"Case:" not in body:
            sys.exit(f"{session['email']}: {session['cases'][0]} answered {status}, not the case page")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as pairs:
        for session in readers:
            for path in session["cases"]:
                pairs.write(f"{session['cookie']} {path}\n")
    script = str(HERE / "mix.lua")
    say(f"  mixed load: {len(readers)} sessions ({', '.join(sorted(roles))}), "
        f"{sum(len(s['cases']) for s in readers)} case pages, a contact written each second")
    wrk(["-t2", "-c64", "-d5s", "-s", script, base, "--", pairs.name])  # warm-up: connections, the database's pages
    writer = Writer(base, sessions)
    writer.start()
    result = wrk(["-t2", "-c64", f"-d{duration}s", "--latency", "-s", script, base, "--", pairs.name])
    writer.stop.set()
    writer.join()
    health = wrk(["-t2", "-c64", "-d10s", "--latency", base + "/health"])
    if writer.written < duration - 2 or writer.failed:
        sys.exit(f"the writer wrote {writer.written} contacts in {duration} s, {writer.failed} refused")
    result.update(sessions=len(readers), roles=sorted(roles), pages=sum(len(s["cases"]) for s in readers),
                  contacts_written=writer.written,
                  contact_write_p50_ms=round(sorted(writer.times)[len(writer.times) // 2], 1))
    return result, health


def pattern(path):
    """/cases/<uuid>?page=2 → /cases/{id}?page=*"""
    parsed = urllib.parse.urlparse(path)
    route = UUID.sub("{id}", parsed.path)
    route = re.sub(r"/\d+(?=/|$)", "/{n}", route)
    keys = sorted(urllib.parse.parse_qs(parsed.query, keep_blank_values=True))
    return route + ("?" + "&".join(f"{k}=*" for k in keys) if keys else "")


def crawl(base, session, per_pattern=3, limit=400):
    """Every page the role reaches from its home page, following links, three of each route pattern."""
    client = Client(base, session["cookie"])
    queue, seen, counts, timings = ["/"], {"/"}, {}, []
    while queue and len(timings) < limit:
        path = queue.pop(0)
        status, body, elapsed = client.request("GET", path)
        timings.append({"path": path, "pattern": pattern(path), "status": status, "ms": round(elapsed, 1)})
        if status != 200 or not body.lstrip().startswith(b"<!DOCTYPE"):
            continue
        for link in HREF.findall(body.decode("utf-8", "replace")):
            link = link.replace("&amp;", "&")
            if SKIP.search(link) or link in seen:
                continue
            key = pattern(link)
            if counts.get(key, 0) >= per_pattern:
                continue
            counts[key] = counts.get(key, 0) + 1
            seen.add(link)
            queue.append(link)
    times = sorted(t["ms"] for t in timings)
    failures = [t for t in timings if t["status"] >= 400]
    return {
        "pages": len(timings), "patterns": len({t["pattern"] for t in timings}),
        "p95_ms": times[max(0, int(len(times) * 0.95) - 1)], "worst_ms": times[-1],
        "slowest": sorted(timings, key=lambda t: -t["ms"])[:5], "failures": failures,
    }


def searches(base, sessions):
    """Every session's searches through the form (POST /search), each timed once."""
    timings = []
    for session in sessions:
        client = Client(base, session["cookie"])
        for text in session.get("searches", []):
            body = urllib.parse.urlencode({"_csrf": session["csrf"], "q": text})
            status, data, elapsed = client.request("POST", "/search", body)
            found = re.search(rb"(\d+) young (?:person|people) found", data)
            timings.append({"role": session["role"], "query_kind": len(timings) % 5, "status": status,
                            "found": int(found.group(1)) if found else None, "ms": round(elapsed, 1)})
    if not timings:
        return {}
    times = sorted(t["ms"] for t in timings)
    return {"searches": len(timings), "p95_ms": times[max(0, int(len(times) * 0.95) - 1)], "worst_ms": times[-1],
            "failures": [t for t in timings if t["status"] != 200 or not t["found"]]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("sessions")
    parser.add_argument("pid")
    parser.add_argument("--duration", type=int, default=20)
    args = parser.parse_args()
    sessions = [json.loads(line) for line in Path(args.sessions).read_text().splitlines() if line.strip()]
    mixed, health = mixed_load(args.base, sessions, args.duration)
    say(f"  case pages (mixed): {mixed['requests_per_second']:.0f}/s, p50 {mixed['p50_ms']} ms, p99 {mixed['p99_ms']} ms; "
        f"/health {health['requests_per_second']:.0f}/s")
    crawls = {}
    for role in ["caseworker", "manager", "national_lead", "commissioner", "admin"]:
        session = next((s for s in sessions if s["role"] == role), None)
        if session:
            crawls[role] = crawl(args.base, session)
            c = crawls[role]
            say(f"  crawl as {role}: {c['pages']} pages of {c['patterns']} patterns, p95 {c['p95_ms']} ms, "
                f"worst {c['worst_ms']} ms ({c['slowest'][0]['path']})")
    search = searches(args.base, sessions)
    if search:
        say(f"  search box: {search['searches']} searches, p95 {search['p95_ms']} ms, worst {search['worst_ms']} ms, "
            f"{len(search['failures'])} found nobody or failed")
    status = Path(f"/proc/{args.pid}/status").read_text()
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) // 1024
    print(json.dumps({"case_page_mixed": mixed, "health": health, "crawl": crawls, "search": search, "peak_memory_mb": peak}, sort_keys=True))


if __name__ == "__main__":
    main()
