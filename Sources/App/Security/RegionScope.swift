import Domain
import Fluent
import SQLKit
import Vapor

/// The one place that decides which regions' records a person may see (ASVS v5.0.0-8.2.2, 8.4.1: regions are
/// tenants). List queries start from `referrals(on:)`/`cases(on:)`; single records are fetched through
/// `find…`, which answers 404 for anything outside the scope and audits the attempt.
struct RegionScope: Sendable {
    enum Reach: Sendable, Equatable {
        case regions([UUID])
        case everywhere
        case nowhere

        /// This reach as a condition on a region column of a query written in SQL.
        func condition(on regionColumn: String) -> SQLQueryString {
            switch self {
            case let .regions(ids) where !ids.isEmpty: "\(unsafeRaw: regionColumn) IN (\(binds: ids))"
            case .everywhere: "1 = 1"
            case .regions, .nowhere: "1 = 0"
            }
        }
    }

    let user: CurrentUser
    let reach: Reach

    init(_ user: CurrentUser) {
        self.user = user
        switch user.role {
        case .caseworker, .manager: reach = user.regionID.map { .regions([$0]) } ?? .nowhere
        case .nationalLead: reach = .everywhere
        case .admin, .commissioner: reach = .nowhere
        }
    }

    /// Who may write: caseworkers and managers, in their own region only. National leads read.
    var canWrite: Bool { [.caseworker, .manager].contains(user.role) && user.regionID != nil }
    var isManager: Bool { user.role == .manager }

    func contains(regionID: UUID) -> Bool {
        switch reach {
        case let .regions(ids): ids.contains(regionID)
        case .everywhere: true
        case .nowhere: false
        }
    }

    func referrals(on db: any Database) -> QueryBuilder<Referral> {
        limit(Referral.query(on: db), \Referral.$region.$id)
    }

    func cases(on db: any Database) -> QueryBuilder<SupportCase> {
        limit(SupportCase.query(on: db), \SupportCase.$region.$id)
    }

    /// Partner referrals: a region's own, and for a national lead every one, with those no region's list holds.
    func partnerReferrals(on db: any Database) -> QueryBuilder<PartnerReferral> {
        let query = PartnerReferral.query(on: db)
        return switch reach {
        case let .regions(ids): query.filter(\.$regionID ~~ ids.map(Optional.some))
        case .everywhere: query
        case .nowhere: query.filter(\.$regionID ~~ [UUID?]())
        }
    }

    /// Partner referrals still someone's to do: awaiting triage, or triaged with the call-back not yet recorded.
    func openPartnerReferrals(on db: any Database) -> QueryBuilder<PartnerReferral> {
        partnerReferrals(on: db).group(.or) { open in
            open.filter(\.$status == .awaitingTriage)
                .group(.and) { $0.filter(\.$status == .triaged).filter(\.$calledBackAt == nil) }
        }
    }

    /// A partner referral this person may see, or 404 (audited).
    func findPartnerReferral(_ id: UUID?, req: Request) async throws -> PartnerReferral {
        if let id, let found = try await partnerReferrals(on: req.db).filter(\.$id == id).first() { return found }
        try await req.audit(.accessRefused, outcome: .refused, objectType: .partnerReferral, objectID: id?.uuidString ?? "")
        throw Abort(.notFound)
    }

    /// Who triages a partner referral: the caseworkers and managers of its region; the national lead for one that
    /// no region's list holds (they send it to a region).
    func canTriage(_ referral: PartnerReferral) -> Bool {
        guard let region = referral.regionID else { return user.role == .nationalLead }
        return canWrite && contains(regionID: region)
    }

    /// The same scope for a query written in SQL: a condition on a region column such as `c.region_id`
    /// (a name from the code, never from a request).
    func condition(on regionColumn: String) -> SQLQueryString { reach.condition(on: regionColumn) }

    /// The scope's open cases, aliased `c` (a caseworker's own: those they lead), as the dashboards and case lists
    /// read them from `cases_activity`.
    func openCases(ledBy lead: UUID? = nil) -> SQLQueryString {
        var condition: SQLQueryString = "\(condition(on: "c.region_id")) AND c.closed_date IS NULL"
        if let lead { condition = "\(condition) AND c.lead_caseworker_id = \(bind: lead)" }
        return condition
    }

