import AirlockAWS
import Dispatch
import Fluent
import Foundation
import Vapor
#if canImport(Glibc)
import Glibc
#endif

/// The running server: starts on a configuration, says where it listens, stops on SIGINT or SIGTERM.
public enum AirlockServer {
    /// Creates the data folder, opens and migrates the database, serves until SIGINT or SIGTERM, then shuts
    /// down cleanly. `announce` receives the start-up line (`Airlock listening on http://...`).
    public static func serve(_ configuration: ServerConfiguration, announce: @Sendable (String) -> Void) async throws {
        let database = try DatabaseChoice.resolve(databaseURL: configuration.databaseURL, dataDirectory: configuration.dataDirectory)
        try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let secrets = try SecretBox.load(dataDirectory: configuration.dataDirectory, environment: ProcessInfo.processInfo.environment)
        let (workRoot, sandbox) = try await prepareRuns(configuration)
        if case .unsandboxed = sandbox { announce(RunSandbox.unsandboxedWarning) }
        let network = try prepareRunNetwork(configuration)
        if network == nil { announce(RunNetworkPolicy.sharedWarning) }
        let controlGroups = RunControlGroups.detect()
        if controlGroups == nil { announce(RunControlGroups.unavailableWarning) }
        guard FileManager.default.isExecutableFile(atPath: RunPhaseLimits.prlimit) else { throw RunLimitError.prlimitMissing }
        let stop = StopSignals()
        let app = try await Application.make(Environment(name: "production", arguments: ["airlock"]))
        do {
            let aws = AWSAccess(endpoint: try configuration.resolvedSTSEndpoint(), region: configuration.awsRegion, client: AWSQueryClient())
            try await configure(app, database: database, secrets: secrets, aws: aws, secureCookies: configuration.usesTLS,
                                organizationCreators: configuration.organizationCreators,
                                publicAddress: configuration.pagesAddress(port: configuration.port), requestLimits: configuration.requestLimits,
                                trustedProxies: configuration.trustedProxies, signIn: configuration.signIn)
            app.policyEngine = configuration.policyEngine.map { executable in
                var engine = PolicyEngine(executable: executable)
                engine.timeout = .milliseconds(Int64(configuration.policyTimeout * 1000))
                engine.memoryBytes = configuration.policyMemoryBytes
                engine.sandbox = sandbox
                engine.workRoot = workRoot
                return engine
            }
            try DataFolderPermissions.tighten(configuration.dataDirectory)
            try await Housekeeping.tidy(app.db, retention: configuration.retention, now: app.clock.now)
            app.http.server.configuration.idleTimeout = .milliseconds(Int64(configuration.requestLimits.idleTimeout * 1000))
            if let tls = configuration.tls { app.http.server.configuration.tlsConfiguration = try tls.serverConfiguration() }
            try await app.server.start(address: .hostname(configuration.hostname, port: configuration.port))
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        let port = app.http.server.shared.localAddress?.port ?? configuration.port
        app.publicAddress = configuration.pagesAddress(port: port)  // port 0 chose one only now
        if let warning = configuration.publicAddressWarning(port: port) { announce(warning) }
        let workers: RunWorkers
        do {
            workers = try await startRunWorkers(app, configuration, database: database, secrets: secrets, port: port,
                                                workRoot: workRoot, sandbox: sandbox, network: network, controlGroups: controlGroups)
        } catch {
            await app.server.shutdown()
            try? await app.asyncShutdown()
            throw error
        }
        let housekeeping = Housekeeping(database: app.db, retention: configuration.retention, clock: app.clock, logger: app.logger)
        let sender = NotificationSender(database: app.db, secrets: secrets, pagesAddress: app.publicAddress,
                                        retryBase: configuration.notificationRetryBase,
                                        allowPrivateAddresses: configuration.notificationPrivateAddresses, logger: app.logger)
        let notifications = Task { [clock = app.clock] in await sender.loop(clock: clock) }
        announce("Airlock listening on \(configuration.tls == nil ? "http" : "https")://\(configuration.hostname):\(port) (\(database.redactedDescription))")
        await stop.wait()
        await housekeeping.stop()
        await workers.stop()
        notifications.cancel()
        await notifications.value
        await app.server.shutdown()
        try await app.asyncShutdown()
    }
}

extension AirlockServer {
    /// The runs' work folder and sandbox, checked: a sandbox that does not work here stops the start with
    /// what to do about it.
    static func prepareRuns(_ configuration: ServerConfiguration) async throws -> (URL, RunSandbox) {
        let workRoot = try RunsFolder.prepare(for: configuration)
        guard !configuration.unsandboxedRuns else { return (workRoot, .unsandboxed) }
        let environment = ProcessInfo.processInfo.environment
        guard let executable = configuration.bubblewrapBinary ?? Bubblewrap.find(path: environment["PATH"]) else {
            throw RunSandboxError.notInstalled
        }
        var bubblewrap = Bubblewrap(executable: executable, terraform: terraformBinary(configuration),
                                    serverEnvironment: environment.filter { RunEngineSettings.passedThrough.contains($0.key) },
                                    readOnlyPaths: configuration.sandboxReadOnlyPaths, policyEngine: configuration.policyEngine)
        bubblewrap.tmpBytes = configuration.runLimits.tmpBytes
        try await bubblewrap.verify(scratch: workRoot)
        return (workRoot, .bubblewrap(bubblewrap))
    }

