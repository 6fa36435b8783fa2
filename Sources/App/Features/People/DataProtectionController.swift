import Domain
import Fluent
import Vapor

/// Subject-access requests with their one-month deadline, the export of everything held on a person, and the
/// information-sharing log. Managers handle subject access; caseworkers and managers record sharing.
struct DataProtectionController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .subjectAccessRequests, access: .roles([.manager]), use: requests)
        routes.on(.POST, .personSubjectAccess(nil), access: .roles([.manager]), use: openRequest)
        routes.on(.GET, .subjectAccess(nil), access: .roles([.manager]), use: document)
        routes.on(.GET, .subjectAccessJSON(nil), access: .roles([.manager]), use: json)
        routes.on(.GET, .subjectAccessZIP(nil), access: .roles([.manager]), use: zip)
        routes.on(.POST, .subjectAccessComplete(nil), access: .roles([.manager]), use: complete)
        routes.on(.GET, .subjectAccessApprovals, access: .roles([.nationalLead]), use: approvals)
        routes.on(.POST, .subjectAccessApprove(nil), access: .roles([.nationalLead]), use: approve)
        routes.on(.POST, .subjectAccessSeparate(nil), access: .roles([.nationalLead]), use: separate)
        routes.on(.GET, .informationSharing, access: .roles(ReferralsController.writers), use: sharingLog)
        routes.on(.POST, .personInformationSharing(nil), access: .roles(ReferralsController.writers), use: recordShare)
    }

    // MARK: Subject access

    func requests(req: Request) async throws -> View {
        let user = try req.requireUser()
        let page = try await SubjectAccessListPage.make(regionID: user.regionID, layout: req.layout(title: "Subject access requests"),
                                                        today: CivilDate.today(at: req.now), on: req.db)
        try await req.audit(.subjectAccessListViewed, objectType: .subjectAccess, region: user.regionCode ?? "")
        return try await req.view.render("people/subject-access-list", page)
    }

    func openRequest(req: Request) async throws -> Response {
        struct Form: Content { var receivedOn: String?; var requester: String? }
        let scope = try req.scope
        let person = try await scope.findPerson(req.parameters.get("personID", as: UUID.self), req: req)
        let form = try req.content.decode(Form.self)
        let requester = (form.requester ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors = FieldErrors()
        let received = CivilDate(form.receivedOn ?? "")
        if received == nil { errors.add("receivedOn", "Enter the date the request was received") }
        else if received! > CivilDate.today(at: req.now) { errors.add("receivedOn", "The date received cannot be in the future") }
        if requester.isEmpty || requester.count > 300 { errors.add("requester", "Enter who asked (up to 300 characters)") }
        guard errors.isEmpty, let received else {
            let refused = RefusedForm(errors: errors, typed: ["receivedOn": form.receivedOn ?? "", "requester": form.requester ?? ""])
            return try await PeopleController.renderPerson(req, person: person, scope: scope, refused: refused)
        }
        let user = try req.requireUser()
        let sealed = try req.application.cipher.seal(requester)
        let now = req.now
        // Everything held is the organisation's: when another region holds records of this young person, the
        // export includes them, and a national lead approves it first (SPEC §1, §2.9).
        let otherRegions = try await Self.otherRegions(of: try person.requireID(), separate: true, askedBy: user.regionID!, on: req.db)
        let request = SubjectAccessRequest()
        request.id = UUID()
        request.$person.id = try person.requireID()
        request.$region.id = user.regionID!
        request.receivedOn = received.description
        request.dueOn = received.oneMonthLater.description
        request.requester = sealed
        request.requestedByID = user.id
        request.otherRegions = otherRegions
        request.separateRecordsExcluded = false
        request.approvedRecords = ""
        let entry = req.auditEntry(.subjectAccessOpened, objectType: .person, objectID: person.id!.uuidString,
                                   region: user.regionCode ?? "",
                                   detail: "due \(request.dueOn)" + (otherRegions.isEmpty ? "" : "; includes records of \(otherRegions): awaiting a national lead's approval"))
        try await req.write { db in
            try await request.create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.subjectAccess(request.id).path, saved: .subjectAccessOpened)
    }

    func document(req: Request) async throws -> View {
        let request = try await checkedAgain(try await ownRequest(req), req: req)
        if request.awaitsApproval {
            return try await req.view.render("people/subject-access-waiting", SubjectAccessWaitingPage(
                layout: req.layout(title: "Subject access: awaiting approval"), due: request.dueOn))
        }
        let export = try await export(of: request, req: req)
        try await req.audit(.subjectAccessExported, objectType: .person, objectID: request.$person.id.uuidString,
                            detail: "html")
        let page = try await SubjectAccessPage.make(request, export: export, layout: req.layout(title: "Subject access: everything held"),
                                                    cipher: req.application.cipher, on: req.db)
        return try await req.view.render("people/subject-access", page)
    }

    func json(req: Request) async throws -> Response {
        let request = try await checkedAgain(try await ownRequest(req), req: req)
        guard !request.awaitsApproval else { throw Abort(.conflict, reason: "A national lead has not yet approved this export.") }
        let export = try await export(of: request, req: req)
        try await req.audit(.subjectAccessExported, objectType: .person, objectID: request.$person.id.uuidString,
                            detail: "json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let response = try Response(status: .ok, body: .init(data: encoder.encode(export)))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"subject-access-\(request.id!).json\"")
        return response
    }

    /// The export with every document and photo beside it, in one ZIP with a manifest.
    func zip(req: Request) async throws -> Response {
        let request = try await checkedAgain(try await ownRequest(req), req: req)
        guard !request.awaitsApproval else { throw Abort(.conflict, reason: "A national lead has not yet approved this export.") }
        let export = try await export(of: request, req: req)
        try await req.audit(.subjectAccessExported, objectType: .person, objectID: request.$person.id.uuidString,
                            detail: "zip, \(export.attachments.count) files")
        return try await SubjectAccessZIP.response(for: export, requestID: try request.requireID(), req: req)
    }

    func complete(req: Request) async throws -> Response {
        let request = try await checkedAgain(try await ownRequest(req), req: req)
        guard !request.awaitsApproval else { throw Abort(.conflict, reason: "A national lead has not yet approved this export.") }
        let today = CivilDate.today(at: req.now).description
        let entry = req.auditEntry(.subjectAccessCompleted, objectType: .person, objectID: request.$person.id.uuidString)
        let now = req.now
        let requestID = try request.requireID()
        try await req.write { db in
            try await SubjectAccessRequest.query(on: db).filter(\.$id == requestID).set(\.$completedOn, to: today).update()
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.subjectAccessRequests.path, saved: .subjectAccessCompleted)
    }

    /// A request of the manager's own region (another region's request is 404, audited).
    private func ownRequest(_ req: Request) async throws -> SubjectAccessRequest {
        let user = try req.requireUser()
        guard let id = req.parameters.get("requestID", as: UUID.self),
              let request = try await SubjectAccessRequest.query(on: req.db).filter(\.$id == id)
                  .filter(\.$region.$id == (user.regionID ?? UUID())).first() else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .subjectAccess,
                                objectID: req.parameters.get("requestID") ?? "")
            throw Abort(.notFound)
        }
        return request
    }

    /// The other regions (names, sorted, comma-separated) holding records an export of this person would include.
    static func otherRegions(of personID: UUID, separate: Bool, askedBy regionID: UUID, on db: any Database) async throws -> String {
        let records = try await SubjectAccessExport.records(of: personID, separate: separate, on: db)
        let elsewhere = try await SubjectAccessExport.regions(of: records, on: db).subtracting([regionID])
        return try await Region.query(on: db).filter(\.$id ~~ elsewhere).sort(\.$name).all().map(\.name).joined(separator: ", ")
    }

    /// The export is built afresh at every download, so what it covers is checked afresh too: records may have
    /// joined the person since the request was opened or approved (a merge, an agreed share). Regions not covered
    /// by an approval send it back to a national lead.
    private func checkedAgain(_ request: SubjectAccessRequest, req: Request) async throws -> SubjectAccessRequest {
        let now = try await Self.otherRegions(of: request.$person.id, separate: !request.separateRecordsExcluded,
                                              askedBy: request.$region.id, on: req.db)
        let needed = now.isEmpty ? Set<String>() : Set(now.components(separatedBy: ", "))
        let approved = request.approvedAt == nil ? Set<String>() : Set(request.otherRegions.components(separatedBy: ", "))
        // An approval covers the records the national lead saw: a record merged in since, of any region, is not.
        let records = Set(try await SubjectAccessExport.records(of: request.$person.id, separate: !request.separateRecordsExcluded,
                                                                on: req.db).map(\.uuidString))
        let recordsApproved = request.approvedAt == nil || needed.isEmpty
            || records.isSubset(of: Set(request.approvedRecords.components(separatedBy: ",")))
        if needed.isSubset(of: approved) && recordsApproved && (request.approvedAt != nil || request.otherRegions.isEmpty) { return request }
        if request.approvedAt == nil && request.otherRegions == now { return request } // already waiting for exactly this
        return try await awaitApproval(request, otherRegions: now, req: req)
    }

    private func awaitApproval(_ request: SubjectAccessRequest, otherRegions: String, req: Request) async throws -> SubjectAccessRequest {
        let id = try request.requireID()
        let now = req.now
        let entry = req.auditEntry(.subjectAccessApprovalNeeded, objectType: .person, objectID: request.$person.id.uuidString,
                                   detail: otherRegions.isEmpty ? "the export now holds this region's records only"
                                       : "the export now includes records of \(otherRegions)")
        try await req.write { db in
            try await SubjectAccessRequest.query(on: db).filter(\.$id == id).set(\.$otherRegions, to: otherRegions)
                .set(\.$approvedAt, to: nil).set(\.$approvedByID, to: nil).update()
            try await Audit.append(entry, on: db, at: now)
        }
        request.otherRegions = otherRegions
        request.approvedAt = nil
        request.approvedByID = nil
        return request
    }

    /// The export of a request's person, which spans every region.
    private func export(of request: SubjectAccessRequest, req: Request) async throws -> SubjectAccessExport {
        try await SubjectAccessExport.build(personID: request.$person.id, request: request, cipher: req.application.cipher,
                                            now: req.application.clock.now(), on: req.db)
    }

}

