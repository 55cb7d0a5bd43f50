import AsyncHTTPClient
import Crypto
import Fluent
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SQLKit

/// Sends due notification deliveries, on every server sharing the database: each claims one at a time (its
/// `nextAttemptAt` moved a lease ahead, so no other server sends it meanwhile), posts it, and records the
/// answer. Up to `maximumInFlight` go out at once, at most `perOrganization` of one organization, so receivers
/// that never answer delay only their own organization's notifications. A failed attempt is retried with growing
/// pauses (`retryBase` × 3ⁿ, at most an hour) up to `maximumAttempts`, counted from when it failed; nothing a
/// receiver does blocks a run.
struct NotificationSender: Sendable {
    static let maximumAttempts = 6
    /// How long a claimed delivery is this server's before another may send it.
    static let claimLease: TimeInterval = 60
    /// Deliveries this server sends at once, and of one organization.
    static let maximumInFlight = 8
    static let perOrganization = 2

    let database: any Database
    let secrets: SecretBox
    /// Where people reach this server's pages (the run's URL in a notification).
    let pagesAddress: String
    let retryBase: TimeInterval
    /// Whether receivers on loopback, private and link-local addresses are allowed (`NotificationAddress`).
    let allowPrivateAddresses: Bool
    let logger: Logger

