import App
import Foundation
import Logging
import Vapor

// Messages and logs go to standard error; standard output is kept for what commands print as data (SPEC §7).
var environment = try Environment.detect()
let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = level
    return handler
}

let app = try await Application.make(environment)
do {
    try await configure(app)
    try await app.execute()
} catch {
    FileHandle.standardError.write(Data("reachable: \(error)\n".utf8))
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
