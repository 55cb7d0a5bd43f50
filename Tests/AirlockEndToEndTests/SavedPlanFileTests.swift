@testable import AirlockServer
import AirlockTesting
import Foundation
import Testing

/// Airlock reads what a plan will do from the saved plan file itself (`SavedPlan`): here the files real Terraform 1.0.3
/// and 1.15.5 save, with the real `hashicorp/aws` provider against moto, for a plan that creates, updates in place,
/// replaces, destroys, reads during apply (and, on 1.15, imports and forgets), under a `for_each` key that needs
/// quoting. The summary must say what Terraform says: its "Plan:" line, and each resource's action as
/// `terraform show -json` gives it.
@Suite(.serialized) struct SavedPlanFileTests {
    @Test(arguments: TerraformVersion.allCases)
    func airlocksReadingOfARealPlanFileAgreesWithTerraform(_ version: TerraformVersion) async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-saved-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cliConfiguration = folder.appendingPathComponent("terraformrc")
        try Data("provider_installation {\n  filesystem_mirror { path = \"\(PlanToApplyIsolationTests.mirror)\" }\n}\n".utf8).write(to: cliConfiguration)
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path,
                           "TF_CLI_CONFIG_FILE": cliConfiguration.path, "TF_IN_AUTOMATION": "1", "AWS_ACCESS_KEY_ID": "test",
                           "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"]
        let terraform = try await version.executable()
        func run(_ arguments: [String]) async throws -> CommandRunner.Result {
            let result = try await CommandRunner.run(terraform, ["-chdir=\(folder.path)"] + arguments + (arguments.first == "show" ? [] : ["-no-color"]),
                                                    environment: environment)
            #expect(result.status == 0, "terraform \(arguments.first ?? ""): \(result.stdout)\(result.stderr)")
            return result
        }
        let modern = version != .v1_0
        let provider = """
            provider "aws" {
              region                      = "us-east-1"
              skip_credentials_validation = true
              skip_requesting_account_id  = true
              skip_metadata_api_check     = true
              skip_region_validation      = true
              endpoints {
                ssm = "\(moto.endpoint.absoluteString)"
                sts = "\(moto.endpoint.absoluteString)"
              }
            }

            """
        func parameter(_ name: String, value: String, key: String? = nil) -> String {
            "resource \"aws_ssm_parameter\" \"\(name)\" {\n  \(key.map { "for_each = { \"\($0)\" = \"\(name)\" }\n  " } ?? "")"
                + "name  = \"/airlock/\(name)\"\n  type  = \"String\"\n  value = \"\(value)\"\n}\n"
        }
        let main = folder.appendingPathComponent("main.tf")
        let keyedBefore = parameter("keyed", value: "1", key: #"quo\"te"#)
        try Data((provider + parameter("kept", value: "1") + parameter("edited", value: "1") + parameter("swapped", value: "1")
                  + parameter("old", value: "1") + keyedBefore + (modern ? parameter("leaving", value: "1") : "")).utf8).write(to: main)
        _ = try await run(["init", "-input=false"])
        _ = try await run(["apply", "-input=false", "-auto-approve"])
        if modern {
            // Made outside Terraform, for the import block to adopt.
            let made = try await CommandRunner.run("aws", ["--endpoint-url", moto.endpoint.absoluteString, "ssm", "put-parameter", "--name", "/airlock/adopted",
                                                         "--type", "String", "--value", "1"], environment: environment)
            #expect(made.status == 0, "\(made.stderr)")
        }

        let swapped = parameter("swapped", value: "1").replacingOccurrences(of: "/airlock/swapped", with: "/airlock/swapped-again")
        var changed = provider + parameter("kept", value: "1") + parameter("edited", value: "2") + swapped
            + keyedBefore.replacingOccurrences(of: "value = \"1\"", with: "value = \"2\"") + parameter("new", value: "1")
            + "data \"aws_ssm_parameter\" \"later\" {\n  name       = aws_ssm_parameter.new.name\n  depends_on = [aws_ssm_parameter.new]\n}\n"
        if modern {
            changed += parameter("adopted", value: "1") + "import {\n  to = aws_ssm_parameter.adopted\n  id = \"/airlock/adopted\"\n}\n"
                + "removed {\n  from = aws_ssm_parameter.leaving\n  lifecycle {\n    destroy = false\n  }\n}\n"
        }
        try Data(changed.utf8).write(to: main)
        let planned = try await run(["plan", "-input=false", "-out=saved.tfplan"])
        let file = try Data(contentsOf: folder.appendingPathComponent("saved.tfplan"))
        let summary = PlanSummary(try SavedPlan([UInt8](file)))

        #expect(planned.stdout.contains(summary.headline), "\(summary.headline)\n\(planned.stdout)")
        #expect(summary.headline == (modern ? "Plan: 1 to import, 2 to add, 2 to change, 2 to destroy."
                                            : "Plan: 2 to add, 2 to change, 2 to destroy."), "\(planned.stdout)")
        let shown = try await run(["show", "-json", "saved.tfplan"])
        #expect(summary.resources.map { "\($0.action) \($0.address)" } == Self.actions(shownJSON: shown.stdout))
        #expect(summary.resources.contains { $0.address == #"aws_ssm_parameter.keyed["quo\"te"]"# && $0.action == .update })
        #expect(summary.forget == (modern ? 1 : 0))
    }

    /// Each resource's action as `terraform show -json` gives it, in the summary's words and order (destroyed and
    /// replaced first, then by address).
    static func actions(shownJSON: String) -> [String] {
        let plan = (try? JSONSerialization.jsonObject(with: Data(shownJSON.utf8))) as? [String: Any] ?? [:]
        let changes = plan["resource_changes"] as? [[String: Any]] ?? []
        return changes.compactMap { change -> (String, String)? in
            let address = change["address"] as? String ?? ""
            let detail = change["change"] as? [String: Any] ?? [:]
            let importing = detail["importing"] != nil
            let action: String? = switch detail["actions"] as? [String] ?? [] {
            case ["create"]: "create"
            case ["update"]: "update"
            case ["delete", "create"], ["create", "delete"]: "replace"
            case ["delete"]: "delete"
            case ["read"]: "read"
            case ["forget"]: "forget"
            case ["no-op"] where importing: "import"
            default: nil
            }
            return action.map { ($0, address) }
        }
        .sorted { ($0.0 == "delete" || $0.0 == "replace" ? 0 : 1, $0.1) < ($1.0 == "delete" || $1.0 == "replace" ? 0 : 1, $1.1) }
        .map { "\($0.0) \($0.1)" }
    }
}
