import Fluent
import Prometheus
import Vapor

/// Prometheus metrics for operators, served at `/metrics` to a scraper that sends
/// `Authorization: Bearer REACHABLE_METRICS_TOKEN` (404 when the setting is unset, so the address reveals
/// nothing). Request counts and latencies by route pattern and status; write transactions in flight and
/// queued (every write goes through the write gate; reads are not counted); the pool's configured size; and,
/// measured at each scrape, lone-working visits overdue and not yet acknowledged.
final class OperationalMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private static let buckets: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                              .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                              .seconds(2.5), .seconds(5)]

    func recordRequest(method: String, route: String, status: UInt, duration: Duration) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(descriptor: .init(namespace: "reachable", metricName: "http_requests", unitName: "total",
                                               helpText: "HTTP requests by method, route pattern and status"),
                             labels: labels).increment()
        registry.makeDurationHistogram(descriptor: .init(namespace: "reachable", metricName: "http_request_duration",
                                                         unitName: "seconds", helpText: "Time to answer, by method and route pattern"),
                                       labels: [("method", method), ("route", route)], buckets: Self.buckets).record(duration)
    }

    func gauge(_ name: String, _ help: String) -> Gauge {
        registry.makeGauge(descriptor: .init(namespace: "reachable", metricName: name, unitName: "", helpText: help))
    }

    /// Brings the measured-at-scrape gauges up to date, then writes the exposition text.
    func exposition(app: Application) async throws -> String {
        let now = app.clock.now()
        let overdue = try await LoneWorkingVisit.query(on: app.db).filter(\.$checkedOutAt == nil)
            .filter(\.$acknowledgedAt == nil).filter(\.$expectedEnd < now).count()
        gauge("lone_working_overdue_visits", "Lone-working visits past their expected end, not checked out or acknowledged")
            .set(Double(overdue))
        let gate = try await app.writes.counts
        gauge("db_write_transactions_in_flight", "Write transactions running now").set(Double(gate.running))
        gauge("db_write_queue_waiting", "Writes waiting for the write gate (SQLite allows one writer at a time)")
            .set(Double(gate.waiting))
        gauge("db_pool_max_connections", "PostgreSQL connections allowed per event loop (REACHABLE_DB_POOL_SIZE)")
            .set(Double(try app.settings.databasePoolSize))
        return registry.emitToString()
    }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = OperationalMetrics }

    /// Set once by `configure`, before the server takes requests.
    var operationalMetrics: OperationalMetrics {
        get throws(NotConfigured) { try configured(MetricsKey.self, "The operational metrics") }
    }

    func use(_ metrics: OperationalMetrics) { storage[MetricsKey.self] = metrics }
}

/// `GET /metrics` for the scraper's token only.
struct MetricsController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .metrics, access: .open, use: scrape)
    }

    func scrape(req: Request) async throws -> Response {
        guard let expected = try req.application.settings.metricsToken,
              let sent = req.headers.bearerAuthorization?.token,
              SecretToken.hash(sent) == SecretToken.hash(expected) else { throw Abort(.notFound) }
        let response = Response(status: .ok, body: .init(string: try await req.application.operationalMetrics.exposition(app: req.application)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4"])
        return response
    }
}
