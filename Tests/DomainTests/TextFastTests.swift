import Domain
import Foundation
import Testing

@Suite("Text helpers of the import")
struct TextFastTests {
    @Test("Trimming spaces agrees with Foundation's whitespace trimming, keeps line breaks, and keeps inner spaces")
    func trimming() {
        let cells = ["", " ", "\t a b \t", "abc", " Zoë ", "\u{00A0}x\u{2003}", "a\n", "\n a", "  \u{3000}", "é"]
        for cell in cells {
            #expect(cell.trimmingSpaces == cell.trimmingCharacters(in: .whitespaces), "\(cell.debugDescription)")
        }
        #expect(" a b ".trimmingSpaces == "a b")
        #expect(" \n\t".isBlank && "".isBlank && !" x ".isBlank)
    }

    @Test("Plain ASCII names fold as the Unicode path folds them")
    func asciiFolding() {
        #expect(NameFolding.fold("O'Neill-Brown 2") == "oneillbrown2")
        #expect(NameFolding.fold("ZOE") == NameFolding.fold("Zoë"))
        #expect(NameFolding.fold("Łukasz") == "lukasz")
    }

    @Test("Dates and financial years are written zero-padded")
    func padding() {
        #expect(CivilDate(year: 987, month: 3, day: 4).description == "0987-03-04")
        #expect(CivilDate(year: 2024, month: 12, day: 31).description == "2024-12-31")
        #expect(FinancialYear(startYear: 2099).description == "2099-00")
        #expect(FinancialYear(startYear: 2023).description == "2023-24")
    }
}
