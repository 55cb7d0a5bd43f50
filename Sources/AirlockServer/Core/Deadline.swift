import Foundation
import Synchronization

/// Runs `body`, or throws `timedOut` once `seconds` pass first. Then `body` is cancelled and left to end
/// on its own (a read of a request body ends with its connection at the latest): whoever waits here is free
/// at the deadline, whatever `body` waits on.
func withDeadline<T: Sendable>(_ seconds: TimeInterval, timedOut: any Error,
                               _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation, work: body, seconds: seconds, timedOut: timedOut)
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The work and the timer of one `withDeadline`: the first to end answers, the other is cancelled.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var tasks: [Task<Void, Never>] = []
        var finished: Result<T, any Error>?
    }
    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>, work: @escaping @Sendable () async throws -> T, seconds: TimeInterval,
               timedOut: any Error) {
        // Cancelled before it started: answer at once.
        if let finished = state.withLock({ state in state.continuation = continuation; return state.finished }) {
            finish(finished)
            return
        }
        let workTask = Task {
            do { self.finish(.success(try await work())) } catch { self.finish(.failure(error)) }
        }
        let timer = Task {
            try? await Task.sleep(for: .milliseconds(Int64(max(0, min(seconds, 86_400)) * 1000)))
            if !Task.isCancelled { self.finish(.failure(timedOut)) }
        }
        let alreadyOver = state.withLock { state in
            state.tasks = [workTask, timer]
            return state.finished != nil
        }
        if alreadyOver { [workTask, timer].forEach { $0.cancel() } }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            if state.finished == nil { state.finished = result }
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        guard let continuation else { return }
        continuation.resume(with: result)
        tasks.forEach { $0.cancel() }
    }
}
