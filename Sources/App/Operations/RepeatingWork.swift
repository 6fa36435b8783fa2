import NIOConcurrencyHelpers
import NIOCore

/// Work an instance repeats in the background while it serves (the lone-working check, the audit head, the
/// write-ahead log's checkpoint), stopped before what it uses closes. A run that began after the database pools
/// closed would find no database and end the process with a trap instead of a clean shutdown, and the error that
/// started the shutdown would never be printed. NIO's `RepeatedTask.cancel` does not wait for a run under way
/// (only for the next one not to start), so the run under way is kept here and awaited.
final class RepeatingWork: Sendable {
    private struct State {
        var task: RepeatedTask?
        var current: EventLoopFuture<Void>?
        var stopped = false
    }

    private let state = NIOLockedValueBox(State())

    /// Starts `work` on `loop` after `initialDelay`, and again `delay` after each run ends.
    func start(on loop: any EventLoop, initialDelay: TimeAmount, delay: TimeAmount, _ work: @escaping @Sendable () async -> Void) {
        let task = loop.scheduleRepeatedAsyncTask(initialDelay: initialDelay, delay: delay) { _ in
            self.state.withLockedValue { state in
                guard !state.stopped else { return loop.makeSucceededVoidFuture() }
                let run = loop.makeFutureWithTask { await work() }
                state.current = run
                return run
            }
        }
        state.withLockedValue { $0.task = task }
    }

    /// Cancels the next runs and waits for one under way to finish.
    func stop() async {
        let (task, current) = state.withLockedValue { state in
            state.stopped = true
            defer { state.task = nil; state.current = nil }
            return (state.task, state.current)
        }
        task?.cancel()
        try? await current?.get()
    }
}
