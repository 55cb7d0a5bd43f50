import Crypto
import Fluent
import Foundation

/// An organization's notifications: owners add and remove destinations and see every delivery; events are
/// recorded as deliveries in the database (in the transaction of what caused them, never waiting for a
/// receiver) and sent by `NotificationSender`.
enum Notifications {
    /// A destination as owners see it; `signingSecret` only when it is made (shown once).
    struct Created: Sendable {
        let destination: NotificationDestination
        let signingSecret: String?
    }

    /// Destinations an organization may have: each delivery is a post of the server's, and receivers that never
    /// answer cost it connections.
    static let maximumDestinations = 20

    static func add(_ kind: NotificationDestination.Kind, url: String, in organization: String, actorID: UUID, secrets: SecretBox, at time: Date,
                    on database: any Database) async throws -> Created {
        let owned = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database)
        guard url.count <= 2048, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
              let host = parsed.host(), !host.isEmpty else {
            throw NotificationRefusal.invalidURL(url)
        }
        let organizationID = owned.organizationID
        let id = UUID()
        let secret = kind == .webhook ? "whsec_" + Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64URLEncodedString : nil
        let destination = NotificationDestination(
            id: id, organizationID: organizationID, kind: kind, host: host,
            urlSealed: try secrets.seal(url, boundTo: NotificationDestination.context("url", of: id)),
            signingSecretSealed: try secret.map { try secrets.seal($0, boundTo: NotificationDestination.context("secret", of: id)) }, at: time)
        try await database.transaction { database in
            // Counted and added under the organization's row lock: two additions at once cannot pass the cap together.
            try await RowLock.lock(Organization.schema, id: organizationID, on: database)
            let count = try await NotificationDestination.query(on: database).filter(\.$organization.$id == organizationID).count()
            guard count < maximumDestinations else { throw NotificationRefusal.tooManyDestinations(maximumDestinations) }
            try await destination.create(on: database)
        }
        return Created(destination: destination, signingSecret: secret)
    }

    static func list(in organization: String, actorID: UUID, on database: any Database) async throws -> [NotificationDestination] {
        let owned = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database)
        return try await NotificationDestination.query(on: database).filter(\.$organization.$id == owned.organizationID).sort(\.$createdAt).all()
    }

    static func remove(_ id: UUID, in organization: String, actorID: UUID, on database: any Database) async throws {
        let owned = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database)
        guard let destination = try await NotificationDestination.query(on: database).filter(\.$id == id)
            .filter(\.$organization.$id == owned.organizationID).first() else { throw NotificationRefusal.notFound }
        try await destination.delete(on: database)
    }

    /// The organization's newest deliveries (at most `limit`), with their destinations.
    static func deliveries(in organization: String, actorID: UUID, limit: Int = 100, on database: any Database) async throws -> [NotificationDelivery] {
        let owned = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database)
        return try await NotificationDelivery.query(on: database).join(NotificationDestination.self, on: \NotificationDelivery.$destination.$id == \NotificationDestination.$id)
            .filter(NotificationDestination.self, \.$organization.$id == owned.organizationID)
            .with(\.$destination).sort(\.$createdAt, .descending).limit(limit).all()
    }

    /// Records `event` about the environment (and its run, if any) for every destination of its organization.
    static func record(_ event: NotificationEvent, environmentID: UUID, runID: UUID?, detail: String, at time: Date,
                       on database: any Database) async throws {
        guard let environment = try await TerraformEnvironment.query(on: database).filter(\.$id == environmentID).with(\.$organization).first()
        else { return }
        let destinations = try await NotificationDestination.query(on: database).filter(\.$organization.$id == environment.$organization.id)
            .field(\.$id).all()
        guard !destinations.isEmpty else { return }
        var body: [String: Any] = ["event": event.rawValue, "detail": detail, "organization": environment.organization.name,
                                   "environment": environment.name, "at": time.iso8601]
        if let runID, let run = try await Run.find(runID, on: database) {
            body["run"] = ["id": runID.uuidString.lowercased(), "number": run.number, "state": run.state.rawValue, "message": run.message,
                           "createdBy": run.createdBy, "path": RunPages.path(environment.organization.name, environment.name, run: runID)]
        }
        let payload = String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        for destination in destinations {
            try await NotificationDelivery(destinationID: try destination.requireID(), event: event, payload: payload, at: time).save(on: database)
        }
    }

    /// What a run's move to `state` tells destinations, if anything: it waits for people (planned, or a policy
    /// override), it applied, it errored.
    static func runMoved(_ runID: UUID, to state: RunState, on database: any Database) async throws {
        guard [.planned, .policyOverride, .applied, .errored].contains(state),
              let run = try await Run.query(on: database).filter(\.$id == runID).first() else { return }
        let now = Date()
        switch state {
        case .planned where run.autoApply != true:
            let waitsFor = run.mfaLevel.requiresMFA(for: .apply) ? "an MFA token code for its apply" : "the confirmation of its apply"
            try await record(.runWaiting, environmentID: run.$environment.id, runID: runID,
                             detail: "Run #\(run.number) is planned and waits for \(waitsFor).", at: now, on: database)
        case .policyOverride:
            try await record(.runWaiting, environmentID: run.$environment.id, runID: runID,
                             detail: "Run #\(run.number) is planned, and a soft-mandatory policy failed: it waits for an owner's override.",
                             at: now, on: database)
        case .applied:
            try await record(.runApplied, environmentID: run.$environment.id, runID: runID, detail: "Run #\(run.number) applied.", at: now, on: database)
        case .errored:
            try await record(.runErrored, environmentID: run.$environment.id, runID: runID,
                             detail: "Run #\(run.number) errored: \(run.errorMessage ?? "see its log").", at: now, on: database)
        default:
            return
        }
    }
}
