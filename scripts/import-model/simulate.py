#!/usr/bin/env python3
"""Times what a 20,000-row referral import writes, on a model made by build.py (or a copy of a whole Reachable
database): rows copied from the previous financial year's referrals with new keys and refs, three in five with a
new young person, each referral's case and two of its outcome measures, written in parts of 2,000 rows (young
people, referrals, cases, measures) in one transaction with the product's pragmas. Prints the seconds per table,
the commit's, the rate and the write-ahead log's size. The model's own copy is changed: run it on a fresh copy.

  simulate.py MODEL.sqlite [SEED]
"""
import datetime
import os
import random
import sqlite3
import sys
import time
import uuid

path = sys.argv[1]
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
db = sqlite3.connect(path, isolation_level=None)
for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-32000", "foreign_keys=ON", "temp_store=MEMORY"):
    db.execute("PRAGMA " + pragma)


def columns(table):
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]


people_columns, referral_columns = columns("people"), columns("referrals")
case_columns, measure_columns = columns("cases"), columns("outcome_measures")
integer_keys = db.execute("SELECT typeof(id) FROM people LIMIT 1").fetchone()[0] == "integer"
next_integer = {table: db.execute(f'SELECT max(id) FROM "{table}"').fetchone()[0]
                for table in ("people", "referrals", "cases", "outcome_measures")} if integer_keys else {}
clock = [int(time.time() * 1000) << 16]
blob_keys = db.execute("SELECT typeof(id) FROM people LIMIT 1").fetchone()[0] == "blob"


def new_key(table):
    """An integer after the table's last, or a time-ordered UUID as the product makes them: its 16 bytes when the
    model's keys are bytes, its text otherwise."""
    if blob_keys:
        clock[0] += 1
        return bytes.fromhex("%016X" % clock[0] + "%016X" % random.getrandbits(64))
    if integer_keys:
        next_integer[table] += 1
        return next_integer[table]
    clock[0] += 1
    digits = "%016X" % clock[0] + "%016X" % random.getrandbits(64)
    return f"{digits[0:8]}-{digits[8:12]}-7{digits[13:16]}-{digits[16:20]}-{digits[20:32]}"


def public_key():
    clock[0] += 1
    return "%016X" % clock[0] + "-" + uuid.uuid4().hex[:16].upper()


# The financial year before this one (1 April to 31 March), as `reachable bench` imports.
today = datetime.date.today()
this_year_starts = today.year if today.month >= 4 else today.year - 1
year = db.execute("SELECT * FROM referrals WHERE received_date >= ? AND received_date < ? ORDER BY random() LIMIT 20000",
                  (f"{this_year_starts - 1}-04-01", f"{this_year_starts}-04-01")).fetchall()
person, ref, public = referral_columns.index("person_id"), referral_columns.index("ref"), "public_id" in referral_columns
stamp = str(int(time.time()))
parts = []
for start in range(0, len(year), 2000):
    part = {"people": [], "referrals": [], "cases": [], "outcome_measures": []}
    for source in year[start:start + 2000]:
        referral = list(source)
        if random.random() < 0.6:
            young_person = list(db.execute("SELECT * FROM people WHERE id = ?", (referral[person],)).fetchone())
            young_person[0] = new_key("people")
            if public:
                young_person[-1] = public_key()
            part["people"].append(young_person)
            referral[person] = young_person[0]
        referral[0], referral[ref] = new_key("referrals"), f"BENCH-{stamp}-{referral[ref]}"
        if public:
            referral[-1] = public_key()
        part["referrals"].append(referral)
        found = db.execute("SELECT * FROM cases WHERE referral_id = ?", (source[0],)).fetchone()
        if found:
            case = list(found)
            case[0] = new_key("cases")
            case[case_columns.index("referral_id")], case[case_columns.index("person_id")] = referral[0], referral[person]
            case[case_columns.index("lead_caseworker_id")] = None
            if public:
                case[-1] = public_key()
            part["cases"].append(case)
            for measure in db.execute("SELECT * FROM outcome_measures WHERE case_id = ? LIMIT 2", (found[0],)).fetchall():
                measure = list(measure)
                measure[0], measure[1] = new_key("outcome_measures"), case[0]
                part["outcome_measures"].append(measure)
    parts.append(part)

seconds = {}
db.execute("BEGIN")
for part in parts:
    for table, table_columns in (("people", people_columns), ("referrals", referral_columns), ("cases", case_columns),
                                 ("outcome_measures", measure_columns)):
        started = time.perf_counter()
        if part[table]:
            db.executemany(f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in table_columns)}) '
                           f'VALUES ({", ".join("?" * len(table_columns))})', part[table])
        seconds[table] = seconds.get(table, 0) + time.perf_counter() - started
started = time.perf_counter()
db.execute("COMMIT")
seconds["commit"] = time.perf_counter() - started
total = sum(seconds.values())
print(" ".join(f"{name} {value:.3f} s" for name, value in seconds.items()),
      f"| total {total:.3f} s, {len(year) / total:,.0f} rows/s, log {os.path.getsize(path + '-wal') / 1e6:.0f} MB")
