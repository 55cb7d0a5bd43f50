import AirlockAWS
import AirlockTesting
import Foundation
import Testing

/// An apply longer than its role's sessions (#29), end to end: the real Terraform 1.15 with the real `hashicorp/aws`
/// provider and the AWS CLI inside the run, the test STS with role sessions cut to 30 seconds (as if an hour went by
/// in half a minute), one MFA code. The provider calls STS at the apply's start and at its end, the AWS CLI every half
/// minute between, each with a valid session of the role whose trust demands MFA, renewed by the phase's credentials
/// server; none of them ever holds a key.
@Suite(.serialized) struct LongApplyCredentialsTests {
    static let roleSessionSeconds: TimeInterval = 30

    static func configuration(sts: URL) -> [String: String] {
        ["main.tf": """
            terraform {
              required_providers {
                aws = { source = "hashicorp/aws" }
              }
            }
            provider "aws" {
              region                      = "us-east-1"
              skip_credentials_validation = true
              skip_requesting_account_id  = true
              skip_metadata_api_check     = true
              skip_region_validation      = true
              endpoints {
                sts = "\(sts.absoluteString)"
              }
            }
            resource "terraform_data" "first" {
              input = "1"
            }
            # Read during the apply (it waits for a resource with changes), at its start and at its end.
            data "aws_caller_identity" "start" {
              depends_on = [terraform_data.first]
            }
            resource "terraform_data" "long" {
              input = data.aws_caller_identity.start.arn
              provisioner "local-exec" {
                command = "for i in 1 2 3 4 5; do echo \\"CALL $i $(aws sts get-caller-identity --query Arn --output text 2>&1 | tr '\\\\n' ' ')\\"; sleep \(Int(roleSessionSeconds)); done"
              }
            }
            data "aws_caller_identity" "end" {
              depends_on = [terraform_data.long]
            }
            output "start" { value = data.aws_caller_identity.start.arn }
            output "end" { value = data.aws_caller_identity.end.arn }
            """]
    }

    @Test func anApplyLongerThanThreeRoleSessionsKeepsValidCredentialsAfterOneCode() async throws {
        let (environment, arguments, folder) = try PlanToApplyIsolationTests.mirrorSetup()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await MFARunTests.withMFAWorld(serveArguments: Array(arguments.dropFirst(RunWorld.fast.count)), environment: environment) { world, setup in
            try await MFARunTests.setVariables(world, setup)
            let saved = try await world.call("PATCH", "/organizations/acme/environments/prod",
                                             json: #"{"mfa":"applies_only","applyRoleArn":"\#(MFARunTests.mfaRole)","awsSessionHours":2}"#)
            #expect(saved.status == 200 && saved.body.contains(#""awsSessionHours":2"#), "\(saved.body)")
            #expect(try await world.upload(Self.configuration(sts: setup.sts.endpoint)).status == 201)
            let run = try await world.queue(as: "mario")
            try await world.expect(run, reaches: "planned")
            await setup.sts.engine.limitRoleSessions(to: Self.roleSessionSeconds)
            let codesBefore = await setup.sts.engine.received.filter(\.carriedTokenCode).count
            let confirmed = try await world.call("POST", "/runs/\(run)/actions/confirm", json: #"{"tokenCode":"\#(await MFARunTests.code(setup))"}"#)
            #expect(confirmed.status == 200, "\(confirmed.body)")
            let reached = try await world.waitFor(run, ["applied", "errored", "canceled"], seconds: 600)
            let apply = try await world.log(run, "apply")
            #expect(reached == "applied", "\(apply)")

            let roleARN = "arn:aws:sts::123456789012:assumed-role/cli-role/"
            let until = try #require(try await world.run(run)["applyCredentialsUntil"] as? String)
            #expect(ISO8601Timestamp.parse(until) != nil, "the run says until when its credentials hold")
            #expect(apply.contains("AWS credentials: role \(MFARunTests.mfaRole), in sessions of at most an hour renewed before each ends"), "\(apply)")
            #expect(apply.contains("(the environment's limit of 2 hours from the start)"), "\(apply)")
            let calls = apply.split(separator: "\n").filter { $0.contains("(local-exec): CALL ") }
            #expect(calls.count == 5, "\(apply)")
            #expect(calls.allSatisfy { $0.contains(roleARN) }, "every call from inside the apply had a valid session: \(apply)")
            // Terraform's outputs, aligned on "=": the provider's calls at the apply's start and at its end.
            let output = { (name: String) in apply.split(separator: "\n").contains { $0.hasPrefix(name + " ") && $0.contains("= \"\(roleARN)") } }
            #expect(output("start"), "the provider at the apply's start: \(apply)")
            #expect(output("end"), "and at its end, after more than three role sessions: \(apply)")
            #expect(apply.contains("AWS: renewed the role session"), "\(apply)")

            let received = await setup.sts.engine.received
            #expect(received.filter(\.carriedTokenCode).count - codesBefore == 1, "one MFA code")
            let renewed = received.filter { $0.action == "AssumeRole" && $0.roleARN == MFARunTests.mfaRole && $0.errorCode == nil }
            #expect(renewed.count >= 4, "the check with the code, then a session each time one ran low: \(renewed.count)")
            #expect(!received.contains { $0.errorCode == "ExpiredToken" }, "nothing inside the apply ever used an ended session")
            #expect(received.filter { $0.action == "GetCallerIdentity" && $0.errorCode == nil }.count >= 7)

        }
    }
}