    /// How notifications go out: a receiver that refuses the connection fails the attempt at once (no retrying until
    /// the timeout), and redirects are not followed.
    private static var configuration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }

    /// Deliveries one round attempts at most; the next round starts a second later.
    static let maximumPerRound = 500

    /// Sends every delivery due at `now` (the server's clock: one that comes due during the round waits for the next
    /// round, a second later), several at once and fairly between organizations, each at most once; returns how many
    /// it attempted.
    @discardableResult
    func deliverDue(now: Date) async throws -> Int {
        try await withThrowingTaskGroup(of: UUID.self) { group in
            var sending: [UUID: Int] = [:]  // organization → deliveries being sent
            var attemptedIDs: [UUID] = []
            var running = 0
            while true {
                let full = sending.filter { $0.value >= Self.perOrganization }.map(\.key)
                if running < Self.maximumInFlight, attemptedIDs.count < Self.maximumPerRound,
                   let (id, organization) = try await claimNext(now: now, skipping: full, attempted: attemptedIDs) {
                    sending[organization, default: 0] += 1
                    running += 1
                    attemptedIDs.append(id)
                    group.addTask { try await deliver(id, claimedAt: now); return organization }
                    continue
                }
                guard running > 0, let done = try await group.next() else { break }
                running -= 1
                sending[done] = (sending[done] ?? 1) - 1
            }
            return attemptedIDs.count
        }
    }

    /// Sends due deliveries every second until `task` is canceled.
    func loop(clock: ServerClock) async {
        while !Task.isCancelled {
            do {
                try await deliverDue(now: clock.now)
            } catch {
                logger.error("Sending notifications failed: \(error)")
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Claims the next due delivery of an organization not in `skipping`, not one of `attempted`; returns it and
    /// its organization.
    private func claimNext(now: Date, skipping organizations: [UUID], attempted: [UUID]) async throws -> (UUID, UUID)? {
        let sql = try database.sql
        let skipLocked: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let table = SQLIdentifier(NotificationDelivery.schema)
        let (id, status, due) = (NotificationDelivery.column(\.$id), NotificationDelivery.column(\.$status), NotificationDelivery.column(\.$nextAttemptAt))
        let (destination, destinations) = (NotificationDelivery.column(\.$destination.$id), SQLIdentifier(NotificationDestination.schema))
        let (destinationID, organization) = (NotificationDestination.column(\.$id), NotificationDestination.column(\.$organization.$id))
        let skipped: SQLQueryString = organizations.isEmpty ? ""
            : " AND d.\(destination) NOT IN (SELECT x.\(destinationID) FROM \(destinations) x WHERE x.\(organization) IN (\(binds: organizations)))"
        let again: SQLQueryString = attempted.isEmpty ? "" : " AND d.\(id) NOT IN (\(binds: attempted))"
        let moment = now.timeIntervalSince1970
        let rows = try await sql.raw("""
            UPDATE \(table) SET \(due) = \(bind: moment + Self.claimLease)
            WHERE \(id) = (SELECT d.\(id) FROM \(table) d WHERE d.\(status) = \(bind: NotificationDelivery.Status.pending.rawValue)
                           AND d.\(due) <= \(bind: moment)\(skipped)\(again) ORDER BY d.\(due) LIMIT 1\(skipLocked))
              AND \(due) <= \(bind: moment)
            RETURNING \(id)
            """).all()
        guard let claimed = try rows.first?.decode(column: id.string, as: UUID.self),
              let delivery = try await NotificationDelivery.query(on: database).filter(\.$id == claimed).with(\.$destination).first() else { return nil }
        return (claimed, delivery.destination.$organization.id)
    }

    /// Sends one claimed delivery and records how it went, at the time it did (not when the round started).
    private func deliver(_ id: UUID, claimedAt now: Date) async throws {
        guard let delivery = try await NotificationDelivery.query(on: database).filter(\.$id == id).with(\.$destination).first() else { return }
        let destination = delivery.destination
        let destinationID = try destination.requireID()
        var outcome: (status: Int?, error: String?)
        do {
            let url = try secrets.unseal(destination.urlSealed, boundTo: NotificationDestination.context("url", of: destinationID))
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "Airlock-Notifications")
            let body = try self.body(of: delivery, for: destination.kind)
            if let sealed = destination.signingSecretSealed {
                let secret = try secrets.unseal(sealed, boundTo: NotificationDestination.context("secret", of: destinationID))
                let timestamp = String(Int(max(now, Date()).timeIntervalSince1970))
                request.headers.add(name: "X-Airlock-Event", value: delivery.event.rawValue)
                request.headers.add(name: "X-Airlock-Delivery", value: id.uuidString.lowercased())
                request.headers.add(name: "X-Airlock-Timestamp", value: timestamp)
                request.headers.add(name: "X-Airlock-Signature", value: "v1=" + Self.signature(body, timestamp: timestamp, secret: secret))
            }
            request.body = .bytes(ByteBuffer(bytes: body))
            let status = try await send(request, to: url)
            outcome = (status, (200..<300).contains(status) ? nil : "The receiver answered \(status).")
        } catch let refusal as NotificationAddressRefusal {
            outcome = (nil, "Not delivered: \(refusal).")
        } catch {
            // The error names neither the URL nor its secret: only what went wrong.
            outcome = (nil, "Not delivered: \(Self.reason(error)).")
        }
        // On the server's clock, as the round claimed it: the pause counts from the round that attempted it.
        let finished = now.timeIntervalSince1970
        delivery.attempts += 1
        delivery.lastResponseStatus = outcome.status
        delivery.lastError = outcome.error
        if outcome.error == nil {
            delivery.status = .delivered
            delivery.deliveredAt = finished
        } else if delivery.attempts >= Self.maximumAttempts {
            delivery.status = .failed
        } else {
            delivery.nextAttemptAt = finished + min(3600, retryBase * pow(3, Double(delivery.attempts - 1)))
        }
        try await delivery.save(on: database)
    }

    /// Posts `request`; returns the answer's status. The host is resolved first and, unless private addresses are
    /// allowed, checked (`NotificationAddress`); the request then goes to that very address (a client of its own pins
    /// it, so no second DNS answer can point it elsewhere; TLS still checks the certificate against the name).
    private func send(_ request: HTTPClientRequest, to url: String) async throws -> Int {
        guard let host = URLComponents(string: url)?.host, !host.isEmpty else { throw NotificationAddressRefusal.unresolvable(url) }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let address = try await NotificationAddress.resolved(host: bare, allowingPrivate: allowPrivateAddresses)
        var configuration = Self.configuration
        configuration.dnsOverride = [bare: address]
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            let status = try await status(of: request, on: client)
            try await client.shutdown()
            return status
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func status(of request: HTTPClientRequest, on client: HTTPClient) async throws -> Int {
        let response = try await client.execute(request, timeout: .seconds(10))
        _ = try? await response.body.collect(upTo: 64 << 10)
        return Int(response.status.code)
    }

    /// What is posted: the event's JSON with the run's page URL (a webhook), or a Slack message's `text`.
    private func body(of delivery: NotificationDelivery, for kind: NotificationDestination.Kind) throws -> Data {
        guard var object = try JSONSerialization.jsonObject(with: Data(delivery.payload.utf8)) as? [String: Any] else { return Data() }
        var run = object["run"] as? [String: Any]
        if let path = run?["path"] as? String { run?["url"] = pagesAddress + path }
        object["run"] = run
        switch kind {
        case .webhook:
            return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        case .slack:
            let place = "\(object["organization"] as? String ?? "")/\(object["environment"] as? String ?? "")"
            let link = (run?["url"] as? String).map { " <\($0)|Open the run>" } ?? ""
            return try JSONSerialization.data(withJSONObject: ["text": "Airlock \(place): \(object["detail"] as? String ?? "")\(link)"],
                                              options: [.sortedKeys, .withoutEscapingSlashes])
        }
    }

    /// The signature a receiver checks: HMAC-SHA256 of `timestamp.body` with the destination's signing secret, hex.
    static func signature(_ body: Data, timestamp: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data((timestamp + ".").utf8) + body, using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    private static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connect") { return "the receiver could not be reached" }
        if text.contains("deadline") || text.contains("imeout") { return "the receiver did not answer within 10 seconds" }
        return "the request failed"
    }
}
