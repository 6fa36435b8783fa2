import Domain
import Fluent
import Foundation

/// A member of staff's page: their caseload against capacity, absences and training, and (for a manager) the forms
/// that change them.
struct StaffPage: Encodable {
    let layout: Layout
    let row: StaffListPage.Row
    let isManager: Bool
    let errorLinks: [FormErrorLink]?
    let fields: Fields
    let absences: [String]
    let training: [String]
    let paths: Paths

    struct Paths: Encodable {
        let profile, absences, training: String
    }

    /// The profile, absence and training forms: their first values, or what a refused form held, with its problems.
    struct Fields: Encodable {
        let capacity, specialisms: FormField
        let absenceKind, from, to: FormField
        let course, external, provider, completedOn, renewalDue: FormField
    }

    /// `typed` (by field id) and `typedSpecialisms`: a form of the page as it was sent, refused.
    static func make(member: User, viewerIsManager: Bool, errors: FieldErrors, typed: [String: String],
                     typedSpecialisms: [String]?, layout: Layout, today: CivilDate, on db: any Database) async throws -> StaffPage {
        let row = try await StaffQueries.rows(for: [member], today: today, on: db).first!
        let memberID = try member.requireID()
        let labels = try await CodeLabels.load(on: db)
        let items = try await CodeListItem.query(on: db).filter(\.$list ~~ ["specialism", "training_course"]).sort(\.$position).all()
        let profile = try await StaffProfile.query(on: db).filter(\.$user.$id == memberID).first()
        let chosen = typedSpecialisms.map(Set.init) ?? Set(StoredCodes.split(profile?.specialisms ?? ""))
        let absences = try await Absence.query(on: db).filter(\.$user.$id == memberID).sort(\.$fromDate, .descending).all()
        let training = try await TrainingRecord.query(on: db).filter(\.$user.$id == memberID).sort(\.$completedOn, .descending).all()
        let refused = RefusedForm(errors: errors, typed: typed)
        func select(_ id: String, _ label: String, name: String? = nil, _ options: [(value: String, label: String)],
                    otherwise initial: String = "") -> FormField {
            let chosen = refused.value(id, otherwise: initial)
            return refused.field(id, otherwise: initial).select(label, name: name, options: options.map {
                SelectOption(value: $0.value, label: $0.label, selected: $0.value == chosen)
            })
        }
        let fields = Fields(
            capacity: refused.field("capacity", otherwise: String(row.contracted))
                .drawn("Contracted capacity (cases)", as: .number, ["min": "0", "max": "100"]),
            specialisms: refused.field("specialisms").group(
                "Specialisms", name: "specialisms[]", as: .checkboxes,
                choices: items.filter { $0.list == "specialism" }.map {
                    Choice(id: "specialism-\($0.code)", value: $0.code, label: $0.label, checked: chosen.contains($0.code))
                }),
            absenceKind: select("absenceKind", "Type", name: "kind",
                                Absence.kinds.map { ($0, $0.replacingOccurrences(of: "_", with: " ").capitalized) }),
            from: refused.field("from", otherwise: today.description).drawn("First day", as: .date),
            to: refused.field("to").drawn("Last day (leave empty while it lasts)", as: .date),
            course: select("course", "Course", items.filter { $0.list == "training_course" }.map { ($0.code, $0.label) }),
            external: select("external", "Internal or external", [("no", "Internal"), ("yes", "External")], otherwise: "no"),
            provider: refused.field("provider").drawn("Provider (optional)"),
            completedOn: refused.field("completedOn", otherwise: today.description).drawn("Completed on", as: .date),
            renewalDue: refused.field("renewalDue").drawn("Renewal due (optional)", as: .date))
        return StaffPage(
            layout: layout, row: row, isManager: viewerIsManager, errorLinks: errors.links, fields: fields,
            absences: absences.map { "\($0.kind.replacingOccurrences(of: "_", with: " ").capitalized): \($0.fromDate) to \($0.toDate ?? "open")" },
            training: training.map {
                "\(labels.label(.trainingCourse)($0.course)) (\($0.external ? "external" : "internal")\($0.provider.map { ", \($0)" } ?? "")), "
                    + "completed \($0.completedOn)" + ($0.renewalDue.map { ", renew by \($0)" } ?? "")
            },
            paths: Paths(profile: SiteURL.staffProfile(memberID).path, absences: SiteURL.staffAbsences(memberID).path,
                         training: SiteURL.staffTraining(memberID).path))
    }
}

extension StaffListPage {
    /// The region's staff who may lead cases (a caseworker sees only themself), caseload against capacity, and the
    /// training due for renewal within `StaffController.renewalWindowDays`.
    static func make(user: CurrentUser, layout: Layout, today: CivilDate, on db: any Database) async throws -> StaffListPage {
        let staff = try await CaseLeaders.all(in: user.regionID ?? UUID(), on: db)
            .filter { user.role != .caseworker || $0.id == user.id }
        let rows = try await StaffQueries.rows(for: staff, today: today, on: db)
        let horizon = CivilDate(daysSinceEpoch: today.daysSinceEpoch + StaffController.renewalWindowDays).description
        let courses = try await CodeLabels.load(on: db).label(.trainingCourse)
        let renewals = staff.isEmpty ? [] : try await TrainingRecord.query(on: db).filter(\.$user.$id ~~ staff.compactMap(\.id))
            .filter(\.$renewalDue != nil).filter(\.$renewalDue <= horizon).sort(\.$renewalDue).with(\.$user).all()
        return StaffListPage(
            layout: layout, rows: rows,
            totalCapacity: rows.map(\.available).reduce(0, +), totalOpen: rows.map(\.openCases).reduce(0, +),
            renewals: renewals.map {
                Renewal(name: $0.user.displayName, course: courses($0.course), due: $0.renewalDue ?? "",
                                      overdue: ($0.renewalDue ?? "") < today.description)
            })
    }
}
