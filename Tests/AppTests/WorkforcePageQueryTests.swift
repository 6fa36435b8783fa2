@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor

/// The workforce, people, home and rescue pages are queries over a `Database` that return plain models: here each is
/// built from records made in the test (or the annual report's fixture) with no request, and rendered through the
/// strict renderer. The home, case list, rescue and data protection pages are in `PeoplePageQueryTests.swift`.
@Suite("Workforce, people, home and rescue pages as queries")
struct WorkforcePageQueryTests {
    static func region(_ app: Application, _ code: String) async throws -> Region {
        try #require(try await Region.query(on: app.db).filter(\.$code == code).first())
    }

    /// A signed-in person of `role` named `name`, stored as an account with that display name.
    static func user(_ app: Application, _ role: Role, _ code: String?, _ name: String) async throws -> CurrentUser {
        let account = try await Fixtures.account(app, role: role, region: code)
        try await User.query(on: app.db).filter(\.$id == account.id).set(\.$displayName, to: name).update()
        let region = code == nil ? nil : try await Self.region(app, code!)
        return try AdminPageQueryTests.signedIn(account, role: role, name: name, region: region)
    }

    static func referral(_ app: Application, _ ref: String) async throws -> Referral {
        try #require(try await Referral.query(on: app.db).filter(\.$ref == ref).first())
    }

    static func supportCase(_ app: Application, _ ref: String) async throws -> SupportCase {
        let referral = try await Self.referral(app, ref)
        return try #require(try await SupportCase.query(on: app.db).filter(\.$referral.$id == referral.requireID()).first())
    }

    static func layout(_ title: String) -> Layout { PageQueryTests.layout(title) }

