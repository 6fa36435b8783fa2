import Domain
import Fluent
import Foundation
import SQLKit
import Vapor

/// `reachable demo [--seed S] [--referrals N] [--years Y] [--contacts C]`: fills an empty database with generated,
/// realistic data for the four regions (by default the current financial year so far and the three before it)
/// and demo accounts for every role, printing how to sign in. At national scale (`--referrals 400000 --years 10`)
/// it is the benchmark's data. Refuses to touch a database that already holds referrals.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "seed", help: "Random seed (default 1): the same seed gives the same data")
        var seed: UInt64?
        @Option(name: "referrals", help: "Roughly how many referrals to generate (default about 1,800 over four years)")
        var referrals: Int?
        @Option(name: "years", help: "Financial years to cover, ending with the current one (default 4; 10 for a national picture)")
        var years: Int?
        @Option(name: "contacts", help: "Contacts per case, on average (default 30)")
        var contacts: Int?
    }

    var help: String { "Fill an empty database with demo data and demo accounts" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if try await Referral.query(on: app.db).count() > 0 {
            StandardError.print("The database already holds referrals: demo data was not added. The demo accounts were "
                + "printed when it was loaded; to start again, delete the database file.")
            return
        }
        let started = Date()
        let now = app.clock.now()
        let today = CivilDate.today(at: now)
        let current = FinancialYear.containing(today)
        let yearCount = signature.years ?? 4
        guard (1...30).contains(yearCount) else { throw CommandError(message: "--years must be from 1 to 30") }
        let contactsPerCase = signature.contacts ?? 30
        guard (0...500).contains(contactsPerCase) else { throw CommandError(message: "--contacts must be from 0 to 500") }
        let years = (0..<yearCount).map { FinancialYear(startYear: current.startYear - $0) }
        let reference = try await ImportReferenceData.load(on: app.db)
        var plan = DemoGenerator.Plan.standard(years: years, today: today)
        if let wanted = signature.referrals {
            guard wanted > 0 else { throw CommandError(message: "--referrals must be a positive number") }
            let perYear = Double(plan.referralsPerYear.values.reduce(0, +)) * 8 / 7
            plan.scale = Double(wanted) / (perYear * Double(years.count))
        }
        try await DatabaseSetup.enlargeSQLiteCache(app, megabytes: 1024)
        var generator = DemoGenerator(seed: signature.seed ?? 1, plan: plan,
                                      regionAuthorities: reference.localAuthoritiesByRegion.mapValues { $0.sorted() })
        let output = generator.generate()
        var phases = ["generated \(seconds(since: started))"]
        let actor = AuditEntry(action: .importFile, actor: "reachable demo", address: "command line")
        // One transaction per financial year, like a service importing a file a year, rather than one for all of
        // them: at 400,000 referrals one transaction took 5.8 times as long as at 100,000 for 4 times the rows
        // (SQLite checkpoints its write-ahead log only between transactions).
        var summary = ImportSummary()
        let byYear = Dictionary(grouping: output.referrals) { FinancialYear.containing($0.receivedDate) }
        for year in byYear.keys.sorted() {
            let part = try await ReferralImport.store(byYear[year]!, reference: reference, source: "demo seed \(signature.seed ?? 1)",
                                                      onlyRegion: nil, actor: actor, now: now, db: app.db, writes: app.writes)
            summary.created += part.created
            summary.peopleCreated += part.peopleCreated
        }
        phases.append("referrals stored \(seconds(since: started))")
        _ = try await OutreachImport.store(output.outreach, reference: reference, source: "demo seed \(signature.seed ?? 1)",
                                           onlyRegion: nil, actor: actor, now: now, db: app.db, writes: app.writes)
        let accounts = try await DemoAccounts.create(app: app, reference: reference, now: now)
        let contacts = try await DemoCasework.add(app: app, seed: signature.seed ?? 1, now: now, contactsPerCase: contactsPerCase)
        phases.append("casework stored \(seconds(since: started))")
        StandardError.print("Demo timings (cumulative): " + phases.joined(separator: ", "))
        StandardError.print("Demo data: \(summary.created) referrals, \(summary.peopleCreated) young people, "
            + "\(contacts) contacts, \(output.outreach.count) outreach sessions, "
            + "in \(seconds(since: started)).")
        accounts.print()
    }
}

