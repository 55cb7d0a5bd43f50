import Fluent

/// `mfa_authentications.counts_as_failure`: whether an attempt counts against the failure limit (a code
/// STS refused, or an attempt still waiting for STS), or not (success, STS unreachable, MFA not set up).
/// Older rows keep NULL and count as before: a failure counts.
struct UpdateMFAAuthenticationAddCountsAsFailure: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MFAAuthentication.schema).field("counts_as_failure", .bool).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MFAAuthentication.schema).deleteField("counts_as_failure").update()
    }
}
