import Domain
import Fluent
import Vapor

/// The information-sharing log: what was shared about whom, with which agency, why and on what basis, and other
/// regions' requests to share a young person this region holds.
extension DataProtectionController {
    func sharingLog(req: Request) async throws -> View {
        let user = try req.requireUser()
        let page = try await SharingLogPage.make(user: user, layout: req.layout(title: "Information sharing"), cipher: req.application.cipher,
                                                 on: req.db)
        try await req.audit(.informationSharingViewed, objectType: .informationSharing, region: user.regionCode ?? "")
        return try await req.view.render("people/information-sharing", page)
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
        // The agency is sealed like what and why: a field named for an organisation is still typed by a person, and
        // it has carried a child's whereabouts.
        var errors = FieldErrors()
        let date = CivilDate(form.sharedOn ?? "")
        if date == nil { errors.add("sharedOn", "Enter the date shared") }
        else if date! > CivilDate.today(at: req.now) { errors.add("sharedOn", "The date shared cannot be in the future") }
        let agency = text(form.agency), what = text(form.what), why = text(form.why)
        if agency == nil { errors.add("agency", "Enter the agency it was shared with (up to 2,000 characters)") }
        if what == nil { errors.add("what", "Enter what was shared (up to 2,000 characters)") }
        if why == nil { errors.add("why", "Enter why it was shared (up to 2,000 characters)") }
        let basis = LawfulBasis(rawValue: form.lawfulBasis ?? "")
        if basis == nil { errors.add("lawfulBasis", "Select the lawful basis") }
        guard errors.isEmpty, let date, let agency, let what, let why, let basis else {
            let refused = RefusedForm(errors: errors, typed: [
                "sharedOn": form.sharedOn ?? "", "agency": form.agency ?? "", "what": form.what ?? "", "why": form.why ?? "",
                "lawfulBasis": form.lawfulBasis ?? "", "consentSought": form.consentSought ?? ""])
            return try await PeopleController.renderPerson(req, person: person, scope: scope, refused: refused)
        }
        let user = try req.requireUser()
        let share = InformationShare()
        share.$person.id = try person.requireID()
        share.$region.id = user.regionID!
        share.sharedOn = date.description
        share.agency = try req.application.cipher.seal(agency)
        share.what = try req.application.cipher.seal(what)
        share.why = try req.application.cipher.seal(why)
        share.lawfulBasis = basis.rawValue
        share.consentSought = form.consentSought == "yes"
        share.recordedByID = user.id
        let entry = req.auditEntry(.informationSharingRecorded, objectType: .person, objectID: person.id!.uuidString,
                                   region: user.regionCode ?? "", detail: "basis \(basis.rawValue)")
        let now = req.now
        try await req.write { db in
            try await share.create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.person(person.id).path, saved: .informationSharingRecorded)
    }
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

extension SharingLogPage {
    /// What the user's region shared (the last 200), and for its managers other regions' requests to share a young person it holds.
    static func make(user: CurrentUser, layout: Layout, cipher: FieldCipher, on db: any Database) async throws -> SharingLogPage {
        let shares = try await InformationShare.query(on: db).filter(\.$region.$id == (user.regionID ?? UUID()))
            .with(\.$person).sort(\.$sharedOn, .descending).limit(200).all()
        let rows = try shares.map {
            Row(date: $0.sharedOn, name: "\($0.person.firstName) \($0.person.lastName)",
                               personPath: SiteURL.person($0.$person.id).path, agency: try cipher.openUnlessEmptied($0.agency),
                               what: try cipher.openUnlessEmptied($0.what), why: try cipher.openUnlessEmptied($0.why),
                               basis: LawfulBasis(rawValue: $0.lawfulBasis)?.label ?? $0.lawfulBasis,
                               consent: $0.consentSought ? "Yes" : "No")
        }
        // Other regions' requests to share a young person this region holds: its managers decide.
        var requests: [Request] = []
        if user.role == .manager {
            let waiting = try await ShareRequest.query(on: db).filter(\.$holdingRegionID == (user.regionID ?? UUID()))
                .filter(\.$decidedAt == nil).sort(\.$requestedAt).all()
            let people = try await Person.query(on: db).filter(\.$id ~~ waiting.map(\.holdingPersonID)).all()
            let regions = try await Region.query(on: db).all()
            requests = try waiting.map { request in
                let person = people.first { $0.id == request.holdingPersonID }
                return Request(
                    name: person.map { "\($0.firstName) \($0.lastName), born \($0.dateOfBirth)" } ?? "",
                    personPath: SiteURL.person(request.holdingPersonID).path,
                    askedBy: regions.first { $0.id == request.askingRegionID }?.name ?? "Another region",
                    reason: try cipher.open(request.reason), asked: DateFormats.display.string(from: request.requestedAt),
                    approvePath: SiteURL.shareRequestApprove(request.id).path, refusePath: SiteURL.shareRequestRefuse(request.id).path)
            }
        }
        return SharingLogPage(layout: layout, rows: rows, hasRows: !rows.isEmpty, requests: requests, hasRequests: !requests.isEmpty)
    }
}
