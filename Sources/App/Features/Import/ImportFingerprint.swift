import Crypto
import Domain
import Foundation

/// What an imported referral keeps of its row, to tell in a later import whether the row changed: the SHA-256 of
/// the row's fingerprint (`ReferralRow.fingerprint`, everything the row says), in base64.
///
/// The fingerprint itself repeats the young person's name and date of birth in clear; a digest does not, so
/// anonymising a young person (`Retention`) leaves nothing identifying behind in it, and it still lets a later
/// import of the same file leave their referrals alone rather than write the names back. It is also a fifth of
/// the size (44 characters rather than about 214), which is a quarter of a referral's row: every import writes
/// one per row.
enum ImportFingerprint {
    /// The length of every stored digest; a fingerprint stored in clear (before `HashImportFingerprints`) is longer.
    static let storedLength = 44

    static func digest(of fingerprint: String) -> String {
        Data(SHA256.hash(data: Data(fingerprint.utf8))).base64EncodedString()
    }
}

extension ReferralRow {
    /// The digest stored with the referral this row imports.
    var storedFingerprint: String { ImportFingerprint.digest(of: fingerprint) }
}
