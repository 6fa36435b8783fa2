import Domain
import Testing

@Suite("Typed text, cleaned")
struct TypedTextCleaningTests {
    @Test("What disguises or breaks text is dropped; text with nothing visible left is empty", arguments: [
        ("Zoë O'Neill", "Zoë O'Neill"), ("Line one\nline two\ttabbed", "Line one\nline two\ttabbed"),
        ("Ann\u{202E}txet", "Anntxet"), ("Sm\u{0000}ith", "Smith"), ("\u{FEFF}Jay", "Jay"), ("Ja\u{200B}y", "Jay"),
        ("a\u{2066}b\u{2069}", "ab"), ("x\u{2028}y", "xy"), ("\u{E000}Kai", "Kai"),
        ("   ", ""), ("\t\n", ""), ("\u{202E}", ""), ("\u{200D}", ""), ("\u{200C}", ""), ("\u{200E}", ""), ("\u{2060}", ""),
        ("\u{3164}", ""), ("\u{2800}", ""), ("\u{00AD}", ""), ("\u{034F}", ""), ("\u{0301}", ""), ("\u{3000}", ""), ("", ""),
        ("Мария", "Мария"), ("محمد", "محمد"), ("王小明", "王小明"), ("देवनागरी", "देवनागरी"), ("=HYPERLINK(\"x\")", "=HYPERLINK(\"x\")"),
        ("مهر\u{200C}آسا", "مهر\u{200C}آسا"), ("👩\u{200D}👧", "👩\u{200D}👧"), ("שלום\u{200F}", "שלום\u{200F}"),
    ] as [(String, String)])
    func cleaned(typed: String, kept: String) {
        #expect(TypedText.clean(typed) == kept, "\(typed.unicodeScalars.map { String($0.value, radix: 16) })")
    }
}
