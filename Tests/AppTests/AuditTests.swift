@testable import App
import Domain
import Fluent
import SQLKit
import Testing
import VaporTesting

@Suite("The audit log: hash-chained and append-only")
struct AuditTests {
    @Test("The chain verifies, and a row changed behind the application's back is found")
    func tamperDetection() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .caseworker, region: "london")
            try await Browser(app).signIn(account)
            try await Browser(app).signIn(account)
            #expect(try await AuditEvent.query(on: app.db).count() >= 4)
            #expect(try await Audit.firstBrokenEntry(on: app.db) == nil)

            let sql = app.db as! any SQLDatabase
            // The table refuses changes…
            await #expect(throws: (any Error).self) {
                try await sql.raw("UPDATE audit_events SET detail = 'edited' WHERE seq = 2").run()
            }
            await #expect(throws: (any Error).self) {
                try await sql.raw("DELETE FROM audit_events WHERE seq = 2").run()
            }
            // …so an attacker with the database's owner rights first removes the guard.
            if sql.dialect.name == "postgresql" {
                try await sql.raw("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change").run()
            } else {
                try await sql.raw("DROP TRIGGER audit_events_no_update").run()
            }
            try await sql.raw("UPDATE audit_events SET detail = 'edited' WHERE seq = 2").run()
            #expect(try await Audit.firstBrokenEntry(on: app.db) == 2)
        }
    }

    @Test("A chain rewritten and rehashed by someone without the audit key is found; without the key it would pass")
    func rehashedWithoutTheKey() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .caseworker, region: "london")
            try await Browser(app).signIn(account)
            try await Browser(app).signIn(account)
            let sql = app.db as! any SQLDatabase
            if sql.dialect.name == "postgresql" {
                try await sql.raw("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change").run()
            } else {
                try await sql.raw("DROP TRIGGER audit_events_no_update").run()
            }
            // Entry 2 changed, and every hash from it on recomputed as the chain's canonical form says.
            let events = try await AuditEvent.query(on: app.db).sort(\.$seq).all()
            var previous = events[0].hash
            for event in events.dropFirst() {
                if event.seq == 2 { event.actor = "someone else" }
                event.prevHash = previous
                event.hash = Audit.plainHash(Audit.fields(of: event))
                previous = event.hash
                try await sql.update(AuditEvent.schema).set("actor", to: event.actor).set("prev_hash", to: event.prevHash)
                    .set("hash", to: event.hash).where("seq", .equal, event.seq).run()
            }
            // A verifier that checks plain hashes only (what the chain was before its key) is fooled…
            var plainPrevious = Audit.genesisHash
            for event in try await AuditEvent.query(on: app.db).sort(\.$seq).all() {
                let fields = Audit.fields(of: event)
                #expect(event.prevHash == plainPrevious)
                #expect(event.seq == 1 || Audit.plainHash(fields) == event.hash)
                plainPrevious = event.hash
            }
            // …the keyed chain is not.
            #expect(try await Audit.firstBrokenEntry(on: app.db) == 2)
        }
    }

    @Test("A chain cut short is found given the head kept before")
    func truncated() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .caseworker, region: "london")
            try await Browser(app).signIn(account)
            let kept = try #require(try await Audit.head(on: app.db))
            let sql = app.db as! any SQLDatabase
            if sql.dialect.name == "postgresql" {
                try await sql.raw("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change").run()
            } else {
                try await sql.raw("DROP TRIGGER audit_events_no_delete").run()
            }
            try await sql.raw("DELETE FROM audit_events WHERE seq > \(bind: kept.seq - 2)").run()
            #expect(try await Audit.firstBrokenEntry(on: app.db) == nil, "without the kept head, a shorter chain looks whole")
            #expect(try await Audit.firstBrokenEntry(on: app.db, expected: kept) == kept.seq - 1)
            #expect(try await Audit.firstBrokenEntry(on: app.db, expected: Audit.Head(seq: 1, hash: String(repeating: "f", count: 64))) == 1,
                    "a kept head that does not match is found too")
        }
    }

    @Test("Entries record who, what, where and when, in order")
    func content() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .manager, region: "london")
            try await Browser(app).signIn(account)
            let events = try await AuditEvent.query(on: app.db).sort(\.$seq).all()
            #expect(events.map(\.seq) == Array(1...events.count))
            let success = try #require(events.first { $0.action == "signin.success" })
            #expect(success.actor == account.email)
            #expect(success.userID == account.id)
            #expect(success.at.hasSuffix("Z"))
            #expect(events.allSatisfy { $0.hash.count == 64 })
        }
    }
}

@Suite("Searching the audit log")
struct AuditSearchTests {
    @Test("Admins search by who and what; the search is audited; nobody else may look")
    func search() async throws {
        try await withApp { app in
            let admin = try await Fixtures.account(app, role: .admin)
            let worker = try await Fixtures.account(app, role: .caseworker, region: "london")
            try await Browser(app).signIn(worker)
            let browser = Browser(app)
            try await browser.signIn(admin)
            let page = try await browser.get(SiteURL.adminAudit.path + "?actor=\(worker.email)&action=signin.success")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("1 entries"))
            #expect(page.body.string.contains(worker.email))
            let none = try await browser.get(SiteURL.adminAudit.path + "?action=no.such.action")
            #expect(none.body.string.contains("0 entries"))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "audit.searched").count() == 2)
            let other = Browser(app)
            try await other.signIn(worker)
            #expect(try await other.get(SiteURL.adminAudit.path).status == .forbidden)
        }
    }
}

@Suite("The audit queue")
struct AuditQueueTests {
    @Test("Entries recorded at once by many requests all commit, in one unbroken chain")
    func concurrentEntries() async throws {
        try await withApp { app in
            let before = try await AuditEvent.query(on: app.db).count()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        try await app.auditQueue.append(AuditEntry(action: .caseViewed, actor: "reader \(index)"),
                                                        at: app.clock.now(), writes: app.writes, on: app.db)
                    }
                }
                try await group.waitForAll()
            }
            let entries = try await AuditEvent.query(on: app.db).filter(\.$action == AuditAction.caseViewed.rawValue).all()
            #expect(entries.count == 40)
            #expect(Set(entries.map(\.actor)).count == 40)
            #expect(try await AuditEvent.query(on: app.db).count() == before + 40)
            #expect(try await Audit.firstBrokenEntry(on: app.db) == nil)
        }
    }
}
