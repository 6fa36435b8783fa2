@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Casework")
struct CaseTests {
    /// A West Midlands account of `role`, signed in, leading a case whose page it has open (so the page's forms and
    /// their CSRF token are current).
    static func leadWithOpenCase(_ app: Application, role: Role = .caseworker) async throws -> (lead: Account, browser: Browser, caseID: UUID) {
        let lead = try await Fixtures.account(app, role: role, region: "west-midlands")
        let browser = Browser(app)
        try await browser.signIn(lead)
        let caseID = try await openCase(app, lead: lead, browser: browser)
        try await browser.get(SiteURL.supportCase(caseID).path)
        return (lead, browser, caseID)
    }

    /// A West Midlands referral accepted into a case led by `lead`; returns the case id.
    static func openCase(_ app: Application, lead: Account, browser: Browser,
                         referral form: [String: String] = ReferralTests.form()) async throws -> UUID {
        #expect(try await ReferralTests.record(browser, form).location != nil, "saved, and sent to the referral")
        let referral = try #require(try await Referral.query(on: app.db).sort(\.$createdAt, .descending).first())
        try await browser.get(SiteURL.referral(referral.id).path)
        let accepted = try await browser.post(SiteURL.referralAccept(referral.id).path, ["caseworker": lead.id.uuidString])
        let location = try #require(accepted.location)
        #expect(location.hasPrefix("/cases/"))
        return try #require(UUID(uuidString: String(location.split(separator: "/")[1].prefix(36))))
    }

    static func contact(_ notes: String, sensitive: Bool) -> [String: String] {
        var form = ["happenedAt": "2024-01-12T10:00", "kind": "face_to_face", "durationMinutes": "45",
                    "present[0]": "young_person", "notes": notes]
        if sensitive { form["sensitive"] = "yes" }
        return form
    }

    @Test("A refused contact, risk rating or goal comes back with the problem beside its field and everything typed kept")
    func refusedFormsKeepWhatWasTyped() async throws {
        try await withApp { app in
            let lead = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(lead)
            let caseID = try await Self.openCase(app, lead: lead, browser: browser)
            try await browser.get(SiteURL.supportCase(caseID).path)
            let contact = try await browser.post(SiteURL.caseContacts(caseID).path, [
                "happenedAt": "2024-01-12T10:00", "kind": "phone", "durationMinutes": "-5", "present[0]": "parent_carer",
                "notes": "Said the older boys <took> her phone again.", "sensitive": "yes"])
            #expect(contact.status == .unprocessableEntity)
            let page = contact.body.string
            #expect(page.contains("id=\"durationMinutes-error\""), "the problem beside its field")
            #expect(page.contains("aria-describedby=\"durationMinutes-error\""))
            #expect(page.contains(">Said the older boys &lt;took&gt; her phone again.</textarea>"), "the note is kept, escaped")
            #expect(page.contains("<option value=\"phone\" selected>"))
            #expect(page.contains("value=\"parent_carer\" checked") && !page.contains("value=\"young_person\" checked"))
            #expect(page.contains("id=\"sensitive\" name=\"sensitive\" value=\"yes\" checked"))
            #expect(page.contains("value=\"2024-01-12T10:00\"") && page.contains("value=\"-5\""))
            // Every problem at once, not the first alone.
            let twoProblems = try await browser.post(SiteURL.caseContacts(caseID).path, [
                "happenedAt": "", "kind": "phone", "durationMinutes": "abc", "notes": "Kept"])
            #expect(twoProblems.body.string.contains("href=\"#happenedAt\"") && twoProblems.body.string.contains("href=\"#durationMinutes\""))

            let risk = try await browser.post(SiteURL.caseRisk(caseID).path, ["reason": "Seen with the line's runners.",
                                                                             "indicators[0]": "extra_phones"])
            #expect(risk.status == .unprocessableEntity)
            #expect(risk.body.string.contains(">Seen with the line&#39;s runners.</textarea>") || risk.body.string.contains(">Seen with the line's runners.</textarea>"))
            #expect(risk.body.string.contains("value=\"extra_phones\" checked"))
            #expect(risk.body.string.contains("id=\"rating-error\""))
            let bogus = try await browser.post(SiteURL.caseRisk(caseID).path, ["rating": "amber", "reason": "Seen with runners.",
                                                                              "indicators[0]": "extra_phones", "indicators[1]": "bogus"])
            #expect(bogus.status == .unprocessableEntity, "an indicator not on the list is refused, not dropped")
            #expect(bogus.body.string.contains("href=\"#indicators\""))
            #expect(try await RiskRating.query(on: app.db).count() == 0)

            let area = try #require(try await Pathway.areas(on: app.db).last).code
            let goal = try await browser.post(SiteURL.caseGoals(caseID).path, ["area": area, "description": " "])
            #expect(goal.status == .unprocessableEntity)
            #expect(goal.body.string.contains("<option value=\"\(area)\" selected>"))
            #expect(goal.body.string.contains("id=\"goalDescription-error\""))
            let contacts = try await Contact.query(on: app.db).count()
            let ratings = try await RiskRating.query(on: app.db).count()
            #expect(contacts == 0 && ratings == 0, "nothing of a refused form is stored")
        }
    }

