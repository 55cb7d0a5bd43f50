import Foundation

/// How this server executes runs.
public struct RunEngineSettings: Sendable {
    /// The `terraform` executable.
    public var terraformBinary: String
    /// Runs this server executes at once (each on a different environment).
    public var concurrency: Int
    /// The most runs one organization executes at once on all servers sharing the queue; nil for no cap.
    public var organizationRunLimit: Int?
    /// What one run phase may use.
    public var limits = RunLimits()
    /// Where this server makes its runs' control groups; nil where it may not (no memory or process limit then).
    var controlGroups: RunControlGroups?
    /// The longest a plan or an apply may take before it is interrupted.
    public var phaseTimeout: TimeInterval
    /// How long Terraform gets to stop after an interrupt before it is killed.
    public var cancelGracePeriod: TimeInterval
    /// How long a claim holds without renewal; a run whose server died is recovered after this.
    public var leaseDuration: TimeInterval
    /// The most log kept per phase.
    public var logLimitBytes: Int
    /// The most a phase's log keeps.
    public static let defaultLogLimitBytes = 4 << 20
    /// Where runs' working folders are made (outside the data folder).
    public var workRoot: URL
    /// Where Terraform executes.
    public var sandbox: RunSandbox
    /// Variables of the server's environment passed to Terraform (PATH, plugin cache, CLI config).
    public var passthroughEnvironment: [String: String]
    /// Where runs may connect to, each phase in a network of its own; nil when runs share the server's network
    /// (`--shared-run-network`).
    public var network: RunNetworkPolicy?
    /// The Rego engine plans are checked with; nil where the operator named none (a plan its environment's policy sets
    /// cover then fails closed).
    public var policyEngine: PolicyEngine?
    /// Where what `init` left is kept for later phases; nil where runs are unsandboxed (nothing would be read-only).
    var initCache: InitializedFolderCache?

    public init(terraformBinary: String, concurrency: Int = 4, phaseTimeout: TimeInterval = 2 * 60 * 60,
                cancelGracePeriod: TimeInterval = 10, leaseDuration: TimeInterval = 30, logLimitBytes: Int = defaultLogLimitBytes,
                workRoot: URL, sandbox: RunSandbox, passthroughEnvironment: [String: String], network: RunNetworkPolicy?) {
        self.terraformBinary = terraformBinary
        self.concurrency = concurrency
        self.phaseTimeout = phaseTimeout
        self.cancelGracePeriod = cancelGracePeriod
        self.leaseDuration = leaseDuration
        self.logLimitBytes = logLimitBytes
        self.workRoot = workRoot
        self.sandbox = sandbox
        self.passthroughEnvironment = passthroughEnvironment
        self.network = network
        self.organizationRunLimit = nil
    }

    /// The variables of the server's own environment Terraform needs; nothing else of it reaches Terraform.
    public static let passedThrough = ["PATH", "TF_CLI_CONFIG_FILE", "TF_PLUGIN_CACHE_DIR", "SSL_CERT_FILE", "SSL_CERT_DIR", "LANG", "TZ"]

    /// `terraform` found on `PATH`, or nil.
    public static func findTerraform(path: String?) -> String? {
        findExecutable("terraform", path: path)
    }

    /// The first executable `name` in the folders of `path`, or nil.
    static func findExecutable(_ name: String, path: String?) -> String? {
        for folder in (path ?? "").split(separator: ":") where folder.hasPrefix("/") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
