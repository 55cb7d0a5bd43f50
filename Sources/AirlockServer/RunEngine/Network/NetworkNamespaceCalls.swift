import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `unshare(2)` and `setns(2)` for network namespaces, and bringing up a namespace's loopback. Glibc declares the
/// first two only for `_GNU_SOURCE`, which Swift's Glibc module does not define, so they are looked up in libc.
/// Every call here changes the *calling thread's* network namespace: only the `LauncherThread` makes them.
enum NetworkNamespaceCalls {
    private typealias Unshare = @convention(c) (Int32) -> Int32
    private typealias SetNS = @convention(c) (Int32, Int32) -> Int32
    private static let newNetwork: Int32 = 0x4000_0000  // CLONE_NEWNET

    /// Moves the calling thread into a new network namespace; returns 0 or -1 with errno set.
    static func enterNew() -> Int32 {
        guard let unshare = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "unshare") else { errno = ENOSYS; return -1 }
        return unsafeBitCast(unshare, to: Unshare.self)(newNetwork)
    }

    /// Moves the calling thread into the network namespace `descriptor`; returns 0 or -1 with errno set.
    static func enter(_ descriptor: Int32) -> Int32 {
        guard let setns = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns") else { errno = ENOSYS; return -1 }
        return unsafeBitCast(setns, to: SetNS.self)(descriptor, newNetwork)
    }

    /// A descriptor of the calling thread's network namespace.
    static func current() -> Int32 {
        open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
    }

    /// Brings up `lo` in the calling thread's network namespace (a new namespace's is down, without 127.0.0.1).
    static func bringUpLoopback() -> Int32 {
        let control = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard control >= 0 else { return -1 }
        defer { close(control) }
        var request = ifreq()
        withUnsafeMutableBytes(of: &request.ifr_ifrn.ifrn_name) { $0.copyBytes(from: Array("lo".utf8)) }
        guard ioctl(control, UInt(SIOCGIFFLAGS), &request) == 0 else { return -1 }
        request.ifr_ifru.ifru_flags |= Int16(IFF_UP)
        return ioctl(control, UInt(SIOCSIFFLAGS), &request)
    }
}