struct SubjectAccessListPage: Encodable {
    struct Row: Encodable {
        let name: String
        let received: String
        let due: String
        let completed: String?
        let awaitsApproval: Bool
        let overdue: Bool
        let path: String
    }

    let layout: Layout
    let open: [Row]
    let done: [Row]
}

struct SubjectAccessPage: Encodable {
    struct Narrative: Encodable {
        let title: String
        let segments: [RedactionReview.Segment]
    }

    let layout: Layout
    let export: SubjectAccessExport
    let requester: String
    let due: String
    let completed: String?
    /// Who approved including another region's records, and when.
    let approval: String?
    let narratives: [Narrative]
    /// Nil when there are none (Leaf takes an empty array as true).
    let files: [SubjectAccessExport.AttachmentPart]?
    let jsonPath: String
    let zipPath: String
    let completePath: String
}

/// What the manager is told while an export waits: not which region holds the other records (they learn that only
/// from the approved export).
struct SubjectAccessWaitingPage: Encodable {
    let layout: Layout
    let due: String
}

extension SubjectAccessListPage {
    /// The region's subject access requests, open (the overdue marked) and done.
    static func make(regionID: UUID?, layout: Layout, today: CivilDate, on db: any Database) async throws -> SubjectAccessListPage {
        let all = try await SubjectAccessRequest.query(on: db).filter(\.$region.$id == (regionID ?? UUID()))
            .with(\.$person).sort(\.$dueOn).all()
        let rows = all.map { request in
            Row(name: "\(request.person.firstName) \(request.person.lastName)", received: request.receivedOn,
                due: request.dueOn, completed: request.completedOn, awaitsApproval: request.awaitsApproval,
                overdue: request.completedOn == nil && request.dueOn < today.description,
                path: SiteURL.subjectAccess(request.id).path)
        }
        return SubjectAccessListPage(layout: layout, open: rows.filter { $0.completed == nil }, done: rows.filter { $0.completed != nil })
    }
}

