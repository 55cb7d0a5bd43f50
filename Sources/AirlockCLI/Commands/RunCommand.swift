import AirlockAPIClient
import ArgumentParser
import Foundation
import OpenAPIRuntime

extension Airlock {
    /// `airlock run plan|apply|discard|cancel|show|logs --env ORG/ENV`: runs on a server, logs streamed live.
    struct RunCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Queue, apply, discard, cancel and follow runs.",
            subcommands: [Plan.self, Apply.self, Override.self, Discard.self, Cancel.self, Show.self, Logs.self]
        )

        /// The options every `run` command takes.
        struct Target: ParsableArguments {
            @OptionGroup var server: ServerOptions

            @Option(help: "ORG/ENV")
            var env: EnvironmentAddress

            @Option(help: "A run id (default: the environment's run the command applies to).")
            var run: String?

            @Option(help: "The MFA token code, when the environment needs one (else asked on the terminal without echo).")
            var mfaCode: String?

            @Option(help: ArgumentHelp("A command that prints the MFA token code, like a profile's mfa_process (default: $AIRLOCK_MFA_PROCESS).",
                                       discussion: "For a YubiKey: --mfa-process 'ykman oath accounts code --single airlock'."))
            var mfaProcess: String?

            @Flag(help: "Read the MFA token code from standard input (one line), for CI without a terminal.")
            var mfaCodeStdin = false

            /// Where this command's MFA code comes from, in order: --mfa-code, standard input, the command, the terminal.
            var codeSource: RunClient.CodeSource {
                if let mfaCode { return .given(mfaCode) }
                if mfaCodeStdin { return .standardInput }
                if let process = mfaProcess ?? ProcessInfo.processInfo.environment["AIRLOCK_MFA_PROCESS"], !process.isEmpty { return .process(process) }
                return .terminal
            }
        }

        struct Plan: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "plan",
                abstract: "Queue a plan of the newest configuration and follow its log.",
                discussion: "With --run, authenticate that run's plan instead: a run terraform queued under \"plans and applies\" waits for an MFA token code.")

            @OptionGroup var target: Target

            @Option(help: "Why (shown with the run).")
            var message: String?

            @Flag(help: "Return once queued, without following the log.")
            var noFollow = false

            func run() async throws {
                try await RunClient.perform(target) { client in
                    let environment = try await client.environment()
                    if let id = target.run {
                        return try await authenticate(id, client: client, serial: environment.mfaSerialNumber)
                    }
                    let queued = try await client.withMFA(needed: environment.mfa == .plansAndApplies, serial: environment.mfaSerialNumber,
                                                          from: target.codeSource) { code in
                        try await client.queue(message: message, tokenCode: code)
                    }
                    print("Queued run #\(queued.number) (\(queued.id)) on \(client.address).")
                    guard !noFollow else { return 0 }
                    try await client.follow(queued.id, phase: .plan)
                    let finished = try await client.show(queued.id)
                    if let check = finished.policyCheck { print(PolicyCheckText.text(of: check)) }
                    print(RunClient.summary(finished))
                    return [.planned, .plannedAndFinished].contains(finished.state) ? 0 : 1
                }
            }

            /// Gives the waiting plan of run `id` its MFA token code, then follows the plan.
            private func authenticate(_ id: String, client: RunClient, serial: String?) async throws -> Int32 {
                let run = try await client.show(id)
                guard run.waitingForPlanCode == true else {
                    throw CLIError("Run #\(run.number) does not wait for an MFA token code for its plan (it is \(run.state.rawValue.replacingOccurrences(of: "_", with: " "))).")
                }
                let authenticated = try await client.withMFA(needed: true, serial: serial, from: target.codeSource) { code in
                    try await client.call {
                        try await $0.authenticatePlan(path: .init(run: id), body: .json(.init(tokenCode: code ?? ""))).ok.body.json
                    }
                }
                print("Authenticated the plan of run #\(authenticated.number); it starts when the runs ahead of it are over.")
                guard !noFollow else { return 0 }
                try await client.follow(id, phase: .plan)
                let finished = try await client.show(id)
                print(RunClient.summary(finished))
                return [.planned, .plannedAndFinished, .applyQueued, .applying, .applied].contains(finished.state) ? 0 : 1
            }
        }

        struct Apply: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "apply", abstract: "Confirm & Apply a planned run and follow its apply log.")

            @OptionGroup var target: Target

            func run() async throws {
                try await RunClient.perform(target) { client in
                    let id = try await client.chosenRun(target.run, where: [.planned], what: "planned")
                    let run = try await client.show(id)
                    let environment = try await client.environment()
                    if run.state == .applyQueued {
                        return try await authenticate(run, client: client, serial: environment.mfaSerialNumber)
                    }
                    // What is approved, before the code is asked for; the approval names the plan's hash.
                    print(PlanReview.text(of: run))
                    let confirmed = try await client.withMFA(needed: run.mfa == .appliesOnly || run.mfa == .plansAndApplies,
                                                             serial: environment.mfaSerialNumber, from: target.codeSource) { code in
                        try await client.call {
                            try await $0.confirmRun(path: .init(run: id), body: .json(.init(tokenCode: code, planSha256: run.planSha256))).ok.body.json
                        }
                    }
                    if confirmed.state == .planned {
                        let approvals = confirmed.approvals ?? []
                        print("Approved run #\(confirmed.number) (\(approvals.count) of \(confirmed.requiredApprovals ?? approvals.count) approvals: "
                            + "\(approvals.map(\.username).joined(separator: ", "))); the apply starts with the last.")
                        return 0
                    }
                    print("Confirmed run #\(confirmed.number); applying.")
                    try await client.follow(id, phase: .apply)
                    let finished = try await client.show(id)
                    print(RunClient.summary(finished))
                    return finished.state == .applied ? 0 : 1
                }
            }

            /// Gives an approved apply that waited past its code's hour (`waitingForApplyCode`) a new code, then follows it.
            private func authenticate(_ run: Components.Schemas.Run, client: RunClient, serial: String?) async throws -> Int32 {
                guard run.waitingForApplyCode == true else {
                    throw CLIError("Run #\(run.number) is approved and queued; its apply does not wait for an MFA token code.")
                }
                print("Run #\(run.number)'s approval code let its apply start within an hour, and it waited longer: it needs a new code.")
                let authenticated = try await client.withMFA(needed: true, serial: serial, from: target.codeSource) { code in
                    try await client.call {
                        try await $0.authenticateApply(path: .init(run: run.id), body: .json(.init(tokenCode: code ?? ""))).ok.body.json
                    }
                }
                print("Authenticated the apply of run #\(authenticated.number); it starts when the runs ahead of it are over.")
                try await client.follow(run.id, phase: .apply)
                let finished = try await client.show(run.id)
                print(RunClient.summary(finished))
                return finished.state == .applied ? 0 : 1
            }
        }

        struct Discard: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "discard", abstract: "Discard a planned run.")

            @OptionGroup var target: Target

            func run() async throws {
                try await RunClient.perform(target) { client in
                    let id = try await client.chosenRun(target.run, where: [.planned], what: "planned")
                    let run = try await client.call { try await $0.discardRun(path: .init(run: id)).ok.body.json }
                    print(RunClient.summary(run))
                    return 0
                }
            }
        }

        struct Cancel: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a waiting run, or interrupt a planning or applying one.")

            @OptionGroup var target: Target

            func run() async throws {
                try await RunClient.perform(target) { client in
                    let id = try await client.chosenRun(target.run, where: [.pending, .planning, .applyQueued, .applying], what: "waiting or running")
                    let run = try await client.call { try await $0.cancelRun(path: .init(run: id)).ok.body.json }
                    print(run.cancelRequested ? "Cancel requested for run #\(run.number); Terraform is being interrupted." : RunClient.summary(run))
                    return 0
                }
            }
        }

        struct Override: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "override",
                abstract: "Override a run's failed soft-mandatory policies with your MFA token code and a reason (organization owners only).",
                discussion: "The run then waits for Confirm & Apply (airlock run apply) with the approvals its environment and its policies ask for.")

            @OptionGroup var target: Target

            @Option(help: "Why the failure may be overridden (kept in the run's history and its policy check).")
            var reason: String

            func run() async throws {
                try await RunClient.perform(target) { client in
                    let id = try await client.chosenRun(target.run, where: [.policyOverride], what: "waiting for a policy override")
                    let run = try await client.show(id)
                    if let check = run.policyCheck { print(PolicyCheckText.text(of: check)) }
                    let environment = try await client.environment()
                    let overridden = try await client.withMFA(needed: true, serial: environment.mfaSerialNumber, from: target.codeSource) { code in
                        try await client.call {
                            try await $0.overridePolicyCheck(path: .init(run: id), body: .json(.init(tokenCode: code ?? "", reason: reason))).ok.body.json
                        }
                    }
                    print("Overrode the policy check of run #\(overridden.number); it waits for Confirm & Apply (airlock run apply).")
                    return 0
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a run (default: the newest) and its transitions.")

            @OptionGroup var target: Target

            func run() async throws {
                try await RunClient.perform(target) { client in
                    let id = try await client.chosenRun(target.run, where: nil, what: "any")
                    let run = try await client.show(id)
                    print(RunClient.summary(run))
                    print("  \(run.message)")
                    if let awaiting = run.awaiting { print(RunClient.awaiting(awaiting)) }
                    for event in run.events ?? [] {
                        let time = ISO8601DateFormatter().string(from: event.at)
                        print("  \(time)  \(event.from.map { "\($0.rawValue) → " } ?? "")\(event.to.rawValue)  \(event.actor)\(event.note.map { ": \($0)" } ?? "")")
                    }
                    if let error = run.errorMessage { print("  Error: \(error)") }
                    if let check = run.policyCheck { print(PolicyCheckText.text(of: check)) }
                    return 0
                }
            }
        }

        struct Logs: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print a run's plan or apply log.")

            @OptionGroup var target: Target

            @Option(help: "plan or apply.")
            var phase: String = "plan"

            @Flag(help: "Keep printing until the phase ends.")
            var follow = false

            func validate() throws {
                guard ["plan", "apply"].contains(phase) else { throw ValidationError("--phase is plan or apply.") }
            }

            func run() async throws {
                try await RunClient.perform(target) { client in
                    let id = try await client.chosenRun(target.run, where: nil, what: "any")
                    try await client.follow(id, phase: phase == "plan" ? .plan : .apply, live: follow)
                    return 0
                }
            }
        }
    }
}
