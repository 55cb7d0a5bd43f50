@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// What the pages show, read through their page models (no HTTP).
@Suite struct PageModelTests {
    /// The lock beside "Queue plan" is red for the visitor's own failure for ten minutes of the server's
    /// clock, and only for that visitor.
    @Test func theEnvironmentPagesLockShowsTheVisitorsRecentFailureOnly() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            try await fixture.environment(mfa: .plansAndApplies)
            let (mario, olivia) = (try await fixture.user("mario"), try await fixture.user("olivia"))
            let load = { (visitor: User) in
                try await EnvironmentPage.load(organization: "acme", environment: "prod", visitor: visitor, now: fixture.clock.now, secrets: fixture.app.secretBox, on: fixture.app.db)
            }
            guard case .neutral? = try await load(mario).planLock else { Issue.record("a lock, neutral, before any attempt"); return }
            do {
                _ = try await Runs.queuePlan(PlanRequest(in: "acme", "prod", tokenCode: try await fixture.mfaCodes().wrong),
                                             actor: mario, mfa: fixture.app.mfaServices, on: fixture.app.db)
                Issue.record("a wrong code queued a plan")
            } catch is MFARefusal {}
            guard case .failed? = try await load(mario).planLock else { Issue.record("red for mario"); return }
            guard case .neutral? = try await load(olivia).planLock else { Issue.record("neutral for olivia"); return }
            #expect(try await load(olivia).authentications.count == 1, "the audit lists every attempt")
            #expect(try await load(mario).runs.isEmpty, "nothing was queued")
            fixture.clock.advance(by: EnvironmentPage.failureShownFor + 1)
            guard case .neutral? = try await load(mario).planLock else { Issue.record("neutral again after ten minutes"); return }
        }
    }

    @Test func anEnvironmentWithoutPlanMFAHasNoLockAndListsItsRunsNewestFirst() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.setAWSVariables()
            let environment = try await fixture.environment(mfa: .appliesOnly)
            _ = try await fixture.run(on: environment, reaching: .planned)
            _ = try await fixture.run(on: environment)
            let page = try await EnvironmentPage.load(organization: "acme", environment: "prod", visitor: try await fixture.user("mario"),
                                                      now: fixture.clock.now, secrets: fixture.app.secretBox, on: fixture.app.db)
            #expect(page.planLock == nil)
            #expect(page.runs.map(\.number) == [2, 1])
            #expect(page.mfaLevel == .appliesOnly)
        }
    }

    /// A planned run under "applies only" asks for a code; the page is refused, as missing, to another
    /// organization and under another environment's URL.
    @Test func theRunPageAsksForACodeAndExistsOnlyUnderItsOwnURL() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.setAWSVariables()
            let run = try await fixture.run(on: try await fixture.environment(mfa: .appliesOnly), reaching: .planned)
            try await fixture.environment("staging")
            let runID = try run.requireID()
            let (mario, otto) = (try await fixture.user("mario").requireID(), try await fixture.user("otto").requireID())
            let page = try await RunPage.load(runID: runID, organization: "acme", environment: "prod", actorID: mario, secrets: fixture.app.secretBox, on: fixture.app.db)
            #expect(page.confirmNeedsCode)
            guard case .neutral? = page.lock else { Issue.record("the lock waits for a code"); return }
            #expect(page.events.map(\.toState) == ["pending", "planning", "planned"])
            await #expect(throws: RunRefusal.self) {
                _ = try await RunPage.load(runID: runID, organization: "acme", environment: "staging", actorID: mario, secrets: fixture.app.secretBox, on: fixture.app.db)
            }
            await #expect(throws: RunRefusal.self) {
                _ = try await RunPage.load(runID: runID, organization: "acme", environment: "prod", actorID: otto, secrets: fixture.app.secretBox, on: fixture.app.db)
            }
        }
    }

    /// Owners see the member controls and every registered device; members see the list; another
    /// organization's owner sees nothing.
    @Test func theOrganizationPageGivesOwnersTheirControlsOnly() async throws {
        try await ServerFixture.with { fixture in
            let (olivia, mario, otto) = (try await fixture.user("olivia").requireID(), try await fixture.user("mario").requireID(),
                                         try await fixture.user("otto").requireID())
            let owners = try await OrganizationPage.load(organization: "acme", visitorID: olivia, on: fixture.app.db)
            #expect(owners.isOwner)
            #expect(owners.members.map(\.username).sorted() == ["mario", "olivia"])
            let members = try await OrganizationPage.load(organization: "acme", visitorID: mario, on: fixture.app.db)
            #expect(!members.isOwner)
            #expect(members.ownDeviceSerial == nil)
            #expect(!members.render(csrf: "", fieldError: { _ in nil }).text.contains("Change role"))
            await #expect(throws: OrganizationRefusal.self) {
                _ = try await OrganizationPage.load(organization: "acme", visitorID: otto, on: fixture.app.db)
            }
        }
    }

    /// `/settings/organization_variables` without `?organization=` shows the visitor's only organization, or
    /// the ones to choose from; sensitive values never reach the page.
    @Test func theVariablesPageChoosesAnOrganizationOnlyWhenTheVisitorIsInSeveral() async throws {
        try await ServerFixture.with { fixture in
            let (olivia, mario) = (try await fixture.user("olivia").requireID(), try await fixture.user("mario").requireID())
            let secrets = fixture.app.secretBox
            _ = try await Variables.set("TOKEN", value: "s3cret-value", sensitive: true, in: .organization("acme"), actorID: olivia, secrets: secrets,
                                        on: fixture.app.db)
            let only = try await VariablesPage.load(organization: nil, visitorID: mario, secrets: secrets, on: fixture.app.db)
            guard case let .organization(name, isOwner, variables) = only else { Issue.record("mario is in acme only: \(only)"); return }
            #expect(name == "acme" && !isOwner && variables.map(\.key) == ["TOKEN"])
            #expect(!only.render(csrf: "", fieldError: { _ in nil }).text.contains("s3cret-value"))
            try await Organizations.setMember("mario", role: "member", in: "other", on: fixture.app.db)
            let several = try await VariablesPage.load(organization: nil, visitorID: mario, secrets: secrets, on: fixture.app.db)
            guard case let .choice(organizations) = several else { Issue.record("mario is in two: \(several)"); return }
            #expect(organizations.sorted() == ["acme", "other"])
        }
    }

    /// The tokens page lists names and dates, never a token; the one just issued is shown on that answer only.
    @Test func theTokensPageShowsANewTokenOnceAndNoOtherValue() async throws {
        try await ServerFixture.with { fixture in
            let mario = try await fixture.user("mario").requireID()
            let (token, record) = try await APITokens.issue(to: mario, name: "laptop", expiresInDays: 30, now: fixture.clock.now, on: fixture.app.db)
            let answer = try await TokensPage.load(visitorID: mario, issued: .init(token: token, name: record.name), on: fixture.app.db)
            #expect(answer.tokens.map(\.name).sorted() == ["laptop", "tests"])
            #expect(answer.render(csrf: "", fieldError: { _ in nil }).text.contains(token))
            let later = try await TokensPage.load(visitorID: mario, on: fixture.app.db)
            #expect(!later.render(csrf: "", fieldError: { _ in nil }).text.contains(token))
            #expect(later.tokens.first { $0.name == "laptop" }?.expiresAt != nil)
        }
    }
}
