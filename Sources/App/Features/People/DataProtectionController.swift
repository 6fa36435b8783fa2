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
        let today = CivilDate.today(at: req.now).description
        let all = try await SubjectAccessRequest.query(on: req.db).filter(\.$region.$id == (user.regionID ?? UUID()))
            .with(\.$person).sort(\.$dueOn).all()
        let rows = all.map { request in
            SubjectAccessListPage.Row(name: "\(request.person.firstName) \(request.person.lastName)", received: request.receivedOn,
                                      due: request.dueOn, completed: request.completedOn, awaitsApproval: request.awaitsApproval,
                                      overdue: request.completedOn == nil && request.dueOn < today,
                                      path: SiteURL.subjectAccess(request.id).path)
        }
        try await req.audit("subject_access.list_viewed", objectType: "subject_access", region: user.regionCode ?? "")
        return try await req.view.render("people/subject-access-list", SubjectAccessListPage(
            layout: req.layout(title: "Subject access requests"), open: rows.filter { $0.completed == nil },
            done: rows.filter { $0.completed != nil }))
    }

    func openRequest(req: Request) async throws -> Response {
        struct Form: Content { var receivedOn: String?; var requester: String? }
        let scope = try req.scope
        let person = try await scope.findPerson(req.parameters.get("personID", as: UUID.self), req: req)
        let form = try req.content.decode(Form.self)
        let requester = (form.requester ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard let received = CivilDate(form.receivedOn ?? ""), received <= CivilDate.today(at: req.now),
              !requester.isEmpty, requester.count <= 300 else {
            throw FormProblem("Enter the date the request was received (not in the future) and who asked.")
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
        let entry = req.auditEntry("subject_access.opened", objectType: "person", objectID: person.id!.uuidString,
                                   region: user.regionCode ?? "",
                                   detail: "due \(request.dueOn)" + (otherRegions.isEmpty ? "" : "; includes records of \(otherRegions): awaiting a national lead's approval"))
        try await req.write { db in
            try await request.create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.subjectAccess(request.id).path)
    }

    func document(req: Request) async throws -> View {
        let request = try await checkedAgain(try await ownRequest(req), req: req)
        if request.awaitsApproval {
            return try await req.view.render("people/subject-access-waiting", SubjectAccessWaitingPage(
                layout: req.layout(title: "Subject access: awaiting approval"), due: request.dueOn))
        }
        let export = try await export(of: request, req: req)
        try await req.audit("subject_access.exported", objectType: "person", objectID: request.$person.id.uuidString,
                            detail: "html")
        let names = ([export.person] + export.otherRecords).flatMap { ["\($0.firstName) \($0.lastName)"] + $0.aliases }
        var approval: String?
        if let approvedAt = request.approvedAt, let approver = request.approvedByID {
            let who = try await User.find(approver, on: req.db)?.displayName ?? "a national lead"
            approval = "Includes the records of \(request.otherRegions), approved by \(who) on \(DateFormats.display.string(from: approvedAt))."
        }
        let page = SubjectAccessPage(
            layout: req.layout(title: "Subject access: everything held"), export: export,
            requester: try req.application.cipher.open(request.requester), due: request.dueOn, completed: request.completedOn,
            approval: approval,
            narratives: export.narratives.map {
                SubjectAccessPage.Narrative(title: $0.title, segments: RedactionReview.segments($0.text, subjectNames: names))
            },
            jsonPath: SiteURL.subjectAccessJSON(request.id).path, completePath: SiteURL.subjectAccessComplete(request.id).path)
        return try await req.view.render("people/subject-access", page)
    }

    func json(req: Request) async throws -> Response {
        let request = try await checkedAgain(try await ownRequest(req), req: req)
        guard !request.awaitsApproval else { throw Abort(.conflict, reason: "A national lead has not yet approved this export.") }
        let export = try await export(of: request, req: req)
        try await req.audit("subject_access.exported", objectType: "person", objectID: request.$person.id.uuidString,
                            detail: "json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let response = Response(status: .ok, body: .init(data: try encoder.encode(export)))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"subject-access-\(request.id!).json\"")
        return response
    }

    func complete(req: Request) async throws -> Response {
        let request = try await checkedAgain(try await ownRequest(req), req: req)
        guard !request.awaitsApproval else { throw Abort(.conflict, reason: "A national lead has not yet approved this export.") }
        let today = CivilDate.today(at: req.now).description
        let entry = req.auditEntry("subject_access.completed", objectType: "person", objectID: request.$person.id.uuidString)
        let now = req.now
        let requestID = try request.requireID()
        try await req.write { db in
            try await SubjectAccessRequest.query(on: db).filter(\.$id == requestID).set(\.$completedOn, to: today).update()
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.subjectAccessRequests.path)
    }

    /// A request of the manager's own region (another region's request is 404, audited).
    private func ownRequest(_ req: Request) async throws -> SubjectAccessRequest {
        let user = try req.requireUser()
        guard let id = req.parameters.get("requestID", as: UUID.self),
              let request = try await SubjectAccessRequest.query(on: req.db).filter(\.$id == id)
                  .filter(\.$region.$id == (user.regionID ?? UUID())).first() else {
            try await req.audit("access.refused", outcome: .refused, objectType: "subject_access",
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
        let entry = req.auditEntry("subject_access.approval_needed", objectType: "person", objectID: request.$person.id.uuidString,
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
        try await SubjectAccessExport.build(personID: request.$person.id, request: request, app: req.application, on: req.db)
    }

    // MARK: Approval of exports that include another region's records

    func approvals(req: Request) async throws -> View {
        let waiting = try await SubjectAccessRequest.query(on: req.db).filter(\.$otherRegions != "")
            .filter(\.$approvedAt == nil).filter(\.$completedOn == nil).with(\.$region).with(\.$person).sort(\.$dueOn).all()
        let askers = try await User.query(on: req.db).filter(\.$id ~~ waiting.map(\.requestedByID)).all()
        var rows: [SubjectAccessApprovalsPage.Row] = []
        for request in waiting {
            // What the national lead judges by: the young person, and each record the export would take in.
            let records = try await SubjectAccessExport.records(of: request.$person.id, separate: !request.separateRecordsExcluded, on: req.db)
            let referrals = try await Referral.query(on: req.db).filter(\.$person.$id ~~ records)
                .filter(\.$region.$id != request.$region.id).with(\.$region).sort(\.$receivedDate).all()
            rows.append(SubjectAccessApprovalsPage.Row(
                name: "\(request.person.firstName) \(request.person.lastName)", dateOfBirth: request.person.dateOfBirth,
                region: request.region.name, askedBy: askers.first { $0.id == request.requestedByID }?.displayName ?? "",
                otherRegions: request.otherRegions,
                elsewhere: referrals.map { "\($0.region.name): \($0.firstName) \($0.lastName), referred \($0.receivedDate) from \(PlaceName.fromCode($0.homeLocalAuthority))" },
                received: request.receivedOn, due: request.dueOn, approvePath: SiteURL.subjectAccessApprove(request.id).path,
                separatePath: request.separateRecordsExcluded ? nil : SiteURL.subjectAccessSeparate(request.id).path))
        }
        return try await req.view.render("people/subject-access-approvals", SubjectAccessApprovalsPage(
            layout: req.layout(title: "Subject access approvals"), rows: rows, hasRows: !rows.isEmpty))
    }

    func approve(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("requestID", as: UUID.self),
              let request = try await SubjectAccessRequest.query(on: req.db).filter(\.$id == id).with(\.$region).first() else {
            try await req.audit("access.refused", outcome: .refused, objectType: "subject_access",
                                objectID: req.parameters.get("requestID") ?? "")
            throw Abort(.notFound)
        }
        guard request.awaitsApproval else {
            throw Abort(.conflict, reason: "This export covers one region, or is already approved.")
        }
        let entry = req.auditEntry("subject_access.approved", objectType: "person", objectID: request.$person.id.uuidString,
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
            try await req.audit("access.refused", outcome: .refused, objectType: "subject_access",
                                objectID: req.parameters.get("requestID") ?? "")
            throw Abort(.notFound)
        }
        guard request.awaitsApproval, !request.separateRecordsExcluded else {
            throw Abort(.conflict, reason: "This export is not waiting, or already leaves those records out.")
        }
        let remaining = try await Self.otherRegions(of: request.$person.id, separate: false, askedBy: request.$region.id, on: req.db)
        let entry = req.auditEntry("subject_access.separate_records", objectType: "person", objectID: request.$person.id.uuidString,
                                   region: request.region.code, detail: "another young person's records, left out of the export")
        let now = req.now
        try await req.write { db in
            try await SubjectAccessRequest.query(on: db).filter(\.$id == id).set(\.$separateRecordsExcluded, to: true)
                .set(\.$otherRegions, to: remaining).update()
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.subjectAccessApprovals.path)
    }

    // MARK: Information sharing

    func sharingLog(req: Request) async throws -> View {
        let user = try req.requireUser()
        let shares = try await InformationShare.query(on: req.db).filter(\.$region.$id == (user.regionID ?? UUID()))
            .with(\.$person).sort(\.$sharedOn, .descending).limit(200).all()
        let cipher = req.application.cipher
        let rows = try shares.map {
            SharingLogPage.Row(date: $0.sharedOn, name: "\($0.person.firstName) \($0.person.lastName)",
                               personPath: SiteURL.person($0.$person.id).path, agency: $0.agency,
                               what: try cipher.open($0.what), why: try cipher.open($0.why),
                               basis: LawfulBasis(rawValue: $0.lawfulBasis)?.label ?? $0.lawfulBasis,
                               consent: $0.consentSought ? "Yes" : "No")
        }
        // Other regions' requests to share a young person this region holds: its managers decide.
        var requests: [SharingLogPage.Request] = []
        if user.role == .manager {
            let waiting = try await ShareRequest.query(on: req.db).filter(\.$holdingRegionID == (user.regionID ?? UUID()))
                .filter(\.$decidedAt == nil).sort(\.$requestedAt).all()
            let people = try await Person.query(on: req.db).filter(\.$id ~~ waiting.map(\.holdingPersonID)).all()
            let regions = try await Region.query(on: req.db).all()
            requests = try waiting.map { request in
                let person = people.first { $0.id == request.holdingPersonID }
                return SharingLogPage.Request(
                    name: person.map { "\($0.firstName) \($0.lastName), born \($0.dateOfBirth)" } ?? "",
                    personPath: SiteURL.person(request.holdingPersonID).path,
                    askedBy: regions.first { $0.id == request.askingRegionID }?.name ?? "Another region",
                    reason: try cipher.open(request.reason), asked: DateFormats.display.string(from: request.requestedAt),
                    approvePath: SiteURL.shareRequestApprove(request.id).path, refusePath: SiteURL.shareRequestRefuse(request.id).path)
            }
        }
        try await req.audit("information_sharing.viewed", objectType: "information_sharing", region: user.regionCode ?? "")
        return try await req.view.render("people/information-sharing", SharingLogPage(layout: req.layout(title: "Information sharing"),
                                                                                     rows: rows, hasRows: !rows.isEmpty,
                                                                                     requests: requests, hasRequests: !requests.isEmpty))
    }

    func recordShare(req: Request) async throws -> Response {
        struct Form: Content {
            var sharedOn: String?; var agency: String?; var what: String?; var why: String?; var lawfulBasis: String?
            var consentSought: String?
        }
        let scope = try req.scope
        let person = try await scope.findPerson(req.parameters.get("personID", as: UUID.self), req: req)
        guard scope.canWrite else { throw Abort(.forbidden) }
        let form = try req.content.decode(Form.self)
        func text(_ value: String?) -> String? {
            guard let t = value?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty, t.count <= 2000 else { return nil }
            return t
        }
        guard let date = CivilDate(form.sharedOn ?? ""), date <= CivilDate.today(at: req.now), let agency = text(form.agency),
              let what = text(form.what), let why = text(form.why), let basis = LawfulBasis(rawValue: form.lawfulBasis ?? "") else {
            throw FormProblem("Enter the date shared (not in the future), the agency, what was shared, why, and the lawful basis.")
        }
        let user = try req.requireUser()
        let share = InformationShare()
        share.$person.id = try person.requireID()
        share.$region.id = user.regionID!
        share.sharedOn = date.description
        share.agency = agency
        share.what = try req.application.cipher.seal(what)
        share.why = try req.application.cipher.seal(why)
        share.lawfulBasis = basis.rawValue
        share.consentSought = form.consentSought == "yes"
        share.recordedByID = user.id
        let entry = req.auditEntry("information_sharing.recorded", objectType: "person", objectID: person.id!.uuidString,
                                   region: user.regionCode ?? "", detail: "with \(agency.prefix(80)); basis \(basis.rawValue)")
        let now = req.now
        try await req.write { db in
            try await share.create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.person(person.id).path)
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
    let jsonPath: String
    let completePath: String
}

/// What the manager is told while an export waits: not which region holds the other records (they learn that only
/// from the approved export).
struct SubjectAccessWaitingPage: Encodable {
    let layout: Layout
    let due: String
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

struct SharingLogPage: Encodable {
    struct Row: Encodable {
        let date: String
        let name: String
        let personPath: String
        let agency: String
        let what: String
        let why: String
        let basis: String
        let consent: String
    }

    /// Another region asks to share a young person this region holds.
    struct Request: Encodable {
        let name: String
        let personPath: String
        let askedBy: String
        let reason: String
        let asked: String
        let approvePath: String
        let refusePath: String
    }

    let layout: Layout
    let rows: [Row]
    let hasRows: Bool
    let requests: [Request]
    let hasRequests: Bool
}
