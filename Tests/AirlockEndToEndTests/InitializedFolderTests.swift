import AirlockTesting
import Foundation
import Testing

/// `terraform init` once per configuration, environment, Terraform and variables (`InitializedFolderCache`): the plan
/// phase's init serves its apply and later plans of the same configuration, and a change of variables inits again.
/// With the server's own network for runs (`--shared-run-network`), where Terraform's environment holds the phase's
/// state token: nothing kept holds it. Through the real Terraform 1.15 and the real sandbox.
@Suite(.serialized) struct InitializedFolderTests {
    static let initialise = "$ terraform init"
    static let skipped = "terraform init: skipped."

    @Test func initRunsOncePerConfigurationAndWhatItLeftHoldsNoStateToken() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-work-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        try await RunWorld.with(serveArguments: RunWorld.fast + ["--work-dir", work.path, "--shared-run-network"]) { world in
            #expect(try await world.upload(["main.tf": """
                variable "label" {
                  type    = string
                  default = "none"
                }
                resource "terraform_data" "change" {
                  input = "${var.label}-${timestamp()}"
                }
                """]).status == 201)
            let (plan, apply) = try await Self.planAndApply(world)
            #expect(plan.contains(Self.initialise) && !plan.contains(Self.skipped), "\(plan)")
            #expect(apply.contains(Self.skipped) && !apply.contains(Self.initialise), "\(apply)")
            #expect(apply.contains("Apply complete!"), "\(apply)")

            // The same configuration again: neither phase inits.
            let again = try await Self.planAndApply(world)
            #expect(again.plan.contains(Self.skipped) && !again.plan.contains(Self.initialise), "\(again.plan)")
            #expect(again.apply.contains(Self.skipped) && !again.apply.contains(Self.initialise), "\(again.apply)")

            // What was kept is Terraform's init output, without any phase's state credential.
            let kept = try Self.files(under: work).filter { $0.path.contains("/initialized-") }
            #expect(kept.contains { $0.path.hasSuffix("/.terraform/terraform.tfstate") }, "\(kept)")
            for file in kept {
                let text = String(decoding: (try? Data(contentsOf: file)) ?? Data(), as: UTF8.self)
                #expect(!text.contains("airlock_run_"), "\(file.path)")
            }

            // Another value of a variable Terraform gets: init runs again.
            #expect(try await world.call("PUT", "/organizations/acme/environments/prod/variables/TF_VAR_label", json: #"{"value":"blue"}"#).status == 200)
            let third = try await world.queue()
            try await world.expect(third, reaches: "planned")
            let changed = try await world.log(third, "plan")
            #expect(changed.contains(Self.initialise) && !changed.contains(Self.skipped), "\(changed)")
        }
    }

    /// Queues a run, confirms it once planned and waits until it is applied; its plan's and apply's logs.
    static func planAndApply(_ world: RunWorld) async throws -> (plan: String, apply: String) {
        let run = try await world.queue()
        try await world.expect(run, reaches: "planned")
        #expect(try await world.action(run, "confirm").status == 200)
        try await world.expect(run, reaches: "applied")
        return (try await world.log(run, "plan"), try await world.log(run, "apply"))
    }

    /// Every regular file under `folder`, not following links.
    static func files(under folder: URL) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }
}