private func seconds(since start: Date) -> String { String(format: "%.1f s", Date().timeIntervalSince(start)) }

/// One account per role (and a manager and caseworker per region), all with one random password printed once,
/// each with its own TOTP secret for an authenticator app (or `oathtool --totp -b SECRET`).
enum DemoAccounts {
    struct Printed {
        let password: String
        let rows: [(email: String, role: String, secret: String)]

        func print() {
            var lines = ["", "Demo accounts (password for all: \(password)). Add each secret to an authenticator app, or print",
                         "the current code with: reachable totp SECRET"]
            let width = (rows.map(\.email.count).max() ?? 40) + 2
            for row in rows {
                lines.append("  \(row.email.padding(toLength: width, withPad: " ", startingAt: 0)) \(row.role.padding(toLength: 34, withPad: " ", startingAt: 0)) \(row.secret)")
            }
            lines.append("These accounts are for trying Reachable out: never load demo data into a live service.")
            StandardError.print(lines.joined(separator: "\n"))
        }
    }

    static func create(app: Application, reference: ImportReferenceData, now: Date) async throws -> Printed {
        let password = SecretToken.make(bytes: 12)
        let hash = try PasswordHasher(cost: app.settings.bcryptCost).hash(password)
        var specs: [(String, Role, String?)] = [("admin", .admin, nil), ("national.lead", .nationalLead, nil),
                                                ("commissioner", .commissioner, nil)]
        for region in reference.regionIDs.keys.sorted() {
            specs += [("manager.\(region)", .manager, region), ("caseworker.\(region)", .caseworker, region)]
        }
        var rows: [(String, String, String)] = []
        var users: [User] = []
        for (name, role, region) in specs {
            let email = "\(name)@demo.reachable.example"
            let user = User(email: email, displayName: Self.displayName(name, role: role),
                            role: role, regionID: region.flatMap { reference.regionIDs[$0] })
            user.passwordHash = hash
            let secret = TOTP.newSecret()
            user.totpSecret = try app.cipher.seal(Base32.encode(secret))
            user.totpEnabled = true
            users.append(user)
            rows.append((email, role.label + (region.map { ", \($0)" } ?? ""), Base32.encode(secret)))
        }
        let caseworkers = users
        try await app.writes.transaction(on: app.db) { db in
            for user in caseworkers {
                try await user.create(on: db)
                try await Audit.append(AuditEntry(action: .userCreated, actor: "reachable demo", objectType: .user,
                                                  objectID: user.id!.uuidString, detail: "demo account, role \(user.role.rawValue)"),
                                       on: db, at: now)
            }
            // Open cases get a lead: the region's demo caseworker.
            for user in caseworkers where user.role == .caseworker {
                try await SupportCase.query(on: db).filter(\.$region.$id == user.$region.id!).filter(\.$closedDate == nil)
                    .set(\.$leadCaseworker.$id, to: user.id).update()
            }
        }
        return Printed(password: password, rows: rows)
    }

    static func displayName(_ name: String, role: Role) -> String {
        let demoNames: [Role: String] = [.admin: "Alex Admin", .nationalLead: "Nia National", .commissioner: "Chris Commissioner"]
        if let fixed = demoNames[role] { return fixed }
        let region = name.split(separator: ".").last.map { PlaceName.fromCode(String($0)) } ?? ""
        return role == .manager ? "Morgan Manager (\(region))" : "Casey Caseworker (\(region))"
    }
}
