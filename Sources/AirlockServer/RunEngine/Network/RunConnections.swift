import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The open connections of one run phase's network (from the run, and out of it), so that a run holds at most
/// `limit` of the server's descriptors and threads at once, and every one of them ends with the phase. A
/// descriptor is closed only here, under the lock, so `stopAll` never shuts down a number that was reused.
final class RunConnections: Sendable {
    /// The most connections one phase has open at once (each side of a tunnel counts).
    static let limit = 256
    /// How long a read or write on a connection may wait: an idle request head, a peer that stopped reading.
    static let timeout = timeval(tv_sec: 60, tv_usec: 0)

    private struct Open {
        var descriptors: Set<Int32> = []
        var stopped = false
    }

    private let open = Mutex(Open())

    /// Takes on `descriptor` (and sets its timeouts); false, with the descriptor closed, when the phase has ended
    /// or holds `limit` connections already.
    func admit(_ descriptor: Int32) -> Bool {
        var timeout = Self.timeout
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let admitted = open.withLock { open in
            guard !open.stopped, open.descriptors.count < Self.limit else { return false }
            open.descriptors.insert(descriptor)
            return true
        }
        if !admitted { Glibc.close(descriptor) }
        return admitted
    }

    /// Closes an admitted connection.
    func close(_ descriptor: Int32) {
        open.withLock { open in
            if open.descriptors.remove(descriptor) != nil { Glibc.close(descriptor) }
        }
    }

    /// Whether the phase has ended.
    var isStopped: Bool { open.withLock { $0.stopped } }

    /// Ends every open connection (a blocked read, write or poll on it returns) and admits no more.
    func stopAll() {
        open.withLock { open in
            open.stopped = true
            for descriptor in open.descriptors { shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
    }
}