extension SubjectAccessPage {
    /// Everything held on the request's person, for review before it is sent: the narratives with the subject's names
    /// marked, and who approved including other regions' records.
    static func make(_ request: SubjectAccessRequest, export: SubjectAccessExport, layout: Layout, cipher: FieldCipher,
                     on db: any Database) async throws -> SubjectAccessPage {
        let names = ([export.person] + export.otherRecords).flatMap { ["\($0.firstName) \($0.lastName)"] + $0.aliases }
        var approval: String?
        if let approvedAt = request.approvedAt, let approver = request.approvedByID {
            let who = try await User.find(approver, on: db)?.displayName ?? "a national lead"
            approval = "Includes the records of \(request.otherRegions), approved by \(who) on \(DateFormats.display.string(from: approvedAt))."
        }
        return SubjectAccessPage(
            layout: layout, export: export, requester: try cipher.open(request.requester), due: request.dueOn,
            completed: request.completedOn, approval: approval,
            narratives: export.narratives.map { Narrative(title: $0.title, segments: RedactionReview.segments($0.text, subjectNames: names)) },
            files: export.attachments.isEmpty ? nil : export.attachments,
            jsonPath: SiteURL.subjectAccessJSON(request.id).path, zipPath: SiteURL.subjectAccessZIP(request.id).path,
            completePath: SiteURL.subjectAccessComplete(request.id).path)
    }
}
