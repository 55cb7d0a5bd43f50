import Foundation
import NIOPosix

/// Where a notification may be sent. An organization's owners name the URL, but the server sends it from inside its
/// own network: unless the operator allows private addresses (`--notification-private-addresses`), a host that
/// resolves to a loopback, private, link-local (cloud instance metadata), shared, multicast or reserved address is
/// refused, and a public one is connected to at exactly the address checked (no second DNS answer in between).
enum NotificationAddress {
    /// The threads lookups block on: a pool of their own, so that name servers that never answer hold these, not the
    /// threads logins and archive checks need.
    private static let lookups: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: NotificationSender.maximumInFlight)
        pool.start()
        return pool
    }()

    /// The address to connect to for `host`: the first it resolves to, when every one is public (or private ones are allowed).
    static func resolved(host: String, allowingPrivate: Bool) async throws -> String {
        let addresses: [IPAddress]
        do {
            addresses = try await lookups.runIfActive { try IPAddress.resolve(host) }
        } catch is IPAddressError {
            throw NotificationAddressRefusal.unresolvable(host)
        }
        guard let first = addresses.first else { throw NotificationAddressRefusal.unresolvable(host) }
        guard allowingPrivate || addresses.allSatisfy(\.isPublic) else { throw NotificationAddressRefusal.privateAddress(host) }
        return first.description
    }
}

/// Why a notification was not sent to an address.
enum NotificationAddressRefusal: Error, CustomStringConvertible {
    case privateAddress(String)
    case unresolvable(String)

    var description: String {
        switch self {
        case let .privateAddress(host):
            "\(host) is a loopback, private or link-local address, which this server does not send notifications to "
                + "(its operator allows them with airlock serve --notification-private-addresses)"
        case let .unresolvable(host): "\(host) could not be resolved"
        }
    }
}
