import Domain
import Fluent
import Vapor

/// The search box in every page's header (for the roles that read case content): young people by name, alias,
/// date of birth or reference, within the user's regions. A POST, so that no name goes into a URL, a proxy's log
/// or the browser's history (as the API's people search).
struct SearchController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .search, access: .roles(ReferralsController.readers), use: form)
        routes.on(.POST, .search, access: .roles(ReferralsController.readers), maxBodySize: "4kb", use: search)
    }

    func form(req: Request) async throws -> View {
        try await req.view.render("people/search", SearchPage(layout: req.layout(title: "Find a young person"),
                                                             query: "", error: nil, searched: false, results: [], more: false))
    }

    func search(req: Request) async throws -> Response {
        struct Form: Content { var q: String? }
        let text = try (req.content.decode(Form.self).q ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // A partner's reference (quoted on the phone): straight to it, when it is in the user's scope.
        if text.uppercased().range(of: #"^PR-?[A-Z2-7]{4}-?[A-Z2-7]{4}$"#, options: .regularExpression) != nil {
            let letters = text.uppercased().filter { $0.isLetter || $0.isNumber }.dropFirst(2)
            let ref = "PR-" + String(letters.prefix(4)) + "-" + String(letters.suffix(4))
            if let partner = try await req.scope.partnerReferrals(on: req.db).filter(\.$ref == ref).first() {
                try await req.audit(.partnerReferralSearched, objectType: .partnerReferral, objectID: partner.id?.uuidString ?? "")
                return req.redirect(to: SiteURL.partnerReferral(partner.id).path)
            }
        }
        return try await searchPeople(text, req: req)
    }

    private func searchPeople(_ text: String, req: Request) async throws -> Response {
        let layout = try req.layout(title: "Find a young person")
        guard text.count <= PersonSearchQuery.maximumLength, let query = PersonSearchQuery(text) else {
            let error = text.isEmpty ? "Enter a name, an alias, a date of birth or a reference"
                : text.count > PersonSearchQuery.maximumLength ? "Enter 200 characters or fewer"
                : "Enter a name, an alias, a date of birth or a reference: letters or digits"
            return try await req.view.render("people/search", SearchPage(layout: layout, query: String(text.prefix(200)),
                                                                         error: error, searched: false, results: [], more: false))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let found = try await PeopleSearch.find(query, within: try req.scope.reach, on: req.db)
        // What was searched for stays out of the audit log (names are what it protects); how many were shown is in.
        try await req.audit(.personSearched, objectType: .person, detail: "search box, \(found.people.count) shown")
        return try await req.view.render("people/search", SearchPage(
            layout: layout, query: text, error: nil, searched: true,
            results: found.people.map(SearchPage.Row.init), more: found.more)).encodeResponse(for: req)
    }
}

struct SearchPage: Encodable {
    struct Row: Encodable {
        struct Record: Encodable {
            let path: String
            let ref: String
            let date: String
            let detail: String
            let region: String
        }

        let path: String
        let name: String
        let dateOfBirth: String
        /// Nil when none (an empty text would still show "also known as").
        let aliases: String?
        let referrals: [Record]
        let cases: [Record]

        init(_ person: PeopleSearch.Result.Person) {
            path = SiteURL.person(person.id).path
            name = "\(person.firstName) \(person.lastName)"
            dateOfBirth = person.dateOfBirth
            aliases = person.aliases.isEmpty ? nil : person.aliases.joined(separator: ", ")
            referrals = person.referrals.map {
                Record(path: SiteURL.referral($0.id).path, ref: $0.ref, date: $0.date, detail: $0.detail, region: $0.region)
            }
            cases = person.cases.map {
                Record(path: SiteURL.supportCase($0.id).path, ref: $0.ref, date: $0.date, detail: $0.detail, region: $0.region)
            }
        }
    }

    let layout: Layout
    let q: FormField
    let errorLinks: [FormErrorLink]?
    let searched: Bool
    let results: [Row]
    let more: Bool

    init(layout: Layout, query: String, error: String?, searched: Bool, results: [Row], more: Bool) {
        self.layout = layout
        q = FormField("q", value: query, error: error).drawn(
            "Name, alias, date of birth or reference",
            hint: "For example, Jayden Smith 14/03/2009, or REF-1A2B3C4D. A slip in a name is forgiven.", as: .search,
            ["maxlength": "200", "autocomplete": "off", "spellcheck": "false"])
        errorLinks = [q].errorLinks
        self.searched = searched
        self.results = results
        self.more = more
    }
}
