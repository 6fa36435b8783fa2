@testable import App
import Domain
import Foundation

/// Samples for the account pages, signing in, alerts and the error page.
extension TemplateSamples {
    static let account: [TemplateSample] = [
        TemplateSample("account/account", shows: "Sample Person 7f3") { _ in
            AccountPage(layout: layout("Your account"), name: "Sample Person 7f3", email: "sample@example.org", role: "Caseworker",
                        region: "Sample Region",
                        sessions: [.init(started: "28 May 2026 09:00", lastSeen: "28 May 2026 09:40", address: "192.0.2.1",
                                         browser: "Sample Browser", current: true, endPath: "/account/sessions/1/end")],
                        signOutEverywherePath: "/account/sign-out-everywhere",
                        tokens: [.init(name: "Sample feed", created: "1 May 2026", expires: "30 July 2026", lastUsed: "Never",
                                       readOnly: true, revokePath: "/account/tokens/1/revoke")],
                        tokenAction: "/account/tokens",
                        tokenFields: .init(tokenName: field("tokenName", "Police feed", error: "Enter a shorter name").drawn("Name"),
                                           expiresInDays: field("expiresInDays", "90").drawn("Days"),
                                           password: field("password").drawn("Your password", as: .password),
                                           code: field("code", error: "Enter the code").drawn("Code")),
                        tokenReadOnly: true, errorLinks: errorLinks(("tokenName", "Enter a shorter name")),
                        newToken: "sample-new-token")
        },
        TemplateSample("account/alerts", shows: "+447700900123") { _ in
            AlertContactPage(layout: layout("How you are alerted"), errorLinks: errorLinks(("phone", "Enter a mobile number")),
                             action: "/account/alerts", phone: field("phone", "+447700900999", error: "Enter a mobile number"),
                             email: field("email", "alerts@example.org"),
                             pendingNumber: "+447700900123", confirmPath: "/account/alerts/confirm",
                             code: field("code", error: "Enter the code we texted"), channel: field("channels", error: "Choose at least one way"),
                             channels: [.init(id: "channel-sms", value: "sms", label: "Text message", checked: true, off: nil),
                                        .init(id: "channel-call", value: "call", label: "Phone call", checked: false,
                                              off: "Calls are not set up")])
        },
        TemplateSample("account/kept", shows: "Sample kept note 7f3") { _ in
            KeptPage(layout: layout("Not yet saved"), items: [
                .init(id: "kept-1", what: "A contact on a case", keptAt: "28 May 2026 09:10", recordPath: "/cases/1",
                      fields: [.init(name: "Notes", value: "Sample kept note 7f3")], hidden: [.init(name: "notes", value: "Sample kept note 7f3")],
                      savePath: "/kept/1/save", discardPath: "/kept/1/discard"),
            ])
        },
        TemplateSample("account/still-here", shows: "28 May 2026 10:37") { _ in
            StillHerePage(layout: layout("You are still signed in"), until: "28 May 2026 10:37")
        },
    ]

    static let alertsAndAuth: [TemplateSample] = [
        TemplateSample("alerts/list", shows: "SAMPLE-AL-7F3") { _ in
            AlertsPage(layout: layout("Alerts"), open: [alertRow("SAMPLE-AL-7F3", open: true)], closed: [alertRow("SAMPLE-AL-OLD", open: false)],
                       undelivered: [.init(reference: "SAMPLE-AL-7F3", person: "Sample Manager", channel: "Text message",
                                           when: "28 May 2026 09:05", state: "Failed", reason: "Number not in service")],
                       accountAlertsPath: "/account/alerts", onCallPath: "/on-call")
        },
        TemplateSample("alerts/acknowledge", shows: "SAMPLE-ACK-7F3") { _ in
            AlertLinkPage(layout: layout("Alert"), alert: alertRow("SAMPLE-ACK-7F3", open: true), recipient: "Sample Manager",
                          acknowledgedNow: false, action: "/alerts/ack/sample", forSomeoneElse: false)
        },
        TemplateSample("auth/code", shows: "/sign-in/code-7f3") { _ in
            CodePage(layout: layout("Enter your code"), action: "/sign-in/code-7f3", code: field("code", "123", error: "Enter 6 digits"),
                     errorLinks: errorLinks(("code", "Enter 6 digits")))
        },
        TemplateSample("auth/enrol", shows: "SAMP LE7F 3ABC") { _ in
            EnrolPage(layout: layout("Set up your authenticator"), action: "/sign-in/enrol", secretGroups: "SAMP LE7F 3ABC",
                      provisioningURI: "otpauth://totp/Reachable:sample", code: field("code", error: "Enter 6 digits"),
                      errorLinks: errorLinks(("code", "Enter 6 digits")))
        },
        TemplateSample("auth/recovery-codes", shows: "sample-code-7f3") { _ in
            RecoveryCodesPage(layout: layout("Your recovery codes"), codes: ["sample-code-7f3", "sample-code-8a4"], continuePath: "/")
        },
        TemplateSample("auth/set-up", shows: "Sample set-up heading 7f3") { _ in
            SetupPage(layout: layout("Set up"), heading: "Sample set-up heading 7f3", firstAdmin: true, accountEmail: "new@example.org",
                      action: "/set-up/token", email: field("email", "new@example.org"), name: field("name", "Sample Admin"),
                      password: field("password", error: "Choose a longer password"), confirmation: field("confirmation"),
                      errorLinks: errorLinks(("password", "Choose a longer password")))
        },
        TemplateSample("auth/sign-in", shows: "Sample notice 7f3") { _ in
            SignInPage(layout: layout("Sign in"), action: "/sign-in", email: field("email", "sample@example.org"),
                       password: field("password", error: "Enter your password"), errorLinks: errorLinks(("password", "Enter your password")),
                       notice: "Sample notice 7f3")
        },
        TemplateSample("error", shows: "Sample problem 7f3") { _ in
            ErrorPage(layout: layout("Page not found"), title: "Page not found", message: "Sample problem 7f3", reference: "req-7f3")
        },
    ]

    /// A row of the alerts page, from an alert as stored: a silent alarm, open or acknowledged.
    static func alertRow(_ reference: String, open: Bool) -> AlertsPage.Row {
        let alert = Alert()
        let worker = UUID(), manager = UUID()
        alert.id = UUID()
        alert.kind = .duress
        alert.reference = reference
        alert.regionID = UUID()
        alert.subjectID = UUID()
        alert.episode = "1"
        alert.workerID = worker
        alert.raisedAt = when
        alert.step = 1
        alert.nextStepAt = when.addingTimeInterval(300)
        alert.acknowledgedAt = open ? nil : when.addingTimeInterval(120)
        alert.acknowledgedByID = open ? nil : manager
        alert.acknowledgedVia = open ? nil : "page"
        alert.resolvedAt = nil
        return AlertsPage.Row(alert, names: [worker: "Sample Worker", manager: "Sample Manager"], now: when.addingTimeInterval(60))
    }
}
