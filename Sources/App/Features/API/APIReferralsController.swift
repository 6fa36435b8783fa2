import Domain
import Fluent
import Vapor

/// `/api/v1/referrals` and `/api/v1/people`: referral systems send referrals (screened at once, the young person
/// matched) and read them back; people are searched with possible duplicates marked. Same rules, scope and
/// audit as the web pages, through the same intake.
struct APIReferralsController {
    /// Larger than any real referral (five thousand characters of concerns and the rest); beyond it, 413.
    static let bodyLimit: ByteCount = "64kb"

    func register(_ routes: any RoutesBuilder) {
        routes.on(.POST, .apiReferrals, access: .roles(ReferralsController.writers), maxBodySize: Self.bodyLimit, use: create)
        routes.on(.GET, .apiReferrals, access: .roles(ReferralsController.readers), use: list)
        routes.on(.GET, .apiReferral(nil), access: .roles(ReferralsController.readers), use: show)
        // A POST, so that a name and a date of birth never sit in a URL (and so in proxies' and servers' logs).
        routes.on(.POST, .apiPeople, access: .roles(ReferralsController.readers), maxBodySize: "4kb", use: searchPeople)
    }

    /// The referral as JSON: the web form's fields, with aliases as a list.
    struct Input: Decodable {
        var receivedDate: String?
        var service: String?
        var referralSource: String?
        var referrerOrganisation: String?
        var referrerContact: String?
        var firstName: String?
        var lastName: String?
        var aliases: [String]?
        var dateOfBirth: String?
        var gender: String?
        var ethnicity: String?
        var homeLocalAuthority: String?
        var contactDetails: String?
        var exploitationTypes: [String]?
        var riskIndicators: [String]?
        var consent: String?
        var concerns: String?

        var form: ReferralForm {
            ReferralForm(receivedDate: receivedDate, service: service, referralSource: referralSource,
                         referrerOrganisation: referrerOrganisation, referrerContact: referrerContact, firstName: firstName,
                         lastName: lastName, aliases: aliases?.joined(separator: "\n"), dateOfBirth: dateOfBirth, gender: gender,
                         ethnicity: ethnicity, homeLocalAuthority: homeLocalAuthority, otherLocalAuthority: nil,
                         contactDetails: contactDetails, exploitationTypes: exploitationTypes, riskIndicators: riskIndicators,
                         consent: consent, concerns: concerns)
        }
    }

    func create(req: Request) async throws -> Response {
        let input = try req.apiBody(Input.self)
        if input.aliases?.contains(where: { $0.contains(where: \.isNewline) }) == true {
            throw APIInvalidInput(field: "aliases", "Each alias must be on its own, without line breaks")
        }
        let codes = try await ImportReferenceData.load(on: req.db).codes
        let checked: ReferralForm.Checked
        switch input.form.check(codes: codes, today: CivilDate.today(at: req.now)) {
        case let .failure(errors): throw APIInvalidInput(errors)
        case let .success(valid): checked = valid
        }
        let user = try req.requireUser()
        return try await IdempotentWrite.run(req) { recorder in
            let box = AnswerBox()
            _ = try await ReferralIntake.create(checked, user: user, req: req) { db, referral in
                let answer = try await Self.answer(for: referral, regionCode: user.regionCode ?? "", reach: RegionScope(user).reach, on: db)
                try await recorder.remember(answer, on: db)
                box.answer = answer
            }
            return box.answer!
        }
    }

