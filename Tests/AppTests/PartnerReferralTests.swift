@testable import App
import Domain
import Fluent
import Foundation
import NIOCore
import NIOHTTP1
import SQLKit
import Testing
import VaporTesting

/// The partners' front door (SPEC §2.11), tried as a partner, a robot, a triager and a triager of another region.
@Suite("The partners' front door")
struct PartnerReferralTests {
    static let roomy = ["REACHABLE_PARTNER_REFERRALS_PER_HOUR": "1000"]

    static func urgent(_ overrides: [String: String] = [:]) -> [String: String] {
        ["who": "Jordan, about 15, grey tracksuit", "whereNow": "With us at the custody suite, Holborn",
         "whereNowArea": "camden", "homeLocalAuthority": "camden", "referrerName": "PC Amy Khan",
         "referrerOrganisation": "Metropolitan Police", "referrerPhone": "07700 900 982",
         "referrerEmail": "amy.khan@met.police.uk"].merging(overrides) { $1 }
    }

    static func full(_ overrides: [String: String] = [:]) -> [String: String] {
        ["firstName": "Kai", "lastName": "Morgan", "dateOfBirth": "2009-05-04", "gender": "male",
         "homeLocalAuthority": "birmingham", "exploitationTypes[]": "county_lines", "consent": "given",
         "concerns": "Found with two phones and cash", "referrerName": "Ms Lee", "referrerOrganisation": "Oakfield School",
         "referralSource": "education", "referrerPhone": "0121 496 0000", "referrerEmail": "lee@oakfield.sch.uk"]
            .merging(overrides) { $1 }
    }

    /// Sends the form as a partner's phone would: the page first (for its token), then the form.
    @discardableResult
    static func send(_ app: Application, _ path: SiteURL, _ form: [String: String]) async throws -> TestingHTTPResponse {
        let browser = Browser(app)
        try await browser.get(path.path)
        return try await browser.post(path.path, form)
    }

    static func reference(in html: String) -> String? {
        Browser.firstMatch(in: html, after: "<strong class=\"reference\">")
    }

