import AirlockTesting
import Foundation
import Testing

/// Nothing a plan phase writes reaches its apply but the sealed plan: code that runs at plan time (here the
/// stock AWS provider running a `credential_process` named by a shared config file in the archive, no
/// provisioner needed) plants a Python start-up hook, a Terraform CLI configuration and a changed `.terraform`
/// for the apply to pick up, and the apply executes exactly the approved plan all the same. (The apply reuses what the
/// plan's `init` left, which every phase sees read-only: `InitializedFolderCache`.) Through the real
/// Terraform 1.15, the real `hashicorp/aws` provider from the machine's filesystem mirror and the real sandbox.
@Suite(.serialized) struct PlanToApplyIsolationTests {
    static let mirror = "/opt/tf-plugins"

    /// The server's environment and options for runs that install `hashicorp/aws` from the mirror.
    static func mirrorSetup() throws -> (environment: [String: String], serveArguments: [String], cleanup: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-mirror-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configuration = folder.appendingPathComponent("terraformrc")
        try Data("provider_installation {\n  filesystem_mirror { path = \"\(mirror)\" }\n}\n".utf8).write(to: configuration)
        return (["TF_CLI_CONFIG_FILE": configuration.path], RunWorld.fast + ["--sandbox-read-only", mirror], folder)
    }

    /// A configuration whose AWS provider, when it is configured, runs `plant.sh` for its credentials; `plant` runs only
    /// when that is `terraform plan` (the provider is configured again in the apply, where planting proves nothing).
    /// The approved change is one `terraform_data` whose provisioner says what of the planting it can see.
    static func planting(_ plant: String) -> [String: String] {
        ["main.tf": """
            provider "aws" {
              region                      = "us-east-1"
              profile                     = "planted"
              shared_config_files         = ["${path.module}/aws-config"]
              shared_credentials_files    = ["${path.module}/no-credentials"]
              skip_credentials_validation = true
              skip_requesting_account_id  = true
              skip_metadata_api_check     = true
              skip_region_validation      = true
            }
            data "aws_partition" "current" {}
            output "planted_at_plan_time" {
              value = data.aws_partition.current.partition != "" && fileexists("${path.module}/PLANT-RAN")
            }
            output "dot_terraform_writable_at_plan_time" {
              value = data.aws_partition.current.partition != "" && fileexists("${path.module}/DOT-TERRAFORM-WRITABLE")
            }
            resource "terraform_data" "approved" {
              input = data.aws_partition.current.partition
              provisioner "local-exec" {
                command = <<-EOT
                  test -e "$HOME/PLANTED" && echo SAW-HOME-PLANTED
                  test -e .terraform/PLANTED && echo SAW-DOT-TERRAFORM-PLANTED
                  plan=$(for c in /proc/[0-9]*/cmdline; do tr '\\0' '\\n' < "$c" 2>/dev/null; done | grep 'airlock[.]tfplan$' | head -n 1)
                  test -f "$plan" && echo FOUND-THE-APPROVED-PLAN
                  (: >> "$plan") 2>/dev/null && echo THE-APPROVED-PLAN-IS-WRITABLE
                  echo APPROVED-RAN
                EOT
              }
            }
            """,
         "aws-config": "[profile planted]\ncredential_process = sh ./plant.sh\n",
         "plant.sh": """
            phase=none process=$PPID
            while [ "$process" -ge 1 ] && [ "$phase" = none ]; do
              case " $(tr '\\0' ' ' < /proc/$process/cmdline) " in
                *" plan "*) phase=plan ;;
                *" apply "*) phase=apply ;;
              esac
              process=$(awk '/^PPid/ { print $2 }' /proc/$process/status)
            done
            if [ "$phase" = plan ]; then
            \(plant)
            touch PLANT-RAN
            (: > .terraform/PROBE) 2>/dev/null && touch DOT-TERRAFORM-WRITABLE
            fi
            """ + "\necho '{\"Version\":1,\"AccessKeyId\":\"AKIAPLANTEDEXAMPLE\",\"SecretAccessKey\":\"planted\"}'\n"]
    }

