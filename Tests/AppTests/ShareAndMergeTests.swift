@testable import App
import Domain
import Fluent
import Foundation
import NIOCore
import NIOHTTP1
import SQLKit
import Testing
import VaporTesting

@Suite("A merge moves every record")
struct MergeCompletenessTests {
    @Test("Shares, subject-access requests, contact and safe-contact details and a legal hold move to the person kept; the other row keeps no identifiers")
    func mergeMovesEverything() async throws {
        try await withApp { app in
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            try await ReferralTests.record(browser, ReferralTests.form(first: "Thomas", last: "Hughes", born: "2007-11-20",
                                                                       extra: ["contactDetails": "Kept number 0121 000"]))
            try await ReferralTests.record(browser, ReferralTests.form(first: "Tom", last: "Hughes", born: "2007-11-20",
                                                                       extra: ["contactDetails": "Other number 0121 999"]))
            let keep = try #require(try await Person.query(on: app.db).filter(\.$firstName == "Thomas").first())
            let other = try #require(try await Person.query(on: app.db).filter(\.$firstName == "Tom").first())
            let keepID = try keep.requireID(), otherID = try other.requireID()
            try await Person.query(on: app.db).filter(\.$id == otherID).set(\.$safeContact, to: try app.cipher.seal("Nan's landline"))
                .set(\.$legalHold, to: true).update()
            try await browser.get(SiteURL.person(otherID).path)
            try await browser.post(SiteURL.personInformationSharing(otherID).path, [
                "sharedOn": "2024-01-12", "agency": "Police", "what": "Address", "why": "Missing", "lawfulBasis": "safeguarding"])
            try await browser.post(SiteURL.personSubjectAccess(otherID).path, ["receivedOn": "2024-01-31", "requester": "Tom"])
            #expect(try await InformationShare.query(on: app.db).filter(\.$person.$id == otherID).count() == 1)

            try await browser.get(SiteURL.personMerge(keepID).path + "?with=\(otherID.uuidString)")
            try await browser.post(SiteURL.personMerge(keepID).path, ["other": otherID.uuidString])

            #expect(try await InformationShare.query(on: app.db).filter(\.$person.$id == keepID).count() == 1)
            #expect(try await SubjectAccessRequest.query(on: app.db).filter(\.$person.$id == keepID).count() == 1)
            let kept = try #require(try await Person.find(keepID, on: app.db))
            #expect(kept.legalHold, "a hold on either holds the one that remains")
            #expect(try app.cipher.open(kept.safeContact ?? "") == "Nan's landline")
            let details = try app.cipher.open(kept.contactDetails ?? "")
            #expect(details.contains("Kept number") && details.contains("Other number"))
            let gone = try #require(try await Person.find(otherID, on: app.db))
            #expect(gone.mergedIntoID == keepID)
            #expect(gone.firstName == Retention.anonymisedName && gone.dateOfBirth.isEmpty && gone.contactDetails == nil
                    && gone.safeContact == nil && !gone.legalHold, "the merged-away row keeps no identifiers")
        }
    }
}

@Suite("Sharing across the wall, only when the holding region agrees")
struct ShareRequestTests {
    /// A London referral with the name and date of birth of Greater Manchester's Mia Roberts, its page open.
    static func recordGreaterManchestersChild(_ browser: Browser) async throws -> (path: String, id: UUID) {
        let saved = try await ReferralTests.record(browser, ReferralTests.form(first: "Mia", last: "Roberts", born: "2008-06-01",
                                                                               received: "2024-06-01", home: "camden"))
        let path = try #require(saved.location).components(separatedBy: "?")[0]
        let id = try #require(UUID(uuidString: String(path.split(separator: "/")[1])))
        try await browser.get(path)
        return (path, id)
    }

