import Domain
import Fluent
import Vapor

/// Live figures for caseworkers (their own caseload) and managers (their region): SPEC §2.7's dashboard.
struct Dashboard: Encodable {
    struct Item: Encodable {
        let label: String
        let href: String
        let detail: String
    }

    struct Section: Encodable {
        let title: String
        let id: String
        /// Nil when empty: Leaf treats an empty array as true.
        let items: [Item]?
        let empty: String

        init(title: String, id: String, items: [Item], empty: String) {
            self.title = title
            self.id = id
            self.items = items.isEmpty ? nil : items
            self.empty = empty
        }
    }

    let figures: [HomePage.Figure]
    let sections: [Section]

    static func make(req: Request, user: CurrentUser) async throws -> Dashboard {
        let scope = RegionScope(user)
        let settings = req.application.settings
        let cipher = req.application.cipher
        let now = req.now
        let today = CivilDate.today(at: now)
        var casesQuery = scope.cases(on: req.db).filter(\.$closedDate == nil).with(\.$person)
        if user.role == .caseworker { casesQuery = casesQuery.filter(\.$leadCaseworker.$id == user.id) }
        let open = try await casesQuery.all()
        let ids = open.compactMap(\.id)
        let lastContact = try await CaseQueries.lastContact(for: ids, on: req.db)
        var lastMeasure: [UUID: String] = [:]
        for chunk in ids.chunked(into: 500) where !chunk.isEmpty {
            for measure in try await OutcomeMeasure.query(on: req.db).filter(\.$supportCase.$id ~~ Array(chunk)).all() {
                lastMeasure[measure.$supportCase.id] = max(lastMeasure[measure.$supportCase.id] ?? "", measure.recordedOn)
            }
        }
        let quietSince = now.addingTimeInterval(-Double(settings.noContactDays) * 86400)
        let noContact = open.filter { (lastContact[$0.id!] ?? .distantPast) < quietSince }
        let reviewDays = settings.reviewWeeks * 7
        let reviewsDue = open.filter { item in
            let since = lastMeasure[item.id!] ?? item.openedDate
            return today.daysSinceEpoch - (CivilDate(since)?.daysSinceEpoch ?? 0) >= reviewDays
        }
        let rescueReferrals = try await scope.referrals(on: req.db).filter(\.$service == "rescue").filter(\.$status == .awaitingScreening).all()
        let openRescues = rescueReferrals.isEmpty ? [] : try await Rescue.query(on: req.db)
            .filter(\.$referral.$id ~~ rescueReferrals.compactMap(\.id)).filter(\.$outcome == nil).all()
        let awaitingScreening = try await scope.referrals(on: req.db).filter(\.$status == .awaitingScreening).count()
        func caseItem(_ item: SupportCase, _ detail: String) -> Item {
            Item(label: "\(item.person.firstName) \(item.person.lastName)", href: SiteURL.supportCase(item.id).path, detail: detail)
        }
        var figures: [HomePage.Figure] = [
            .init(label: user.role == .caseworker ? "Open cases you lead" : "Open cases in the region", value: open.count),
            .init(label: "No contact for \(settings.noContactDays) days", value: noContact.count),
            .init(label: "Reviews due", value: reviewsDue.count),
            .init(label: "Open rescues", value: openRescues.count),
            .init(label: "Referrals awaiting screening", value: awaitingScreening),
        ]
        var sections = [
            Section(title: "No contact for \(settings.noContactDays) days", id: "no-contact",
                    items: Array(noContact.prefix(50)).map { caseItem($0, lastContact[$0.id!].map { "last contact \(AccountController.format($0))" } ?? "no contact yet") },
                    empty: "Every case has had a recent contact."),
            Section(title: "Reviews due", id: "reviews-due",
                    items: Array(reviewsDue.prefix(50)).map { caseItem($0, "last measures \(lastMeasure[$0.id!] ?? "never")") },
                    empty: "No reviews are due."),
            Section(title: "Open rescues", id: "open-rescues",
                    items: openRescues.map { rescue in
                        let referral = rescueReferrals.first { $0.id == rescue.$referral.id }!
                        return Item(label: "\(referral.firstName) \(referral.lastName)", href: SiteURL.rescue(rescue.id).path,
                                    detail: rescue.callAt.map { RescueLogPage.elapsed(from: $0, to: now) + " since the call" } ?? "")
                    },
                    empty: "No rescue is under way."),
        ]
        if user.role == .manager {
            let unassigned = open.filter { $0.$leadCaseworker.id == nil }
            let closures = open.filter { $0.closureRequestedReason != nil }
            figures.append(.init(label: "Cases awaiting a lead", value: unassigned.count))
            figures.append(.init(label: "Closures awaiting approval", value: closures.count))
            sections.insert(Section(title: "Cases awaiting a lead", id: "awaiting-lead",
                                    items: Array(unassigned.prefix(50)).map { caseItem($0, "opened \($0.openedDate)") },
                                    empty: "Every open case has a lead caseworker."), at: 0)
            sections.insert(Section(title: "Closures awaiting approval", id: "closures-awaiting",
                                    items: try closures.map { caseItem($0, try $0.closureRequestedReason.map(cipher.open) ?? "") },
                                    empty: "No closure is waiting."), at: 1)
        }
        return Dashboard(figures: figures, sections: sections)
    }
}
