import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// For a while, signals that would end this process first run `before` (pass the signal on to a child, give the
/// terminal back), then end it as they would have. `stop()` gives the signals their default handling back.
public final class SignalInterception {
    private let signals: [Int32]
    private let sources: [any DispatchSourceSignal]

    public init(_ signals: [Int32], before: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        sources = signals.map { number in
            signal(number, SIG_IGN)  // delivered to the source below instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                before(number)
                signal(number, SIG_DFL)
                var only = sigset_t()
                sigemptyset(&only)
                sigaddset(&only, number)
                pthread_sigmask(SIG_UNBLOCK, &only, nil)
                raise(number)
            }
            source.resume()
            return source
        }
    }

    /// The signals' default handling is back.
    public func stop() {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
}
