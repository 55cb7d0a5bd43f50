@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The one variable store, for both scopes: who may write, what a run gets, parallel writers, and values
/// bound to their scope.
@Suite struct VariableStoreTests {
    static let scopes: [VariableScope] = [.organization("acme"), .environment(organization: "acme", environment: "prod")]

    @Test(arguments: scopes)
    func parallelWritersOfOneKeyLeaveOneVariableWithOneOfTheirValues(_ scope: VariableScope) async throws {
        try await ServerFixture.with { fixture in
            try await fixture.environment()
            let olivia = try await fixture.user("olivia").requireID()
            let (secrets, database) = (fixture.app.secretBox, fixture.app.db)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        try await Variables.set("REGION", value: "eu-\(index)", sensitive: false, in: scope, actorID: olivia, secrets: secrets, on: database)
                    }
                }
                try await group.waitForAll()
            }
            let listed = try await Variables.list(scope, actorID: olivia, secrets: secrets, on: database)
            #expect(listed.map(\.key) == ["REGION"])
            #expect(listed.first?.value?.hasPrefix("eu-") == true)
        }
    }

    @Test(arguments: scopes)
    func membersReadWithoutSensitiveValuesAndOnlyOwnersWrite(_ scope: VariableScope) async throws {
        try await ServerFixture.with { fixture in
            try await fixture.environment()
            let (olivia, mario, otto) = (try await fixture.user("olivia").requireID(), try await fixture.user("mario").requireID(),
                                         try await fixture.user("otto").requireID())
            let (secrets, database) = (fixture.app.secretBox, fixture.app.db)
            try await Variables.set("TOKEN", value: "s3cret", sensitive: true, in: scope, actorID: olivia, secrets: secrets, on: database)
            try await Variables.set("NAME", value: "plain", sensitive: false, in: scope, actorID: olivia, secrets: secrets, on: database)
            let seen = try await Variables.list(scope, actorID: mario, secrets: secrets, on: database)
            #expect(seen.map(\.key) == ["NAME", "TOKEN"])
            #expect(seen.map(\.value) == ["plain", nil])
            await #expect(throws: OrganizationRefusal.self) {
                try await Variables.set("NAME", value: "x", sensitive: false, in: scope, actorID: mario, secrets: secrets, on: database)
            }
            await #expect(throws: OrganizationRefusal.self) {
                try await Variables.delete("NAME", in: scope, actorID: mario, on: database)
            }
            await #expect(throws: OrganizationRefusal.self, "another organization's owner sees nothing") {
                _ = try await Variables.list(scope, actorID: otto, secrets: secrets, on: database)
            }
            try await Variables.delete("NAME", in: scope, actorID: olivia, on: database)
            await #expect(throws: VariableRefusal.self) { try await Variables.delete("NAME", in: scope, actorID: olivia, on: database) }
        }
    }

    @Test func theAWSKeysAndSerialAreOrganizationVariablesOnly() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.environment()
            let olivia = try await fixture.user("olivia").requireID()
            for key in [AWSAccess.accessKeyVariable, AWSAccess.secretKeyVariable, AWSAccess.serialVariable] {
                do {
                    try await Variables.set(key, value: "x", sensitive: false, in: .environment(organization: "acme", environment: "prod"),
                                            actorID: olivia, secrets: fixture.app.secretBox, on: fixture.app.db)
                    Issue.record("\(key) was accepted on an environment")
                } catch let refusal as VariableRefusal {
                    #expect(refusal.code == "organization_variable_only")
                }
            }
        }
    }

    @Test func aRunGetsTheOrganizationsVariablesWithTheEnvironmentsWinning() async throws {
        try await ServerFixture.with { fixture in
            let environment = try await fixture.environment()
            let olivia = try await fixture.user("olivia").requireID()
            let (secrets, database) = (fixture.app.secretBox, fixture.app.db)
            try await Variables.set("SHARED", value: "organization", sensitive: false, in: .organization("acme"), actorID: olivia, secrets: secrets, on: database)
            try await Variables.set("ONLY_ORG", value: "1", sensitive: true, in: .organization("acme"), actorID: olivia, secrets: secrets, on: database)
            try await Variables.set("SHARED", value: "environment", sensitive: false, in: .environment(organization: "acme", environment: "prod"),
                                    actorID: olivia, secrets: secrets, on: database)
            let values = try await Variables.forRun(of: environment, secrets: secrets, on: database)
            #expect(Dictionary(values.map { ($0.key, $0.value) }, uniquingKeysWith: { _, _ in "duplicate" }) == ["SHARED": "environment", "ONLY_ORG": "1"])
            #expect(values.first { $0.key == "ONLY_ORG" }?.sensitive == true)
        }
    }

    /// A value copied into another scope's row (a database edit, a restored backup) does not decrypt there.
    @Test func aValueIsBoundToItsScopeAndKey() async throws {
        try await ServerFixture.with { fixture in
            let environment = try await fixture.environment()
            let olivia = try await fixture.user("olivia").requireID()
            let (secrets, database) = (fixture.app.secretBox, fixture.app.db)
            try await Variables.set("A", value: "1", sensitive: false, in: .organization("acme"), actorID: olivia, secrets: secrets, on: database)
            try await Variables.set("A", value: "2", sensitive: false, in: .environment(organization: "acme", environment: "prod"),
                                    actorID: olivia, secrets: secrets, on: database)
            let organizationRow = try #require(try await OrganizationVariable.query(on: database).filter(\.$key == "A").first())
            let environmentRow = try #require(try await EnvironmentVariable.query(on: database).filter(\.$key == "A").first())
            environmentRow.valueSealed = organizationRow.valueSealed
            try await environmentRow.save(on: database)
            await #expect(throws: (any Error).self) { _ = try await Variables.forRun(of: environment, secrets: secrets, on: database) }
        }
    }
}
