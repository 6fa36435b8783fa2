/// A tick box as a form sends it: ticked, left clear, or neither. "Neither" (`sensitive=maybe`, from a tampered or
/// broken form) is refused rather than read as clear: a box that marks a note or a file sensitive must never be
/// taken as unticked by a guess.
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
}
