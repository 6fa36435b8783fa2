import Foundation
import Vapor

/// A tick box as a form sends it: ticked, left clear, or neither. "Neither" (`sensitive=maybe`, or the box sent
/// twice with different answers, from a tampered or broken form) is refused rather than guessed: a box that marks
/// a note or a file sensitive must never be taken as unticked, nor the other way round.
enum TickBox {
    /// True for what browsers and people send for a ticked box, false for a box left clear (nothing sent, or a
    /// plain no), nil for anything else.
    static func parse(_ value: String?) -> Bool? {
        switch (value ?? "").lowercased() {
        case "yes", "on", "true", "1": true
        case "", "no", "off", "false", "0": false
        default: nil
        }
    }

    /// Every value the form sent under the box's name: clear when none, nil unless all say the same.
    static func parse(all values: [String]) -> Bool? {
        let answers = Set(values.map { parse($0) })
        guard answers.count <= 1 else { return nil }
        return answers.first ?? false
    }
}

extension TickBox {
    /// Whether a field's name is the box's, read as leniently as a tampered form could spell it (`Sensitive`,
    /// `sensitive[]`, `sensitive%00`, a full-width letter): a box's answer under a near-miss name still counts, so
    /// that a tick cannot be slipped past as an unknown field and the box read as clear.
    static func isNamed(_ name: String, _ box: String) -> Bool {
        fold(name) == fold(box)
    }

    private static func fold(_ name: String) -> String {
        String(name.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars
            .filter { $0.isASCII && $0.properties.isAlphabetic }.map(Character.init))
    }
}

extension Request {
    /// The answer of the URL-encoded form's tick box `name` (`TickBox.parse(all:)`): false when not sent, nil when
    /// neither ticked nor clear.
    func tickBox(_ name: String) -> Bool? { TickBox.parse(all: tickBoxValues(named: name)) }

    /// Every value the form sent under the box's name or a near miss of it (a decoder keeps only one of them), in
    /// order; a name or value whose escapes are not text is read as sent.
    private func tickBoxValues(named name: String) -> [String] {
        guard let body = body.string else { return [] }
        func text(_ part: Substring) -> String { FormBody.decoded(part) ?? part.replacingOccurrences(of: "+", with: " ") }
        return FormBody.pairs(of: body).compactMap { pair in TickBox.isNamed(text(pair.name), name) ? text(pair.value) : nil }
    }
}
