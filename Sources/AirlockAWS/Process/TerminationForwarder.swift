import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// While a child runs, SIGTERM and SIGHUP sent to this process go to the child first, then end this process as
/// they would have: a `credential_process` or `mfa_process` does not outlive an airlock that was told to stop.
final class TerminationForwarder {
    static let signals = [SIGTERM, SIGHUP]
    private let sources: [any DispatchSourceSignal]

    init(child: pid_t) {
        sources = Self.signals.map { number in
            signal(number, SIG_IGN)  // delivered to the source below instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                kill(child, number)
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

    /// The child ended: the signals' default handling is back.
    func stop() {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }
}
