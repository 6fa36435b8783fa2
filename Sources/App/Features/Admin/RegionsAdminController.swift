import Domain
import Fluent
import Vapor

/// Regions and their local authorities (SPEC §3): admins add a region or a local authority without code changes.
struct RegionsAdminController {
    func register(_ routes: any RoutesBuilder) {
        let admin: AccessRule = .roles([.admin])
        routes.on(.GET, .adminRegions, access: admin, use: list)
        routes.on(.POST, .adminRegions, access: admin, use: create)
        routes.on(.GET, .adminRegion(nil), access: admin, use: show)
        routes.on(.POST, .adminRegionLocalAuthorities(nil), access: admin, use: addLocalAuthority)
    }

    func list(req: Request) async throws -> View {
        try await renderList(req, code: FormField("code"), name: FormField("name"))
    }

    func create(req: Request) async throws -> Response {
        struct Form: Content { var code: String?; var name: String? }
        let form = try req.content.decode(Form.self)
        // Stored lower-cased; shown back as typed when the form is refused.
        let typedCode = (form.code ?? "").trimmingCharacters(in: .whitespaces)
        var code = FormField("code", value: typedCode.lowercased())
        var name = FormField("name", value: (form.name ?? "").trimmingCharacters(in: .whitespaces))
        if !Code.isValid(code.value) {
            code.error = "Enter a code of lower-case letters, digits and hyphens, like west-midlands"
        } else if try await Region.query(on: req.db).filter(\.$code == code.value).count() > 0 {
            code.error = "A region with this code already exists"
        }
        if name.value.isEmpty { name.error = "Enter the region's name" }
        if code.error != nil || name.error != nil {
            code.value = typedCode
            return try await renderList(req, code: code, name: name).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let entry = req.auditEntry(.regionCreated, objectType: .region, objectID: code.value, region: code.value)
        let now = req.now
        let (codeValue, nameValue) = (code.value, name.value)
        try await req.write { db in
            try await Region(code: codeValue, name: nameValue).create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.adminRegion(codeValue).path)
    }

    func show(req: Request) async throws -> View {
        let region = try await findRegion(req)
        return try await renderRegion(req, region: region, code: FormField("code"), name: FormField("name"))
    }

    func addLocalAuthority(req: Request) async throws -> Response {
        struct Form: Content { var code: String?; var name: String? }
        let region = try await findRegion(req)
        let form = try req.content.decode(Form.self)
        // Stored lower-cased; shown back as typed when the form is refused.
        let typedCode = (form.code ?? "").trimmingCharacters(in: .whitespaces)
        var code = FormField("code", value: typedCode.lowercased())
        let name = FormField("name", value: (form.name ?? "").trimmingCharacters(in: .whitespaces))
        if !Code.isValid(code.value) {
            code.error = "Enter a code of lower-case letters and hyphens, like kingston-upon-thames"
        } else if let existing = try await LocalAuthority.query(on: req.db).filter(\.$code == code.value)
            .with(\.$region).first() {
            code.error = "\(existing.name) is already in \(existing.region.name)"
        }
        if code.error != nil {
            code.value = typedCode
            return try await renderRegion(req, region: region, code: code, name: name)
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let regionID = try region.requireID()
        let entry = req.auditEntry(.localAuthorityAdded, objectType: .localAuthority, objectID: code.value,
                                   region: region.code)
        let now = req.now
        let codeValue = code.value
        let nameValue = name.value.isEmpty ? PlaceName.fromCode(code.value) : name.value
        try await req.write { db in
            try await LocalAuthority(code: codeValue, name: nameValue, regionID: regionID).create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.adminRegion(region.code).path)
    }

    private func findRegion(_ req: Request) async throws -> Region {
        guard let code = req.parameters.get("regionCode"),
              let region = try await Region.query(on: req.db).filter(\.$code == code).with(\.$localAuthorities).first()
        else { throw Abort(.notFound) }
        return region
    }

    private func renderList(_ req: Request, code: FormField, name: FormField) async throws -> View {
        let page = try await RegionsPage.make(code: code, name: name, layout: req.layout(title: "Regions"), on: req.db)
        return try await req.view.render("admin/regions", page)
    }

    private func renderRegion(_ req: Request, region: Region, code: FormField, name: FormField) async throws -> View {
        let authorities = region.localAuthorities.sorted { $0.name < $1.name }
            .map { RegionPage.Authority(code: $0.code, name: $0.name) }
        let page = try RegionPage(layout: req.layout(title: region.name), name: region.name, code: region.code,
                              localAuthorities: authorities, action: SiteURL.adminRegionLocalAuthorities(region.code).path,
                              newCode: code.drawn("Code", hint: "The name in lower case with hyphens for spaces, like kingston-upon-thames.",
                                                  ["spellcheck": "false"]),
                              newName: name.drawn("Name (optional)"), errorLinks: [code, name].errorLinks)
        return try await req.view.render("admin/region", page)
    }
}

struct RegionsPage: Encodable {
    struct Row: Encodable {
        let code: String
        let name: String
        let localAuthorities: Int
        let path: String
    }

    let layout: Layout
    let regions: [Row]
    let action: String
    let code: FormField
    let name: FormField
    let errorLinks: [FormErrorLink]?
}

extension RegionsPage {
    /// Every region by name with how many local authorities it has, and the new-region form (as typed, when refused).
    static func make(code: FormField, name: FormField, layout: Layout, on db: any Database) async throws -> RegionsPage {
        let regions = try await Region.query(on: db).with(\.$localAuthorities).sort(\.$name).all()
        let rows = regions.map {
            Row(code: $0.code, name: $0.name, localAuthorities: $0.localAuthorities.count, path: SiteURL.adminRegion($0.code).path)
        }
        return RegionsPage(layout: layout, regions: rows, action: SiteURL.adminRegions.path,
                           code: code.drawn("Code", hint: "Lower case with hyphens, used in CSV files and reports: it cannot be changed later.",
                                            ["spellcheck": "false"]),
                           name: name.drawn("Name"), errorLinks: [code, name].errorLinks)
    }
}

struct RegionPage: Encodable {
    struct Authority: Encodable {
        let code: String
        let name: String
    }

    let layout: Layout
    let name: String
    let code: String
    let localAuthorities: [Authority]
    let action: String
    let newCode: FormField
    let newName: FormField
    let errorLinks: [FormErrorLink]?
}
