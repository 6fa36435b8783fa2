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

extension Request {
    /// Every value a URL-encoded form sent under `name`, in order (a decoder keeps only one of them).
    func formValues(named name: String) -> [String] {
        guard let body = body.string else { return [] }
        var components = URLComponents()
        components.percentEncodedQuery = body.replacingOccurrences(of: "+", with: "%20")
        return (components.queryItems ?? []).filter { $0.name == name }.map { $0.value ?? "" }
    }
}
