import AirlockAWS
import AirlockTesting
import Foundation
import Testing

/// The reference document's feature end to end: the environment setting, "applies only" and "plans and
/// applies" through the real Terraform and the project's test STS, and proof that only session
/// credentials ever reach Terraform.
/// The server's limit of failed MFA attempts per user and environment in 15 minutes.
enum MFALimit {
    static let failures = 5
}

@Suite(.serialized) struct MFARunTests {
    static let directory = TestSTSDirectory.reference()
    static var anika: TestSTSDirectory.User { directory.users[0] }
    static let mfaRole = "arn:aws:iam::123456789012:role/cli-role"
    static let openRole = "arn:aws:iam::123456789012:role/open-role"

    /// A resource whose apply records Terraform's environment and what the AWS CLI can do with it.
    static let probe = ["main.tf": """
        variable "attempt" {
          type    = string
          default = "1"
        }
        resource "terraform_data" "probe" {
          input = var.attempt
          provisioner "local-exec" {
            command = "drop() { curl -s --data-binary @- \\"$DROP_URL/$1\\"; }; env | sort | drop env; aws sts get-caller-identity --output text --query Arn 2>&1 | drop identity; if error=$(aws sts assume-role --role-arn \(mfaRole) --role-session-name inside 2>&1 > /dev/null); then echo ASSUME=ok; else echo ASSUME=failed; fi; printf %s \\"$error\\" | drop assume-error"
          }
        }
        """]

    struct Setup {
        let sts: TestSTS
        let dump: URL
        let drop: FileDrop
    }

