import Domain
import Foundation
import Vapor

/// `reachable report annual --region R|all --year 2023-24 --format json|csv|html` (SPEC §7): the report on
/// standard output. Every export is audited.
struct ReportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "report", help: "annual")
        var report: String
        @Option(name: "region", help: "A region code, or all")
        var region: String?
        @Option(name: "year", help: "A financial year such as 2023-24")
        var year: String?
        @Option(name: "format", help: "json (default), csv or html")
        var format: String?
    }

    var help: String { "Print the annual report of a region (or all) for a financial year" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.report == "annual" else { throw CommandError(message: "Unknown report \(signature.report): try annual") }
        guard let region = signature.region, !region.isEmpty else { throw CommandError(message: "--region: give a region code or all") }
        guard let yearText = signature.year, let year = FinancialYear(yearText) else {
            throw CommandError(message: "--year: give a financial year such as 2023-24")
        }
        let format = signature.format ?? "json"
        guard ["json", "csv", "html"].contains(format) else { throw CommandError(message: "--format: json, csv or html") }
        let app = context.application
        let report: AnnualReport
        do {
            report = try await AnnualReportQuery.run(region: region, year: year, reading: app.reportReaders)
        } catch let failure as AnnualReportQuery.Failure {
            throw CommandError(message: failure.description)
        }
        let output: String = switch format {
        case "csv": AnnualReportCSV.render(report)
        case "html": try await AnnualReportPrint.html(report, app: app)
        default: try AnnualReportJSON.encode(report)
        }
        let now = app.clock.now()
        try await app.writes.transaction(on: app.db) { db in
            try await Audit.append(AuditEntry(action: .exportAnnualReport, actor: "reachable report", objectType: .report,
                                              objectID: "annual \(year)", region: region, address: "command line",
                                              detail: "format \(format)"), on: db, at: now)
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}

enum AnnualReportJSON {
    static func encode(_ report: AnnualReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }
}
