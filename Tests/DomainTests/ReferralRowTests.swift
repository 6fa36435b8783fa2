@testable import Domain
import Foundation
import Testing

@Suite("Import rows")
struct ReferralRowTests {
    static func row(entry: ReferralRow.Measures = .init(), exit: ReferralRow.Measures = .init()) -> ReferralRow {
        ReferralRow(
            line: 2, ref: "R-1", receivedDate: CivilDate("2024-05-01")!, region: "west-midlands", service: "rescue",
            referralSource: "police", referrerOrganisation: "Police HQ", firstName: "Ana", lastName: "Lee",
            dateOfBirth: CivilDate("2008-02-29")!, gender: "female", ethnicity: nil, homeLocalAuthority: "walsall",
            exploitationTypes: ["county_lines", "online_exploitation"],
            rescueCallAt: Date(timeIntervalSince1970: 1_714_530_600), rescueArrivedAt: Date(timeIntervalSince1970: 1_714_532_400.5),
            caseOpened: CivilDate("2024-05-02")!, caseClosed: nil, closureReason: nil, entry: entry, exit: exit)
    }

    /// Every imported referral stores its row's fingerprint, and a later import of the same row compares against
    /// it: were the format to change, re-importing an old file would report every row as updated.
    @Test("The fingerprint keeps the format stored with earlier imports")
    func fingerprintFormat() {
        var entry = ReferralRow.Measures()
        entry.safety = 3
        entry.mentalHealth = 4
        entry.missingEpisodes = 0
        entry.offences = 2
        entry.countyLinesActive = true
        entry.eet = false
        var exit = ReferralRow.Measures()
        exit.goalProgress = "some"
        let separator = "\u{1F}"
        let expected = [
            "R-1", "2024-05-01", "west-midlands", "rescue", "police", "Police HQ", "Ana", "Lee", "2008-02-29", "female",
            "", "walsall", "county_lines;online_exploitation", "1714530600.0", "1714532400.5", "2024-05-02", "", "",
            "3,4,,0,2|y,,n|", ",,,,|,,|some",
        ].joined(separator: separator)
        #expect(Self.row(entry: entry, exit: exit).fingerprint == expected)
        #expect(Self.row().fingerprint.hasSuffix(separator + ",,,,|,,|" + separator + ",,,,|,,|"), "no measures: every value empty")
    }
}
