extension OutcomeSums {
    /// Counts one case of the outcome cohort (a case closed in the period), SPEC §4's definitions case by case.
    /// The report's SQL (`AnnualReportQuery.outcomeSums`) sums the same over a period's closed cases in one pass;
    /// `OutcomeDefinitionTests` checks that the two agree on a generated fixture.
    public mutating func count(entry: ReferralRow.Measures?, exit: ReferralRow.Measures?) {
        let entry = entry ?? ReferralRow.Measures(), exit = exit ?? ReferralRow.Measures()
        cohort += 1
        if let before = entry.safety, let after = exit.safety {
            safetyPairs += 1
            if after > before { safetyImproved += 1 }
        }
        if let before = entry.mentalHealth, let after = exit.mentalHealth {
            mentalHealthPairs += 1
            if after > before { mentalHealthImproved += 1 }
        }
        if let progress = exit.goalProgress {
            goalRecorded += 1
            if progress == "positive" { goalPositive += 1 }
        }
        // The three reductions sum entry and exit over the cases with both.
        if let before = entry.criminogenicNeed, let after = exit.criminogenicNeed {
            criminogenicEntry += before
            criminogenicExit += after
        }
        if let before = entry.missingEpisodes, let after = exit.missingEpisodes {
            missingEntry += before
            missingExit += after
        }
        if let before = entry.offences, let after = exit.offences {
            offencesEntry += before
            offencesExit += after
        }
        if entry.countyLinesActive == true, let after = exit.countyLinesActive {
            countyLinesActiveAtEntry += 1
            if !after { countyLinesStopped += 1 }
        }
        if entry.familyConflict == true, let after = exit.familyConflict {
            conflictAtEntry += 1
            if !after { conflictEnded += 1 }
        }
        if let inEET = exit.eet {
            eetRecorded += 1
            if inEET { eetAtExit += 1 }
        }
    }
}
