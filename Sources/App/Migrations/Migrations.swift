import Fluent

/// Every migration, in order. A landed migration is never edited: a change is a new migration at the end.
/// Names are explicit so that renaming a type never runs a migration again.
enum Migrations {
    static let all: [any AsyncMigration] = [
        CreateReferenceData(),
        SeedReferenceData(),
        CreateUsers(),
        CreateSessions(),
        CreateAuditEvents(),
        CreateCasework(),
        AddPersonRetention(),
        CreateDataProtection(),
        CreateCaseRecords(),
        ExtendRescues(),
        CreatePathway(),
        CreateCaseRegisters(),
        CreateLoneWorking(),
        ExtendOutreach(),
        CreateStaffRecords(),
        CreatePartnerships(),
        CreateContexts(),
        CreateAPITokens(),
        AddReportIndexes(),
        AddAuditObjectIndex(),
        AddReportCoveringIndexes(),
        ReportFromReferralRow(),
        AddOutcomeMeasuresCoveringIndex(),
        CreateDataRevision(),
        AddPeopleMatchIndex(),
        StoreSQLiteKeysAsBytes(),
        HashImportFingerprints(),
        DropPeopleFoldedNameIndex(),
        RefoldNamesOfEveryScript(),
        CreateAccountApprovals(),
        AddSubjectAccessApproval(),
        CreateShareRequests(),
        AddSubjectAccessSeparateRecords(),
        AddClosureNote(),
        AddDuress(),
        AddSubjectAccessApprovedRecords(),
    ]
}
