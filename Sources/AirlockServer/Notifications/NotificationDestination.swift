import Fluent
import Foundation

/// Where an organization's notifications go: a generic webhook (JSON, signed with an HMAC the receiver checks)
/// or a Slack-compatible incoming webhook. The URL (which often holds a secret) and the signing secret are
/// sealed at rest and never shown again; only the URL's host is.
final class NotificationDestination: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or task that loaded it.
    static let schema = "notification_destinations"

    enum Kind: String, Codable, Sendable, CaseIterable {
        case webhook
        case slack
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Enum(key: "kind") var kind: Kind
    /// The URL's host, to tell destinations apart without revealing the URL.
    @Field(key: "host") var host: String
    @Field(key: "url_sealed") var urlSealed: String
    /// The HMAC key of a webhook's signatures (nil for Slack).
    @OptionalField(key: "signing_secret_sealed") var signingSecretSealed: String?
    @Field(key: "created_at") var createdAt: Double

    init() {}

    init(id: UUID, organizationID: UUID, kind: Kind, host: String, urlSealed: String, signingSecretSealed: String?, at time: Date) {
        self.id = id
        self.$organization.id = organizationID
        self.kind = kind
        self.host = host
        self.urlSealed = urlSealed
        self.signingSecretSealed = signingSecretSealed
        self.createdAt = time.timeIntervalSince1970
    }

    /// What a sealed URL or secret is bound to: this destination and the field.
    static func context(_ field: String, of id: UUID) -> String { "notification-\(field):\(id.uuidString)" }
}
