@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor

/// Pages are queries over a `Database` that return plain models, and templates render those models: here both
/// happen without a request, on the annual report's fixture, through the same strict renderer the app uses in
/// tests (a name the template reads and the model lacks fails).
@Suite("Pages as queries")
struct PageQueryTests {
    static func layout(_ title: String) -> Layout {
        Layout(title: title, userName: "Test Manager", roleLabel: "Manager", regionName: "West Midlands", nav: [],
               csrfToken: "token", canSearch: true, confirmation: nil, sessionWarning: nil, sessionIdle: "30 minutes",
               sessionWarningText: "5 minutes", sessionEnded: nil, alerts: nil)
    }

    static func manager(of region: Region) throws -> CurrentUser {
        CurrentUser(id: UUID(), email: "m@example.org", displayName: "Test Manager", role: .manager, regionID: try region.requireID(),
                    regionCode: region.code, regionName: region.name, sessionID: UUID(), stage: .signedIn, csrfToken: "token")
    }

    @Test("The case, referral and person pages are built from the database and rendered, with no request")
    func casePersonReferral() async throws {
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let region = try #require(try await Region.query(on: app.db).filter(\.$code == "west-midlands").first())
            let scope = RegionScope(try Self.manager(of: region))
            let supportCase = try #require(try await SupportCase.query(on: app.db).filter(\.$region.$id == region.requireID())
                .filter(\.$closedDate == nil).with(\.$person).with(\.$region).with(\.$leadCaseworker).first())
            let now = app.clock.now()
            let casePage = try await CasePage.make(supportCase, scope: scope, errors: FieldErrors(), layout: Self.layout("Case"),
                                                   settings: app.settings, cipher: app.cipher, now: now, on: app.db)
            #expect(casePage.name == "\(supportCase.person.firstName) \(supportCase.person.lastName)")
            #expect(casePage.canWrite && casePage.isManager && casePage.paths.contacts == SiteURL.caseContacts(supportCase.id).path)
            let caseHTML = String(buffer: try await app.view.render("cases/show", casePage).get().data)
            #expect(caseHTML.contains(casePage.name) && caseHTML.contains("Record a contact"))

            let referral = try #require(try await Referral.query(on: app.db).filter(\.$id == supportCase.$referral.id)
                .with(\.$region).first())
            let referralPage = try await ReferralPage.make(referral, scope: scope, user: scope.user, layout: Self.layout("Referral"),
                                                           settings: app.settings, cipher: app.cipher, now: now, on: app.db)
            let referralHTML = String(buffer: try await app.view.render("referrals/show", referralPage).get().data)
            #expect(referralHTML.contains(referral.ref))

            let person = try #require(try await Person.query(on: app.db).filter(\.$id == supportCase.$person.id).with(\.$aliases).first())
            let personPage = try await PersonPage.make(person: person, scope: scope, layout: Self.layout("Person"),
                                                       cipher: app.cipher, now: now, on: app.db)
            #expect(personPage.hasCases)
            let personHTML = String(buffer: try await app.view.render("people/show", personPage).get().data)
            #expect(personHTML.contains(person.firstName))
            // A template given another page's model reads names it lacks: refused, not rendered half empty.
            await #expect(throws: (any Error).self) { try await app.view.render("cases/show", personPage).get() }
        }
    }
}
