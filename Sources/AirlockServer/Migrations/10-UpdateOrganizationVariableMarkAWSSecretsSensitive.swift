import Fluent

/// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` are always sensitive: rows stored before that rule (when a
/// member could read them through the API) are made sensitive.
struct UpdateOrganizationVariableMarkAWSSecretsSensitive: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await OrganizationVariable.query(on: database).filter(\.$key ~~ Array(VariableRules.alwaysSensitive))
            .set(\.$sensitive, to: true).update()
    }

    func revert(on database: any Database) async throws {}
}