    @Test("An urgent referral: a reference and nothing else back; sealed; routed to the home area's region with a one-hour clock; audited with its address")
    func urgentReferral() async throws {
        try await withApp(env: Self.roomy) { app in
            let response = try await Self.send(app, .referUrgent, Self.urgent())
            #expect(response.status == .ok)
            let html = response.body.string
            let ref = try #require(Self.reference(in: html))
            #expect(ref.range(of: #"^PR-[A-Z2-7]{4}-[A-Z2-7]{4}$"#, options: .regularExpression) != nil)
            for sent in ["Jordan", "Holborn", "Amy Khan", "07700", "met.police.uk", "Metropolitan"] {
                #expect(!html.contains(sent), "nothing sent is echoed: \(sent)")
            }
            #expect(response.headers.first(name: .cacheControl) == "no-store")
            let stored = try #require(try await PartnerReferral.query(on: app.db).first())
            let london = try #require(try await Region.query(on: app.db).filter(\.$code == "london").first())
            #expect(stored.ref == ref && stored.regionID == london.id && stored.routedBy == "home_local_authority")
            #expect(stored.path == .urgent && stored.status == .awaitingTriage)
            #expect(abs(stored.callBackDue.timeIntervalSince(stored.receivedAt) - 3600) < 1)
            let domain = try stored.emailDomain.map(app.cipher.open)
            #expect(stored.listedDomain == "police.uk" && domain == "met.police.uk")
            #expect(stored.emailDomain?.contains("police") == false, "the referrer's domain is sealed")
            #expect(!(stored.content ?? "").contains("Jordan"), "sealed")
            let content = try #require(try PartnerReferralIntake.content(of: stored, cipher: app.cipher))
            #expect(content.who == "Jordan, about 15, grey tracksuit" && content.referrerPhone == "07700 900 982")
            let audit = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "partner_referral.received").first())
            #expect(audit.objectID == stored.id?.uuidString && audit.region == "london" && !audit.address.isEmpty)
            #expect(audit.actor == "partner form" && !audit.detail.contains("Jordan"))
            // No page answers for a reference: it opens nothing.
            #expect(try await Browser(app).get("/refer/" + ref).status == .notFound)
            #expect(try await Browser(app).get(SiteURL.partnerReferral(stored.id).path).location == SiteURL.signIn.path)
        }
    }

    @Test("The same form sent twice (a double tap, a reload of the receipt) is kept once, with the same reference")
    func sentTwice() async throws {
        try await withApp(env: Self.roomy) { app in
            let browser = Browser(app)
            let page = try await browser.get(SiteURL.referUrgent.path).body.string
            let key = try #require(Browser.firstMatch(in: page, after: "name=\"submission\" value=\""))
            let form = Self.urgent(["submission": key])
            let first = try await browser.post(SiteURL.referUrgent.path, form)
            let second = try await browser.post(SiteURL.referUrgent.path, form)
            #expect(Self.reference(in: first.body.string) == Self.reference(in: second.body.string))
            #expect(try await PartnerReferral.query(on: app.db).count() == 1)
            // Sent again with a correction: kept as a referral of its own, never silently dropped.
            let corrected = try await browser.post(SiteURL.referUrgent.path, form.merging(["referrerPhone": "07700 900 555"]) { $1 })
            #expect(Self.reference(in: corrected.body.string) != Self.reference(in: first.body.string))
            #expect(try await PartnerReferral.query(on: app.db).count() == 2)
            // A new page is a new form.
            let next = try #require(Browser.firstMatch(in: try await browser.get(SiteURL.referUrgent.path).body.string,
                                                        after: "name=\"submission\" value=\""))
            #expect(next != key)
        }
    }

    @Test("Across two instances, twelve simultaneous submissions from one address under a limit of five: five kept, seven 429, none 5xx")
    func rateLimitAcrossInstances() async throws {
        try await withInstances(env: ["REACHABLE_PARTNER_REFERRALS_PER_HOUR": "5"]) { first, second in
            let browser = Browser(first)
            try await browser.get(SiteURL.referUrgent.path)
            let headers = ConcurrencyTests.cookieHeaders(browser)
            let body = Browser.encode(Self.urgent().merging(["_csrf": browser.lastToken ?? ""]) { $1 })
            let statuses = try await ConcurrencyTests.burst(12, (first, second)) { app, _ in
                try await app.testing().sendRequest(.POST, SiteURL.referUrgent.path, headers: headers, body: ByteBuffer(string: body))
            }
            #expect(statuses.filter { $0 == .ok }.count == 5)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 7)
            let refused = try await first.testing().sendRequest(.POST, SiteURL.referUrgent.path, headers: headers, body: ByteBuffer(string: body))
            #expect(refused.status == .tooManyRequests && refused.body.string.contains("call 999"))
            #expect(try await PartnerReferral.query(on: first.db).count() == 5)
            #expect(try await AuditEvent.query(on: first.db).filter(\.$action == "partner_referral.rate_limited").count() == 8)
        }
    }

    @Test("A robot that fills the hidden field gets the same page, with a reference that leads nowhere, and nothing is kept")
    func honeypot() async throws {
        try await withApp(env: Self.roomy) { app in
            let trapped = try await Self.send(app, .referUrgent, Self.urgent(["website": "http://spam.example"]))
            #expect(trapped.status == .ok && Self.reference(in: trapped.body.string) != nil)
            #expect(try await PartnerReferral.query(on: app.db).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "partner_referral.honeypot").count() == 1)
            let person = try await Self.send(app, .referUrgent, Self.urgent())
            let mask = { (html: String) in html.replacingOccurrences(of: #"PR-[A-Z2-7]{4}-[A-Z2-7]{4}"#, with: "REF", options: .regularExpression) }
            #expect(mask(trapped.body.string) == mask(person.body.string), "nothing tells the robot it was caught")
        }
    }

    @Test("The answer is the same whether the young person is known or not")
    func sameAnswer() async throws {
        try await withApp(env: Self.roomy) { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let token = try await APITestSupport.token(app, for: worker)
            let made = try await APITestSupport.send(app, .POST, "/api/v1/referrals", token: token,
                                                     json: APITestSupport.json(APITestSupport.referral(firstName: "Kai", lastName: "Morgan", dateOfBirth: "2009-05-04")))
            #expect(made.status == .created)
            let known = try await Self.send(app, .referFull, Self.full())
            let unknown = try await Self.send(app, .referFull, Self.full(["firstName": "Zeb", "lastName": "Quill", "dateOfBirth": "2010-01-01"]))
            let mask = { (html: String) in html.replacingOccurrences(of: #"PR-[A-Z2-7]{4}-[A-Z2-7]{4}"#, with: "REF", options: .regularExpression) }
            #expect(known.status == unknown.status)
            #expect(mask(known.body.string) == mask(unknown.body.string))
            #expect(known.headers.first(name: .setCookie) == nil && unknown.headers.first(name: .setCookie) == nil)
        }
    }

    @Test("Hostile text in every field is kept as typed and shown escaped, to the partner and to the triager")
    func hostileText() async throws {
        try await withApp(env: Self.roomy) { app in
            let hostile = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>=HYPERLINK(\"http://x\")ملاك 李"
            let fields = ["who", "whereNow", "concerns", "referrerName", "referrerOrganisation"]
            // Refused (no phone): typed values come back escaped.
            let refused = try await Self.send(app, .referUrgent, Self.urgent(Dictionary(uniqueKeysWithValues: fields.map { ($0, hostile) })
                .merging(["referrerPhone": ""]) { $1 }))
            #expect(refused.status == .unprocessableEntity)
            #expect(!refused.body.string.contains("<script>alert(1)") && !refused.body.string.contains("<img src=x"))
            #expect(refused.body.string.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            let audited = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "partner_referral.refused").first())
            #expect(audited.detail == "urgent: referrerPhone" && !audited.address.isEmpty, "by field, never by what was typed")
            let sent = try await Self.send(app, .referUrgent, Self.urgent(Dictionary(uniqueKeysWithValues: fields.map { ($0, hostile) })))
            #expect(sent.status == .ok)
            let partner = try #require(try await PartnerReferral.query(on: app.db).first())
            let worker = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            try await browser.signIn(worker)
            for path in [SiteURL.partnerReferral(partner.id).path, SiteURL.partnerReferrals.path, SiteURL.home.path,
                         SiteURL.referralNew.path + "?partner=\(partner.id!.uuidString)"] {
                let html = try await browser.get(path).body.string
                #expect(!html.contains("<script>alert") && !html.contains("<img src=x"), "\(path)")
            }
            let page = try await browser.get(SiteURL.partnerReferral(partner.id).path).body.string
            #expect(page.contains("ملاك 李") && page.contains("&lt;script&gt;"))
            // Empty after trimming is empty: required fields refused by name.
            let blank = try await Self.send(app, .referUrgent, Self.urgent(["who": "   ", "referrerPhone": "call me"]))
            #expect(blank.body.string.contains("Enter the young person&#39;s name, or describe them")
                    || blank.body.string.contains("Enter the young person's name, or describe them"))
            #expect(blank.body.string.contains("Enter a phone number"))
        }
    }

    @Test("Bodies are small, but every field fits at its longest in any script: more than 64 KB to the urgent path is refused before it is read")
    func smallBodies() async throws {
        try await withApp(env: Self.roomy) { app in
            // Every urgent field at its longest in a script of four-byte characters.
            let wide = "\u{20000}"
            let fits = try await Self.send(app, .referUrgent, Self.urgent([
                "concerns": String(repeating: wide, count: 2_000), "who": String(repeating: wide, count: 500),
                "whereNow": String(repeating: wide, count: 500), "referrerName": String(repeating: wide, count: 200),
                "referrerOrganisation": String(repeating: wide, count: 200)]))
            #expect(fits.status == .ok)
            try await PartnerReferral.query(on: app.db).delete()
            let big = String(repeating: "x", count: 70 * 1024)
            let response = try await Self.send(app, .referUrgent, Self.urgent(["concerns": big]))
            #expect(response.status == .payloadTooLarge)
            let kept = try await PartnerReferral.query(on: app.db).count()
            #expect(kept == 0)
        }
    }
}
