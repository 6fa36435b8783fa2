import Domain
import Fluent
import Vapor

/// The code lists of SPEC §5. Admins add codes and relabel them; codes are never renamed or removed, because
/// CSV files, the API and old reports use them.
struct CodeListsAdminController {
    func register(_ routes: any RoutesBuilder) {
        let admin: AccessRule = .roles([.admin])
        routes.on(.GET, .adminCodeLists, access: admin, use: list)
        routes.on(.POST, .adminCodeList(nil), access: admin, use: addCode)
    }

    func list(req: Request) async throws -> View {
        try await render(req, failedList: nil, code: FormField("code"), label: FormField("label"))
    }

    func addCode(req: Request) async throws -> Response {
        struct Form: Content { var code: String?; var label: String? }
        guard let listName = req.parameters.get("list"), let list = CodeList(rawValue: listName) else {
            throw Abort(.notFound)
        }
        let form = try req.content.decode(Form.self)
        // Stored lower-cased; shown back as typed when the form is refused.
        let typedCode = (form.code ?? "").trimmingCharacters(in: .whitespaces)
        var code = FormField("code", value: typedCode.lowercased())
        var label = FormField("label", value: (form.label ?? "").trimmingCharacters(in: .whitespaces))
        if !Code.isValid(code.value) {
            code.error = "Enter a code of lower-case letters, digits and underscores, like youth_offending"
        } else if try await CodeListItem.query(on: req.db).filter(\.$list == list.rawValue)
            .filter(\.$code == code.value).count() > 0 {
            code.error = "\(list.label) already has the code \(code.value)"
        }
        if label.value.isEmpty {
            label.error = "Enter the label people will read"
        } else if try await CodeListItem.query(on: req.db).filter(\.$list == list.rawValue).all()
            .contains(where: { $0.label.compare(label.value, options: [.caseInsensitive, .diacriticInsensitive]) == .orderedSame }) {
            // Two options people cannot tell apart would split one answer in two in every report.
            label.error = "\(list.label) already has a code labelled \(label.value)"
        }
        if code.error != nil || label.error != nil {
            code.value = typedCode
            return try await render(req, failedList: list, code: code, label: label)
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let entry = req.auditEntry(.codeListCodeAdded, objectType: .codeList, objectID: list.rawValue,
                                   detail: "code \(code.value)")
        let now = req.now
        let (codeValue, labelValue) = (code.value, label.value)
        try await req.write { db in
            let position = try await CodeListItem.query(on: db).filter(\.$list == list.rawValue).count()
            try await CodeListItem(list: list.rawValue, code: codeValue, label: labelValue, position: position).create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.adminCodeLists.path + "#" + list.rawValue)
    }

    private func render(_ req: Request, failedList: CodeList?, code: FormField, label: FormField) async throws -> View {
        let page = try await CodeListsPage.make(failedList: failedList, code: code, label: label,
                                                layout: req.layout(title: "Code lists"), on: req.db)
        return try await req.view.render("admin/code-lists", page)
    }
}

struct CodeListsPage: Encodable {
    struct Item: Encodable {
        let code: String
        let label: String
    }

    struct List: Encodable {
        let id: String
        let label: String
        let action: String
        let items: [Item]
        let code: FormField
        let newLabel: FormField
    }

    let layout: Layout
    let lists: [List]
    let errorLinks: [FormErrorLink]?
}

extension CodeListsPage {
    /// Every list with its codes in order, each with its own add form; `failedList`'s form holds what was typed and
    /// its problems.
    static func make(failedList: CodeList?, code: FormField, label: FormField, layout: Layout,
                     on db: any Database) async throws -> CodeListsPage {
        let items = try await CodeListItem.query(on: db).sort(\.$list).sort(\.$position).all()
        let lists = CodeList.allCases.map { list in
            let isFailed = list == failedList
            return List(
                id: list.rawValue, label: list.label, action: SiteURL.adminCodeList(list.rawValue).path,
                items: items.filter { $0.list == list.rawValue }.map { .init(code: $0.code, label: $0.label) },
                code: (isFailed ? prefixed(code, list) : FormField("\(list.rawValue)-code"))
                    .drawn("Code", name: "code", ["spellcheck": "false"]),
                newLabel: (isFailed ? prefixed(label, list) : FormField("\(list.rawValue)-label")).drawn("Label", name: "label"))
        }
        let errors = failedList.flatMap { [prefixed(code, $0), prefixed(label, $0)].errorLinks }
        return CodeListsPage(layout: layout, lists: lists, errorLinks: errors)
    }

    /// Each list has its own form on one page, so field ids carry the list's name.
    private static func prefixed(_ field: FormField, _ list: CodeList) -> FormField {
        FormField("\(list.rawValue)-\(field.id)", value: field.value, error: field.error)
    }
}
