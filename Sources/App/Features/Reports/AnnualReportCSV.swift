import Domain

/// The annual report as one long CSV table: `section,item,value,numerator,denominator,percent`. Cells are
/// neutralised against formula injection like every export.
enum AnnualReportCSV {
    static func render(_ report: AnnualReport) -> String {
        var rows: [[String]] = [["section", "item", "value", "numerator", "denominator", "percent"]]
        func count(_ section: String, _ item: String, _ value: Int?) {
            rows.append([section, item, value.map(String.init) ?? "", "", "", ""])
        }
        rows.append(["report", "region", report.region, "", "", ""])
        rows.append(["report", "period", "\(report.period.start) to \(report.period.end)", "", "", ""])
        let r = report.referrals
        count("referrals", "received", r.received)
        count("referrals", "met_criteria", r.metCriteria)
        count("referrals", "did_not_meet_criteria", r.didNotMeetCriteria)
        for reason in Eligibility.Reason.allCases {
            count("did_not_meet_reasons", reason.rawValue, r.didNotMeetReasons[reason.rawValue] ?? 0)
        }
        count("referrals", "engaged", r.engaged)
        count("referrals", "repeat", r.repeat)
        count("rescue", "requests", report.rescue.requests)
        count("rescue", "converted_to_support", report.rescue.convertedToSupport)
        rows.append(["rescue", "median_response_minutes", report.rescue.medianResponseMinutes.map(format) ?? "", "", "", ""])
        count("outreach", "sessions", report.outreach.sessions)
        count("outreach", "attendees", report.outreach.attendees)
        count("outcomes", "cohort", report.outcomes.cohort)
        for (key, metric) in report.outcomes.all {
            rows.append(["outcomes", key, "", String(metric.numerator), String(metric.denominator),
                         metric.percent.map(format) ?? ""])
        }
        let d = report.demographics
        for (section, counts) in [("age", d.age), ("gender", d.gender), ("ethnicity", d.ethnicity),
                                  ("referral_source", d.referralSource), ("exploitation_type", d.exploitationType),
                                  ("local_authority", d.localAuthority)] {
            for key in counts.keys.sorted(by: Self.demographicOrder) { count(section, key, counts[key]) }
        }
        return CSVExport.render(rows)
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Ages sort as numbers; everything else alphabetically.
    static func demographicOrder(_ a: String, _ b: String) -> Bool {
        if let x = Int(a), let y = Int(b) { return x < y }
        return a < b
    }
}

/// CSV written for spreadsheets: RFC 4180 quoting, CRLF line ends, and any cell that a spreadsheet would run as
/// a formula (starting `=`, `+`, `-`, `@`, tab or carriage return) prefixed with an apostrophe (SECURITY.md).
enum CSVExport {
    static func render(_ rows: [[String]]) -> String {
        rows.map { $0.map(cell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func cell(_ raw: String) -> String {
        var value = raw
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first),
           Double(value) == nil {
            value = "'" + value
        }
        // By scalar: a CRLF inside a cell is one Character, equal to neither "\r" nor "\n".
        if value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            value = "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}
