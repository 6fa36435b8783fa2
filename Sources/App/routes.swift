import Vapor

/// The site map: one line per feature. Each controller registers its routes with an access rule.
func routes(_ app: Application) throws {
    app.on(.GET, .health, access: .open) { _ in HTTPStatus.ok }
    // Ready: the database answers and every migration has run (no data in the answer).
    app.on(.GET, .ready, access: .open) { req async throws -> HTTPStatus in
        let pending = try await req.application.migrator.previewPrepareBatch().get().count
        return pending == 0 ? .ok : .serviceUnavailable
    }
    SignInController().register(app)
    SecondFactorController().register(app)
    SetupController().register(app)
    HomeController().register(app)
    AccountController().register(app)
    UsersAdminController().register(app)
    AccountApprovalsController().register(app)
    RegionsAdminController().register(app)
    CodeListsAdminController().register(app)
    ReportsController().register(app)
    ReferralsController().register(app)
    FrontDoorController().register(app)
    PartnerReferralsController().register(app)
    PartnerDomainsAdminController().register(app)
    AttachmentsController().register(app)
    ScreeningController().register(app)
    PeopleController().register(app)
    SearchController().register(app)
    SessionTimeoutController().register(app)
    ImportsController().register(app)
    AuditLogController().register(app)
    DataProtectionController().register(app)
    ShareRequestsController().register(app)
    CasesController().register(app)
    CaseRecordsController().register(app)
    RescuesController().register(app)
    PathwayController().register(app)
    LoneWorkingController().register(app)
    OnCallController().register(app)
    AlertsController().register(app)
    AlertContactController().register(app)
    TwilioWebhooksController().register(app)
    OutreachController().register(app)
    StaffController().register(app)
    PartnershipsController().register(app)
    ContextsController().register(app)
    APITokensController().register(app)
    APIReferralsController().register(app)
    APICasesController().register(app)
    APIRescuesReportsController().register(app)
    APIAttachmentsController().register(app)
    MetricsController().register(app)
}
