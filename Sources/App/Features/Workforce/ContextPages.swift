import Domain
import Fluent
import Foundation

struct ContextsPage: Encodable {
    struct Row: Encodable {
        let path: String
        let name: String
        let kind: String
        let referrals: Int
        let thisQuarter: Int
    }

    let layout: Layout
    let rows: [Row]
    let action: String
    let fields: Fields
    let errorLinks: [FormErrorLink]?

    struct Fields: Encodable {
        let kind, name: FormField

        init(_ refused: RefusedForm) {
            let kind = refused.value("kind")
            self.kind = refused.field("kind").select("Kind", options: SafeguardingContext.kinds.map {
                SelectOption(value: $0, label: $0.replacingOccurrences(of: "_", with: " ").capitalized, selected: $0 == kind)
            })
            name = refused.field("name").drawn("Name")
        }
    }
}

struct ContextPage: Encodable {
    struct Linked: Encodable {
        let name: String
        let received: String
        let path: String
    }

    let layout: Layout
    let name: String
    let kind: String
    let referrals: [Linked]
    let notes: [String]
    let linkPath: String
    let notePath: String
    let fields: Fields
    let errorLinks: [FormErrorLink]?

    struct Fields: Encodable {
        let ref, note: FormField

        init(_ refused: RefusedForm) {
            ref = refused.field("ref").drawn("Link a referral by its reference", ["spellcheck": "false"])
            note = refused.field("note").drawn("Add a note", as: .textarea, ["rows": "2"])
        }
    }
}

extension ContextsPage {
    /// The region's places and groups, those with the most referrals this quarter first, and the form to add one.
    static func make(regionID: UUID?, refused: RefusedForm, layout: Layout, now: Date, on db: any Database) async throws -> ContextsPage {
        let contexts = try await SafeguardingContext.query(on: db).filter(\.$region.$id == (regionID ?? UUID()))
            .sort(\.$name).all()
        let links = contexts.isEmpty ? [] : try await ContextLink.query(on: db).filter(\.$context.$id ~~ contexts.compactMap(\.id))
            .with(\.$referral).all()
        let quarter = ContextsController.quarterStart(CivilDate.today(at: now)).description
        let rows = contexts.map { context in
            // Only the region's own referrals count: a link to one that has since moved region is not this region's to see.
            let own = links.filter { $0.$context.id == context.id && $0.referral.$region.id == regionID }
            return Row(path: SiteURL.context(context.id).path, name: context.name, kind: context.kind.replacingOccurrences(of: "_", with: " "),
                       referrals: own.count, thisQuarter: own.filter { $0.referral.receivedDate >= quarter }.count)
        }.sorted { ($0.thisQuarter, $0.referrals) > ($1.thisQuarter, $1.referrals) }
        return ContextsPage(layout: layout, rows: rows, action: SiteURL.contexts.path, fields: Fields(refused),
                            errorLinks: refused.errors.links)
    }
}

extension ContextPage {
    /// A place or group: the referrals linked to it that `scope` may see, its notes, and the forms to add either.
    static func make(_ context: SafeguardingContext, scope: RegionScope, refused: RefusedForm, layout: Layout, cipher: FieldCipher,
                     on db: any Database) async throws -> ContextPage {
        let links = try await ContextLink.query(on: db).filter(\.$context.$id == context.id!).all()
        let referrals = links.isEmpty ? [] : try await scope.referrals(on: db).filter(\.$id ~~ links.map(\.$referral.id))
            .sort(\.$receivedDate, .descending).all()
        let notes = try await ContextNote.query(on: db).filter(\.$context.$id == context.id!).sort(\.$notedAt, .descending).all()
        return ContextPage(
            layout: layout, name: context.name, kind: context.kind.replacingOccurrences(of: "_", with: " "),
            referrals: referrals.map { Linked(name: "\($0.firstName) \($0.lastName)", received: $0.receivedDate, path: SiteURL.referral($0.id).path) },
            notes: try notes.map { "\(DateFormats.shown($0.notedAt)): \(try cipher.open($0.note))" },
            linkPath: SiteURL.contextLinks(context.id).path, notePath: SiteURL.contextNotes(context.id).path,
            fields: Fields(refused), errorLinks: refused.errors.links)
    }
}
