/// Outcome measures typed on a case page, checked by the same rules as the import's `entry_…`/`exit_…` columns.
public enum MeasuresForm {
    /// `cells` are keyed as the import's columns (`entry_safety`, `exit_eet`, `goal_progress`…).
    public static func parse(_ cells: [String: String], isEntry: Bool, context: ImportContext) -> Result<ReferralRow.Measures, ImportProblems> {
        var reader = CellReader(cells: cells, line: 0, context: context)
        let prefix = isEntry ? "entry" : "exit"
        var m = ReferralRow.Measures()
        m.safety = reader.integer("\(prefix)_safety", in: 1...10)
        m.mentalHealth = reader.integer("\(prefix)_mental_health", in: 1...10)
        m.criminogenicNeed = reader.integer("\(prefix)_criminogenic_need", in: 0...10)
        // Counts over three months: more than a few hundred is a typing slip, which would distort every total.
        m.missingEpisodes = reader.integer("\(prefix)_missing_episodes", in: 0...ReferralRow.Measures.largestCount)
        m.offences = reader.integer("\(prefix)_offences", in: 0...ReferralRow.Measures.largestCount)
        m.countyLinesActive = reader.yesNo("\(prefix)_county_lines_active")
        m.familyConflict = reader.yesNo("\(prefix)_family_conflict")
        m.eet = reader.yesNo("\(prefix)_eet")
        if !isEntry { m.goalProgress = reader.code("goal_progress", in: .goalProgress) }
        return reader.problems.isEmpty ? .success(m) : .failure(ImportProblems(reader.problems))
    }
}
