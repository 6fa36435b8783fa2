import Domain
import Vapor

/// The managers' upload page: the same import as the command line, for their own region only (a row for
/// another region is a problem like any other), whole file or nothing.
struct ImportsController {
    static let maxFileSize: ByteCount = "50mb"

    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .imports, access: .roles([.manager]), use: show)
        routes.on(.POST, .imports, access: .roles([.manager]), maxBodySize: Self.maxFileSize, use: upload)
    }

    struct Upload: Content {
        var kind: String?
        var file: File?
    }

    func show(req: Request) async throws -> View {
        try await req.view.render("imports/upload", ImportPage(req: req, kind: "referrals"))
    }

    func upload(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(Upload.self)
        let kind = form.kind == "outreach" ? "outreach" : "referrals"
        var page = try ImportPage(req: req, kind: kind)
        guard let file = form.file, file.data.readableBytes > 0 else {
            page.fileError = "Choose a CSV file to import"
            return try await req.view.render("imports/upload", page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        guard let text = file.data.getString(at: file.data.readerIndex, length: file.data.readableBytes, encoding: .utf8) else {
            page.fileError = "The file is not UTF-8 text: save it from the spreadsheet as CSV UTF-8"
            return try await req.view.render("imports/upload", page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let actor = req.auditEntry(.importFile)
        do {
            let summary = kind == "outreach"
                ? try await OutreachImport.run(text: text, onlyRegion: user.regionCode, actor: actor, now: req.now, db: req.db,
                                               writes: req.application.writes)
                : try await ReferralImport.run(text: text, onlyRegion: user.regionCode, actor: actor, now: req.now, db: req.db,
                                               reader: req.application.otherDatabase(besides: req.eventLoop, logger: req.logger),
                                               writes: req.application.writes)
            page.result = "Imported \(file.filename): \(summary.sentence)."
            return try await req.view.render("imports/upload", page).encodeResponse(for: req)
        } catch let problems as ImportProblems {
            page.fileError = "\(file.filename) was not imported: nothing was written. Correct these and import it again."
            page.problems = problems.problems.map(\.description)
            try await req.audit(.importRefused, outcome: .failure, objectType: .file, objectID: ImportFile.sha256(text),
                                region: user.regionCode ?? "", detail: "\(kind): \(problems.problems.count) problems")
            return try await req.view.render("imports/upload", page).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }
}

struct ImportPage: Encodable {
    let layout: Layout
    let action: String
    let regionName: String
    let kind: FormField
    private(set) var file = FormField("file").drawn("CSV file", as: .file, ["accept": ".csv,text/csv"])
    var fileError: String? {
        get { file.error }
        set {
            file.error = newValue
            errorLinks = [file].errorLinks
        }
    }
    private(set) var errorLinks: [FormErrorLink]?
    var problems: [String]?
    var result: String?

    init(req: Request, kind: String) throws {
        layout = try req.layout(title: "Import from a spreadsheet")
        action = SiteURL.imports.path
        regionName = req.currentUser?.regionName ?? ""
        self.kind = FormField("kind", value: kind).select("What the file holds", options: [
            SelectOption(value: "referrals", label: "Referrals", selected: kind == "referrals"),
            SelectOption(value: "outreach", label: "Training and awareness sessions", selected: kind == "outreach"),
        ])
    }
}
