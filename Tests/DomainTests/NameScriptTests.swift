import Domain
import Foundation
import Testing

/// Names of every script, generated: folding keeps each script's letters, so two different names never become
/// one key, and the same name typed another way (case, spacing, accents, width, composed or not) always does.
@Suite("Names of every script")
struct NameScriptTests {
    /// A script's base letters (lower case where the script has case), and how a person may type a name of it
    /// differently without it becoming another name.
    struct Script: Sendable, CustomStringConvertible {
        let description: String
        let letters: [String]
        /// Marks a name may carry or not (accents, vowel points) without being another name.
        let optionalMarks: [Unicode.Scalar]
        let hasCase: Bool

        static let all: [Script] = [
            Script(description: "Latin", letters: (UInt8(ascii: "a")...UInt8(ascii: "z")).map { String(UnicodeScalar($0)) },
                   optionalMarks: ["\u{301}", "\u{308}", "\u{327}", "\u{30C}"], hasCase: true),
            Script(description: "Cyrillic", letters: Array("абвгдежзиклмнопрстуфхцчшщыэюя").map(String.init),
                   optionalMarks: ["\u{301}"], hasCase: true),
            Script(description: "Greek", letters: Array("αβγδεζηθικλμνξοπρστυφχψω").map(String.init),
                   optionalMarks: ["\u{301}", "\u{308}"], hasCase: true),
            Script(description: "Arabic", letters: Array("ابتثجحخدذرزسشصضطظعغفقكلمنهوي").map(String.init),
                   optionalMarks: ["\u{64E}", "\u{64F}", "\u{650}", "\u{652}"], hasCase: false),
            Script(description: "Hebrew", letters: Array("אבגדהוזחטיכלמנסעפצקרשת").map(String.init),
                   optionalMarks: ["\u{5B4}", "\u{5B7}", "\u{5B8}", "\u{5BC}"], hasCase: false),
            // A consonant, or a consonant with a vowel sign: the sign is part of the name, not an accent.
            Script(description: "Devanagari",
                   letters: Array("कखगघचछजझटठडढतथदधनपफबभमयरलवशसह").flatMap { consonant in
                       ["", "\u{93E}", "\u{93F}", "\u{940}", "\u{941}", "\u{947}"].map { String(consonant) + $0 }
                   },
                   optionalMarks: [], hasCase: false),
            Script(description: "Chinese", letters: Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许").map(String.init),
                   optionalMarks: [], hasCase: false),
            Script(description: "Japanese", letters: Array("あいうえおかきくけこがぎぐげごさしすせそたちつてとなにぬねの").map(String.init)
                       + Array("アイウエオカキクケコガギグゲゴサシスセソ").map(String.init),
                   optionalMarks: [], hasCase: false),
        ]
    }

    /// A small seeded generator, so a failure names a name that can be tried again.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func name(_ script: Script, _ random: inout Generator) -> String {
        (0..<(2 + random.next(6))).map { _ in script.letters[random.next(script.letters.count)] }.joined()
    }

    /// The same name as another person might type it: case changed, spaces, hyphens and apostrophes added,
    /// optional marks added, and stored composed or decomposed.
    static func retyped(_ name: String, _ script: Script, _ random: inout Generator) -> String {
        var output = random.next(2) == 0 ? " " : ""
        for character in name {
            var piece = String(character)
            if script.hasCase, random.next(2) == 0 { piece = piece.uppercased() }
            if !script.optionalMarks.isEmpty, random.next(3) == 0 {
                piece += String(script.optionalMarks[random.next(script.optionalMarks.count)])
            }
            output += piece
            switch random.next(8) {
            case 0: output += " "
            case 1: output += "-"
            case 2: output += "'"
            default: break
            }
        }
        switch random.next(3) {
        case 0: return output.precomposedStringWithCanonicalMapping
        case 1: return output.decomposedStringWithCanonicalMapping
        default: return output
        }
    }

    @Test("Two different names of a script never fold to one key", arguments: Script.all)
    func differentNamesDiffer(script: Script) {
        var random = Generator(state: UInt64(script.description.utf8.reduce(0) { $0 &* 31 &+ Int($1) }.magnitude))
        var seen: [String: String] = [:]
        for _ in 0..<2_000 {
            let name = Self.name(script, &random)
            let folded = NameFolding.fold(name)
            #expect(!folded.isEmpty, "\(name) folded to nothing")
            if let earlier = seen[folded], earlier != name {
                Issue.record("\(script): \(earlier) and \(name) both fold to \(folded)")
            }
            seen[folded] = name
        }
    }

    @Test("The same name typed with other case, spacing, accents or composition always folds the same", arguments: Script.all)
    func sameNameMatches(script: Script) {
        var random = Generator(state: 7 &+ UInt64(script.letters.count))
        for _ in 0..<2_000 {
            let name = Self.name(script, &random)
            let typed = Self.retyped(name, script, &random)
            #expect(NameFolding.fold(typed) == NameFolding.fold(name), "\(script): \(name) typed as \(typed)")
        }
    }

    @Test("Names from the finding stay apart, and width folds", arguments: [
        ("Мария", "Анна", false), ("Иванова", "Петрова", false), ("محمد", "أحمد", false), ("王", "李", false),
        ("が", "か", false), ("कमल", "कमला", false), ("Ａｌｉ", "ali", true), ("ｱｲ", "アイ", true), ("أحمد", "احمد", true),
        ("Ὀδυσσεύς", "οδυσσευς", true), ("Йосиф", "Иосиф", true),
    ])
    func pairs(first: String, second: String, same: Bool) {
        #expect((NameFolding.fold(first) == NameFolding.fold(second)) == same, "\(first) / \(second)")
        #expect(!NameFolding.fold(first).isEmpty)
    }

    @Test("A name with no letters at all has nothing to match by", arguments: ["-", "…", "'", " - ", "123", "🙂", "\u{301}"])
    func noLetters(name: String) {
        #expect(!NameFolding.hasLetters(name))
    }
}
