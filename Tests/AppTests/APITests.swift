@testable import App
import Domain
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("JSON API")
struct APITests {
    typealias API = APITestSupport

    @Test("A referral sent to the API is screened at once; errors are problem+json naming each field")
    func createReferral() async throws {
        try await withApp { app in
            let caseworker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let token = try await API.token(app, for: caseworker)
            let created = try await API.send(app, .POST, SiteURL.apiReferrals.path, token: token, json: API.json(API.referral()))
            #expect(created.status == .created)
            let body = try API.object(created)
            let referral = try #require(body["referral"] as? [String: Any])
            let screening = try #require(referral["screening"] as? [String: Any])
            #expect(screening["eligible"] as? Bool == true)
            #expect(referral["ageAtReferral"] as? Int == 16)
            #expect(referral["status"] as? String == "awaiting_screening")
            #expect(body["matchedExistingPerson"] as? Bool == false)
            #expect(created.headers.first(name: .location) == "/api/v1/referrals/\(referral["id"] as! String)")
            #expect(referral["concerns"] == nil, "narrative fields are never sent back")

            var outside = API.referral(firstName: "Casey", homeLocalAuthority: "camden")
            outside["exploitationTypes"] = []
            let ineligible = try API.object(try await API.send(app, .POST, SiteURL.apiReferrals.path, token: token, json: API.json(outside)))
            let reasons = try #require(((ineligible["referral"] as? [String: Any])?["screening"] as? [String: Any])?["reasons"] as? [[String: Any]])
            #expect(reasons.compactMap { $0["code"] as? String } == ["outside_area", "no_exploitation_concern"])

            var bad = API.referral()
            bad["dateOfBirth"] = "2008-02-30"
            bad.removeValue(forKey: "gender")
            let invalid = try await API.send(app, .POST, SiteURL.apiReferrals.path, token: token, json: API.json(bad))
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            let problem = try API.object(invalid)
            let fields = (problem["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
            #expect(fields == ["dateOfBirth", "gender"])
            #expect(problem["status"] as? Int == 422)

            let wrongType = try await API.send(app, .POST, SiteURL.apiReferrals.path, token: token, json: #"{"firstName": 7}"#)
            #expect(wrongType.status == .badRequest)
            #expect((try API.object(wrongType)["detail"] as? String)?.contains("firstName") == true)
            let notJSON = try await API.send(app, .POST, SiteURL.apiReferrals.path, token: token, json: "firstName=Jo",
                                             headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(notJSON.status == .unsupportedMediaType)
            let huge = API.json(["concerns": String(repeating: "x", count: 70_000)])
            #expect(try await API.send(app, .POST, SiteURL.apiReferrals.path, token: token, json: huge).status == .payloadTooLarge)
            #expect(try await Referral.query(on: app.db).count() == 2, "nothing half-written by the refused requests")
            let actors = try await AuditEvent.query(on: app.db).filter(\.$action == "referral.created").all().map(\.actor)
            #expect(actors.allSatisfy { $0 == "\(caseworker.email) (API token \"test feed\")" }, "audit entries name the token")
        }
    }

    @Test("A referral sent twice with one Idempotency-Key exists once; the key cannot be reused for another request")
    func idempotency() async throws {
        try await withApp { app in
            let caseworker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let token = try await API.token(app, for: caseworker)
            let body = API.json(API.referral())
            let key: HTTPHeaders = ["Idempotency-Key": "police-feed-4711"]
            let first = try await API.send(app, .POST, SiteURL.apiReferrals.path, token: token, json: body, headers: key)
            let second = try await API.send(app, .POST, SiteURL.apiReferrals.path, token: token, json: body, headers: key)
            #expect(first.status == .created && second.status == .created)
            #expect(first.body.string == second.body.string)
            #expect(second.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(try await Referral.query(on: app.db).count() == 1)
            let other = API.json(API.referral(firstName: "Riley"))
            let reused = try await API.send(app, .POST, SiteURL.apiReferrals.path, token: token, json: other, headers: key)
            #expect(reused.status == .unprocessableEntity)
            #expect(try await Referral.query(on: app.db).count() == 1)
            let badKey = try await API.send(app, .POST, SiteURL.apiReferrals.path, token: token, json: body,
                                            headers: ["Idempotency-Key": "has spaces"])
            #expect(badKey.status == .badRequest)
            // Without a key, a second send is a second referral (of the same person).
            _ = try await API.send(app, .POST, SiteURL.apiReferrals.path, token: token, json: body)
            #expect(try await Referral.query(on: app.db).count() == 2)
            #expect(try await Person.query(on: app.db).count() == 1)
        }
    }

    @Test("Lists page with a limit and an opaque cursor, in a stable order, without repeats or gaps")
    func paging() async throws {
        try await withApp { app in
            let caseworker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let token = try await API.token(app, for: caseworker)
            for index in 0..<7 {
                var referral = API.referral(firstName: "Person\(index)", lastName: "Page")
                referral["receivedDate"] = "2024-05-0\(1 + index % 3)"
                _ = try await API.send(app, .POST, SiteURL.apiReferrals.path, token: token, json: API.json(referral))
            }
            var seen: [String] = []
            var dates: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = "?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try API.object(try await API.send(app, .GET, SiteURL.apiReferrals.path + query, token: token))
                let items = try #require(page["items"] as? [[String: Any]])
                seen += items.compactMap { $0["id"] as? String }
                dates += items.compactMap { $0["receivedDate"] as? String }
                cursor = page["nextCursor"] as? String
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(seen.count == 7 && Set(seen).count == 7)
            #expect(dates == dates.sorted(by: >), "newest received first")
            let tooMany = try await API.send(app, .GET, SiteURL.apiReferrals.path + "?limit=201", token: token)
            #expect(tooMany.status == .unprocessableEntity)
            #expect(((try API.object(tooMany)["errors"] as? [[String: Any]])?.first?["field"] as? String) == "limit")
            let forged = try await API.send(app, .GET, SiteURL.apiReferrals.path + "?cursor=bm90LWEtY3Vyc29y", token: token)
            #expect(forged.status == .unprocessableEntity)
            let filtered = try API.object(try await API.send(app, .GET, SiteURL.apiReferrals.path + "?from=2024-05-03&to=2024-05-03", token: token))
            #expect((filtered["items"] as? [Any])?.count == 2)
        }
    }

    @Test("A west-midlands caseworker's token cannot read a london case or referral: 404, audited")
    func regionScope() async throws {
        try await withApp { app in
            let londonManager = try await Fixtures.account(app, role: .manager, region: "london")
            let browser = Browser(app)
            try await browser.signIn(londonManager)
            try await ReferralTests.record(browser, ReferralTests.form(home: "camden"))
            let referral = try #require(try await Referral.query(on: app.db).first())
            try await browser.get(SiteURL.referral(referral.id).path)
            try await browser.post(SiteURL.referralAccept(referral.id).path, ["caseworker": londonManager.id.uuidString])
            let londonCase = try #require(try await SupportCase.query(on: app.db).first())

            let westMidlands = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let token = try await API.token(app, for: westMidlands)
            #expect(try await API.send(app, .GET, SiteURL.apiCase(londonCase.id).path, token: token).status == .notFound)
            #expect(try await API.send(app, .GET, SiteURL.apiReferral(referral.id).path, token: token).status == .notFound)
            let contact = API.json(["happenedAt": "2024-05-01T10:00:00Z", "kind": "phone", "durationMinutes": 10])
            #expect(try await API.send(app, .POST, SiteURL.apiCaseContacts(londonCase.id).path, token: token, json: contact).status == .notFound)
            let cases = try API.object(try await API.send(app, .GET, SiteURL.apiCases.path, token: token))
            #expect((cases["items"] as? [Any])?.isEmpty == true)
            let refusals = try await AuditEvent.query(on: app.db).filter(\.$action == "access.refused")
                .filter(\.$userID == westMidlands.id).count()
            #expect(refusals == 3)
            let londonToken = try await API.token(app, for: londonManager)
            #expect(try await API.send(app, .GET, SiteURL.apiCase(londonCase.id).path, token: londonToken).status == .ok)
        }
    }

    @Test("Contacts and outcome measures through the API: the lead writes, others are refused, sensitive notes withheld")
    func casework() async throws {
        try await withApp { app in
            let lead = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let colleague = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(lead)
            let caseID = try await CaseTests.openCase(app, lead: lead, browser: browser)
            let leadToken = try await API.token(app, for: lead)
            let colleagueToken = try await API.token(app, for: colleague)
            let sensitive = API.json(["happenedAt": "2024-05-01T10:00:00Z", "kind": "face_to_face", "durationMinutes": 45,
                                      "present": ["young_person"], "notes": "Disclosed a threat from an older boy.", "sensitive": true])
            let recorded = try await API.send(app, .POST, SiteURL.apiCaseContacts(caseID).path, token: leadToken, json: sensitive)
            #expect(recorded.status == .created)
            #expect(try await API.send(app, .POST, SiteURL.apiCaseContacts(caseID).path, token: colleagueToken, json: sensitive).status == .forbidden)
            let wrong = API.json(["happenedAt": "tomorrow", "kind": "carrier_pigeon", "durationMinutes": 2000])
            let problem = try API.object(try await API.send(app, .POST, SiteURL.apiCaseContacts(caseID).path, token: leadToken, json: wrong))
            #expect((problem["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == ["happenedAt", "kind", "durationMinutes"])

            let measures = API.json(["stage": "entry", "recordedOn": "2024-05-01", "safety": 3, "mentalHealth": 4,
                                     "criminogenicNeed": 7, "missingEpisodes": 2, "offences": 1, "countyLinesActive": true,
                                     "familyConflict": true, "eet": false])
            let stored = try await API.send(app, .POST, SiteURL.apiCaseMeasures(caseID).path, token: leadToken, json: measures)
            #expect(stored.status == .created)
            #expect(try API.object(stored)["safety"] as? Int == 3)
            let outOfRange = API.json(["stage": "entry", "recordedOn": "2024-05-01", "safety": 11])
            let refused = try API.object(try await API.send(app, .POST, SiteURL.apiCaseMeasures(caseID).path, token: leadToken, json: outOfRange))
            #expect(((refused["errors"] as? [[String: Any]])?.first?["field"] as? String) == "safety")

            let asLead = try API.object(try await API.send(app, .GET, SiteURL.apiCase(caseID).path, token: leadToken))
            let leadContacts = try #require(asLead["contacts"] as? [[String: Any]])
            #expect(leadContacts.first?["notes"] as? String == "Disclosed a threat from an older boy.")
            #expect((asLead["outcomeMeasures"] as? [Any])?.count == 1)
            let asColleague = try API.object(try await API.send(app, .GET, SiteURL.apiCase(caseID).path, token: colleagueToken))
            let colleagueContacts = try #require(asColleague["contacts"] as? [[String: Any]])
            #expect(colleagueContacts.first?["notes"] is NSNull)
            #expect(colleagueContacts.first?["notesWithheld"] as? Bool == true)
            let mine = try API.object(try await API.send(app, .GET, SiteURL.apiCases.path + "?mine=true&status=open", token: leadToken))
            #expect((mine["items"] as? [[String: Any]])?.first?["id"] as? String == caseID.uuidString)
        }
    }

    @Test("A rescue logged through the API, and people searched with possible duplicates marked")
    func rescueAndPeople() async throws {
        try await withApp { app in
            let caseworker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let token = try await API.token(app, for: caseworker)
            let rescue = API.json(["callAt": "2024-05-01T02:10:00Z", "caller": "British Transport Police",
                                   "dispatchedCaseworkerId": caseworker.id.uuidString, "referralSource": "police",
                                   "firstName": "Jordan", "lastName": "Smith", "dateOfBirth": "2008-02-29", "gender": "male",
                                   "homeLocalAuthority": "birmingham", "exploitationTypes": ["county_lines"]])
            let logged = try await API.send(app, .POST, SiteURL.apiRescues.path, token: token, json: rescue)
            #expect(logged.status == .created)
            let body = try API.object(logged)
            #expect(body["outOfHours"] as? Bool == true, "a call at 3 a.m. British Summer Time is out of hours")
            #expect(((body["referral"] as? [String: Any])?["service"] as? String) == "rescue")
            #expect(try await Rescue.query(on: app.db).count() == 1)
            let noCaseworker = try await API.send(app, .POST, SiteURL.apiRescues.path, token: token,
                                                  json: API.json(["callAt": "2024-05-01T02:10:00Z", "caller": "BTP"]))
            let fields = (try API.object(noCaseworker)["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
            #expect(fields.contains("dispatchedCaseworkerId"))

            // The same person (names folded), and a near match: day and month of birth swapped.
            _ = try await API.send(app, .POST, SiteURL.apiReferrals.path, token: token,
                                   json: API.json(API.referral(firstName: "Jordan", lastName: "Smith", dateOfBirth: "2008-03-04")))
            let found = try API.object(try await API.send(app, .POST, SiteURL.apiPeople.path, token: token, json: API.json(["name": "jordan SMITH", "dateOfBirth": "2008-02-29"])))
            let people = try #require(found["items"] as? [[String: Any]])
            #expect(people.count == 1)
            #expect(people.first?["match"] as? String == "same")
            let near = try API.object(try await API.send(app, .POST, SiteURL.apiPeople.path, token: token, json: API.json(["name": "Jordan Smith", "dateOfBirth": "2008-04-03"])))
            let nearPeople = try #require(near["items"] as? [[String: Any]])
            #expect(nearPeople.contains { $0["possibleDuplicate"] as? Bool == true && $0["nearMatch"] as? String == "transposed_date_of_birth" })
            let missing = try await API.send(app, .POST, SiteURL.apiPeople.path, token: token, json: API.json(["name": "Jordan"]))
            #expect(missing.status == .unprocessableEntity)

            let elsewhere = try await Fixtures.account(app, role: .caseworker, region: "london")
            let londonToken = try await API.token(app, for: elsewhere)
            let hidden = try API.object(try await API.send(app, .POST, SiteURL.apiPeople.path, token: londonToken, json: API.json(["name": "Jordan Smith", "dateOfBirth": "2008-02-29"])))
            #expect((hidden["items"] as? [Any])?.isEmpty == true, "people are found only through referrals the caller may see")
        }
    }

    @Test("The annual report: managers their own region only, commissioners not through the API")
    func annualReportAccess() async throws {
        try await withApp { app in
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let commissioner = try await Fixtures.account(app, role: .commissioner)
            let token = try await API.token(app, for: manager)
            let own = try await API.send(app, .GET, SiteURL.apiAnnualReport.path + "?region=west-midlands&year=2023-24", token: token)
            #expect(own.status == .ok)
            #expect(try API.object(own)["region"] as? String == "west-midlands")
            #expect(try await API.send(app, .GET, SiteURL.apiAnnualReport.path + "?region=london&year=2023-24", token: token).status == .notFound)
            #expect(try await API.send(app, .GET, SiteURL.apiAnnualReport.path + "?region=west-midlands&year=2023", token: token).status == .unprocessableEntity)
            let commissionerToken = try await API.token(app, for: commissioner)
            #expect(try await API.send(app, .GET, SiteURL.apiAnnualReport.path + "?region=all&year=2023-24", token: commissionerToken).status == .forbidden)
        }
    }

    @Test("The OpenAPI document names exactly the registered API routes, path by path and method by method")
    func documentMatchesRoutes() async throws {
        try await withApp { app in
            let response = try await app.testing().sendRequest(.GET, SiteURL.apiDocument.path)
            #expect(response.status == .ok)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            func normalised(_ path: String) -> String {
                path.split(separator: "/").map { $0.hasPrefix("{") || $0.hasPrefix(":") ? "{}" : String($0) }.joined(separator: "/")
            }
            var documented = Set<String>()
            for (path, operations) in paths {
                for method in operations.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                    documented.insert("\(method.uppercased()) \(normalised(path))")
                }
            }
            let registered = Set(app.routes.all.filter { $0.path.first == .constant("api") && $0.path.dropFirst().first == .constant("v1") }
                .map { route in "\(route.method.rawValue) \(normalised("/" + route.path.map(\.description).joined(separator: "/")))" })
            #expect(registered.count >= 10)
            #expect(documented == registered)
        }
    }
}
