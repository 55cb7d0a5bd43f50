import Foundation
import Vapor

/// How long the server waits on its clients, and how many uploads of one organization it reads at once: a
/// client that stalls costs its own organization a slot for `bodyTimeout` at most, never the whole server's.
public struct RequestLimits: Sendable {
    /// How long an upload's body may take to arrive, from its first read to its last byte.
    public var bodyTimeout: TimeInterval = 120
    /// A connection with nothing read or written for this long is closed: longer than clients keep idle
    /// connections for reuse (AsyncHTTPClient 60 s), so none sends on one being closed (a log being followed writes a
    /// heartbeat every second, so it is never idle). Vapor's idle handler also counts a request the server is still
    /// answering with no byte moving (an upload waiting for its organization's slot): five minutes outlasts those waits
    /// (bounded by `bodyTimeout`); an idle handler that counts only between requests would be better.
    public var idleTimeout: TimeInterval = 300
    /// Uploads of one organization read and checked at once; the next waits, its body unread.
    public var uploadsPerOrganization = 2

    public init() {}
}

extension Application {
    private struct RequestLimitsKey: StorageKey {
        typealias Value = RequestLimits
    }

    private struct UploadPermitsKey: StorageKey {
        typealias Value = KeyedPermits<UUID>
    }

    /// Each organization's upload slots (`RequestLimits.uploadsPerOrganization`); set by `configure`.
    var uploadPermits: KeyedPermits<UUID> {
        get { configured(UploadPermitsKey.self) }
        set { storage[UploadPermitsKey.self] = newValue }
    }

    /// This server's request limits; set by `configure`.
    var requestLimits: RequestLimits {
        get { configured(RequestLimitsKey.self) }
        set { storage[RequestLimitsKey.self] = newValue }
    }
}
