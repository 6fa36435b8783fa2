@testable import App
import Domain
import Fluent
import Foundation
import NIOCore
import NIOHTTP1
import SQLKit
import Testing
import VaporTesting

@Suite("The partners' front door: triage, the clock and who may")
struct PartnerTriageTests {
    @Test("Every region's areas route to that region; an area in no region, or none, goes to the national lead, who sends it on")
    func routing() async throws {
        try await withApp(env: PartnerReferralTests.roomy) { app in
            let regions = try await Region.query(on: app.db).with(\.$localAuthorities).all()
            for region in regions {
                for authority in region.localAuthorities.prefix(2) {
                    try await PartnerReferralTests.send(app, .referUrgent, PartnerReferralTests.urgent(["homeLocalAuthority": authority.code, "whereNowArea": ""]))
                    let stored = try #require(try await PartnerReferral.query(on: app.db).sort(\.$receivedAt, .descending).first())
                    #expect(stored.regionID == region.id, "\(authority.code) → \(region.code)")
                    try await PartnerReferral.query(on: app.db).delete()
                }
            }
            // Home unknown: where they are now decides.
            try await PartnerReferralTests.send(app, .referUrgent, PartnerReferralTests.urgent(["homeLocalAuthority": "", "whereNowArea": "wirral"]))
            let byNow = try #require(try await PartnerReferral.query(on: app.db).first())
            #expect(byNow.routedBy == "where_now" && byNow.regionID == regions.first { $0.code == "merseyside" }?.id)
            try await PartnerReferral.query(on: app.db).delete()
            // Somewhere else, or not known: the national lead's triage list.
            try await PartnerReferralTests.send(app, .referUrgent, PartnerReferralTests.urgent(["homeLocalAuthority": "elsewhere", "whereNowArea": ""]))
            let unrouted = try #require(try await PartnerReferral.query(on: app.db).first())
            #expect(unrouted.regionID == nil && unrouted.routedBy == "national_triage")
            let made = try await PartnerReferralTests.send(app, .referUrgent, PartnerReferralTests.urgent(["homeLocalAuthority": "narnia"]))
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
        try await withApp(env: PartnerReferralTests.roomy) { app in
            try await PartnerReferralTests.send(app, .referFull, PartnerReferralTests.full())
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
            try await PartnerReferralTests.send(app, .referFull, PartnerReferralTests.full(["firstName": "Ola"]))
            let year = FinancialYear.containing(CivilDate.today(at: app.clock.now()))
            let report = try await AnnualReportQuery.run(region: "west-midlands", year: year, on: app.db)
            #expect(report.referrals.received == 1 && report.demographics.referralSource == ["education": 1])
        }
    }

    @Test("The clock runs out once, on one instance of two, and the region's managers see it on every page until the call-back")
    func callBackClock() async throws {
        try await withInstances(env: PartnerReferralTests.roomy) { first, second in
            try await PartnerReferralTests.send(first, .referUrgent, PartnerReferralTests.urgent())
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
        try await withApp(env: PartnerReferralTests.roomy) { app in
            try await PartnerReferralTests.send(app, .referUrgent, PartnerReferralTests.urgent(["homeLocalAuthority": "birmingham", "whereNowArea": ""]))
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
            let page = try await late.get(SiteURL.partnerReferral(partner.id).path).body.string
            #expect(page.contains("I have called the referrer back"), "the button stays after the referral is recorded")
            #expect(try await late.post(SiteURL.partnerReferralCalledBack(partner.id).path).status == .seeOther)
            #expect(try await PartnerReferral.find(partner.id, on: app.db)?.calledBackAt != nil)
            #expect(!(try await late.get(SiteURL.home.path).body.string.contains("Call the referrer now")))
            #expect(try await late.get(SiteURL.partnerReferrals.path).body.string.contains("No partner referral is awaiting triage or a call-back"))
        }
    }

    @Test("Refused by the limit, a partner keeps what they typed and is told to call 999 or phone; the national lead's home page lists the unrouted")
    func limitKeepsTyping() async throws {
        try await withApp(env: ["REACHABLE_PARTNER_REFERRALS_PER_HOUR": "1"]) { app in
            #expect(try await PartnerReferralTests.send(app, .referUrgent, PartnerReferralTests.urgent(["homeLocalAuthority": "elsewhere", "whereNowArea": ""])).status == .ok)
            let refused = try await PartnerReferralTests.send(app, .referUrgent, PartnerReferralTests.urgent(["who": "Kai, about 14, red coat"]))
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

    @Test("Spam: the triager confirms, what was sent is removed, the audit entries stay")
    func spam() async throws {
        try await withApp(env: PartnerReferralTests.roomy) { app in
            try await PartnerReferralTests.send(app, .referUrgent, PartnerReferralTests.urgent(["who": "Buy cheap watches"]))
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

    @Test("Access: another region's triager gets 404 on every route; the national lead reads but does not triage a region's; admin and commissioner get 403")
    func access() async throws {
        try await withApp(env: PartnerReferralTests.roomy) { app in
            try await PartnerReferralTests.send(app, .referUrgent, PartnerReferralTests.urgent())
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
        try await withApp(env: PartnerReferralTests.roomy) { app in
            try await PartnerReferralTests.send(app, .referUrgent, PartnerReferralTests.urgent(["referrerEmail": "youth@riverside-club.org.uk"]))
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
            try await PartnerReferralTests.send(app, .referUrgent, PartnerReferralTests.urgent(["referrerEmail": "youth@riverside-club.org.uk"]))
            #expect(try await PartnerReferral.query(on: app.db).first()?.listedDomain == "riverside-club.org.uk")
            let worker = Browser(app)
            try await worker.signIn(try await Fixtures.account(app, role: .caseworker, region: "london"))
            #expect(try await worker.get(SiteURL.adminPartnerDomains.path).status == .forbidden)
            #expect(try await Fixtures.auditActions(app).contains("partner_domain.added"))
        }
    }

}
