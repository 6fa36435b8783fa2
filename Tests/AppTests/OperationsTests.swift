@testable import App
import Foundation
import Logging
import Testing
import VaporTesting

@Suite("Operations: request ids, JSON logs, metrics")
struct OperationsTests {
    @Test("Every answer carries a request id; a proxy's plain id is kept, anything else replaced; error pages quote it")
    func requestIDs() async throws {
        try await withApp { app in
            let own = try await app.testing().sendRequest(.GET, SiteURL.health.path)
            let id = try #require(own.headers.first(name: "X-Request-Id"))
            #expect(id.count >= 16)
            let kept = try await app.testing().sendRequest(.GET, SiteURL.health.path, headers: ["X-Request-Id": "nginx-4f2a9c"])
            #expect(kept.headers.first(name: "X-Request-Id") == "nginx-4f2a9c")
            let replaced = try await app.testing().sendRequest(.GET, SiteURL.health.path, headers: ["X-Request-Id": "<script>"])
            #expect(replaced.headers.first(name: "X-Request-Id") != "<script>")
            let missing = try await app.testing().sendRequest(.GET, "/no-such-page", headers: ["X-Request-Id": "trace-77"])
            #expect(missing.status == .notFound)
            #expect(missing.body.string.contains("trace-77"), "the error page's reference is the request id")
        }
    }

    @Test("JSON log lines: one object per line with time, level, message and the request id")
    func jsonLines() throws {
        var handler = JSONLogHandler(label: "codes.vapor.request")
        handler[metadataKey: "request-id"] = "abc-123"
        let event = LogEvent(level: .info, message: "GET /cases/:caseID 200", metadata: ["duration_ms": "3.2"],
                             source: nil, file: #fileID, function: #function, line: #line)
        let data = try #require(handler.line(for: event))
        #expect(data.last == 0x0A)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        #expect(object["request-id"] == "abc-123")
        #expect(object["message"] == "GET /cases/:caseID 200")
        #expect(object["level"] == "info")
        #expect(object["duration_ms"] == "3.2")
        #expect(object["time"]?.hasPrefix("20") == true)
    }

    @Test("/metrics is 404 without its setting or the token, and with it counts requests by route and overdue visits")
    func metrics() async throws {
        try await withApp { app in
            #expect(try await app.testing().sendRequest(.GET, SiteURL.metrics.path).status == .notFound)
            var settings = try app.settings
            settings.metricsToken = "scraper-token-0123456789abcdef"
            app.use(settings)
            #expect(try await app.testing().sendRequest(.GET, SiteURL.metrics.path,
                                                        headers: ["Authorization": "Bearer wrong-token"]).status == .notFound)
            _ = try await app.testing().sendRequest(.GET, SiteURL.health.path)
            let caseworker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(caseworker)
            try await browser.get(SiteURL.loneWorking.path)
            try await browser.post(SiteURL.loneWorking.path, ["place": "Youth centre",
                                                               "expectedEnd": CasePage.localInput(app.clock.now().addingTimeInterval(600))])
            app.clock.advance(by: 1200)
            let scrape = try await app.testing().sendRequest(.GET, SiteURL.metrics.path,
                                                             headers: ["Authorization": "Bearer scraper-token-0123456789abcdef"])
            #expect(scrape.status == .ok)
            let text = scrape.body.string
            #expect(text.contains(#"reachable_http_requests_total{method="GET",route="/health",status="200"} 1"#), "\(text.prefix(2000))")
            #expect(text.contains(#"reachable_http_request_duration_seconds_bucket{method="POST",route="/lone-working""#))
            #expect(text.contains("reachable_lone_working_overdue_visits 1"))
            #expect(text.contains("reachable_db_pool_max_connections"))
            #expect(!text.contains(caseworker.email) && !text.contains("Youth centre"), "no personal data in metrics")
        }
    }

    @Test("An address longer than any file's path is not found, not a server error")
    func longPath() async throws {
        try await withApp { app in
            for length in [300, 1_100, 5_000] {
                let response = try await app.testing().sendRequest(.GET, "/" + String(repeating: "A", count: length))
                #expect(response.status == .notFound, "\(length) characters")
            }
        }
    }
}
