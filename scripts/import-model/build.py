#!/usr/bin/env python3
"""Builds a model of the tables a referral import writes (regions, users, people, referrals, cases, outcome
measures) from a Reachable SQLite database, to measure a schema change before making it (docs/performance.md,
"Session 10" and "Session 11"). Python's own SQLite, not the product: compare models with each other, not with
`reachable bench`.

  build.py SOURCE.sqlite MODEL.sqlite text          the tables as the source has them (keys as text before
                                                    session 11, as 16 bytes since): a rowid table each
  build.py SOURCE.sqlite MODEL.sqlite blob          UUID keys as their 16 bytes (the product since session 11)
  build.py SOURCE.sqlite MODEL.sqlite integer       integer keys (the rowid) and integer foreign keys
  build.py SOURCE.sqlite MODEL.sqlite integer+public integer keys, with the UUID kept as a unique public key
                                                    on people, referrals and cases (for addresses and the API)
  build.py SOURCE.sqlite MODEL.sqlite without-rowid text keys, people/referrals/cases/measures WITHOUT ROWID
  build.py SOURCE.sqlite MODEL.sqlite region-integer integer keys for regions alone (region_id everywhere)

Every index of those tables is made again, on the model's columns.
"""
import re
import sqlite3
import sys

source, target, kind = sys.argv[1], sys.argv[2], sys.argv[3]
assert kind in ("blob", "text", "integer", "integer+public", "without-rowid", "region-integer"), kind
tables = ["regions", "users", "people", "referrals", "cases", "outcome_measures"]
# The tables whose keys become integers, in their own rows and wherever another row names them.
integer = {"integer": tables, "integer+public": tables, "region-integer": ["regions"]}.get(kind, [])
# Each key column of these tables and the table it names.
keys = {"region_id": "regions", "first_region_id": "regions", "person_id": "people", "referral_id": "referrals",
        "case_id": "cases", "lead_caseworker_id": "users"}
without_rowid = ["people", "referrals", "cases", "outcome_measures"] if kind == "without-rowid" else []
public = ["people", "referrals", "cases"] if kind == "integer+public" else []

db = sqlite3.connect(target, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=OFF")
db.execute("PRAGMA cache_size=-500000")
db.execute("ATTACH ? AS source", (source,))
# A key's 16 bytes from its text (a source made before session 11), or as they are.
db.create_function("uuidblob", 1, lambda s: bytes.fromhex(s.replace("-", "")) if isinstance(s, str) else s,
                   deterministic=True)
db.execute("BEGIN")
for table in tables:
    sql = db.execute("SELECT sql FROM source.sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()[0]
    if table in integer:
        sql = sql.replace('"id" UUID PRIMARY KEY', '"id" INTEGER PRIMARY KEY')
    for column, named in keys.items():
        if named in integer:
            sql = re.sub(f'"{column}" UUID', f'"{column}" INTEGER', sql)
    if table in public:
        # A column goes before the table's constraints.
        at = sql.find(", CONSTRAINT") if ", CONSTRAINT" in sql else sql.rindex(")")
        sql = sql[:at] + ', "public_id" TEXT NOT NULL' + sql[at:]
    if table in without_rowid:
        sql += " WITHOUT ROWID"
    db.execute(sql)
    values = []
    for (column,) in db.execute(f'SELECT name FROM pragma_table_info(\'{table}\', \'source\')'):
        if table in integer and column == "id":
            values.append("s.rowid")
        elif keys.get(column) in integer:
            values.append(f'(SELECT rowid FROM source."{keys[column]}" WHERE id = s."{column}")')
        elif kind == "blob" and (column == "id" or column in keys):
            values.append(f'uuidblob(s."{column}")')
        else:
            values.append(f's."{column}"')
    if table in public:
        values.append("s.id")
    order = "s.id" if table in without_rowid else "s.rowid"
    db.execute(f'INSERT INTO main."{table}" SELECT {", ".join(values)} FROM source."{table}" s ORDER BY {order}')
indexes = db.execute("SELECT sql FROM source.sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ("
                     + ", ".join("?" * len(tables)) + ")", tables).fetchall()
for (sql,) in indexes:
    db.execute(sql)
for table in public:
    db.execute(f'CREATE UNIQUE INDEX "{table}_public_id" ON "{table}" ("public_id")')
db.execute("COMMIT")
