@testable import App
import NIOConcurrencyHelpers
import Testing
import VaporTesting

@Suite("Background work stops before the databases close")
struct RepeatingWorkTests {
    @Test("Stopping waits for the run under way to finish, and no run starts after it")
    func stopWaitsAndEnds() async throws {
        let app = try await Application.make(.testing)
        let work = RepeatingWork()
        let counts = NIOLockedValueBox((started: 0, finished: 0))
        work.start(on: app.eventLoopGroup.next(), initialDelay: .milliseconds(1), delay: .milliseconds(1)) {
            counts.withLockedValue { $0.started += 1 }
            try? await Task.sleep(for: .milliseconds(60))
            counts.withLockedValue { $0.finished += 1 }
        }
        try await Task.sleep(for: .milliseconds(30))
        #expect(counts.withLockedValue { $0 }.started == 1, "a run is under way when the instance stops")
        await work.stop()
        let atStop = counts.withLockedValue { $0 }
        #expect(atStop.finished == atStop.started, "stop() returned while a run was under way: \(atStop)")
        try await Task.sleep(for: .milliseconds(50))
        #expect(counts.withLockedValue { $0 }.started == atStop.started, "a run started after stop()")
        await work.stop()  // a second stop is harmless
        try await app.asyncShutdown()
    }
}