    /// The created referral, its screening and its person matches, built inside the intake's transaction.
    /// Possible duplicates are the caller's region's young people only (`reach`); another region's are withheld and
    /// only said to exist.
    static func answer(for referral: Referral, regionCode: String, reach: RegionScope.Reach,
                       on db: any Database) async throws -> IdempotentWrite.Answer {
        let person = try await Person.query(on: db).filter(\.$id == referral.$person.id).with(\.$aliases).first()
        var duplicates: [PersonJSON] = []
        var matched = false
        var heldElsewhere = false
        if let person, let key = PersonMatchQuery.key(of: person) {
            let matches = try await PersonMatchQuery.matches(for: key, excluding: person.id, within: reach, on: db)
            duplicates = matches.candidates.map(PersonJSON.init)
            heldElsewhere = matches.heldElsewhere
            matched = try await Referral.query(on: db).filter(\.$person.$id == referral.$person.id).count() > 1
        }
        let body = CreatedReferralJSON(referral: ReferralJSON(referral, regionCode: regionCode),
                                       matchedExistingPerson: matched, possibleDuplicates: duplicates,
                                       heldByAnotherRegion: heldElsewhere)
        return .init(status: .created, body: try APIResponse.encode(body), location: SiteURL.apiReferral(referral.id).path)
    }

    func list(req: Request) async throws -> Response {
        let scope = try req.scope
        let paging = try APIPaging(req)
        var errors = FieldErrors()
        var query = scope.referrals(on: req.db)
        if let text = req.query[String.self, at: "status"] {
            if let status = Referral.Status(rawValue: text) { query = query.filter(\.$status == status) }
            else { errors.add("status", "Must be awaiting_screening, accepted or not_accepted") }
        }
        for (name, isFrom) in [("from", true), ("to", false)] {
            guard let text = req.query[String.self, at: name] else { continue }
            guard let date = CivilDate(text) else { errors.add(name, "Must be a date such as 2024-04-01"); continue }
            query = isFrom ? query.filter(\.$receivedDate >= date.description) : query.filter(\.$receivedDate <= date.description)
        }
        if let source = req.query[String.self, at: "source"] { query = query.filter(\.$referralSource == source) }
        if let authority = req.query[String.self, at: "localAuthority"] { query = query.filter(\.$homeLocalAuthority == authority) }
        if !errors.isEmpty { throw APIInvalidInput(errors) }
        let rows = try await paging.apply(to: query.with(\.$region), date: \.$receivedDate).all()
        let page = paging.page(rows, key: \.receivedDate) { ReferralJSON($0, regionCode: $0.region.code) }
        try await req.audit(.referralList, objectType: .referral, detail: "api, \(page.items.count) returned")
        return try APIResponse.ok(page)
    }

    func show(req: Request) async throws -> Response {
        let referral = try await req.scope.findReferral(req.parameters.get("referralID", as: UUID.self), req: req)
        try await req.audit(.referralViewed, objectType: .referral, objectID: referral.id!.uuidString, region: referral.region.code)
        return try APIResponse.ok(ReferralJSON(referral, regionCode: referral.region.code))
    }

    /// People who may be the young person named: the same person, and near matches marked as possible
    /// duplicates. Only people with a referral the caller may see.
    func searchPeople(req: Request) async throws -> Response {
        struct Query: Decodable { var name: String?; var dateOfBirth: String? }
        let scope = try req.scope
        let query = try req.apiBody(Query.self)
        var errors = FieldErrors()
        let words = (query.name ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        if words.count < 2 || words.joined().count > 200 { errors.add("name", "Enter a first and a last name") }
        let born = query.dateOfBirth.flatMap(CivilDate.init)
        if born == nil { errors.add("dateOfBirth", "Enter the date of birth as a date such as 2008-02-29") }
        guard errors.isEmpty, let born, let first = words.first, let last = words.last else { throw APIInvalidInput(errors) }
        let key = PersonKey(firstName: first, lastName: last, dateOfBirth: born, aliases: [])
        let people = try await PersonMatchQuery.matches(for: key, within: scope.reach, on: req.db).candidates
            .sorted { ($0.result == .same ? 0 : 1, $0.person.lastName, $0.person.firstName) < ($1.result == .same ? 0 : 1, $1.person.lastName, $1.person.firstName) }
        try await req.audit(.personSearched, objectType: .person, detail: "api, \(people.count) found")
        return try APIResponse.ok(["items": people.map(PersonJSON.init)])
    }
}

/// Carries a value out of a transaction's inner closure (the closure cannot return it through the intake).
final class AnswerBox: @unchecked Sendable {
    var answer: IdempotentWrite.Answer?
}
