@testable import App
import Domain
import Fluent
import Foundation
import Testing
import VaporTesting

/// A region ready for alerts: a lone worker, a manager and a second on call, each with a number and an address,
/// on the rota from now for a day; a national lead.
struct AlertRegion {
    let worker: Account
    let manager: Account
    let second: Account
    let lead: Account
    let regionID: UUID

    static let workerPhone = "+447700900001", managerPhone = "+447700900002", secondPhone = "+447700900003", leadPhone = "+447700900004"

    static func make(_ app: Application, region: String = "west-midlands", rota: [OnCallRole] = [.manager, .second]) async throws -> AlertRegion {
        let regionID = try #require(try await Region.query(on: app.db).filter(\.$code == region).first()?.id)
        let worker = try await Fixtures.account(app, role: .caseworker, region: region)
        let manager = try await Fixtures.account(app, role: .manager, region: region)
        let second = try await Fixtures.account(app, role: .manager, region: region)
        let lead = try await Fixtures.account(app, role: .nationalLead)
        for (account, phone, name) in [(worker, workerPhone, "Wendy Worker"), (manager, managerPhone, "Mo Manager"),
                                       (second, secondPhone, "Sam Second"), (lead, leadPhone, "Lee Lead")] {
            try await contact(app, account, phone: phone, channels: [.sms, .email], name: name)
        }
        let now = app.clock.now()
        for (role, account) in [(OnCallRole.manager, manager), (.second, second)] where rota.contains(role) {
            let shift = OnCallShiftRecord()
            shift.regionID = regionID
            shift.$user.id = account.id
            shift.role = role
            shift.startsAt = now.addingTimeInterval(-60)
            shift.endsAt = now.addingTimeInterval(86400)
            shift.createdByID = manager.id
            try await shift.create(on: app.db)
        }
        return AlertRegion(worker: worker, manager: manager, second: second, lead: lead, regionID: regionID)
    }

    static func contact(_ app: Application, _ account: Account, phone: String?, channels: [AlertChannel], name: String) async throws {
        try await User.query(on: app.db).filter(\.$id == account.id)
            .set(\.$alertPhone, to: try phone.map(app.cipher.seal)).set(\.$alertChannels, to: AlertChannel.store(channels))
            .set(\.$displayName, to: name).update()
    }

    /// A region whose worker's visit has gone overdue and been sent its first text: the link in that text, as a path.
    static func withOverdueVisitLink(_ app: Application) async throws -> (AlertRegion, String) {
        let providers = RecordingProviders().install(app)
        let region = try await make(app)
        _ = try await region.overdueVisit(app)
        try await alertTick(app)
        return (region, try acknowledgementPath(in: try #require(providers.sent(to: workerPhone).first).text))
    }

    /// A visit of the worker's that ended a minute ago, not checked out.
    func overdueVisit(_ app: Application, place: String = "Flat 4, Aston Road") async throws -> UUID {
        let visit = LoneWorkingVisit()
        visit.$region.id = regionID
        visit.$caseworker.id = worker.id
        visit.place = try app.cipher.seal(place)
        visit.withWhom = try app.cipher.seal("Jay Example and mum")
        visit.checkInNote = try app.cipher.seal("")
        visit.startedAt = app.clock.now().addingTimeInterval(-3600)
        visit.expectedEnd = app.clock.now().addingTimeInterval(-60)
        try await visit.create(on: app.db)
        return visit.id!
    }
}

/// Runs the timer's work once, as an instance's tick would, at the app's clock.
func alertTick(_ app: Application) async throws {
    _ = try await LoneWorkingAlerts.raiseOverdue(app: app, now: app.clock.now())
    _ = try await PartnerCallBacks.raiseOverdue(app: app, now: app.clock.now())
    try await AlertEngine.tick(app: app)
}

/// The acknowledgement link inside a message's text, as a path.
func acknowledgementPath(in text: String) throws -> String {
    let range = try #require(text.range(of: "/alerts/ack/"))
    let token = text[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    return "/alerts/ack/" + token
}
