@testable import App
import Foundation
import Vapor

/// One top-level template and a page model for it, built by hand with every list holding an item and most optionals
/// holding a value (so the strict check sees inside them), and with one value no real page shows (`shows`), which
/// the rendered HTML must contain.
struct TemplateSample: Sendable {
    let template: String
    let shows: String
    /// The model. The application is there for the few parts that cannot be built without it: the import page's model
    /// is made from a request, and a referral's row from the code lists' labels (read from the migrated database).
    let make: @Sendable (Application) async throws -> any Encodable

    init(_ template: String, shows: String, _ make: @escaping @Sendable (Application) async throws -> any Encodable) {
        self.template = template
        self.shows = shows
        self.make = make
    }
}

/// The samples by feature area, one file each (`TemplateSamples+Admin.swift`…), and what they share.
enum TemplateSamples {
    static let all: [TemplateSample] = account + alertsAndAuth + admin + cases + rescues + people + referrals + reports + workforce

    static func sample(for template: String) -> TemplateSample? {
        all.first { $0.template == template }
    }

    static let csrf = "sample-csrf-token-7f3"
    /// A fixed moment: 2026-05-28, mid-morning UTC.
    static let when = Date(timeIntervalSince1970: 1_779_962_400)

    /// A signed-in manager's frame with everything it can show: navigation, a confirmation, the session warnings and
    /// an overdue visit.
    static func layout(_ title: String) -> Layout {
        Layout(title: title, userName: "Sample Manager", roleLabel: "Manager", regionName: "Sample Region",
               nav: [.init(label: "Home", href: "/", current: false), .init(label: "Cases", href: "/cases", current: true)],
               csrfToken: csrf, canSearch: true, confirmation: "Sample saved.", sessionWarning: "session-warning--after-25m",
               sessionIdle: "30 minutes", sessionWarningText: "5 minutes", sessionEnded: "session-warning--after-30m",
               alerts: [.init(text: "Sample visit overdue", href: "/lone-working")])
    }

    static func field(_ id: String, _ value: String = "", error: String? = nil) -> FormField {
        FormField(id, value: value, error: error)
    }

    /// Options with the first selected.
    static func options(_ labels: String...) -> [SelectOption] { optionList(labels) }

    static func optionList(_ labels: [String]) -> [SelectOption] {
        labels.enumerated().map { SelectOption(value: "value-\($0.offset)", label: $0.element, selected: $0.offset == 0) }
    }

    /// Checkboxes or radios with the first checked.
    static func choices(_ prefix: String, _ labels: String...) -> [Choice] { choiceList(prefix, labels) }

    static func choiceList(_ prefix: String, _ labels: [String]) -> [Choice] {
        labels.enumerated().map { Choice(id: "\(prefix)-\($0.offset)", value: "value-\($0.offset)", label: $0.element, checked: $0.offset == 0) }
    }

    /// A select as `components/field` draws it, with its options (the first selected).
    static func select(_ id: String, error: String? = nil, _ labels: String...) -> FormField {
        FormField(id, value: "value-0", error: error).select("Sample \(id)", options: optionList(labels))
    }

    /// Radios or checkboxes as `components/choice-group` draws them (the first checked).
    static func group(_ id: String, error: String? = nil, _ labels: String...) -> FormField {
        FormField(id, error: error).group("Sample \(id)", choices: choiceList(id, labels))
    }

    static func errorLinks(_ pairs: (String, String)...) -> [FormErrorLink] {
        pairs.map { FormErrorLink(href: "#\($0.0)", message: $0.1) }
    }

    /// A record's documents: one shown, one sensitive one hidden, and the upload form.
    static func attachments(_ name: String = "sample-letter.pdf") -> AttachmentList {
        AttachmentList(items: [.init(id: UUID().uuidString, name: name, kind: "Letter", size: "12 KB", uploaded: "28 May 2026",
                                     sensitive: true, metadataRemoved: "Removed before it was stored: GPS position.",
                                     href: "/attachments/sample", deleteAction: "/attachments/sample/delete")],
                       hidden: 1, uploadAction: "/attachments/upload?_csrf=\(csrf)", maxSize: "20 MB")
    }
}