    static func withMFAWorld(serveArguments: [String] = [], environment: [String: String] = [:],
                             _ body: (inout RunWorld, Setup) async throws -> Void) async throws {
        let sts = try await TestSTS.start(directory: directory)
        let dump = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-dump-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dump, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dump) }
        // The run's sandbox shows it no folder of ours: its provisioner posts what it saw.
        let drop = try await FileDrop.start(into: dump)
        do {
            // The run's provisioner reaches the drop and the test STS on this machine's loopback: the operator allows both.
            let allowed = [sts.endpoint.absoluteString, drop.url].compactMap { URL(string: $0)?.port }
                .flatMap { ["--run-network-allow", "127.0.0.1:\($0)"] }
            try await RunWorld.with(serveArguments: RunWorld.fast + ["--sts-endpoint", sts.endpoint.absoluteString] + allowed + serveArguments,
                                    environment: environment) { world in
                try await body(&world, Setup(sts: sts, dump: dump, drop: drop))
            }
        } catch {
            try? await sts.stop()
            await drop.stop()
            throw error
        }
        try await sts.stop()
        await drop.stop()
    }

    static func setVariables(_ world: RunWorld, _ setup: Setup, keys: Bool = true) async throws {
        var variables: [(String, String, Bool)] = [("DROP_URL", setup.drop.url, false), ("AWS_ENDPOINT_URL_STS", setup.sts.endpoint.absoluteString, false),
                                                   ("AWS_DEFAULT_REGION", "us-east-1", false)]
        if keys {
            variables += [("AWS_ACCESS_KEY_ID", anika.accessKeyID, false), ("AWS_SECRET_ACCESS_KEY", anika.secretAccessKey, true),
                          ("AWS_MFA_SERIAL_NUMBER", anika.mfaSerial!, false)]
        }
        for (key, value, sensitive) in variables {
            let response = try await world.call("PUT", "/organizations/acme/variables/\(key)", json: #"{"value":"\#(value)","sensitive":\#(sensitive)}"#)
            #expect(response.status == 200, "\(response.body)")
        }
    }

    /// The AWS variables set, "applies only" on prod, and a run planned there; returns the run's id.
    static func plannedUnderAppliesOnly(_ world: RunWorld, _ setup: Setup) async throws -> String {
        try await setVariables(world, setup)
        #expect(try await world.call("PATCH", "/organizations/acme/environments/prod", json: #"{"mfa":"applies_only"}"#).status == 200)
        #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"x\" {\n  input = \"1\"\n}\n"]).status == 201)
        let run = try await world.queue()
        try await world.expect(run, reaches: "planned")
        return run
    }

    static func code(_ setup: Setup) async -> String {
        await setup.sts.engine.currentCode(forUser: "anika")!
    }

    /// The next time step's code (the current one may be spent).
    static func freshCode(_ setup: Setup) async -> String {
        await setup.sts.engine.advanceClock(by: 30)
        return await code(setup)
    }

    static func wrongCode(_ setup: Setup) async -> String {
        let current = Int(await code(setup)) ?? 0
        return String(format: "%06d", (current + 500_000) % 1_000_000)
    }

    @Test func appliesOnlyWithWrongThenReusedThenFreshCodes() async throws {
        try await Self.withMFAWorld { world, setup in
            // The setting needs the three variables; members cannot change it.
            let refused = try await world.call("PATCH", "/organizations/acme/environments/prod", json: #"{"mfa":"applies_only"}"#)
            #expect(refused.status == 409)
            #expect(refused.body.contains("AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_MFA_SERIAL_NUMBER"))
            try await Self.setVariables(world, setup)
            #expect(try await world.call("PATCH", "/organizations/acme/environments/prod", as: "mario", json: #"{"mfa":"applies_only"}"#).status == 403)
            let saved = try await world.call("PATCH", "/organizations/acme/environments/prod", json: #"{"mfa":"applies_only"}"#)
            #expect(saved.body.contains(#""mfa":"applies_only""#))
            #expect(try await world.upload(Self.probe).status == 201)

            // The plan needs no code.
            let run = try await world.queue(as: "mario")
            try await world.expect(run, reaches: "planned")
            let planCalls = await setup.sts.engine.received
            #expect(planCalls.map(\.action) == ["GetSessionToken"])
            #expect(planCalls.allSatisfy { !$0.carriedTokenCode && $0.accessKeyID == Self.anika.accessKeyID })

            let listed = try await world.call("GET", "/organizations/acme/environments/prod/runs", as: "mario")
            #expect(listed.body.contains(#""mfa":"applies_only""#), "the run list shows each run's level")
            // Applying needs one.
            let noCode = try await world.action(run, "confirm", as: "mario")
            #expect(noCode.status == 400)
            #expect(noCode.body.contains("needs an AWS MFA token code (from arn:aws:iam::123456789012:mfa/cli-user) before the apply"))
            let wrong = try await world.call("POST", "/runs/\(run)/actions/confirm", as: "mario", json: #"{"tokenCode":"\#(await Self.wrongCode(setup))"}"#)
            #expect(wrong.status == 403)
            #expect(wrong.body.contains("MultiFactorAuthentication failed with invalid MFA one time pass code."))
            #expect(try await world.state(run) == "planned")
            let malformed = try await world.call("POST", "/runs/\(run)/actions/confirm", as: "mario", json: #"{"tokenCode":"12ab"}"#)
            #expect(malformed.status == 400)
            let code = await Self.code(setup)
            let good = try await world.call("POST", "/runs/\(run)/actions/confirm", as: "mario", json: #"{"tokenCode":"\#(code)"}"#)
            #expect(good.status == 200, "\(good.body)")
            try await world.expect(run, reaches: "applied")
            let apply = try await world.log(run, "apply")
            #expect(apply.contains("Authenticated with MFA by mario\n"))
            #expect(apply.contains("ASSUME=ok"), "the MFA session may assume the role whose trust demands MFA")
            #expect(!apply.contains(Self.anika.secretAccessKey) && !apply.contains(Self.anika.accessKeyID))

            // Terraform's environment held no AWS keys at all: only where its phase's credentials are served, and its token.
            let environment = try String(contentsOf: setup.dump.appendingPathComponent("env"), encoding: .utf8)
            #expect(environment.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:"))
            #expect(environment.contains("AWS_CONTAINER_AUTHORIZATION_TOKEN=airlock-credentials-"))
            #expect(!environment.contains("AWS_ACCESS_KEY_ID=") && !environment.contains("AWS_SESSION_TOKEN="))
            #expect(environment.contains("AWS_EC2_METADATA_DISABLED=true"))
            #expect(!environment.contains(Self.anika.secretAccessKey))
            #expect(!environment.contains(Self.anika.accessKeyID))
            #expect(!environment.contains("AWS_MFA_SERIAL_NUMBER"))
            #expect(!environment.contains("AIRLOCK_") && !environment.contains("airlock_run_"))
            let identity = try String(contentsOf: setup.dump.appendingPathComponent("identity"), encoding: .utf8)
            #expect(identity.trimmingCharacters(in: .whitespacesAndNewlines) == Self.anika.arn)
            // The test STS saw the long-term key only on GetSessionToken calls.
            let calls = await setup.sts.engine.received
            #expect(calls.filter { $0.accessKeyID == Self.anika.accessKeyID }.allSatisfy { $0.action == "GetSessionToken" })
            #expect(calls.contains { $0.action == "GetSessionToken" && $0.carriedTokenCode && $0.errorCode == nil })

            // A reused code is refused like a wrong one, and the run stays planned.
            try FileManager.default.removeItem(at: setup.dump.appendingPathComponent("env"))
            #expect(try await world.upload(Self.probe.mapValues { $0.replacingOccurrences(of: "default = \"1\"", with: "default = \"2\"") }).status == 201)
            let second = try await world.queue(as: "olivia")
            try await world.expect(second, reaches: "planned")
            let reused = try await world.call("POST", "/runs/\(second)/actions/confirm", json: #"{"tokenCode":"\#(code)"}"#)
            #expect(reused.status == 403)
            #expect(reused.body.contains("MultiFactorAuthentication failed"))
            #expect(try await world.state(second) == "planned")
            let fresh = try await world.call("POST", "/runs/\(second)/actions/confirm", json: #"{"tokenCode":"\#(await Self.freshCode(setup))"}"#)
            #expect(fresh.status == 200, "\(fresh.body)")
            try await world.expect(second, reaches: "applied")
            #expect(try await world.log(second, "apply").contains("Authenticated with MFA by olivia"))

            // The audit: every attempt, never a code.
            let audit = try await world.call("GET", "/organizations/acme/environments/prod/mfa-authentications")
            let records = try JSONSerialization.jsonObject(with: Data(audit.body.utf8)) as? [[String: Any]] ?? []
            // wrong, good, reused, fresh (the malformed code never reached STS)
            #expect(records.count == 4, "\(audit.body)")
            #expect(records.filter { $0["succeeded"] as? Bool == true }.count == 2)
            #expect(records.allSatisfy { ($0["phase"] as? String) == "apply" })
            #expect(records.filter { $0["succeeded"] as? Bool == true }.allSatisfy { ($0["stsRequestId"] as? String)?.isEmpty == false })
            #expect(!audit.body.contains(code))
            let lines = try await LocalHTTP.get(world.base + "/api/v1/organizations/acme/environments/prod/mfa-authentications",
                                                headers: [("Authorization", "Bearer \(world.tokens["otto"]!)"), ("Accept", "application/x-ndjson")])
            #expect(lines.status == 404, "other organizations see nothing")
            let jsonLines = try await LocalHTTP.get(world.base + "/api/v1/organizations/acme/environments/prod/mfa-authentications",
                                                    headers: [("Authorization", "Bearer \(world.tokens["mario"]!)"), ("Accept", "application/x-ndjson")])
            #expect(jsonLines.body.split(separator: "\n").count == 4)
        }
    }

    /// Twenty wrong codes at once: the limit holds exactly, and no more codes than it allows reach STS.
    @Test func parallelWrongCodesReachSTSNoMoreThanTheLimit() async throws {
        try await Self.withMFAWorld { world, setup in
            let run = try await Self.plannedUnderAppliesOnly(world, setup)
            let codesSent = { await setup.sts.engine.received.filter { $0.action == "GetSessionToken" && $0.carriedTokenCode }.count }
            let before = await codesSent()
            let (url, token, wrong) = (world.base + "/api/v1/runs/\(run)/actions/confirm", world.tokens["mario"] ?? "", await Self.wrongCode(setup))
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await LocalHTTP.send("POST", url, headers: [("Authorization", "Bearer \(token)")], json: #"{"tokenCode":"\#(wrong)"}"#).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 403 }.count == MFALimit.failures, "\(statuses)")
            #expect(statuses.filter { $0 == 429 }.count == 20 - MFALimit.failures, "\(statuses)")
            #expect(await codesSent() - before == MFALimit.failures)
            #expect(try await world.state(run) == "planned")
        }
    }

    @Test func plansAndAppliesNeedsACodeBeforeQueueing() async throws {
        try await Self.withMFAWorld { world, setup in
            try await Self.setVariables(world, setup)
            #expect(try await world.call("PATCH", "/organizations/acme/environments/prod", json: #"{"mfa":"plans_and_applies"}"#).status == 200)
            #expect(try await world.upload(Self.probe).status == 201)
            let noCode = try await world.call("POST", "/organizations/acme/environments/prod/runs", json: #"{"message":"x"}"#)
            #expect(noCode.status == 400)
            let wrong = try await world.call("POST", "/organizations/acme/environments/prod/runs",
                                             json: #"{"tokenCode":"\#(await Self.wrongCode(setup))"}"#)
            #expect(wrong.status == 403)
            #expect(try await world.call("GET", "/organizations/acme/environments/prod/runs").body == "[]", "nothing was queued")
            let queued = try await world.call("POST", "/organizations/acme/environments/prod/runs", json: #"{"tokenCode":"\#(await Self.code(setup))"}"#)
            #expect(queued.status == 201, "\(queued.body)")
            let run = try #require(try RunWorld.field("id", of: queued.body))
            try await world.expect(run, reaches: "planned")
            #expect(try await world.log(run, "plan").contains("Authenticated with MFA by olivia\n"))
            #expect(try await world.action(run, "confirm").status == 400, "the apply needs its own code")
            #expect(try await world.call("POST", "/runs/\(run)/actions/confirm", json: #"{"tokenCode":"\#(await Self.freshCode(setup))"}"#).status == 200)
            try await world.expect(run, reaches: "applied")
            #expect(try await world.log(run, "apply").contains("Authenticated with MFA by olivia\n"))
        }
    }

    @Test func neverStillGivesTerraformOnlyASessionWithoutMFA() async throws {
        try await Self.withMFAWorld { world, setup in
            try await Self.setVariables(world, setup)
            #expect(try await world.upload(Self.probe).status == 201)
            let run = try await world.queue()
            try await world.expect(run, reaches: "planned")
            #expect(try await world.action(run, "confirm").status == 200)
            try await world.expect(run, reaches: "applied")
            let apply = try await world.log(run, "apply")
            #expect(apply.contains("ASSUME=failed"), "a session without MFA cannot assume the role whose trust demands MFA")
            #expect(!apply.contains("Authenticated with MFA"))
            let error = try String(contentsOf: setup.dump.appendingPathComponent("assume-error"), encoding: .utf8)
            #expect(error.contains("An error occurred (AccessDenied) when calling the AssumeRole operation"))
            let environment = try String(contentsOf: setup.dump.appendingPathComponent("env"), encoding: .utf8)
            #expect(environment.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI=") && !environment.contains(Self.anika.secretAccessKey))
            #expect(await setup.sts.engine.received.filter { $0.action == "GetSessionToken" }.allSatisfy { !$0.carriedTokenCode })
        }
    }

    @Test func confirmHoldsARunToTheEnvironmentsCurrentLevelAndCancelDeletesItsSealedCredentials() async throws {
        try await Self.withMFAWorld(serveArguments: ["--concurrency", "1"]) { world, setup in
            try await Self.setVariables(world, setup)
            #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"x\" {\n  input = \"raised\"\n}\n"]).status == 201)
            let run = try await world.queue()
            try await world.expect(run, reaches: "planned")
            // The owner raises "never" to "applies only": the run planned before is held to it.
            #expect(try await world.call("PATCH", "/organizations/acme/environments/prod", json: #"{"mfa":"applies_only"}"#).status == 200)
            let withoutCode = try await world.action(run, "confirm")
            #expect(withoutCode.status == 400 && withoutCode.body.contains("mfa_code_required"), "\(withoutCode.body)")
            #expect(try await world.state(run) == "planned")

            // Another environment's apply holds the only worker, so the confirmed apply waits with its sealed credentials.
            #expect(try await world.call("POST", "/organizations/acme/environments", json: #"{"name":"busy"}"#).status == 201)
            #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"busy\" {\n  provisioner \"local-exec\" { command = \"echo BUSY; sleep 60\" }\n}\n"],
                                           to: "busy").status == 201)
            let busy = try await world.queue("busy")
            try await world.expect(busy, reaches: "planned")
            #expect(try await world.action(busy, "confirm").status == 200)
            try await world.waitForLog(busy, "apply", containing: "BUSY")
            let confirmed = try await world.call("POST", "/runs/\(run)/actions/confirm", json: #"{"tokenCode":"\#(await Self.code(setup))"}"#)
            #expect(confirmed.status == 200, "\(confirmed.body)")
            #expect(try await world.state(run) == "apply_queued")
            let sealed = "SELECT count(*) FROM runs WHERE apply_credentials_sealed IS NOT NULL"
            #expect(try await world.sql(sealed) == "1")
            #expect(try await world.action(run, "cancel").status == 200)
            #expect(try await world.state(run) == "canceled")
            #expect(try await world.sql(sealed) == "0", "the credentials of an apply that will not run are deleted")
            #expect(try await world.action(busy, "cancel").status == 200)
            try await world.expect(busy, reaches: "canceled")
        }
    }

    @Test func planAndApplyRolesCarryTheApproverAsSourceIdentity() async throws {
        try await Self.withMFAWorld { world, setup in
            try await Self.setVariables(world, setup)
            let badRole = try await world.call("PATCH", "/organizations/acme/environments/prod", json: #"{"applyRoleArn":"not-an-arn"}"#)
            #expect(badRole.status == 400)
            let saved = try await world.call("PATCH", "/organizations/acme/environments/prod",
                                             json: #"{"mfa":"applies_only","planRoleArn":"\#(Self.openRole)","applyRoleArn":"\#(Self.mfaRole)"}"#)
            #expect(saved.status == 200, "\(saved.body)")
            #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"x\" {\n  input = \"1\"\n}\n"]).status == 201)
            let run = try await world.queue(as: "mario")
            try await world.expect(run, reaches: "planned")
            let planned = try await world.run(run)
            let hash = try #require(planned["planSha256"] as? String)
            let number = try #require(planned["number"] as? Int)
            // An approval of a plan other than the saved one is refused before any code reaches STS.
            let sent = await setup.sts.engine.received.count
            let mismatched = try await world.call("POST", "/runs/\(run)/actions/confirm",
                                                  json: #"{"tokenCode":"\#(await Self.code(setup))","planSha256":"\#(String(repeating: "0", count: 64))"}"#)
            #expect(mismatched.status == 409 && mismatched.body.contains("plan_mismatch"), "\(mismatched.body)")
            #expect(await setup.sts.engine.received.count == sent)
            #expect(try await world.state(run) == "planned")
            let confirmed = try await world.call("POST", "/runs/\(run)/actions/confirm",
                                                 json: #"{"tokenCode":"\#(await Self.code(setup))","planSha256":"\#(hash)"}"#)
            #expect(confirmed.status == 200, "\(confirmed.body)")
            try await world.expect(run, reaches: "applied")
            // The plan's role session when the plan starts; the apply's when the code is given (a check) and when it starts.
            let roles = await setup.sts.engine.received.filter { $0.action == "AssumeRole" && $0.errorCode == nil }
            #expect(roles.map(\.roleARN) == [Self.openRole, Self.mfaRole, Self.mfaRole])
            #expect(roles.map(\.sourceIdentity) == ["mario", "olivia", "olivia"], "the planner, then the approver")
            // The apply role's session names the run and the plan it was made to apply; the approval and the audit record it.
            #expect(roles.map(\.roleSessionName) == ["airlock-mario-\(number)-plan", "airlock-olivia-\(number)-apply-\(hash.prefix(12))",
                                                     "airlock-olivia-\(number)-apply-\(hash.prefix(12))"])
            let approvals = try await world.run(run)["approvals"] as? [[String: Any]] ?? []
            #expect(approvals.map { $0["planSha256"] as? String } == [hash])
            let audit = try await world.call("GET", "/organizations/acme/environments/prod/mfa-authentications")
            #expect(audit.body.contains(#""planSha256":"\#(hash)""#), "\(audit.body)")

            // An unguarded plan never gets the apply role: with no plan role it runs on a session without one.
            #expect(try await world.call("PATCH", "/organizations/acme/environments/prod", json: #"{"mfa":"never","planRoleArn":""}"#).status == 200)
            #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"x\" {\n  input = \"2\"\n}\n"]).status == 201)
            let assumedBefore = await setup.sts.engine.received.filter { $0.action == "AssumeRole" }.count
            let unprotected = try await world.queue()
            try await world.expect(unprotected, reaches: "planned")
            #expect(await setup.sts.engine.received.filter { $0.action == "AssumeRole" }.count == assumedBefore, "no role during the plan")
            // The unguarded apply reaches for the apply role, whose trust demands MFA: it errors with STS's message.
            #expect(try await world.action(unprotected, "confirm").status == 200)
            try await world.expect(unprotected, reaches: "errored")
            let message = try await world.run(unprotected)["errorMessage"] as? String ?? ""
            #expect(message.contains("An error occurred (AccessDenied) when calling the AssumeRole operation"), "\(message)")
        }
    }
}

/// `airlock run apply` asks for the code on the terminal like the AWS CLI, without echo, and again when STS
/// refuses it.
@Suite struct RunMFAPromptTests {
    @Test func runApplyPromptsForTheCodeWithoutEcho() async throws {
        try await MFARunTests.withMFAWorld { world, setup in
            try await MFARunTests.setVariables(world, setup)
            #expect(try await world.call("PATCH", "/organizations/acme/environments/prod", json: #"{"mfa":"applies_only"}"#).status == 200)
            #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"x\" {\n  input = \"1\"\n}\n"]).status == 201)
            let login = try await CommandRunner.run(AirlockBinary.path, ["login", "--server", world.base, "--token-stdin"],
                                                    environment: world.fixture.environment, stdin: world.tokens["mario"]! + "\n")
            #expect(login.status == 0)
            let run = try await world.queue(as: "mario")
            try await world.expect(run, reaches: "planned")

            let terminal = try await TmuxSession(command: "\(AirlockBinary.path) run apply --env acme/prod", environment: world.fixture.environment)
            do {
                try await Self.answer(terminal, setup: setup)
            } catch {
                await terminal.stop()
                throw error
            }
            await terminal.stop()
        }
    }

    static func answer(_ terminal: TmuxSession, setup: MFARunTests.Setup) async throws {
        let prompt = "Enter MFA code for \(MFARunTests.anika.mfaSerial!): "
        _ = try await terminal.waitFor(prompt)
        let wrong = await MFARunTests.wrongCode(setup)
        try await terminal.send(wrong)
        _ = try await terminal.waitFor("MultiFactorAuthentication failed with invalid MFA one time pass code.")
        let code = await MFARunTests.code(setup)
        try await terminal.send(code)
        let (status, screen) = try await terminal.waitForExit(seconds: 120)
        #expect(status == 0, "\(screen)")
        #expect(screen.contains("Authenticated with MFA by mario"))
        #expect(screen.contains("Apply complete!"))
        #expect(!screen.contains(wrong) && !screen.contains(code), "codes are not echoed")
        #expect(screen.components(separatedBy: prompt).count == 3, "asked twice")
    }
}

/// The MFA pages: the settings drop-down, the token field and "Authenticate", the lock icon.
@Suite struct MFAPageTests {
    @Test func settingsDropDownAndTheLockIcon() async throws {
        try await MFARunTests.withMFAWorld { world, setup in
            let olivia = Browser(base: world.base), mario = Browser(base: world.base)
            _ = try await olivia.logIn("olivia", password: ServerProcessFixture.password)
            _ = try await mario.logIn("mario", password: ServerProcessFixture.password)
            let settingsPath = "/terraform/acme/environments/prod/settings"
            let settings = try await olivia.get(settingsPath)
            #expect(settings.body.contains(#"<label for="mfa">AWS Multi-Factor Authentication</label>"#))
            #expect(settings.body.contains(#"<option value="never" selected>never</option><option value="applies_only">applies only</option><option value="plans_and_applies">plans and applies</option>"#))
            #expect(settings.body.contains("<button type=\"submit\">Save</button>"))
            // Without the variables the save is refused, naming them.
            _ = try await olivia.submit(settingsPath, [("mfa", "applies_only")])
            let refusedSave = try await olivia.get(settingsPath).body
            #expect(refusedSave.contains(#"<p class="field-error" id="mfa-error" role="alert">"#))
            #expect(refusedSave.contains("needs the organization variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_MFA_SERIAL_NUMBER"))
            try await MFARunTests.setVariables(world, setup)
            _ = try await olivia.get(settingsPath)
            _ = try await olivia.submit(settingsPath, [("mfa", "applies_only"), ("plan_role_arn", ""), ("apply_role_arn", "")])
            #expect(try await olivia.get(settingsPath).body.contains(#"<option value="applies_only" selected>applies only</option>"#))
            // Members see it read-only and cannot save.
            let memberView = try await mario.get(settingsPath)
            #expect(memberView.body.contains(#"<select id="mfa" name="mfa" aria-describedby="mfa-help" disabled>"#))
            _ = try await mario.submit(settingsPath, [("mfa", "never")])
            #expect(try await olivia.get(settingsPath).body.contains(#"<option value="applies_only" selected>"#))

            #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"x\" {\n  input = \"1\"\n}\n"]).status == 201)
            _ = try await mario.get("/terraform/acme/environments/prod")
            let runPath = try #require(try await mario.submit("/terraform/acme/environments/prod/runs", [("message", "page")]).location)
            let runID = String(runPath.split(separator: "/").last!)
            try await world.expect(runID, reaches: "planned")
            let planned = try await mario.get(runPath)
            #expect(planned.body.contains(#"data-mfa="neutral""#))
            #expect(planned.body.contains(#"<label for="token-code">MFA token code</label>"#) && planned.body.contains("<button type=\"submit\">Authenticate</button>"))
            _ = try await mario.submit(runPath + "/confirm", [("token_code", await MFARunTests.wrongCode(setup))])
            let failed = try await mario.get(runPath)
            #expect(failed.body.contains(#"data-mfa="failed""#) && failed.body.contains("Authentication failed"))
            #expect(failed.body.contains("MultiFactorAuthentication failed with invalid MFA one time pass code."))
            #expect(try await world.state(runID) == "planned")
            _ = try await mario.submit(runPath + "/confirm", [("token_code", await MFARunTests.code(setup))])
            try await world.expect(runID, reaches: "applied")
            let applied = try await mario.get(runPath)
            #expect(applied.body.contains(#"data-mfa="authenticated""#) && applied.body.contains("Authenticated with MFA by mario"))
            #expect(!applied.body.contains(MFARunTests.anika.secretAccessKey))
            let environment = try await mario.get("/terraform/acme/environments/prod")
            #expect(environment.body.contains("MFA authentications") && environment.body.contains("failed: "))

            // "plans and applies": the token and "Authenticate" come before the plan is queued.
            _ = try await olivia.get(settingsPath)
            _ = try await olivia.submit(settingsPath, [("mfa", "plans_and_applies"), ("plan_role_arn", ""), ("apply_role_arn", "")])
            let gated = try await mario.get("/terraform/acme/environments/prod")
            #expect(gated.body.contains("<button type=\"submit\">Authenticate</button>") && !gated.body.contains("Queue plan</button>"))
            _ = try await mario.submit("/terraform/acme/environments/prod/runs", [("message", "x"), ("token_code", await MFARunTests.wrongCode(setup))])
            let refused = try await mario.get("/terraform/acme/environments/prod")
            #expect(refused.body.contains(#"data-mfa="failed""#))
            let queued = try await mario.submit("/terraform/acme/environments/prod/runs", [("message", "y"), ("token_code", await MFARunTests.freshCode(setup))])
            #expect(queued.location?.contains("/runs/") == true)
        }
    }
}
