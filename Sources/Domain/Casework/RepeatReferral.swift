/// SPEC §4: a referral is a repeat when its young person already had a case closed before the referral was
/// received. The form, the API and the import decide it here; the import's SQL (`ReferralImport.markRepeats`)
/// applies the same rule to people already known, and a test checks the two agree on a fixture.
public enum RepeatReferral {
    public static func isRepeat(received: CivilDate, caseClosings: some Sequence<CivilDate>) -> Bool {
        caseClosings.contains { $0 < received }
    }
}