    @Test("London asks to share a young person Greater Manchester holds; only Greater Manchester's manager decides; agreed, London sees the details, never the cases")
    func askAndAgree() async throws {
        try await withApp { app in
            let (gm, gmCase) = try await RegionWallTests.greaterManchesterCase(app)
            try await Person.query(on: app.db).filter(\.$id == gm.$person.id)
                .set(\.$contactDetails, to: try app.cipher.seal("Placement: 4 Oak Road")).update()
            let worker = try await Fixtures.account(app, role: .caseworker, region: "london")
            let londonManager = try await Fixtures.account(app, role: .manager, region: "london")
            let gmManager = try await Fixtures.account(app, role: .manager, region: "greater-manchester")
            let browser = Browser(app)
            try await browser.signIn(worker)
            let (referralPath, referralID) = try await Self.recordGreaterManchestersChild(browser)
            #expect(try await browser.post(SiteURL.referralShareRequest(referralID).path, ["reason": ""]).status == .unprocessableEntity)
            try await browser.post(SiteURL.referralShareRequest(referralID).path, ["reason": "Planning a safe return home"])
            let request = try #require(try await ShareRequest.query(on: app.db).first())
            #expect(!request.reason.contains("safe return"), "sealed")
            #expect(try await browser.get(referralPath).body.string.contains("waiting for the other region&#39;s manager"))

            // London's own manager cannot decide; Greater Manchester's sees the reason and agrees.
            let london = Browser(app)
            try await london.signIn(londonManager)
            try await london.get(SiteURL.informationSharing.path)
            #expect(try await london.post(SiteURL.shareRequestApprove(request.id).path).status == .notFound)
            let manchester = Browser(app)
            try await manchester.signIn(gmManager)
            let log = try await manchester.get(SiteURL.informationSharing.path).body.string
            #expect(log.contains("Planning a safe return home") && log.contains("London"))
            try await manchester.post(SiteURL.shareRequestApprove(request.id).path)
            #expect(try await manchester.post(SiteURL.shareRequestApprove(request.id).path).status == .conflict, "decided once")

            let londonReferral = try #require(try await Referral.find(referralID, on: app.db))
            #expect(londonReferral.$person.id == gm.$person.id, "London's record joined the person Greater Manchester holds")
            try await browser.signIn(worker)
            let person = try await browser.get(SiteURL.person(gm.$person.id).path)
            #expect(person.status == .ok && person.body.string.contains("Oak Road"))
            #expect(!person.body.string.contains("GM-1"), "not Greater Manchester's referrals")
            #expect(try await browser.get(SiteURL.supportCase(gmCase.id).path).status == .notFound, "nor its cases")
            let shares = try await InformationShare.query(on: app.db).filter(\.$person.$id == gm.$person.id).all()
            let agency = try shares.first.map { try app.cipher.open($0.agency) } ?? ""
            #expect(shares.count == 1 && agency.contains("London"))
            let actions = try await Fixtures.auditActions(app)
            #expect(actions.contains("share.requested") && actions.contains("share.approved"))
        }
    }

    @Test("Refused, nothing is shared")
    func refused() async throws {
        try await withApp { app in
            let (gm, _) = try await RegionWallTests.greaterManchesterCase(app)
            let worker = try await Fixtures.account(app, role: .caseworker, region: "london")
            let gmManager = try await Fixtures.account(app, role: .manager, region: "greater-manchester")
            let browser = Browser(app)
            try await browser.signIn(worker)
            let (referralPath, referralID) = try await Self.recordGreaterManchestersChild(browser)
            try await browser.post(SiteURL.referralShareRequest(referralID).path, ["reason": "Need it"])
            let request = try #require(try await ShareRequest.query(on: app.db).first())
            let manchester = Browser(app)
            try await manchester.signIn(gmManager)
            try await manchester.get(SiteURL.informationSharing.path)
            try await manchester.post(SiteURL.shareRequestRefuse(request.id).path)
            #expect(try await Referral.find(referralID, on: app.db)?.$person.id != gm.$person.id)
            try await browser.signIn(worker)
            #expect(try await browser.get(referralPath).body.string.contains("refused by the other region"))
            #expect(try await browser.get(SiteURL.person(gm.$person.id).path).status == .notFound)
        }
    }
}