    @Test("Lone working, staff and outreach pages hold the region's own records, a caseworker's only theirs, and a refused form's problem beside what was typed")
    func loneWorkingStaffOutreach() async throws {
        try await withApp { app in
            let manager = try await Self.user(app, .manager, "west-midlands", "Mo Manager")
            let ann = try await Self.user(app, .caseworker, "west-midlands", "Ann Able")
            let ben = try await Self.user(app, .caseworker, "west-midlands", "Ben Baker")
            let londoner = try await Self.user(app, .caseworker, "london", "Lou London")
            let gone = try await Self.user(app, .caseworker, "west-midlands", "Dee Disabled")
            try await User.query(on: app.db).filter(\.$id == gone.id).set(\.$disabled, to: true).update()
            let now = app.clock.now()
            let today = CivilDate.today(at: now)
            let cipher = try app.cipher

            func visit(_ worker: CurrentUser, _ place: String, endsIn minutes: Double, checkedOut: Bool = false,
                       duress: Bool = false) async throws {
                let visit = LoneWorkingVisit()
                visit.$region.id = try #require(worker.regionID)
                visit.$caseworker.id = worker.id
                visit.place = try cipher.seal(place)
                visit.withWhom = try cipher.seal("Young person")
                visit.checkInNote = try cipher.seal("bluebell")
                visit.startedAt = now.addingTimeInterval(-3 * 3600)
                visit.expectedEnd = now.addingTimeInterval(minutes * 60)
                if checkedOut { visit.checkedOutAt = now.addingTimeInterval(-3600) }
                if duress { visit.duressAt = now.addingTimeInterval(-3600) }
                try await visit.create(on: app.db)
            }
            try await visit(ann, "Aston library", endsIn: 60)
            try await visit(ann, "Ann's finished visit", endsIn: -90, checkedOut: true)
            try await visit(ben, "Handsworth flat", endsIn: -30)
            try await visit(ben, "Ben's duress check-out", endsIn: -120, checkedOut: true, duress: true)
            try await visit(londoner, "Camden hostel", endsIn: 30)

            var errors = FieldErrors()
            errors.add("expectedEnd", "The expected end must be in the future")
            let own = try await LoneWorkingPage.make(user: ann, errors: errors, typed: ["place": "Perry Barr", "expectedEnd": "2020-01-01T10:00"],
                                                     duressWordSet: false, layout: Self.layout("Lone working"), cipher: cipher, now: now,
                                                     on: app.db)
            #expect(own.rows.map(\.place) == ["Aston library"] && own.rows.allSatisfy { $0.own && !$0.overdue } && !own.isManager)
            #expect(own.place.value == "Perry Barr" && own.expectedEnd.value == "2020-01-01T10:00")
            #expect(own.expectedEnd.error == "The expected end must be in the future" && own.errorLinks?.map(\.href) == ["#expectedEnd"])
            let ownHTML = try await AdminPageQueryTests.html(app, "workforce/lone-working", own)
            #expect(ownHTML.contains("Aston library") && ownHTML.contains("Perry Barr") && !ownHTML.contains("Handsworth flat"))

            let region = try await LoneWorkingPage.make(user: manager, errors: FieldErrors(), typed: [:], duressWordSet: false,
                                                        layout: Self.layout("Lone working"), cipher: cipher, now: now, on: app.db)
            // Earliest deadline first; an unanswered duress check-out stays; another region's visit never shows.
            #expect(region.rows.map(\.place) == ["Ben's duress check-out", "Handsworth flat", "Aston library"])
            #expect(region.rows.map(\.duress) == [true, false, false] && region.rows.map(\.overdue) == [true, true, false])
            #expect(region.rows.map(\.worker) == ["Ben Baker", "Ben Baker", "Ann Able"] && region.isManager)
            let regionHTML = try await AdminPageQueryTests.html(app, "workforce/lone-working", region)
            #expect(regionHTML.contains("Handsworth flat") && !regionHTML.contains("Camden hostel"))

            // Staff: capacity, a long-term absence, training renewals within 60 days.
            func profile(_ user: CurrentUser, _ capacity: Int, _ specialisms: String) async throws {
                let profile = StaffProfile()
                profile.$user.id = user.id
                profile.capacity = capacity
                profile.specialisms = specialisms
                try await profile.create(on: app.db)
            }
            func training(_ user: CurrentUser, _ course: String, renewIn days: Int) async throws {
                let record = TrainingRecord()
                record.$user.id = user.id
                record.course = course
                record.external = false
                record.completedOn = CivilDate(daysSinceEpoch: today.daysSinceEpoch - 365 + days).description
                record.renewalDue = CivilDate(daysSinceEpoch: today.daysSinceEpoch + days).description
                try await record.create(on: app.db)
            }
            try await profile(ann, 10, "women_and_girls")
            try await profile(ben, 8, "")
            try await profile(londoner, 20, "")
            let absence = Absence()
            absence.$user.id = ben.id
            absence.kind = "long_term_sickness"
            absence.fromDate = today.description
            try await absence.create(on: app.db)
            try await training(ann, "lone_working", renewIn: -1)
            try await training(ann, "hydra", renewIn: 30)
            try await training(ben, "safeguarding", renewIn: 10)
            try await training(ben, "online_harms", renewIn: 200)
            try await training(londoner, "hydra", renewIn: 5)

            let staff = try await StaffListPage.make(user: manager, layout: Self.layout("Staff"), today: today, on: app.db)
            #expect(staff.rows.map(\.name) == ["Ann Able", "Ben Baker", "Mo Manager"], "the region's enabled leads, by name")
            #expect(staff.rows.map(\.available) == [10, 0, 0] && staff.totalCapacity == 10 && staff.rows[0].specialisms == "Women and girls")
            #expect(staff.rows[1].absentNow == "long term sickness" && staff.rows[1].contracted == 8)
            #expect(staff.renewals.map(\.course) == ["Lone working", "Safeguarding", "Hydra"] && staff.renewals.map(\.overdue) == [true, false, false])
            #expect(try await AdminPageQueryTests.html(app, "workforce/staff", staff).contains("Ben Baker"))
            let mine = try await StaffListPage.make(user: ann, layout: Self.layout("Staff"), today: today, on: app.db)
            #expect(mine.rows.map(\.name) == ["Ann Able"] && mine.renewals.map(\.name) == ["Ann Able", "Ann Able"])

            let member = try #require(try await User.find(ben.id, on: app.db))
            var refused = FieldErrors()
            refused.add("capacity", "Enter a capacity from 0 to 100 cases")
            let page = try await StaffPage.make(member: member, viewerIsManager: true, errors: refused, typed: ["capacity": "300"],
                                                typedSpecialisms: ["prisons"], layout: Self.layout("Ben Baker"), today: today, on: app.db)
            #expect(page.fields.capacity.value == "300" && page.fields.capacity.error == "Enter a capacity from 0 to 100 cases")
            #expect(page.fields.specialisms.choices.filter(\.checked).map(\.value) == ["prisons"])
            #expect(page.absences == ["Long Term Sickness: \(today) to open"] && page.training.count == 2)
            #expect(page.training.first?.hasPrefix("Online harms (internal), completed") == true, "the latest completed first")
            #expect(page.paths.profile == SiteURL.staffProfile(ben.id).path && page.row.name == "Ben Baker")
            #expect(try await AdminPageQueryTests.html(app, "workforce/staff-member", page).contains("Enter a capacity from 0 to 100 cases"))

            // Outreach: the region's sessions, newest first.
            func session(_ region: String, _ date: String, _ audience: String, _ topic: String, kind: String? = nil) async throws {
                let session = OutreachSession()
                session.ref = "OUT-\(topic.prefix(6))"
                session.date = date
                session.$region.id = try await Self.region(app, region).requireID()
                session.audience = audience
                session.topic = topic
                session.attendees = 12
                session.kind = kind
                if kind == "webinar" {
                    session.registrations = 40
                    session.confidenceBefore = 4
                    session.confidenceAfter = 7.5
                }
                try await session.create(on: app.db)
            }
            try await session("west-midlands", "2023-04-01", "professionals", "Spotting exploitation", kind: "webinar")
            try await session("west-midlands", "2024-03-31", "young_people", "County lines")
            try await session("london", "2024-06-01", "mixed", "Online harms")
            var outreachErrors = FieldErrors()
            outreachErrors.add("attendees", "Enter how many attended, a whole number")
            let outreach = try await OutreachPage.make(regionID: manager.regionID,
                                                       form: OutreachController.Form(audience: "professionals", attendees: "many"),
                                                       errors: outreachErrors, layout: Self.layout("Outreach"), today: today, on: app.db)
            #expect(outreach.rows.map(\.topic) == ["County lines", "Spotting exploitation"])
            #expect(outreach.rows.map(\.audience) == ["Young people", "Professionals"] && outreach.rows[1].confidence == "4.0 → 7.5")
            #expect(outreach.rows[1].kind == "Webinar" && outreach.rows[1].registrations == "40")
            #expect(outreach.attendees.value == "many" && outreach.attendees.error == "Enter how many attended, a whole number")
            #expect(outreach.audience.options.first { $0.selected }?.value == "professionals" && outreach.date.value == today.description)
            let outreachHTML = try await AdminPageQueryTests.html(app, "workforce/outreach", outreach)
            #expect(outreachHTML.contains("Spotting exploitation") && !outreachHTML.contains("Online harms"))
        }
    }

