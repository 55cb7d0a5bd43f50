import AirlockAWS
@testable import AirlockServer
import AirlockTesting
import Foundation
import Testing

/// The plan's summary read from `terraform plan`'s own output (`PlanSummary(planOutput:)`) is the one
/// `terraform show -json` gives, for every kind of change the real Terraform 1.15 makes here; and output it cannot
/// account for is refused (its caller then runs `show -json`).
@Suite struct PlanOutputSummaryTests {
    /// Runs the real Terraform in `folder`; its standard output.
    static func terraform(_ arguments: [String], in folder: URL, status expected: Int32 = 0) async throws -> Data {
        let executable = try await TerraformVersion.v1_15.executable()
        let environment = ProcessInfo.processInfo.environment.merging(["TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"]) { $1 }
        let result = try await ChildProcess.run(URL(fileURLWithPath: executable), ["-chdir=\(folder.path)"] + arguments, environment: environment)
        #expect(result.status == expected, "terraform \(arguments): \(result.stdoutText)\(result.stderrText)")
        return result.stdout
    }

    static let before = """
        resource "terraform_data" "updated" { input = "a" }
        resource "terraform_data" "replaced" { triggers_replace = "1" }
        resource "terraform_data" "tainted" {}
        resource "terraform_data" "destroyed" {}
        resource "terraform_data" "forgotten" {}
        resource "terraform_data" "old_name" { input = "a" }
        resource "terraform_data" "drifted" {}
        """
    static let after = """
        resource "terraform_data" "updated" { input = "b" }
        resource "terraform_data" "replaced" { triggers_replace = "2" }
        resource "terraform_data" "tainted" {}
        removed {
          from = terraform_data.forgotten
          lifecycle { destroy = false }
        }
        moved {
          from = terraform_data.old_name
          to   = terraform_data.new_name
        }
        resource "terraform_data" "new_name" { input = "b" }
        resource "terraform_data" "drifted" {}
        resource "terraform_data" "each" {
          for_each = toset(["a b", "quote \\" in it", "ends will be created"])
          input    = each.key
        }
        module "inner" {
          source = "./inner"
        }
        """

    @Test func everyKindOfChangeReadsAsShowJSONSummarizesIt() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-plan-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("inner"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(Self.before.utf8).write(to: folder.appendingPathComponent("main.tf"))
        try Data(#"resource "terraform_data" "nested" { input = "x" }"#.utf8).write(to: folder.appendingPathComponent("inner/main.tf"))
        _ = try await Self.terraform(["init", "-input=false", "-no-color"], in: folder)
        _ = try await Self.terraform(["apply", "-input=false", "-no-color", "-auto-approve"], in: folder)
        _ = try await Self.terraform(["taint", "-no-color", "terraform_data.tainted"], in: folder)
        try Data(Self.after.utf8).write(to: folder.appendingPathComponent("main.tf"))
        _ = try await Self.terraform(["init", "-input=false", "-no-color"], in: folder)  // the module

        for destroy in [false, true] {
            let output = try await Self.terraform(["plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=p.tfplan"]
                                                  + (destroy ? ["-destroy"] : []), in: folder, status: 2)
            let shown = try await Self.terraform(["show", "-json", "-no-color", "p.tfplan"], in: folder)
            let fromShow = try PlanSummary(terraformShowOutput: shown)
            let fromOutput = try #require(PlanSummary(planOutput: output), "\(String(decoding: output, as: UTF8.self))")
            #expect(fromOutput == fromShow, "\(String(decoding: output, as: UTF8.self))")
            if !destroy {
                #expect(fromOutput.forget == 1 && fromOutput.change == 2 && fromOutput.add == 6 && fromOutput.destroy == 3, "\(fromOutput)")
                #expect(fromOutput.resources.contains(PlanSummary.Resource(address: #"terraform_data.each["ends will be created"]"#, action: .create)))
                #expect(fromOutput.resources.contains(PlanSummary.Resource(address: "module.inner.terraform_data.nested", action: .create)))
            } else {
                #expect(fromOutput.destroy > 0 && fromOutput.add == 0, "\(fromOutput)")
            }
        }
    }

    @Test func outputItCannotAccountForIsRefused() {
        let plan = """
            Terraform will perform the following actions:

              # terraform_data.a will be created
              + resource "terraform_data" "a" {
                  + input = <<-EOT
                        # terraform_data.b will be destroyed
                    EOT
                }

            Plan: 1 to add, 0 to change, 0 to destroy.
            """
        #expect(PlanSummary(planOutput: Data(plan.utf8))?.resources == [PlanSummary.Resource(address: "terraform_data.a", action: .create)])
        for broken in [
            plan.replacingOccurrences(of: "Plan: 1 to add", with: "Plan: 2 to add"),  // counts that do not add up
            plan.replacingOccurrences(of: "will be created", with: "will be frobnicated"),  // wording this does not know
            plan.replacingOccurrences(of: "Plan: 1 to add, 0 to change, 0 to destroy.", with: ""),  // no "Plan:" line
            plan.replacingOccurrences(of: "0 to destroy.", with: "0 to destroy, 1 to invoke."),  // a count this does not know
            plan + "\nPlan: 1 to add, 0 to change, 0 to destroy.\n",  // two "Plan:" lines
        ] {
            #expect(PlanSummary(planOutput: Data(broken.utf8)) == nil, "\(broken)")
        }
        // Outputs alone change: no "Plan:" line, nothing listed.
        #expect(PlanSummary(planOutput: Data("Changes to Outputs:\n  + at = \"x\"\n".utf8)) == PlanSummary())
    }
}
