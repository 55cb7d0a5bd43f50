import AirlockTesting
import Foundation
import Testing

/// `airlock push` and `airlock run ...` against a server running the real Terraform.
@Suite struct RunCLITests {
    func airlock(_ world: RunWorld, _ arguments: [String], stdin: String? = nil) async throws -> CommandRunner.Result {
        try await CommandRunner.run(AirlockBinary.path, arguments, environment: world.fixture.environment, stdin: stdin)
    }

    @Test func pushPlanApplyShowAndLogs() async throws {
        try await RunWorld.with { world in
            let login = try await airlock(world, ["login", "--server", world.base, "--token-stdin"], stdin: world.tokens["mario"]! + "\n")
            #expect(login.status == 0, "\(login.stderr)")
            let folder = world.fixture.data.appendingPathComponent("config")
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(".terraform"), withIntermediateDirectories: true)
            try Data(RunLifecycleTests.resources()["main.tf"]!.utf8).write(to: folder.appendingPathComponent("main.tf"))
            try Data("ignored".utf8).write(to: folder.appendingPathComponent(".terraform/junk"))
            try Data("{}".utf8).write(to: folder.appendingPathComponent("terraform.tfstate"))

            let pushed = try await airlock(world, ["push", folder.path, "--env", "acme/prod"])
            #expect(pushed.status == 0, "\(pushed.stderr)")
            let again = try await airlock(world, ["push", folder.path, "--env", "acme/prod"])
            #expect(pushed.stdout == again.stdout, "the same files give the same configuration version")

            let plan = try await airlock(world, ["run", "plan", "--env", "acme/prod", "--message", "from the CLI"])
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.hasPrefix("Queued run #1 ("))
            #expect(plan.stdout.contains("terraform_data.thing will be created"))
            #expect(plan.stdout.hasSuffix("Run #1 on acme/prod: planned\n"))

            let apply = try await airlock(world, ["run", "apply", "--env", "acme/prod"])
            #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
            #expect(apply.stdout.contains("Apply complete!"))
            #expect(apply.stdout.hasSuffix("Run #1 on acme/prod: applied\n"))

            let show = try await airlock(world, ["run", "show", "--env", "acme/prod"])
            #expect(show.stdout.contains("from the CLI"))
            #expect(show.stdout.contains("planned → apply_queued  mario: Apply confirmed"))
            let logs = try await airlock(world, ["run", "logs", "--env", "acme/prod", "--phase", "apply"])
            #expect(logs.stdout == apply.stdout.components(separatedBy: "Confirmed run #1; applying.\n").last?.replacingOccurrences(of: "Run #1 on acme/prod: applied\n", with: ""))

            let nothing = try await airlock(world, ["run", "apply", "--env", "acme/prod"])
            #expect(nothing.status == 255)
            #expect(nothing.stderr == "acme/prod has no planned run.\n")
            let broken = try await airlock(world, ["run", "plan", "--env", "acme/nowhere"])
            #expect(broken.status == 255)
            #expect(broken.stderr.contains("nowhere"))
        }
    }

    /// The review's finding: `push` uploaded state backups, saved plans, `.env` and crash logs, and ignored
    /// `.terraformignore`. The plan lists the files the server got (`fileset`).
    @Test func pushLeavesOutStatePlansSecretsAndWhatTerraformignoreNames() async throws {
        try await RunWorld.with { world in
            let login = try await airlock(world, ["login", "--server", world.base, "--token-stdin"], stdin: world.tokens["mario"]! + "\n")
            #expect(login.status == 0, "\(login.stderr)")
            let folder = world.fixture.data.appendingPathComponent("ignoring")
            let files = [
                "main.tf": #"output "files" { value = sort(tolist(fileset(path.module, "**"))) }"# + "\n",
                ".terraformignore": "# ours\nsecrets/\n*.tmp\n!keep.tmp\n/docs/draft.md\n!.env.example\n",
                "terraform.tfstate": "{}", "terraform.tfstate.1700000000.backup": "{}", "nested/terraform.tfstate": "{}",
                "plan.tfplan": "plan", "crash.log": "crash", ".env": "TOKEN=x", ".env.example": "TOKEN=", "secrets/key.pem": "key",
                "notes.tmp": "tmp", "keep.tmp": "kept", "docs/draft.md": "draft", "docs/guide.md": "guide", "modules/a/main.tf": "",
                ".terraform/modules/x/main.tf": "",
            ]
            for (path, contents) in files {
                let url = folder.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(contents.utf8).write(to: url)
            }
            let pushed = try await airlock(world, ["push", folder.path, "--env", "acme/prod"])
            #expect(pushed.status == 0, "\(pushed.stderr)")
            for path in [".terraform/", ".env", ".env.example", "crash.log", "docs/draft.md", "nested/terraform.tfstate", "notes.tmp", "plan.tfplan", "secrets/",
                         "terraform.tfstate", "terraform.tfstate.1700000000.backup"] {
                #expect(pushed.stderr.contains(path), "says it left out \(path): \(pushed.stderr)")
            }
            let plan = try await airlock(world, ["run", "plan", "--env", "acme/prod"])
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            let listed = Set(plan.stdout.matches(of: /\+ "([^"]+)"/).map { String($0.1) })
            #expect(listed.isSuperset(of: [".terraformignore", "docs/guide.md", "keep.tmp", "main.tf", "modules/a/main.tf"]), "\(plan.stdout)")
            // A repository's .terraformignore cannot take state or secrets back in ("!.env.example" above).
            #expect(listed.isDisjoint(with: [".env", ".env.example", "crash.log", "docs/draft.md", "nested/terraform.tfstate", "notes.tmp", "plan.tfplan",
                                              "secrets/key.pem", "terraform.tfstate", "terraform.tfstate.1700000000.backup"]), "\(plan.stdout)")
        }
    }
}