    @Test("A busy case shows its latest events first and the whole timeline on a page of its own")
    func latestEventsAndWholeTimeline() async throws {
        try await withApp { app in
            let lead = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(lead)
            let caseID = try await Self.openCase(app, lead: lead, browser: browser)
            let path = SiteURL.supportCase(caseID).path
            try await browser.get(path)
            #expect(!(try await browser.get(path).body.string.contains("See the whole timeline")), "a new case shows it all")
            for day in 1...25 {
                var form = Self.contact("Contact number \(day) of the month.", sensitive: false)
                form["happenedAt"] = String(format: "2024-02-%02dT10:00", day)   // after the referral (2024-01-10)
                #expect(try await browser.post(SiteURL.caseContacts(caseID).path, form).status == .seeOther)
            }
            let page = try await browser.get(path).body.string
            #expect(page.contains("Contact number 25 of the month."), "the newest is on the case page")
            #expect(!page.contains("Contact number 2 of the month."), "the oldest are not")
            #expect(page.components(separatedBy: "class=\"timeline__item").count - 1 == CaseTimeline.onCasePage)
            #expect(page.contains(SiteURL.caseTimeline(caseID).path))
            let personID = try #require(try await SupportCase.find(caseID, on: app.db)).$person.id
            #expect(try await browser.get(SiteURL.person(personID).path).body.string.contains("href=\"\(path)\""),
                    "the young person's page links to their case")
            let whole = try await browser.get(SiteURL.caseTimeline(caseID).path)
            #expect(whole.status == .ok)
            #expect(whole.body.string.contains("Contact number 1 of the month.") && whole.body.string.contains("Case opened"))
            #expect(whole.body.string.components(separatedBy: "class=\"timeline__item").count - 1 == 25 + 2, "25 contacts, the opening, the lead")

            let london = try await Fixtures.account(app, role: .manager, region: "london")
            let outsider = Browser(app)
            try await outsider.signIn(london)
            #expect(try await outsider.get(SiteURL.caseTimeline(caseID).path).status == .notFound)
            #expect(try await outsider.get(SiteURL.caseViewers(caseID).path).status == .notFound)
        }
    }

    @Test("The lead caseworker logs contacts; a sensitive note is hidden from others, who see that it exists")
    func contactsAndSensitivity() async throws {
        try await withApp { app in
            let lead = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let colleague = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let leadBrowser = Browser(app)
            try await leadBrowser.signIn(lead)
            let caseID = try await Self.openCase(app, lead: lead, browser: leadBrowser)
            try await leadBrowser.get(SiteURL.supportCase(caseID).path)
            try await leadBrowser.post(SiteURL.caseContacts(caseID).path, Self.contact("Talked about football trials.", sensitive: false))
            try await leadBrowser.post(SiteURL.caseContacts(caseID).path, Self.contact("Disclosed abuse by an older cousin.", sensitive: true))
            let own = try await leadBrowser.get(SiteURL.supportCase(caseID).path).body.string
            #expect(own.contains("Disclosed abuse") && own.contains("football trials"))

            let other = Browser(app)
            try await other.signIn(colleague)
            let seen = try await other.get(SiteURL.supportCase(caseID).path).body.string
            #expect(seen.contains("football trials"))
            #expect(!seen.contains("Disclosed abuse"))
            #expect(seen.contains("A sensitive note exists"))
            // Not the lead: no writing, refused and audited.
            #expect(try await other.post(SiteURL.caseContacts(caseID).path, Self.contact("x", sensitive: false)).status == .forbidden)

            let managerBrowser = Browser(app)
            try await managerBrowser.signIn(manager)
            let managerView = try await managerBrowser.get(SiteURL.supportCase(caseID).path).body.string
            #expect(managerView.contains("Disclosed abuse"))
            #expect(managerView.contains("Who has looked at this case"))
            let viewers = try await managerBrowser.get(SiteURL.caseViewers(caseID).path)
            #expect(viewers.status == .ok)
            #expect(viewers.body.string.contains(colleague.email), "each view is listed at once")
            #expect(try await Fixtures.auditActions(app).contains("case.viewers_read"), "reading who looked is audited")
            #expect(try await other.get(SiteURL.caseViewers(caseID).path).status == .forbidden, "managers only")
            #expect(try await Contact.query(on: app.db).all().allSatisfy { !($0.notes ?? "").contains("abuse") }, "sealed at rest")

            let london = try await Fixtures.account(app, role: .caseworker, region: "london")
            let londonBrowser = Browser(app)
            try await londonBrowser.signIn(london)
            #expect(try await londonBrowser.get(SiteURL.supportCase(caseID).path).status == .notFound)
        }
    }

    @Test("A planned closure needs exit measures and a manager's approval, and is counted by the report like an imported case")
    func plannedClosure() async throws {
        try await withApp { app in
            let lead = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(lead)
            let caseID = try await Self.openCase(app, lead: lead, browser: browser)
            try await browser.get(SiteURL.supportCase(caseID).path)
            let early = try await browser.post(SiteURL.caseClose(caseID).path, ["reason": "planned"])
            #expect(early.status == .unprocessableEntity)
            #expect(early.body.string.contains("needs the exit outcome measures"))
            #expect(early.body.string.contains("id=\"reason-error\"") && early.body.string.contains("aria-describedby=\"reason-hint reason-error\""),
                    "the problem beside its field, as well as in the summary")
            let today = CivilDate.today(at: app.clock.now()).description
            try await browser.post(SiteURL.caseMeasures(caseID).path, ["stage": "entry", "recordedOn": today, "source": "self_report",
                                                                       "safety": "3", "mental_health": "4", "county_lines_active": "yes"])
            let bad = try await browser.post(SiteURL.caseMeasures(caseID).path, ["stage": "exit", "recordedOn": today, "safety": "11",
                                                                                 "mental_health": "6", "eet": "yes"])
            #expect(bad.status == .unprocessableEntity)
            // It comes back as typed: the exit stage, every score, the problem beside its field.
            #expect(bad.body.string.contains("<option value=\"exit\" selected>"))
            #expect(bad.body.string.contains("id=\"safety\" name=\"safety\" type=\"number\" value=\"11\" min=\"1\" max=\"10\""))
            #expect(bad.body.string.contains("id=\"mental_health\" name=\"mental_health\" type=\"number\" value=\"6\" min=\"1\" max=\"10\""))
            #expect(bad.body.string.contains("id=\"safety-error\"") && bad.body.string.contains("aria-describedby=\"safety-error\""))
            try await browser.post(SiteURL.caseMeasures(caseID).path, ["stage": "exit", "recordedOn": today, "source": "self_report",
                                                                       "safety": "7", "mental_health": "6", "county_lines_active": "no",
                                                                       "goal_progress": "positive"])
            try await browser.post(SiteURL.caseClose(caseID).path, ["reason": "planned", "note": "Goals met"])
            #expect(try await SupportCase.find(caseID, on: app.db)?.closedDate == nil, "waits for a manager")

            let managerBrowser = Browser(app)
            try await managerBrowser.signIn(manager)
            #expect(try await managerBrowser.get(SiteURL.cases.path).body.string.contains("closures-awaiting"))
            try await managerBrowser.get(SiteURL.supportCase(caseID).path)
            try await managerBrowser.post(SiteURL.caseApproveClosure(caseID).path)
            let closed = try #require(try await SupportCase.find(caseID, on: app.db))
            #expect(closed.closedDate == today && closed.closureReason == "planned")

            let year = FinancialYear.containing(CivilDate(today)!)
            let onScreen = try await AnnualReportQuery.run(region: "west-midlands", year: year, on: app.db).outcomes
            #expect(onScreen.cohort == 1)
            #expect(onScreen.increasedSafety == Metric(numerator: 1, denominator: 1))
            #expect(onScreen.reducedCountyLinesActivity == Metric(numerator: 1, denominator: 1))
            #expect(onScreen.positiveGoalProgress == Metric(numerator: 1, denominator: 1))

            // The same case, imported: the report counts it the same way.
            let csv = """
                referral_ref,received_date,region,service,referral_source,first_name,last_name,date_of_birth,gender,home_local_authority,exploitation_types,case_opened_date,case_closed_date,closure_reason,entry_safety,exit_safety,entry_mental_health,exit_mental_health,goal_progress,entry_county_lines_active,exit_county_lines_active
                IMP-1,\(today),west-midlands,support,police,Ann,Other,2008-01-01,female,birmingham,county_lines,\(today),\(today),planned,3,7,4,6,positive,yes,no

                """
            _ = try await ReferralImport.run(text: csv, actor: AuditEntry(action: .importFile, actor: "test"), now: app.clock.now(),
                                             db: app.db, writes: app.writes)
            let both = try await AnnualReportQuery.run(region: "west-midlands", year: year, on: app.db).outcomes
            #expect(both.cohort == 2)
            #expect(both.increasedSafety == Metric(numerator: 2, denominator: 2))
            #expect(both.improvedMentalHealth == Metric(numerator: 2, denominator: 2))
            #expect(both.reducedCountyLinesActivity == Metric(numerator: 2, denominator: 2))

            try await managerBrowser.get(SiteURL.supportCase(caseID).path)
            try await managerBrowser.post(SiteURL.caseReopen(caseID).path)
            #expect(try await SupportCase.find(caseID, on: app.db)?.closedDate == nil)
        }
    }

    @Test("Managers see cases awaiting a lead with the time waiting, assign one, and the history is kept")
    func assignment() async throws {
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            // Four hours on, Leon's case (no lead) is past the 3-hour target.
            app.clock.advance(by: 4 * 3600)
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            let list = try await browser.get(SiteURL.cases.path).body.string
            #expect(list.contains("Leon Grey"), "R07's open case has no lead yet")
            #expect(list.contains("Overdue"))
            let leon = try #require(try await SupportCase.query(on: app.db).filter(\.$closedDate == nil).with(\.$person).all()
                .first { $0.person.firstName == "Leon" })
            try await browser.get(SiteURL.supportCase(leon.id).path)
            try await browser.post(SiteURL.caseRisk(leon.id).path, ["rating": "red", "reason": "Found in a trap house"])
            let nobody = try await browser.post(SiteURL.caseAssign(leon.id).path, ["caseworker": UUID().uuidString])
            #expect(nobody.status == .unprocessableEntity && nobody.body.string.contains("aria-describedby=\"caseworker-error\""))
            try await browser.post(SiteURL.caseAssign(leon.id).path, ["caseworker": worker.id.uuidString])
            #expect(try await SupportCase.find(leon.id, on: app.db)?.$leadCaseworker.id == worker.id)
            #expect(try await CaseAssignment.query(on: app.db).filter(\.$supportCase.$id == leon.id!).count() == 1)
            let page = try await browser.get(SiteURL.supportCase(leon.id).path).body.string
            #expect(page.contains("Risk rated red") && page.contains("Found in a trap house"))
            #expect(page.contains("Lead caseworker: \(worker.email.isEmpty ? "" : "Test Caseworker")"))

            let workerBrowser = Browser(app)
            try await workerBrowser.signIn(worker)
            #expect(try await workerBrowser.get(SiteURL.cases.path).body.string.contains("Leon Grey"), "now in their caseload")
            let caseloads = try await browser.get(SiteURL.cases.path).body.string
            #expect(caseloads.contains("<td>Test Caseworker</td><td class=\"numeric\">1</td>"))
        }
    }

    @Test("Safe-contact warnings show wherever contact is made")
    func safeContact() async throws {
        try await withApp { app in
            let lead = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(lead)
            let caseID = try await Self.openCase(app, lead: lead, browser: browser)
            let supportCase = try #require(try await SupportCase.find(caseID, on: app.db))
            try await browser.get(SiteURL.supportCase(caseID).path)
            try await browser.post(SiteURL.personSafeContact(supportCase.$person.id).path, [
                "safeContact": "Aunt's landline after 6pm", "phoneMayBeControlled": "yes", "doNotText": "yes",
                "caseID": caseID.uuidString])
            let page = try await browser.get(SiteURL.supportCase(caseID).path).body.string
            #expect(page.contains("phone may be controlled"))
            #expect(page.contains("Do not text"))
            #expect(page.contains("Aunt&#39;s landline after 6pm"))
        }
    }
}
