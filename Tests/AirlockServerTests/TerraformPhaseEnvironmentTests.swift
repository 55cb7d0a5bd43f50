import AirlockAWS
@testable import AirlockServer
import Testing

/// What Terraform's environment holds in a phase, rule by rule (`TerraformPhaseEnvironment`).
@Suite struct TerraformPhaseEnvironmentTests {
    static let server = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "AWS_ACCESS_KEY_ID": "AKIASERVERKEY", "AWS_SECRET_ACCESS_KEY": "server-secret",
                         "AIRLOCK_DATABASE_URL": "postgres://airlock:pw@db/airlock", "HOME": "/root", "LD_PRELOAD": "/server.so"]
    static let credentials = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:81/aws-credentials",
                              "AWS_CONTAINER_AUTHORIZATION_TOKEN": "airlock-credentials-phase"]

    static func make(_ run: [(String, String)], credentials: [String: String] = [:], proxied: Bool = false,
                     server: [String: String] = server) -> TerraformPhaseEnvironment {
        // With a run network its gateway holds the state credential; without one, Terraform's environment does.
        TerraformPhaseEnvironment(server: server, run: run.map { UnsealedVariable(key: $0.0, value: $0.1, sensitive: false) }, credentials: credentials,
                                  stateToken: proxied ? nil : "airlock_run_phase", proxied: proxied, home: "/work/run/home", cliConfiguration: "/work/run/terraformrc")
    }

    @Test func ofTheServersOwnVariablesOnlyThePassedThroughOnesReachTerraform() {
        let environment = Self.make([])
        #expect(environment.variables["PATH"] == "/usr/bin:/bin")
        #expect(environment.variables["LANG"] == "C.UTF-8")
        for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AIRLOCK_DATABASE_URL", "LD_PRELOAD"] {
            #expect(environment.variables[name] == nil, "\(name)")
        }
        #expect(environment.variables["HOME"] == "/work/run/home")
    }

    /// Terraform gets no AWS keys at all, only where its phase's credentials server is (`RunCredentialServer`); never
    /// a way to the machine's own role through the instance metadata service, nor the run's own container credentials.
    @Test func longTermKeysAndTheSerialNeverReachTerraformOnlyTheCredentialsServer() {
        let run = [("AWS_ACCESS_KEY_ID", "AKIALONGTERM"), ("AWS_SECRET_ACCESS_KEY", "long-term-secret"),
                   ("AWS_MFA_SERIAL_NUMBER", "arn:aws:iam::1:mfa/x"), ("AWS_SESSION_TOKEN", "planted"), ("AWS_REGION", "eu-west-1"),
                   ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.0.0.1/steal"), ("AWS_EC2_METADATA_DISABLED", "false")]
        let without = Self.make(run)
        for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_MFA_SERIAL_NUMBER", "AWS_SESSION_TOKEN", "AWS_CONTAINER_CREDENTIALS_FULL_URI"] {
            #expect(without.variables[name] == nil, "\(name)")
        }
        #expect(without.variables["AWS_REGION"] == "eu-west-1")
        #expect(without.variables["AWS_EC2_METADATA_DISABLED"] == "true")
        let with = Self.make(run, credentials: Self.credentials)
        #expect(with.variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"] == "http://127.0.0.1:81/aws-credentials")
        #expect(with.variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"] == "airlock-credentials-phase")
        #expect(with.variables["AWS_ACCESS_KEY_ID"] == nil && with.variables["AWS_SECRET_ACCESS_KEY"] == nil && with.variables["AWS_SESSION_TOKEN"] == nil)
        #expect(with.variables["AWS_MFA_SERIAL_NUMBER"] == nil)
        #expect(with.variables["AWS_EC2_METADATA_DISABLED"] == "true")
        #expect(!with.variables.values.contains { $0.contains("long-term") || $0.contains("AKIALONGTERM") })
        #expect(with.ignored == ["AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_EC2_METADATA_DISABLED"])
    }

    @Test func reservedNamesAreIgnoredAndReported() {
        let run = [("PATH", "/tmp/evil"), ("HOME", "/tmp"), ("LD_PRELOAD", "/tmp/x.so"), ("TF_CLI_ARGS_apply", "-auto-approve"),
                   ("TF_CLI_CONFIG_FILE", "/tmp/rc"), ("PYTHONSTARTUP", "/tmp/hook.py"), ("TF_VAR_size", "3")]
        let environment = Self.make(run)
        #expect(environment.variables["PATH"] == "/usr/bin:/bin")
        #expect(environment.variables["HOME"] == "/work/run/home")
        #expect(environment.variables["LD_PRELOAD"] == nil)
        #expect(environment.variables["TF_CLI_ARGS_apply"] == nil)
        #expect(environment.variables["PYTHONSTARTUP"] == nil)
        #expect(environment.variables["TF_CLI_CONFIG_FILE"] == "/work/run/terraformrc")
        #expect(environment.variables["TF_VAR_size"] == "3")
        #expect(environment.ignored == ["PATH", "HOME", "LD_PRELOAD", "TF_CLI_ARGS_apply", "TF_CLI_CONFIG_FILE", "PYTHONSTARTUP"])
    }

    @Test func withARunNetworkEveryToolGoesThroughItsProxy() {
        let run = [("NO_PROXY", "*"), ("no_proxy", "169.254.169.254"), ("ALL_PROXY", "socks5://10.0.0.1"), ("HTTPS_PROXY", "http://10.0.0.1:3128")]
        let proxied = Self.make(run, proxied: true)
        for name in RunNetwork.bypassVariables { #expect(proxied.variables[name] == nil, "\(name)") }
        for name in RunNetwork.proxyVariables { #expect(proxied.variables[name] == RunNetwork.proxyAddress, "\(name)") }
        let shared = Self.make(run, proxied: false)
        #expect(shared.variables["NO_PROXY"] == "*")
    }

    @Test func terraformNeverPromptsNorChecksForUpdatesAndTheOperatorsCLIConfigurationWins() {
        let environment = Self.make([])
        #expect(environment.variables["TF_IN_AUTOMATION"] == "1")
        #expect(environment.variables["TF_INPUT"] == "0")
        #expect(environment.variables["CHECKPOINT_DISABLE"] == "1")
        var server = Self.server
        server["TF_CLI_CONFIG_FILE"] = "/etc/airlock/terraformrc"
        #expect(Self.make([], server: server).variables["TF_CLI_CONFIG_FILE"] == "/etc/airlock/terraformrc")
    }

    /// The state backend's credential comes from the phase (the environment, not the backend block Terraform keeps
    /// in the saved plan), and a run's variables cannot replace it; behind a state gateway the run holds none.
    @Test func thePhasesOwnStateCredentialWinsOverTheRunsVariablesAndIsAbsentBehindAGateway() {
        let planted = [("TF_HTTP_PASSWORD", "planted"), ("TF_HTTP_USERNAME", "someone")]
        let shared = Self.make(planted)
        #expect(shared.variables["TF_HTTP_USERNAME"] == "run")
        #expect(shared.variables["TF_HTTP_PASSWORD"] == "airlock_run_phase")
        let gated = Self.make(planted, proxied: true)
        #expect(gated.variables["TF_HTTP_USERNAME"] == nil && gated.variables["TF_HTTP_PASSWORD"] == nil)
    }
}