    private func limit<M: Model>(_ query: QueryBuilder<M>, _ region: KeyPath<M, FieldProperty<M, UUID>>) -> QueryBuilder<M> {
        switch reach {
        case let .regions(ids): query.filter(region ~~ ids)
        case .everywhere: query
        case .nowhere: query.filter(region ~~ [UUID]())
        }
    }

    /// A referral this person may see, or 404 (audited).
    func findReferral(_ id: UUID?, req: Request) async throws -> Referral {
        if let id, let referral = try await referrals(on: req.db).filter(\.$id == id).with(\.$region).first() {
            return referral
        }
        try await req.audit(.accessRefused, outcome: .refused, objectType: .referral, objectID: id?.uuidString ?? "")
        throw Abort(.notFound)
    }

    /// A case this person may see, or 404 (audited).
    func findCase(_ id: UUID?, req: Request) async throws -> SupportCase {
        // One joined query rather than one per relation: every case page and case action starts here.
        if let id, let found = try await ScopedCaseQuery.find(id, scope: self, on: req.db as! any SQLDatabase) {
            return found
        }
        try await req.audit(.accessRefused, outcome: .refused, objectType: .supportCase, objectID: id?.uuidString ?? "")
        throw Abort(.notFound)
    }

    /// Writing to a case: its lead caseworker, or a manager of its region (SPEC §1).
    func canWrite(_ supportCase: SupportCase) -> Bool {
        guard canWrite, contains(regionID: supportCase.$region.id) else { return false }
        return user.role == .manager || supportCase.$leadCaseworker.id == user.id
    }

    /// A young person's safe-contact details, which every case page of theirs shows first: a manager of a region
    /// holding them, or the lead caseworker of one of their cases in this user's region (SPEC §1: a caseworker
    /// writes to the cases assigned to them).
    func canWriteSafeContact(of person: Person, on db: any Database) async throws -> Bool {
        guard canWrite, let personID = person.id else { return false }
        if isManager { return true }
        return try await cases(on: db).filter(\.$person.$id == personID).filter(\.$leadCaseworker.$id == user.id).count() > 0
    }

    /// Sensitive notes: the lead caseworker and the region's managers only.
    func canReadSensitive(_ supportCase: SupportCase) -> Bool { canWrite(supportCase) }

    /// A record that belongs to the user's own region (meetings, places, visits): else 404, audited.
    func findInOwnRegion<M: Model>(_ type: M.Type, id: UUID?, region: KeyPath<M, ParentProperty<M, Region>>,
                                   objectType: AuditedObject, req: Request) async throws -> M where M.IDValue == UUID {
        if let id, let regionID = user.regionID,
           let found = try await M.query(on: req.db).filter(\M._$id == id).filter(region.appending(path: \.$id) == regionID).first() {
            return found
        }
        try await req.audit(.accessRefused, outcome: .refused, objectType: objectType, objectID: id?.uuidString ?? "")
        throw Abort(.notFound)
    }

    /// Whether every referral and case of this young person is in this user's scope: a young person shared with
    /// another region (by agreement) may be read by both, but only merged when the whole record is the user's, or a
    /// merge would move the other region's referrals and cases onto a record of this region's choosing.
    func holdsWholly(_ personID: UUID, on db: any Database) async throws -> Bool {
        switch reach {
        case .everywhere: return true
        case .nowhere: return false
        case let .regions(ids):
            let referralsElsewhere = try await Referral.query(on: db).filter(\.$person.$id == personID).filter(\.$region.$id !~ ids).count()
            let casesElsewhere = try await SupportCase.query(on: db).filter(\.$person.$id == personID).filter(\.$region.$id !~ ids).count()
            return referralsElsewhere == 0 && casesElsewhere == 0
        }
    }

    /// A person this person may see: one with a referral in their scope. Otherwise 404 (audited).
    func findPerson(_ id: UUID?, req: Request) async throws -> Person {
        if let id, let person = try await Person.query(on: req.db).filter(\.$id == id).with(\.$aliases).first(),
           try await referrals(on: req.db).filter(\.$person.$id == id).count() > 0 {
            return person
        }
        try await req.audit(.accessRefused, outcome: .refused, objectType: .person, objectID: id?.uuidString ?? "")
        throw Abort(.notFound)
    }
}

extension Request {
    var scope: RegionScope {
        get throws { RegionScope(try requireUser()) }
    }
}
