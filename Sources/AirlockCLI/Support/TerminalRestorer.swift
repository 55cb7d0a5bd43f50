import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// While a prompt holds the terminal raw, SIGTERM, SIGHUP and SIGQUIT restore the terminal's settings and then end
/// the process as the signal would have: a parent that is not a shell (an editor, Terraform) would otherwise get
/// back a terminal without echo.
final class TerminalRestorer {
    static let signals = [SIGTERM, SIGHUP, SIGQUIT]
    private let sources: [any DispatchSourceSignal]

    init(fd: Int32, saved: termios) {
        sources = Self.signals.map { number in
            signal(number, SIG_IGN)  // delivered to the source below instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                var settings = saved
                tcsetattr(fd, TCSAFLUSH, &settings)
                _ = write(fd, "\n", 1)
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

    /// The prompt is over: the signals' default handling is back (a SIGHUP that `nohup` ignored is not ignored
    /// again; a prompt under nohup has no terminal to ask on anyway).
    func disarm() {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }
}