    @Test("Places and groups and partnership meetings show the region's own, order by this quarter's referrals, and never name another region's young people")
    func contextsAndPartnerships() async throws {
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let manager = try await Self.user(app, .manager, "west-midlands", "Mo Manager")
            let now = app.clock.now()
            let today = CivilDate.today(at: now)
            let cipher = try app.cipher
            let scope = RegionScope(manager)
            // R06 was received this quarter; R11 is London's.
            try await Referral.query(on: app.db).filter(\.$ref == "R06").set(\.$receivedDate, to: today.description).update()

            func context(_ region: String, _ kind: String, _ name: String, refs: [String]) async throws -> SafeguardingContext {
                let context = SafeguardingContext()
                context.$region.id = try await Self.region(app, region).requireID()
                context.kind = kind
                context.name = name
                try await context.create(on: app.db)
                for ref in refs {
                    let link = ContextLink()
                    link.$context.id = try context.requireID()
                    link.$referral.id = try await Self.referral(app, ref).requireID()
                    link.linkedOn = today.description
                    try await link.create(on: app.db)
                }
                return context
            }
            let park = try await context("west-midlands", "place", "Cannon Hill Park", refs: ["R01", "R03", "R05", "R11"])
            _ = try await context("west-midlands", "peer_group", "Aston peer group", refs: ["R06"])
            _ = try await context("london", "place", "Camden Market", refs: ["R11"])
            for (minutes, note) in [(-60.0, "Older men seen near the bandstand"), (-5.0, "Police patrols added at dusk")] {
                let entry = ContextNote()
                entry.$context.id = try park.requireID()
                entry.note = try cipher.seal(note)
                entry.notedAt = now.addingTimeInterval(minutes * 60)
                entry.notedByID = manager.id
                try await entry.create(on: app.db)
            }

            let refusedName = RefusedForm(errors: { var e = FieldErrors(); e.add("name", "Enter the name of the place or group"); return e }(),
                                          typed: ["kind": "school", "name": ""])
            let contexts = try await ContextsPage.make(regionID: manager.regionID, refused: refusedName, layout: Self.layout("Places and groups"),
                                                       now: now, on: app.db)
            #expect(contexts.rows.map(\.name) == ["Aston peer group", "Cannon Hill Park"], "this quarter's first; London's absent")
            #expect(contexts.rows.map(\.thisQuarter) == [1, 0] && contexts.rows[0].kind == "peer group")
            #expect(contexts.rows[1].path == SiteURL.context(park.id).path)
            #expect(contexts.rows[1].referrals == 3, "the park's link to London's R11 is not counted: the list agrees with the place's page")
            #expect(contexts.fields.name.error == "Enter the name of the place or group" && contexts.errorLinks?.map(\.href) == ["#name"])
            #expect(contexts.fields.kind.options.first { $0.selected }?.value == "school")
            let contextsHTML = try await AdminPageQueryTests.html(app, "workforce/contexts", contexts)
            #expect(contextsHTML.contains("Cannon Hill Park") && !contextsHTML.contains("Camden Market"))

            var refError = FieldErrors()
            refError.add("ref", "No referral you can see has that reference")
            let place = try await ContextPage.make(park, scope: scope, refused: RefusedForm(errors: refError, typed: ["ref": "R11"]),
                                                   layout: Self.layout(park.name), cipher: cipher, on: app.db)
            #expect(place.referrals.map(\.received) == ["2023-08-10", "2023-06-15", "2023-04-01"], "newest first; London's R11 hidden")
            #expect(place.referrals.map(\.name) == ["Kyle Smith", "Tyler Brown", "Zoë O'Neill"])
            #expect(place.notes.count == 2 && place.notes[0].hasSuffix("Police patrols added at dusk"), "notes opened, newest first")
            #expect(place.fields.ref.value == "R11" && place.fields.ref.error == "No referral you can see has that reference")
            let placeHTML = try await AdminPageQueryTests.html(app, "workforce/context", place)
            #expect(placeHTML.contains("Tyler Brown") && placeHTML.contains("bandstand") && !placeHTML.contains("Sam Lee"))

            // Partnership meetings: two of the region's, one of London's; one meeting discussed a London case.
            func meeting(_ region: String, _ type: String, _ heldOn: String, _ agencies: String) async throws -> PartnershipMeeting {
                let meeting = PartnershipMeeting()
                meeting.$region.id = try await Self.region(app, region).requireID()
                meeting.type = type
                meeting.heldOn = heldOn
                meeting.agencies = agencies
                meeting.notes = try cipher.seal("Discussed the Aston line")
                meeting.recordedByID = manager.id
                try await meeting.create(on: app.db)
                return meeting
            }
            let lines = try await meeting("west-midlands", "county_lines_vulnerability", "2024-01-18", "West Midlands Police")
            _ = try await meeting("west-midlands", "steering_group", "2024-03-01", "Internal")
            _ = try await meeting("london", "other", "2024-02-01", "Metropolitan Police")
            for ref in ["R01", "R11"] {
                let link = MeetingCase()
                link.$meeting.id = try lines.requireID()
                link.$supportCase.id = try await Self.supportCase(app, ref).requireID()
                try await link.create(on: app.db)
            }
            for (description, due, done) in [("Share intelligence on the line", "2024-01-25", nil), ("Visit the school", "2024-01-20", "2024-01-19")] {
                let action = MeetingAction()
                action.$meeting.id = try lines.requireID()
                action.description = try cipher.seal(description)
                action.owner = "PC Patel"
                action.dueOn = due
                action.doneOn = done
                try await action.create(on: app.db)
            }
            let leon = try await Self.supportCase(app, "R07")
            var typeError = FieldErrors()
            typeError.add("type", "Select the type of meeting")
            let partnerships = try await PartnershipsPage.make(
                regionID: manager.regionID, scope: scope, refused: RefusedForm(errors: typeError, typed: ["agencies": "Police", "heldOn": "2024-01-18"]),
                ticked: [try leon.requireID().uuidString], layout: Self.layout("Partnerships"), cipher: cipher, today: today, on: app.db)
            #expect(partnerships.meetings.map(\.date) == ["2024-03-01", "2024-01-18"], "newest first; London's absent")
            #expect(partnerships.meetings.map(\.type) == ["Internal steering group", "County lines vulnerability group"])
            #expect(partnerships.openActions.map(\.description) == ["Share intelligence on the line"] && partnerships.openActions[0].overdue)
            // The open cases the manager may tick: the region's only open case (R07's), ticked as sent.
            #expect(partnerships.fields.cases.choices.map(\.label) == ["Leon Grey"] && partnerships.fields.cases.choices[0].checked)
            #expect(partnerships.fields.agencies.value == "Police" && partnerships.fields.heldOn.value == "2024-01-18")
            #expect(partnerships.fields.type.error == "Select the type of meeting" && partnerships.errorLinks?.map(\.href) == ["#type"])
            let partnershipsHTML = try await AdminPageQueryTests.html(app, "workforce/partnerships", partnerships)
            #expect(partnershipsHTML.contains("Share intelligence on the line") && !partnershipsHTML.contains("Metropolitan Police"))

            var ownerError = FieldErrors()
            ownerError.add("owner", "Enter who owns the action")
            let page = try await MeetingPage.make(lines, scope: scope, refused: RefusedForm(errors: ownerError, typed: ["description": "Call the school"]),
                                                  layout: Self.layout("Partnership meeting"), cipher: cipher, on: app.db)
            let zoe = try await Self.supportCase(app, "R01")
            #expect(page.cases.map(\.path) == [SiteURL.supportCase(zoe.id).path] && page.hidden == 1, "London's case counted, not named")
            #expect(page.actions.map(\.description) == ["Visit the school", "Share intelligence on the line"] && page.actions[0].done == "2024-01-19")
            #expect(page.notes == "Discussed the Aston line" && page.type == "County lines vulnerability group")
            #expect(page.fields.description.value == "Call the school" && page.fields.owner.error == "Enter who owns the action")
            let meetingHTML = try await AdminPageQueryTests.html(app, "workforce/meeting", page)
            #expect(meetingHTML.contains("Call the school") && !meetingHTML.contains("Sam Lee"))
        }
    }
}