    /// Plans, checks that the planting happened at plan time, confirms, and returns the apply's log.
    static func planAndApply(_ files: [String: String]) async throws -> String {
        let (environment, arguments, folder) = try mirrorSetup()
        defer { try? FileManager.default.removeItem(at: folder) }
        var apply = ""
        try await RunWorld.with(serveArguments: arguments, environment: environment) { world in
            #expect(try await world.upload(files).status == 201)
            let run = try await world.queue()
            try await world.expect(run, reaches: "planned")
            let plan = try await world.log(run, "plan")
            #expect(plan.contains("1 to add, 0 to change, 0 to destroy"), "\(plan)")
            #expect(try await world.action(run, "confirm").status == 200)
            _ = try await world.waitFor(run, ["applied", "errored"])
            apply = try await world.log(run, "apply")
            // Terraform lines up the outputs' `=`.
            let outputs = plan.replacingOccurrences(of: " +=", with: " =", options: .regularExpression)
            #expect(outputs.contains("+ planted_at_plan_time = true"), "the planting ran in the plan: \(plan)")
            // What init left is the server's, read-only in the plan too, and the apply goes on with it (no init of its own).
            #expect(outputs.contains("+ dot_terraform_writable_at_plan_time = false"), "\(plan)")
            #expect(apply.contains("terraform init: skipped."), "\(apply)")
            #expect(try await world.state(run) == "applied", "\(apply)")
        }
        return apply
    }

    /// The review's attack: a user-site start-up hook that, in the apply, swaps the approved saved plan for a
    /// fresh `apply -auto-approve` of a configuration with an unapproved resource.
    @Test func aPlanTimeHookCannotSwapThePlanTheApplyExecutes() async throws {
        let apply = try await Self.planAndApply(Self.planting("""
            site=$(python3 -c 'import site; print(site.getusersitepackages())')
            mkdir -p "$site"
            cat > "$site/usercustomize.py" <<'HOOK'
            import sys
            if "apply" in sys.argv and any(a.endswith("airlock.tfplan") for a in sys.argv):
                sys.stderr.write("HOOK-RAN\\n")
                open("unapproved.tf", "w").write('resource "terraform_data" "unapproved" {}\\n')
                sys.argv[:] = [sys.argv[0], "apply", "-input=false", "-no-color", "-auto-approve"]
            HOOK
            echo "planted $site" >&2
            """))
        #expect(apply.contains("(local-exec): APPROVED-RAN"), "\(apply)")
        #expect(!apply.contains("HOOK-RAN"), "\(apply)")
        // The plan Terraform executes is out of reach of the apply's own code too (read-only, outside every writable mount).
        #expect(apply.contains("(local-exec): FOUND-THE-APPROVED-PLAN"), "\(apply)")
        #expect(!apply.contains("(local-exec): THE-APPROVED-PLAN-IS-WRITABLE"), "\(apply)")
        #expect(!apply.contains("unapproved"), "\(apply)")
        #expect(apply.contains("Resources: 1 added, 0 changed, 0 destroyed."), "\(apply)")
    }

    /// A CLI configuration and a `.terraform` change written at plan time: the apply sees neither.
    @Test func aPlantedCLIConfigurationAndDotTerraformAreIgnoredByTheApply() async throws {
        let apply = try await Self.planAndApply(Self.planting("""
            rc='provider_installation {
              dev_overrides { "hashicorp/aws" = "/tmp" }
              direct {}
            }'
            for f in "$HOME/terraformrc" "$HOME/.terraformrc" "$TF_CLI_CONFIG_FILE"; do printf '%s\\n' "$rc" > "$f" 2>/dev/null || true; done
            touch "$HOME/PLANTED" .terraform/PLANTED
            provider=.terraform/providers/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64
            rm -rf "$provider" && mkdir -p "$provider"
            printf '#!/bin/sh\\necho FAKE-PROVIDER-RAN >&2\\nexit 1\\n' > "$provider/terraform-provider-aws_v5.100.0_x5"
            chmod +x "$provider/terraform-provider-aws_v5.100.0_x5"
            """))
        #expect(apply.contains("(local-exec): APPROVED-RAN"), "\(apply)")
        #expect(!apply.contains("(local-exec): SAW-"), "neither the planted HOME nor the planted .terraform: \(apply)")
        #expect(!apply.contains("Provider development overrides"), "\(apply)")
        #expect(!apply.contains("FAKE-PROVIDER-RAN"), "\(apply)")
        #expect(apply.contains("Resources: 1 added, 0 changed, 0 destroyed."), "\(apply)")
    }
}
