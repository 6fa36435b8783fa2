import Domain
import Fluent
import Vapor

/// The partner domains (`police.uk`, `nhs.net`): a partner referral whose referrer's email is in one is shown to
/// the triager as from a listed partner. Admins add and remove them; removing one changes no referral already
/// received (each keeps what was true when it arrived).
struct PartnerDomainsAdminController {
    func register(_ routes: any RoutesBuilder) {
        let admin: AccessRule = .roles([.admin])
        routes.on(.GET, .adminPartnerDomains, access: admin, use: list)
        routes.on(.POST, .adminPartnerDomains, access: admin, use: add)
        routes.on(.POST, .adminPartnerDomainRemove(nil), access: admin, use: remove)
    }

    func list(req: Request) async throws -> View {
        try await render(req, domain: FormField("domain"))
    }

    func add(req: Request) async throws -> Response {
        struct Form: Content { var domain: String? }
        var value = try (req.content.decode(Form.self).domain ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        if value.hasPrefix("@") { value.removeFirst() }
        var field = FormField("domain", value: value)
        if !PartnerDomainTrust.isDomain(value) {
            field.error = "Enter a domain of letters, digits and hyphens with at least one dot, like police.uk"
        } else if PartnerDomainTrust.neverPartners.contains(value) {
            field.error = "\(value) is a domain anyone can have an address in, not a partner's: list the organisation's own domain"
        } else if try await PartnerDomain.query(on: req.db).filter(\.$domain == value).count() > 0 {
            field.error = "\(value) is already listed"
        }
        if field.error != nil {
            return try await render(req, domain: field).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let entry = req.auditEntry(.partnerDomainAdded, objectType: .partnerDomain, objectID: value)
        let now = req.now, domain = value
        try await req.write { db in
            try await PartnerDomain(domain: domain, addedAt: now).create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.adminPartnerDomains.path, saved: .partnerDomainAdded)
    }

    func remove(req: Request) async throws -> Response {
        guard let id = req.parameters.get("domainID", as: UUID.self),
              let domain = try await PartnerDomain.find(id, on: req.db) else { throw Abort(.notFound) }
        let entry = req.auditEntry(.partnerDomainRemoved, objectType: .partnerDomain, objectID: domain.domain)
        let now = req.now
        try await req.write { db in
            try await PartnerDomain.query(on: db).filter(\.$id == id).delete()
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.adminPartnerDomains.path, saved: .partnerDomainRemoved)
    }

    private func render(_ req: Request, domain: FormField) async throws -> View {
        let page = try await PartnerDomainsPage.make(domain: domain, layout: req.layout(title: "Partner domains"), on: req.db)
        return try await req.view.render("admin/partner-domains", page)
    }
}

struct PartnerDomainsPage: Encodable {
    struct Row: Encodable {
        let domain: String
        let removeAction: String
    }

    let layout: Layout
    let action: String
    let domain: FormField
    let errorLinks: [FormErrorLink]?
    let domains: [Row]?
}

extension PartnerDomainsPage {
    /// The listed domains in order, each with its remove button, and the add form (as typed, when it was refused).
    static func make(domain: FormField, layout: Layout, on db: any Database) async throws -> PartnerDomainsPage {
        let domains = try await PartnerDomain.query(on: db).sort(\.$domain).all()
        return PartnerDomainsPage(
            layout: layout, action: SiteURL.adminPartnerDomains.path,
            domain: domain.drawn("Domain", hint: "For example, nhs.net.", ["spellcheck": "false", "autocomplete": "off"]),
            errorLinks: [domain].errorLinks,
            domains: domains.isEmpty ? nil : domains.map { .init(domain: $0.domain, removeAction: SiteURL.adminPartnerDomainRemove($0.id).path) })
    }
}
