/// The two services a referral is for (SPEC §2.1): ongoing support, or a rescue from where a young person is
/// held or stranded. The raw values are the `service` code list's seeded codes, stored on every referral.
public enum Service: String, CaseIterable, Sendable {
    case support
    case rescue
}
