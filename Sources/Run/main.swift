import App
import Foundation
import Logging
import Vapor

// Messages and logs go to standard error; standard output is kept for what commands print as data (SPEC §7).
var environment = try Environment.detect()
let variables = ProcessInfo.processInfo.environment
let level = variables["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
// JSON lines for log collectors in production (or LOG_FORMAT=json anywhere); plain text for people otherwise.
let json = (variables["LOG_FORMAT"] ?? (environment == .production ? "json" : "text")) == "json"
LoggingSystem.bootstrap { label in
    if json {
        var handler = JSONLogHandler(label: label)
        handler.logLevel = level
        return handler
    }
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = level
    return handler
}

let app = try await Application.make(environment)
do {
    try await configure(app)
    try await app.execute()
    // SIGTERM ends `execute`. Stop the HTTP server first and let requests in flight finish (Vapor would close
    // the database pools before the server, failing them); only then shut the rest down.
    let command = CommandLine.arguments.dropFirst().first ?? "serve"
    if command == "serve", let server = app.server as? HTTPServer { await (server.shutdown as () async -> Void)() }
} catch {
    FileHandle.standardError.write(Data("reachable: \(error)\n".utf8))
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