    /// Where runs may connect, checked: a server that cannot give each run phase a network of its own stops the
    /// start with what to do about it. Nil when the operator chose `--shared-run-network`.
    static func prepareRunNetwork(_ configuration: ServerConfiguration) throws -> RunNetworkPolicy? {
        guard !configuration.sharedRunNetwork else { return nil }
        let policy = try RunNetworkPolicy(allowances: configuration.runNetworkAllowances)
        try RunNetworkNamespace.check()
        return policy
    }

    /// The Terraform runs use: the configured one, else `terraform` on PATH.
    static func terraformBinary(_ configuration: ServerConfiguration) -> String {
        configuration.terraformBinary ?? RunEngineSettings.findTerraform(path: ProcessInfo.processInfo.environment["PATH"]) ?? "terraform"
    }

    /// Starts the run workers on the shared queue; Terraform reaches this server's state backend on loopback.
    static func startRunWorkers(_ app: Application, _ configuration: ServerConfiguration, database: DatabaseChoice, secrets: SecretBox,
                                port: Int, workRoot: URL, sandbox: RunSandbox, network: RunNetworkPolicy?,
                                controlGroups: RunControlGroups?) async throws -> RunWorkers {
        let environment = ProcessInfo.processInfo.environment
        let terraform = terraformBinary(configuration)
        var settings = RunEngineSettings(
            terraformBinary: terraform, concurrency: configuration.concurrency, phaseTimeout: configuration.runTimeout,
            cancelGracePeriod: configuration.cancelGracePeriod, leaseDuration: configuration.runLease,
            workRoot: workRoot, sandbox: sandbox,
            passthroughEnvironment: environment.filter { RunEngineSettings.passedThrough.contains($0.key) }, network: network
        )
        settings.organizationRunLimit = configuration.maxRunsPerOrganization
        settings.policyEngine = app.policyEngine
        settings.limits = configuration.runLimits
        app.runStateOnlyThroughGateways = network != nil
        settings.controlGroups = controlGroups
        if case .bubblewrap = sandbox, configuration.keptInitFolders > 0 {
            settings.initCache = try InitializedFolderCache(workRoot: workRoot, secret: secrets.derivedSecret(for: "initialized-folders"),
                                                            phaseTimeout: settings.phaseTimeout, capacity: configuration.keptInitFolders)
        }
        let isSQLite = if case .sqlite = database { true } else { false }
        let workers = try await RunWorkers(settings: settings, database: app.db, mfa: app.mfaServices,
                                           serverURL: configuration.runsAddress(port: port), pagesAddress: app.publicAddress,
                                           stateResponder: app.runStateResponder, recoverAllOnStart: isSQLite, logger: app.logger)
        app.runWorkers = workers
        return workers
    }

    /// Opens and migrates the configured database without serving, runs `body` on it, and closes it:
    /// for the admin commands that scripts, tests and the demo use.
    public static func withDatabase<T: Sendable>(
        _ configuration: ServerConfiguration, _ body: @Sendable (any Database) async throws -> T
    ) async throws -> T {
        let database = try DatabaseChoice.resolve(databaseURL: configuration.databaseURL, dataDirectory: configuration.dataDirectory)
        try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let secrets = try SecretBox.load(dataDirectory: configuration.dataDirectory, environment: ProcessInfo.processInfo.environment)
        let app = try await Application.make(Environment(name: "production", arguments: ["airlock"]))
        app.logger.logLevel = .warning
        do {
            let aws = AWSAccess(endpoint: try configuration.resolvedSTSEndpoint(), region: configuration.awsRegion, client: AWSQueryClient())
            try await configure(app, database: database, secrets: secrets, aws: aws)
            try DataFolderPermissions.tighten(configuration.dataDirectory)
            let result = try await body(app.db)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}

/// Waits for SIGINT or SIGTERM. The signals are unblocked first: a parent (a test runner, a supervisor)
/// may have left them blocked, and a server that cannot be stopped is worse than one that stops.
final class StopSignals {
    private let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    init() {
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGINT)
        sigaddset(&mask, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        self.stream = stream
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    func wait() async {
        for await _ in stream { return }
    }
}
