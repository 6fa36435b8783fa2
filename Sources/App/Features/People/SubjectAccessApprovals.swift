import Domain
import Fluent
import Vapor

/// A national lead's side of subject access: exports that take in another region's records wait here, with the
/// records themselves to judge by, until approved (or the other records judged someone else's).
extension DataProtectionController {
    func approvals(req: Request) async throws -> View {
        let page = try await SubjectAccessApprovalsPage.make(layout: req.layout(title: "Subject access approvals"), on: req.db)
        // The page names young people and other regions' referrals: reading it is audited like any such page.
        try await req.audit(.subjectAccessApprovalsViewed, objectType: .subjectAccess, detail: "\(page.rows.count) waiting")
        return try await req.view.render("people/subject-access-approvals", page)
    }

    func approve(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("requestID", as: UUID.self),
              let request = try await SubjectAccessRequest.query(on: req.db).filter(\.$id == id).with(\.$region).first() else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .subjectAccess,
                                objectID: req.parameters.get("requestID") ?? "")
            throw Abort(.notFound)
        }
        guard request.awaitsApproval else {
            throw Abort(.conflict, reason: "This export covers one region, or is already approved.")
        }
        let entry = req.auditEntry(.subjectAccessApproved, objectType: .person, objectID: request.$person.id.uuidString,
                                   region: request.region.code,
                                   detail: "export by \(request.region.name) to include the records of \(request.otherRegions)")
        let now = req.now
        let records = try await SubjectAccessExport.records(of: request.$person.id, separate: !request.separateRecordsExcluded, on: req.db)
            .map(\.uuidString).sorted().joined(separator: ",")
        try await req.write { db in
            try await SubjectAccessRequest.query(on: db).filter(\.$id == id).filter(\.$approvedAt == nil)
                .set(\.$approvedAt, to: now).set(\.$approvedByID, to: user.id).set(\.$approvedRecords, to: records).update()
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.subjectAccessApprovals.path)
    }

    /// The national lead judges the other regions' records of the same name and date of birth to be another young
    /// person's: the export leaves them out (and asks again if the person's own records reach another region).
    func separate(req: Request) async throws -> Response {
        guard let id = req.parameters.get("requestID", as: UUID.self),
              let request = try await SubjectAccessRequest.query(on: req.db).filter(\.$id == id).with(\.$region).first() else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .subjectAccess,
                                objectID: req.parameters.get("requestID") ?? "")
            throw Abort(.notFound)
        }
        guard request.awaitsApproval, !request.separateRecordsExcluded else {
            throw Abort(.conflict, reason: "This export is not waiting, or already leaves those records out.")
        }
        let remaining = try await Self.otherRegions(of: request.$person.id, separate: false, askedBy: request.$region.id, on: req.db)
        let entry = req.auditEntry(.subjectAccessSeparateRecords, objectType: .person, objectID: request.$person.id.uuidString,
                                   region: request.region.code, detail: "another young person's records, left out of the export")
        let now = req.now
        try await req.write { db in
            try await SubjectAccessRequest.query(on: db).filter(\.$id == id).set(\.$separateRecordsExcluded, to: true)
                .set(\.$otherRegions, to: remaining).update()
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.subjectAccessApprovals.path)
    }
}

struct SubjectAccessApprovalsPage: Encodable {
    struct Row: Encodable {
        let name: String
        let dateOfBirth: String
        let region: String
        let askedBy: String
        let otherRegions: String
        /// The other regions' referrals the export would take in.
        let elsewhere: [String]
        let received: String
        let due: String
        let approvePath: String
        let separatePath: String?
    }

    let layout: Layout
    let rows: [Row]
    let hasRows: Bool
}

extension SubjectAccessApprovalsPage {
    /// The exports waiting for a national lead, with each record in another region they would take in.
    static func make(layout: Layout, on db: any Database) async throws -> SubjectAccessApprovalsPage {
        let waiting = try await SubjectAccessRequest.query(on: db).filter(\.$otherRegions != "")
            .filter(\.$approvedAt == nil).filter(\.$completedOn == nil).with(\.$region).with(\.$person).sort(\.$dueOn).all()
        let askers = try await User.query(on: db).filter(\.$id ~~ waiting.map(\.requestedByID)).all()
        var rows: [Row] = []
        for request in waiting {
            // What the national lead judges by: the young person, and each record the export would take in.
            let records = try await SubjectAccessExport.records(of: request.$person.id, separate: !request.separateRecordsExcluded, on: db)
            let referrals = try await Referral.query(on: db).filter(\.$person.$id ~~ records)
                .filter(\.$region.$id != request.$region.id).with(\.$region).sort(\.$receivedDate).all()
            rows.append(Row(
                name: "\(request.person.firstName) \(request.person.lastName)", dateOfBirth: request.person.dateOfBirth,
                region: request.region.name, askedBy: askers.first { $0.id == request.requestedByID }?.displayName ?? "",
                otherRegions: request.otherRegions,
                elsewhere: referrals.map { "\($0.region.name): \($0.firstName) \($0.lastName), referred \($0.receivedDate) from \(PlaceName.fromCode($0.homeLocalAuthority))" },
                received: request.receivedOn, due: request.dueOn, approvePath: SiteURL.subjectAccessApprove(request.id).path,
                separatePath: request.separateRecordsExcluded ? nil : SiteURL.subjectAccessSeparate(request.id).path))
        }
        return SubjectAccessApprovalsPage(layout: layout, rows: rows, hasRows: !rows.isEmpty)
    }
}
