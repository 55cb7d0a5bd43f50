import AirlockAWS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// NUL-separated arguments in an anonymous in-memory file (`memfd_create`), for bwrap's `--args`: what
/// it holds never appears in a process list and never touches a disk.
struct ArgumentFile {
    let descriptor: Int32

    private typealias MemoryFileCreate = @convention(c) (UnsafePointer<CChar>, UInt32) -> Int32
    private static let memoryFileCreate: MemoryFileCreate? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "memfd_create")
        .map { unsafeBitCast($0, to: MemoryFileCreate.self) }
    private static let closeOnExec: UInt32 = 1  // MFD_CLOEXEC

    init(_ arguments: [String]) throws {
        guard let create = Self.memoryFileCreate else {
            throw SpawnError("This C library has no memfd_create (glibc 2.27 or later needed).")
        }
        let descriptor = create("airlock-sandbox", Self.closeOnExec)
        guard descriptor >= 0 else {
            throw SpawnError("Cannot create the sandbox's argument file: \(String(cString: strerror(errno)))")
        }
        var bytes: [UInt8] = []
        for argument in arguments { bytes += Array(argument.utf8) + [0] }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                Glibc.close(descriptor)
                throw SpawnError("Cannot write the sandbox's argument file: \(String(cString: strerror(errno)))")
            }
            written += count
        }
        lseek(descriptor, 0, SEEK_SET)
        self.descriptor = descriptor
    }

    func close() {
        Glibc.close(descriptor)
    }
}
