import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// For a while, signals that would end this process first run `before` (pass the signal on to a child, give the
/// terminal back), then end it as they would have. A signal this process was started ignoring (SIGHUP under `nohup`,
/// as `ProcessImage.recordInheritedSignals` noted) stays ignored and is not intercepted. `stop()` gives each signal
/// back the handling it had (an interception's around it nest).
public final class SignalInterception {
    private let previous: [(number: Int32, action: sigaction)]
    private let sources: [any DispatchSourceSignal]

    public init(_ signals: [Int32], before: @escaping @Sendable (Int32) -> Void) {
        var previous: [(Int32, sigaction)] = []
        let inheritedIgnored = ProcessImage.inheritedIgnoredSignals
        for number in signals where !inheritedIgnored.contains(number) {
            var old = sigaction()
            guard sigaction(number, nil, &old) == 0 else { continue }
            previous.append((number, old))
        }
        self.previous = previous
        sources = previous.map { number, _ in
            signal(number, SIG_IGN)  // delivered to the source below instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                before(number)
                Self.raiseWithDefaultHandling(number)
            }
            source.resume()
            return source
        }
    }

    /// Each signal has the handling it had before (restored before the sources go, so none falls between them).
    public func stop() {
        for (number, action) in previous {
            var action = action
            sigaction(number, &action, nil)
        }
        for source in sources { source.cancel() }
    }

    /// Ends this process as `number` would by default (its default handling restored, unblocked, raised).
    public static func raiseWithDefaultHandling(_ number: Int32) {
        signal(number, SIG_DFL)
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, number)
        pthread_sigmask(SIG_UNBLOCK, &only, nil)
        raise(number)
    }

    /// Whether `action` ignores its signal (`SIG_IGN`).
    static func isIgnored(_ action: sigaction) -> Bool {
        #if canImport(Glibc)
        let handler = action.__sigaction_handler.sa_handler
        #else
        let handler = action.__sigaction_u.__sa_handler
        #endif
        return action.sa_flags & SA_SIGINFO == 0 && unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }
}
