import Domain
import Fluent
import Vapor

/// `POST /api/v1/rescues` (a police force's call logged by its system) and `GET /api/v1/reports/annual`
/// (exactly the JSON of SPEC §4, the same as `reachable report annual --format json`).
struct APIRescuesReportsController {
    /// Managers see their own region's report, national leads every region's. Commissioners are not here:
    /// their figures must be suppressed, which the report's JSON cannot show (they use the report page).
    static let reportReaders: Set<Role> = [.manager, .nationalLead]

    func register(_ routes: any RoutesBuilder) {
        routes.on(.POST, .apiRescues, access: .roles(ReferralsController.writers), maxBodySize: APIReferralsController.bodyLimit,
                  use: createRescue)
        routes.on(.GET, .apiAnnualReport, access: .roles(Self.reportReaders), use: annualReport)
        routes.on(.GET, .apiDocument, access: .open, use: document)
    }

    struct RescueBody: Decodable {
        var callAt: String?
        var caller: String?
        var callBackAt: String?
        var outOfHours: Bool?
        var foundPlace: String?
        var policeForceArea: String?
        var dispatchedCaseworkerId: String?
        var referralSource: String?
        var firstName: String?
        var lastName: String?
        var dateOfBirth: String?
        var gender: String?
        var homeLocalAuthority: String?
        var exploitationTypes: [String]?

        var form: RescueForm {
            RescueForm(callAt: callAt, caller: caller, callBackAt: callBackAt, outOfHours: outOfHours == true ? "yes" : nil,
                       foundPlace: foundPlace, policeForceArea: policeForceArea, dispatchedCaseworker: dispatchedCaseworkerId,
                       referralSource: referralSource, firstName: firstName, lastName: lastName, dateOfBirth: dateOfBirth,
                       gender: gender, homeLocalAuthority: homeLocalAuthority, otherLocalAuthority: nil,
                       exploitationTypes: exploitationTypes)
        }
    }

    func createRescue(req: Request) async throws -> Response {
        let body = try req.apiBody(RescueBody.self)
        let user = try req.requireUser()
        let (checked, details): (ReferralForm.Checked, ReferralIntake.RescueDetails)
        switch try await body.form.check(req: req) {
        case let .failure(errors):
            var renamed = FieldErrors()
            for (id, message) in errors.entries { renamed.add(id == "dispatchedCaseworker" ? "dispatchedCaseworkerId" : id, message) }
            throw APIInvalidInput(renamed)
        case let .success(valid): (checked, details) = valid
        }
        return try await IdempotentWrite.run(req) { recorder in
            let box = AnswerBox()
            _ = try await ReferralIntake.create(checked, rescueDetails: details, user: user, req: req) { db, referral in
                guard let rescue = try await Rescue.query(on: db).filter(\.$referral.$id == referral.id!).first() else {
                    throw Abort(.internalServerError, reason: "rescue row missing after intake")
                }
                let json = RescueJSON(id: try rescue.requireID(), callAt: rescue.callAt, caller: try rescue.caller.map(req.application.cipher.open),
                                      outOfHours: rescue.outOfHours ?? false, dispatchedCaseworkerId: rescue.dispatchedCaseworkerID,
                                      referral: ReferralJSON(referral, regionCode: user.regionCode ?? ""))
                let answer = IdempotentWrite.Answer(status: .created, body: try APIResponse.encode(json),
                                                    location: SiteURL.apiReferral(referral.id).path)
                try await recorder.remember(answer, on: db)
                box.answer = answer
            }
            return box.answer!
        }
    }

    func annualReport(req: Request) async throws -> Response {
        let user = try req.requireUser()
        var errors = FieldErrors()
        let region = req.query[String.self, at: "region"] ?? ""
        if region.isEmpty { errors.add("region", "Give a region code, or all") }
        let year = req.query[String.self, at: "year"].flatMap(FinancialYear.init)
        if year == nil { errors.add("year", "Give a financial year such as 2023-24") }
        guard errors.isEmpty, let year else { throw APIInvalidInput(errors) }
        if user.role == .manager && region != user.regionCode {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .report, objectID: "annual \(year)", region: region)
            throw Abort(.notFound)
        }
        let report: AnnualReport
        do {
            report = try await AnnualReportQuery.run(region: region, year: year, reading: req.reportReaders)
        } catch is AnnualReportQuery.Failure {
            throw Abort(.notFound)
        }
        try await req.audit(.exportAnnualReport, objectType: .report, objectID: "annual \(year)", region: region,
                            detail: "format json, api")
        let response = Response(status: .ok, body: .init(string: try AnnualReportJSON.encode(report)))
        response.headers.contentType = .json
        return response
    }

    /// The OpenAPI 3.1 document, as shipped with the binary.
    func document(req: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(data: try OpenAPIDocument.data()))
        response.headers.contentType = .json
        return response
    }
}

/// The API's description, hand-written beside the code (`Resources/Data/openapi.json`); a test checks that its
/// paths and methods are exactly the registered `/api/v1` routes.
enum OpenAPIDocument {
    static func data() throws -> Data {
        try Data(contentsOf: PackageResources.root.appendingPathComponent("Data/openapi.json"))
    }
}
