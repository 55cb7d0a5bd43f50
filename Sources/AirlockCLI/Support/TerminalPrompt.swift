import AirlockAWS
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks for a secret on the controlling terminal (`/dev/tty`), not on standard input or output, so it works
/// while stdout is captured (`credential_process`, `$(...)`). Nothing typed is echoed; Ctrl-C, and SIGTERM,
/// SIGHUP or SIGQUIT from elsewhere, restore the terminal and end the program.
struct TerminalPrompt: ~Copyable {
    private let fd: Int32

    /// The controlling terminal, or nil when there is none (CI, cron, a pipeline without a tty).
    init?() {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        self.fd = fd
    }

    deinit { close(fd) }

    enum Outcome {
        case line(String)
        /// Ctrl-C or Ctrl-D: the user gave up.
        case cancelled
    }

    /// Shows `prompt`, reads one line without echo, and moves to the next line.
    func readSecret(prompt: String) -> Outcome {
        write(prompt)
        var saved = termios()
        let isTerminal = tcgetattr(fd, &saved) == 0
        // A signal that ends this process while the terminal is raw puts it back first (a parent that is not a
        // shell would otherwise get a terminal without echo): armed before the terminal goes raw, disarmed after it
        // is back. A SIGHUP that nohup ignored is not ignored again afterwards; a prompt under nohup has no
        // terminal to ask on anyway.
        let guardian = isTerminal ? SignalInterception([SIGTERM, SIGHUP, SIGQUIT]) { [fd = self.fd, saved] _ in
            var settings = saved
            tcsetattr(fd, TCSAFLUSH, &settings)
            #if canImport(Glibc)
            _ = Glibc.write(fd, "\n", 1)
            #else
            _ = Darwin.write(fd, "\n", 1)
            #endif
        } : nil
        if isTerminal {
            var raw = saved
            // No echo, byte by byte, and Ctrl-C as a byte, so the terminal is always restored below.
            raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG)
            withUnsafeMutableBytes(of: &raw.c_cc) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
            tcsetattr(fd, TCSAFLUSH, &raw)
        }
        defer {
            if isTerminal { tcsetattr(fd, TCSAFLUSH, &saved) }
            guardian?.stop()
            write("\n")
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(fd, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else { return .cancelled }
            switch byte {
            case 0x0A, 0x0D: return .line(String(decoding: bytes, as: UTF8.self))
            case 0x03: return .cancelled
            case 0x04 where bytes.isEmpty: return .cancelled
            case 0x7F, 0x08: if !bytes.isEmpty { bytes.removeLast() }
            case 0x15: bytes.removeAll()  // Ctrl-U
            default: if bytes.count < 256 { bytes.append(byte) }
            }
        }
    }

    /// Writes a message to the terminal.
    func write(_ text: String) {
        var text = text
        text.withUTF8 { _ = DescriptorWrite.all(UnsafeRawBufferPointer($0), to: fd) }
    }
}
