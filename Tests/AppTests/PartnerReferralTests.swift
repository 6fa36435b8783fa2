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

    @Test("Every region's areas route to that region; an area in no region, or none, goes to the national lead, who sends it on")
    func routing() async throws {
        try await withApp(env: Self.roomy) { app in
            let regions = try await Region.query(on: app.db).with(\.$localAuthorities).all()
            for region in regions {
                for authority in region.localAuthorities.prefix(2) {
                    try await Self.send(app, .referUrgent, Self.urgent(["homeLocalAuthority": authority.code, "whereNowArea": ""]))
                    let stored = try #require(try await PartnerReferral.query(on: app.db).sort(\.$receivedAt, .descending).first())
                    #expect(stored.regionID == region.id, "\(authority.code) → \(region.code)")
                    try await PartnerReferral.query(on: app.db).delete()
                }
            }
            // Home unknown: where they are now decides.
            try await Self.send(app, .referUrgent, Self.urgent(["homeLocalAuthority": "", "whereNowArea": "wirral"]))
            let byNow = try #require(try await PartnerReferral.query(on: app.db).first())
            #expect(byNow.routedBy == "where_now" && byNow.regionID == regions.first { $0.code == "merseyside" }?.id)
            try await PartnerReferral.query(on: app.db).delete()
            // Somewhere else, or not known: the national lead's triage list.
            try await Self.send(app, .referUrgent, Self.urgent(["homeLocalAuthority": "elsewhere", "whereNowArea": ""]))
            let unrouted = try #require(try await PartnerReferral.query(on: app.db).first())
            #expect(unrouted.regionID == nil && unrouted.routedBy == "national_triage")
            let made = try await Self.send(app, .referUrgent, Self.urgent(["homeLocalAuthority": "narnia"]))
            #expect(made.status == .unprocessableEntity && made.body.string.contains("Select an area from the list"))

            let manager = try await Fixtures.account(app, role: .manager, region: "merseyside")
            let managerBrowser = Browser(app)
            try await managerBrowser.signIn(manager)
            #expect(try await managerBrowser.get(SiteURL.partnerReferral(unrouted.id).path).status == .notFound)
            let lead = try await Fixtures.account(app, role: .nationalLead)
            let leadBrowser = Browser(app)
            try await leadBrowser.signIn(lead)
            #expect(try await leadBrowser.get(SiteURL.partnerReferrals.path).body.string.contains(unrouted.ref))
            try await leadBrowser.get(SiteURL.partnerReferral(unrouted.id).path)
            #expect(try await leadBrowser.post(SiteURL.partnerReferralRoute(unrouted.id).path, ["region": ""]).status == .unprocessableEntity)
            #expect(try await leadBrowser.post(SiteURL.partnerReferralRoute(unrouted.id).path, ["region": "merseyside"]).status == .seeOther)
            #expect(try await managerBrowser.get(SiteURL.partnerReferral(unrouted.id).path).status == .ok)
            #expect(try await managerBrowser.get(SiteURL.partnerReferrals.path).body.string.contains(unrouted.ref))
            // Routed once: a second try finds it done.
            #expect(try await leadBrowser.post(SiteURL.partnerReferralRoute(unrouted.id).path, ["region": "london"]).status == .forbidden)
        }
    }

    @Test("From the form to a case: the right region's manager sees the clock, calls back, triages into a referral that is screened and accepted; once")
    func triageIntoCase() async throws {
        try await withApp(env: Self.roomy) { app in
            try await Self.send(app, .referFull, Self.full())
            let partner = try #require(try await PartnerReferral.query(on: app.db).first())
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            let home = try await browser.get(SiteURL.home.path).body.string
            #expect(home.contains(partner.ref) && home.contains("left"), "the dashboard shows it with its clock")
            let page = try await browser.get(SiteURL.partnerReferral(partner.id).path).body.string
            #expect(page.contains("Kai") && page.contains("Oakfield School") && page.contains("listed partner domain (sch.uk)"))
            #expect(try await browser.post(SiteURL.partnerReferralCalledBack(partner.id).path).status == .seeOther)
            #expect(try await browser.post(SiteURL.partnerReferralCalledBack(partner.id).path).status == .seeOther)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "partner_referral.called_back").count() == 1,
                    "recorded once")
            let form = try await browser.get(SiteURL.referralNew.path + "?partner=\(partner.id!.uuidString)")
            #expect(form.body.string.contains("value=\"Kai\"") && form.body.string.contains("Found with two phones and cash"))
            let fields = ["partnerReferral": partner.id!.uuidString, "receivedDate": CivilDate.today(at: app.clock.now()).description,
                          "service": "support", "referralSource": "education", "referrerOrganisation": "Oakfield School",
                          "firstName": "Kai", "lastName": "Morgan", "dateOfBirth": "2009-05-04", "gender": "male",
                          "homeLocalAuthority": "birmingham", "exploitationTypes[]": "county_lines", "consent": "given"]
            let created = try await browser.post(SiteURL.referralNew.path, fields)
            #expect(created.status == .seeOther)
            let referral = try #require(try await Referral.query(on: app.db).first())
            #expect(referral.eligible && referral.referralSource == "education" && referral.status == .awaitingScreening)
            let triaged = try #require(try await PartnerReferral.find(partner.id, on: app.db))
            #expect(triaged.status == .triaged && triaged.referralID == referral.id && triaged.content == nil)
            let shown = try await browser.get(SiteURL.referral(referral.id).path).body.string
            #expect(shown.contains("From a partner") && shown.contains(partner.ref))
            // A second triage of the same partner referral makes no second referral.
            #expect(try await browser.post(SiteURL.referralNew.path, fields).status == .conflict)
            #expect(try await Referral.query(on: app.db).count() == 1)
            let accepted = try await browser.post(SiteURL.referralAccept(referral.id).path, ["caseworker": manager.id.uuidString])
            #expect(accepted.status == .seeOther)
            #expect(try await SupportCase.query(on: app.db).filter(\.$referral.$id == referral.id!).count() == 1)
            #expect(try await browser.get(SiteURL.partnerReferrals.path).body.string.contains("No partner referral is awaiting triage"))
            // In the annual report as one referral of its source, once; a partner referral never triaged counts for nothing.
            try await Self.send(app, .referFull, Self.full(["firstName": "Ola"]))
            let year = FinancialYear.containing(CivilDate.today(at: app.clock.now()))
            let report = try await AnnualReportQuery.run(region: "west-midlands", year: year, on: app.db)
            #expect(report.referrals.received == 1 && report.demographics.referralSource == ["education": 1])
        }
    }

    @Test("The clock runs out once, on one instance of two, and the region's managers see it on every page until the call-back")
    func callBackClock() async throws {
        try await withInstances(env: Self.roomy) { first, second in
            try await Self.send(first, .referUrgent, Self.urgent())
            let partner = try #require(try await PartnerReferral.query(on: first.db).first())
            let manager = try await Fixtures.account(first, role: .manager, region: "london")
            let early = Browser(first)
            try await early.signIn(manager)
            #expect(try await PartnerCallBacks.raiseOverdue(app: first, now: first.clock.now().addingTimeInterval(59 * 60)) == 0)
            #expect(!(try await early.get(SiteURL.cases.path).body.string.contains("Call the referrer now")))
            let late = first.clock.now().addingTimeInterval(61 * 60)
            async let one = PartnerCallBacks.raiseOverdue(app: first, now: late)
            async let two = PartnerCallBacks.raiseOverdue(app: second, now: late)
            #expect(try await one + two == 1, "raised once between two instances")
            #expect(try await AuditEvent.query(on: first.db).filter(\.$action == "partner_referral.call_back_overdue").count() == 1)
            first.clock.advance(by: 61 * 60)
            let browser = Browser(first)
            try await browser.signIn(manager)
            let page = try await browser.get(SiteURL.cases.path).body.string
            #expect(page.contains("Urgent partner referral \(partner.ref)") && page.contains("Call the referrer now"))
            let other = try await Fixtures.account(first, role: .manager, region: "merseyside")
            let otherBrowser = Browser(first)
            try await otherBrowser.signIn(other)
            #expect(!(try await otherBrowser.get(SiteURL.cases.path).body.string.contains(partner.ref)), "another region sees nothing")
            try await browser.post(SiteURL.partnerReferralCalledBack(partner.id).path)
            #expect(!(try await browser.get(SiteURL.cases.path).body.string.contains("Call the referrer now")))
        }
    }

    @Test("Recording the referral before calling back leaves the call-back owed: the clock, the banner and the button stay until it is recorded")
    func triageBeforeCallBack() async throws {
        try await withApp(env: Self.roomy) { app in
            try await Self.send(app, .referUrgent, Self.urgent(["homeLocalAuthority": "birmingham", "whereNowArea": ""]))
            let partner = try #require(try await PartnerReferral.query(on: app.db).first())
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            try await browser.get(SiteURL.referralNew.path + "?partner=\(partner.id!.uuidString)")
            let created = try await browser.post(SiteURL.referralNew.path, [
                "partnerReferral": partner.id!.uuidString, "receivedDate": CivilDate.today(at: app.clock.now()).description,
                "service": "support", "referralSource": "police", "firstName": "Tyler", "lastName": "Grant",
                "dateOfBirth": "2010-02-14", "gender": "male", "homeLocalAuthority": "birmingham",
                "exploitationTypes[]": "county_lines", "consent": "given"])
            #expect(created.status == .seeOther)
            let referral = try #require(try await Referral.query(on: app.db).first())
            #expect(try await browser.get(SiteURL.referral(referral.id).path).body.string.contains("Call-back not yet recorded"))
            #expect(try await browser.get(SiteURL.partnerReferrals.path).body.string.contains(partner.ref), "still to do")
            #expect(try await PartnerCallBacks.raiseOverdue(app: app, now: app.clock.now().addingTimeInterval(3700)) == 1)
            app.clock.advance(by: 3700)
            let late = Browser(app)
            try await late.signIn(manager)
            let home = try await late.get(SiteURL.home.path).body.string
            #expect(home.contains("Call the referrer now") && home.contains("clock--overdue"))
            try await late.get(SiteURL.partnerReferral(partner.id).path)
            #expect(try await late.post(SiteURL.partnerReferralCalledBack(partner.id).path).status == .seeOther)
            #expect(try await PartnerReferral.find(partner.id, on: app.db)?.calledBackAt != nil)
            #expect(!(try await late.get(SiteURL.home.path).body.string.contains("Call the referrer now")))
            #expect(try await late.get(SiteURL.partnerReferrals.path).body.string.contains("No partner referral is awaiting triage or a call-back"))
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
            // A new page is a new form.
            let next = try #require(Browser.firstMatch(in: try await browser.get(SiteURL.referUrgent.path).body.string,
                                                        after: "name=\"submission\" value=\""))
            #expect(next != key)
        }
    }

    @Test("Refused by the limit, a partner keeps what they typed and is told to call 999 or phone; the national lead's home page lists the unrouted")
    func limitKeepsTyping() async throws {
        try await withApp(env: ["REACHABLE_PARTNER_REFERRALS_PER_HOUR": "1"]) { app in
            #expect(try await Self.send(app, .referUrgent, Self.urgent(["homeLocalAuthority": "elsewhere", "whereNowArea": ""])).status == .ok)
            let refused = try await Self.send(app, .referUrgent, Self.urgent(["who": "Kai, about 14, red coat"]))
            #expect(refused.status == .tooManyRequests && refused.headers.first(name: .retryAfter) != nil)
            #expect(refused.body.string.contains("Kai, about 14, red coat") && refused.body.string.contains("call 999"))
            let lead = Browser(app)
            try await lead.signIn(try await Fixtures.account(app, role: .nationalLead))
            let unrouted = try #require(try await PartnerReferral.query(on: app.db).first())
            #expect(try await lead.get(SiteURL.home.path).body.string.contains(unrouted.ref))
            // The reference, typed into the search box, opens it.
            try await lead.get(SiteURL.home.path)
            let found = try await lead.post(SiteURL.search.path, ["q": unrouted.ref.lowercased()])
            #expect(found.location == SiteURL.partnerReferral(unrouted.id).path)
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

    @Test("Spam: the triager confirms, what was sent is removed, the audit entries stay")
    func spam() async throws {
        try await withApp(env: Self.roomy) { app in
            try await Self.send(app, .referUrgent, Self.urgent(["who": "Buy cheap watches"]))
            let partner = try #require(try await PartnerReferral.query(on: app.db).first())
            let worker = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            try await browser.signIn(worker)
            try await browser.get(SiteURL.partnerReferral(partner.id).path)
            let unconfirmed = try await browser.post(SiteURL.partnerReferralSpam(partner.id).path)
            #expect(unconfirmed.status == .unprocessableEntity && unconfirmed.body.string.contains("Tick the box"))
            #expect(try await browser.post(SiteURL.partnerReferralSpam(partner.id).path, ["confirm": "yes"]).status == .seeOther)
            let marked = try #require(try await PartnerReferral.find(partner.id, on: app.db))
            #expect(marked.status == .spam && marked.content == nil && marked.emailDomain == nil)
            let actions = try await AuditEvent.query(on: app.db).filter(\.$objectID == partner.id!.uuidString).all().map(\.action)
            #expect(actions.contains("partner_referral.received") && actions.contains("partner_referral.spam"))
            let page = try await browser.get(SiteURL.partnerReferral(partner.id).path).body.string
            #expect(!page.contains("cheap watches") && page.contains("Marked as spam"))
            #expect(try await browser.post(SiteURL.partnerReferralSpam(partner.id).path, ["confirm": "yes"]).status == .conflict)
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

    @Test("Access: another region's triager gets 404 on every route; the national lead reads but does not triage a region's; admin and commissioner get 403")
    func access() async throws {
        try await withApp(env: Self.roomy) { app in
            try await Self.send(app, .referUrgent, Self.urgent())
            let partner = try #require(try await PartnerReferral.query(on: app.db).first())
            let id = partner.id!
            let stranger = Browser(app)
            try await stranger.signIn(try await Fixtures.account(app, role: .manager, region: "west-midlands"))
            try await stranger.get(SiteURL.home.path)
            #expect(try await stranger.get(SiteURL.partnerReferral(id).path).status == .notFound)
            #expect(try await stranger.post(SiteURL.partnerReferralCalledBack(id).path).status == .notFound)
            #expect(try await stranger.post(SiteURL.partnerReferralSpam(id).path, ["confirm": "yes"]).status == .notFound)
            #expect(try await stranger.get(SiteURL.referralNew.path + "?partner=\(id.uuidString)").status == .notFound)
            try await stranger.get(SiteURL.referralNew.path)
            #expect(try await stranger.post(SiteURL.referralNew.path, ["partnerReferral": id.uuidString]).status == .notFound)
            #expect(!(try await stranger.get(SiteURL.partnerReferrals.path).body.string.contains(partner.ref)))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "access.refused")
                .filter(\.$objectType == "partner_referral").count() == 5)

            let lead = Browser(app)
            try await lead.signIn(try await Fixtures.account(app, role: .nationalLead))
            #expect(try await lead.get(SiteURL.partnerReferral(id).path).status == .ok)
            #expect(try await lead.post(SiteURL.partnerReferralCalledBack(id).path).status == .forbidden)
            for role in [Role.admin, .commissioner] {
                let browser = Browser(app)
                try await browser.signIn(try await Fixtures.account(app, role: role, region: role == .commissioner ? nil : nil))
                #expect(try await browser.get(SiteURL.partnerReferrals.path).status == .forbidden)
                #expect(try await browser.get(SiteURL.partnerReferral(id).path).status == .forbidden)
            }
            #expect(try await PartnerReferral.find(id, on: app.db)?.calledBackAt == nil, "nothing changed")
        }
    }

    @Test("Listed domains: the admin adds and removes them; an address in none is marked, never refused")
    func listedDomains() async throws {
        try await withApp(env: Self.roomy) { app in
            try await Self.send(app, .referUrgent, Self.urgent(["referrerEmail": "youth@riverside-club.org.uk"]))
            let club = try #require(try await PartnerReferral.query(on: app.db).first())
            let clubDomain = try club.emailDomain.map(app.cipher.open)
            #expect(club.listedDomain == nil && clubDomain == "riverside-club.org.uk")
            let admin = Browser(app)
            try await admin.signIn(try await Fixtures.account(app, role: .admin))
            try await admin.get(SiteURL.adminPartnerDomains.path)
            #expect(try await admin.post(SiteURL.adminPartnerDomains.path, ["domain": "not a domain"]).status == .unprocessableEntity)
            for anyone in ["co.uk", "gmail.com", "com"] {
                #expect(try await admin.post(SiteURL.adminPartnerDomains.path, ["domain": anyone]).status == .unprocessableEntity, "\(anyone)")
            }
            #expect(try await admin.post(SiteURL.adminPartnerDomains.path, ["domain": "@Riverside-Club.org.uk"]).status == .seeOther)
            try await PartnerReferral.query(on: app.db).delete()
            try await Self.send(app, .referUrgent, Self.urgent(["referrerEmail": "youth@riverside-club.org.uk"]))
            #expect(try await PartnerReferral.query(on: app.db).first()?.listedDomain == "riverside-club.org.uk")
            let worker = Browser(app)
            try await worker.signIn(try await Fixtures.account(app, role: .caseworker, region: "london"))
            #expect(try await worker.get(SiteURL.adminPartnerDomains.path).status == .forbidden)
            #expect(try await Fixtures.auditActions(app).contains("partner_domain.added"))
        }
    }

    @Test("Bodies are small, but every field fits at its longest in any script: more than 40 KB to the urgent path is refused before it is read")
    func smallBodies() async throws {
        try await withApp(env: Self.roomy) { app in
            let chinese = String(repeating: "李", count: 1_990)
            let fits = try await Self.send(app, .referUrgent, Self.urgent(["concerns": chinese, "who": String(repeating: "明", count: 500)]))
            #expect(fits.status == .ok)
            try await PartnerReferral.query(on: app.db).delete()
            let big = String(repeating: "x", count: 50 * 1024)
            let response = try await Self.send(app, .referUrgent, Self.urgent(["concerns": big]))
            #expect(response.status == .payloadTooLarge)
            let kept = try await PartnerReferral.query(on: app.db).count()
            #expect(kept == 0)
        }
    }
}
