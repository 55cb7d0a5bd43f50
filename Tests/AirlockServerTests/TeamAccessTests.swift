@testable import AirlockServer
import AirlockServerTesting
import AirlockTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Teams and what each may do per environment, in-process: an environment no team was given access to keeps the
/// organization's roles; the first team given access restricts it, so members reach it only through their teams
/// (read, queue plans, approve applies, administer), and four eyes and N approvals count only those who may approve.
@Suite struct TeamAccessTests {
    /// Adds `username` to acme as a member, with an API token; returns the token.
    static func member(_ username: String, _ fixture: ServerFixture) async throws -> String {
        _ = try await Accounts.createUser(username: username, password: ServerFixture.password, hashCost: 4, on: fixture.app.db)
        try await Organizations.setMember(username, role: "member", in: "acme", on: fixture.app.db)
        return try await Accounts.issueToken(username: username, name: "tests", on: fixture.app.db)
    }

    /// Sends `/api/v1` + `path` with `token` (and a JSON body).
    static func send(_ method: HTTPMethod, _ path: String, token: String, _ object: [String: any Sendable]? = nil,
                     on fixture: ServerFixture) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token)
        headers.add(name: .accept, value: "application/json")
        var body: ByteBuffer?
        if let object {
            headers.contentType = .json
            body = ByteBuffer(string: String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        }
        return try await fixture.app.testing().sendRequest(method, "/api/v1" + path, headers: headers, body: body)
    }

    /// olivia (an owner) over the API; the answer must be `status`.
    static func owner(_ method: HTTPMethod, _ path: String, _ object: [String: any Sendable]? = nil, expect status: HTTPStatus = .ok,
                      on fixture: ServerFixture) async throws {
        let answer = try await send(method, path, token: try #require(fixture.tokens["olivia"]), object, on: fixture)
        try #require(answer.status == status, "\(method) \(path): \(answer.status) \(answer.body.string)")
    }

    /// prod restricted to teams: `planners` (mario) queue plans, `deployers` (ada) approve applies; nick is in no team;
    /// staging stays open to every member.
    static func restrictedProd(_ fixture: ServerFixture) async throws -> (prod: TerraformEnvironment, ada: String, nick: String) {
        let prod = try await fixture.environment()
        try await fixture.environment("staging")
        let (ada, nick) = (try await member("ada", fixture), try await member("nick", fixture))
        try await owner(.POST, "/organizations/acme/teams", ["name": "planners"], expect: .created, on: fixture)
        try await owner(.POST, "/organizations/acme/teams", ["name": "deployers", "identityProviderGroup": "deploy"], expect: .created, on: fixture)
        try await owner(.PUT, "/organizations/acme/teams/planners/members/mario", on: fixture)
        try await owner(.PUT, "/organizations/acme/teams/deployers/members/ada", on: fixture)
        try await owner(.PUT, "/organizations/acme/environments/prod/team-access/planners", ["access": "plan"], on: fixture)
        try await owner(.PUT, "/organizations/acme/environments/prod/team-access/deployers", ["access": "approve"], on: fixture)
        return (prod, ada, nick)
    }

    @Test func aRestrictedEnvironmentIsReachedOnlyThroughTeams() async throws {
        try await ServerFixture.with { fixture in
            let (prod, ada, nick) = try await Self.restrictedProd(fixture)
            // nick is in no team: prod does not exist for him, staging does.
            #expect(try await Self.send(.GET, "/organizations/acme/environments/prod", token: nick, on: fixture).status == .notFound)
            let listed = try await Self.send(.GET, "/organizations/acme/environments", token: nick, on: fixture).body.string
            #expect(listed.contains("\"staging\"") && !listed.contains("\"prod\""), "\(listed)")
            #expect(try await Self.send(.GET, "/organizations/acme/environments/staging", token: nick, on: fixture).status == .ok)
            let teams = try await Self.send(.GET, "/organizations/acme/teams", token: nick, on: fixture).body.string
            #expect(teams.contains("\"deployers\"") && !teams.contains("\"prod\""), "a team's environments nick cannot see are not named: \(teams)")
            // The owner sees everything, and every team's access.
            let everything = try await fixture.call(.GET, "/organizations/acme/environments", as: "olivia").body.string
            #expect(everything.contains("\"prod\"") && everything.contains("\"staging\""))

            // mario's team queues plans; it may not approve them.
            let run = try await fixture.run(on: prod, by: "mario", reaching: .planned)
            let runID = try run.requireID()
            let confirm = "/runs/\(runID.uuidString.lowercased())/actions/confirm"
            let refused = try await fixture.call(.POST, confirm, as: "mario", json: "{}")
            #expect(refused.status == .forbidden && refused.body.string.contains("team_access"), "\(refused.body.string)")
            #expect(refused.body.string.contains("prod is restricted to teams, and yours may queue plans there; this needs a team that may approve applies."))
            // nick's own run page and the run itself are missing for him, and he cannot queue there.
            #expect(try await Self.send(.GET, "/runs/\(runID.uuidString.lowercased())", token: nick, on: fixture).status == .notFound)
            await #expect(throws: EnvironmentRefusal.self) { _ = try await fixture.run(on: prod, by: "nick") }
            // ada's team approves.
            let approved = try await Self.send(.POST, confirm, token: ada, [:], on: fixture)
            #expect(approved.status == .ok && approved.body.string.contains("apply_queued"), "\(approved.body.string)")
            // Only those who may stop applies cancel one.
            let cancel = try await fixture.call(.POST, "/runs/\(runID.uuidString.lowercased())/actions/cancel", as: "mario", json: "{}")
            #expect(cancel.status == .forbidden && cancel.body.string.contains("team_access"), "\(cancel.body.string)")
            #expect(try await Runs.currentState(runID, on: fixture.app.db) == .applyQueued)

            // Terraform's workspace says what each may do.
            var tfe = HTTPHeaders()
            tfe.bearerAuthorization = BearerAuthorization(token: try #require(fixture.tokens["mario"]))
            let workspace = try await fixture.app.testing().sendRequest(.GET, "/api/v2/organizations/acme/workspaces/prod", headers: tfe).body.string
            #expect(workspace.contains(#""can-queue-run":true"#) && workspace.contains(#""can-queue-apply":false"#), "\(workspace)")

            // Taking the last team's access away leaves it to owners; only opening it gives it back to every member.
            try await Self.owner(.DELETE, "/organizations/acme/environments/prod/team-access/planners", expect: .noContent, on: fixture)
            try await Self.owner(.DELETE, "/organizations/acme/environments/prod/team-access/deployers", expect: .noContent, on: fixture)
            #expect(try await Self.send(.GET, "/organizations/acme/environments/prod", token: ada, on: fixture).status == .notFound)
            #expect(try await fixture.call(.GET, "/organizations/acme/environments/prod", as: "olivia").body.string.contains(#""restrictedToTeams":true"#))
            #expect(try await fixture.call(.DELETE, "/organizations/acme/environments/prod/team-access", as: "mario").status == .forbidden)
            try await Self.owner(.DELETE, "/organizations/acme/environments/prod/team-access", expect: .noContent, on: fixture)
            #expect(try await Self.send(.GET, "/organizations/acme/environments/prod", token: nick, on: fixture).status == .ok)
        }
    }

    @Test func approvalsCountOnlyPeopleWhoMayApproveNow() async throws {
        try await ServerFixture.with { fixture in
            let (prod, ada, _) = try await Self.restrictedProd(fixture)
            let bea = try await Self.member("bea", fixture)
            try await Self.owner(.PUT, "/organizations/acme/teams/deployers/members/bea", on: fixture)
            try await Self.owner(.PATCH, "/organizations/acme/environments/prod", ["requiredApprovals": 2, "approverMustDifferFromQueuer": true], on: fixture)
            let run = try await fixture.run(on: prod, by: "mario", reaching: .planned)
            let confirm = "/runs/\(try run.requireID().uuidString.lowercased())/actions/confirm"
            #expect(try await Self.send(.POST, confirm, token: ada, [:], on: fixture).status == .ok)
            #expect(try await Runs.approvals(of: try run.requireID(), on: fixture.app.db).map(\.username) == ["ada"])
            // ada leaves the team: her approval no longer counts, and bea's is then the first of two.
            try await Self.owner(.DELETE, "/organizations/acme/teams/deployers/members/ada", expect: .noContent, on: fixture)
            #expect(try await Runs.approvals(of: try run.requireID(), on: fixture.app.db).isEmpty)
            let second = try await Self.send(.POST, confirm, token: bea, [:], on: fixture)
            #expect(second.status == .ok && second.body.string.contains("\"planned\""), "\(second.body.string)")
            #expect(try await Runs.events(of: try run.requireID(), on: fixture.app.db).last?.note == "Approved (approval 1 of 2)")
            // An owner always may; with theirs the apply starts.
            let last = try await fixture.call(.POST, confirm, as: "olivia", json: "{}")
            #expect(last.status == .ok && last.body.string.contains("apply_queued"), "\(last.body.string)")
        }
    }

    @Test func administeringTeamsChangeVariablesAndStateButNotTheGate() async throws {
        try await ServerFixture.with { fixture in
            let (_, ada, _) = try await Self.restrictedProd(fixture)
            #expect(try await Self.send(.PUT, "/organizations/acme/environments/prod/variables/REGION", token: ada, ["value": "eu-west-1"],
                                        on: fixture).status == .forbidden)
            try await Self.owner(.PUT, "/organizations/acme/environments/prod/team-access/deployers", ["access": "administer"], on: fixture)
            // An approval given before the variables change no longer holds.
            try await Self.owner(.PATCH, "/organizations/acme/environments/prod", ["requiredApprovals": 2], on: fixture)
            let run = try await fixture.run(on: try await Environments.located("prod", in: "acme", on: fixture.app.db), by: "mario", reaching: .planned)
            try await Self.owner(.POST, "/runs/\(try run.requireID().uuidString.lowercased())/actions/confirm", [:], on: fixture)
            #expect(try await Runs.approvals(of: try run.requireID(), on: fixture.app.db).map(\.username) == ["olivia"])
            let set = try await Self.send(.PUT, "/organizations/acme/environments/prod/variables/REGION", token: ada, ["value": "eu-west-1"], on: fixture)
            #expect(set.status == .ok, "\(set.body.string)")
            #expect(try await Runs.approvals(of: try run.requireID(), on: fixture.app.db).isEmpty)
            #expect(try await Runs.events(of: try run.requireID(), on: fixture.app.db).last?.note == "Approvals so far voided: the environment variable REGION changed")
            let gate = try await Self.send(.PATCH, "/organizations/acme/environments/prod", token: ada, ["mfa": "never"], on: fixture)
            #expect(gate.status == .forbidden && gate.body.string.contains("owners_only"), "settings stay with owners: \(gate.body.string)")
            let teamAccess = try await Self.send(.PUT, "/organizations/acme/environments/prod/team-access/deployers", token: ada, ["access": "administer"],
                                                 on: fixture)
            #expect(teamAccess.status == .forbidden)
            // The state backend: an administering team writes, a planning one reads.
            let environment = try await Environments.located("prod", in: "acme", on: fixture.app.db)
            #expect(try await Authorizer.stateCaller(try await fixture.user("ada"), of: environment, on: fixture.app.db) == .administrator)
            #expect(try await Authorizer.stateCaller(try await fixture.user("mario"), of: environment, on: fixture.app.db) == .reader)
        }
    }

    @Test func ownersManageTeamsAndEveryRefusalSaysWhy() async throws {
        try await ServerFixture.with { fixture in
            _ = try await Self.restrictedProd(fixture)
            let byMember = try await fixture.call(.POST, "/organizations/acme/teams", as: "mario", object: ["name": "mine"])
            #expect(byMember.status == .forbidden)
            let taken = try await fixture.call(.POST, "/organizations/acme/teams", as: "olivia", object: ["name": "planners"])
            #expect(taken.status == .conflict && taken.body.string.contains("already has a team"))
            let badGroup = try await fixture.call(.POST, "/organizations/acme/teams", as: "olivia", object: ["name": "ops", "identityProviderGroup": "a\u{7}b"])
            #expect(badGroup.status == .badRequest && badGroup.body.string.contains("invalid_group"), "\(badGroup.body.string)")
            let outsider = try await fixture.call(.PUT, "/organizations/acme/teams/planners/members/otto", as: "olivia")
            #expect(outsider.status == .badRequest && outsider.body.string.contains("add them as a member first"), "\(outsider.body.string)")
            let unknown = try await fixture.call(.PUT, "/organizations/acme/environments/prod/team-access/nobody", as: "olivia", object: ["access": "read"])
            #expect(unknown.status == .notFound && unknown.body.string.contains("There is no team \\\"nobody\\\""), "\(unknown.body.string)")
            let badLevel = try await fixture.call(.PUT, "/organizations/acme/environments/prod/team-access/planners", as: "olivia", object: ["access": "all"])
            #expect(badLevel.status == .badRequest)
            // Another organization's owner sees none of it.
            #expect(try await fixture.call(.GET, "/organizations/acme/teams", as: "otto").status == .notFound)
            // Someone the team's group brought in is the group's to take out.
            let ada = try await fixture.user("ada")
            try await TeamGroupSync.follow(["deploy"], userID: try ada.requireID(), on: fixture.app.db)
            try await Self.owner(.DELETE, "/organizations/acme/teams/deployers/members/ada", expect: .noContent, on: fixture)
            try await TeamGroupSync.follow(["deploy"], userID: try ada.requireID(), on: fixture.app.db)
            let followsGroup = try await fixture.call(.DELETE, "/organizations/acme/teams/deployers/members/ada", as: "olivia")
            #expect(followsGroup.status == .conflict && followsGroup.body.string.contains("follows_group"), "\(followsGroup.body.string)")
            // Deleting a team takes its access with it.
            try await Self.owner(.DELETE, "/organizations/acme/teams/deployers", expect: .noContent, on: fixture)
            let left = try await fixture.call(.GET, "/organizations/acme/environments/prod/team-access", as: "olivia").body.string
            #expect(left.contains("planners") && !left.contains("deployers"), "\(left)")
        }
    }

    @Test func groupsBringPeopleIntoTeamsAndTakeThemOutAtEachSignIn() async throws {
        try await ServerFixture.with { fixture in
            _ = try await Self.restrictedProd(fixture)
            _ = try await Accounts.createUser(username: "gina", password: ServerFixture.password, hashCost: 4, on: fixture.app.db)
            let gina = try await fixture.user("gina")
            let ginaID = try gina.requireID()
            let acme = try #require(try await Organization.query(on: fixture.app.db).filter(\.$name == "acme").first()).requireID()
            try await TeamGroupSync.follow(["deploy", "staff"], userID: ginaID, on: fixture.app.db)
            let membership = try #require(try await Membership.query(on: fixture.app.db).filter(\.$user.$id == ginaID).first())
            #expect(membership.$organization.id == acme && membership.role == .member && membership.fromGroup == true)
            let teams = try await Teams.list(in: "acme", actorID: ginaID, on: fixture.app.db)
            #expect(teams.first { $0.name == "deployers" }?.members.map(\.username) == ["ada", "gina"])
            #expect(teams.first { $0.name == "deployers" }?.members.first { $0.username == "gina" }?.fromGroup == true)
            // When the group goes, so do its team and the organization it brought her into, with every team of hers there.
            try await Self.owner(.PUT, "/organizations/acme/teams/planners/members/gina", on: fixture)
            try await TeamGroupSync.follow(["staff"], userID: ginaID, on: fixture.app.db)
            #expect(try await Membership.query(on: fixture.app.db).filter(\.$user.$id == ginaID).count() == 0)
            #expect(try await TeamMembership.query(on: fixture.app.db).filter(\.$user.$id == ginaID).count() == 0)
            // A person an owner made a member by hand stays a member when the group goes; only the group's team goes.
            try await TeamGroupSync.follow(["deploy"], userID: ginaID, on: fixture.app.db)
            try await Organizations.setMember("gina", role: "member", in: "acme", on: fixture.app.db)
            try await TeamGroupSync.follow([], userID: ginaID, on: fixture.app.db)
            #expect(try await Membership.query(on: fixture.app.db).filter(\.$user.$id == ginaID).count() == 1)
            #expect(try await TeamMembership.query(on: fixture.app.db).filter(\.$user.$id == ginaID).count() == 0)
            // A group cleared from the team takes the people it brought out at once.
            try await TeamGroupSync.follow(["deploy"], userID: ginaID, on: fixture.app.db)
            try await Self.owner(.PATCH, "/organizations/acme/teams/deployers", ["identityProviderGroup": ""], on: fixture)
            #expect(try await TeamMembership.query(on: fixture.app.db).filter(\.$user.$id == ginaID).count() == 0)
        }
    }
}
