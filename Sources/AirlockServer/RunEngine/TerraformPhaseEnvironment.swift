import AirlockAWS

/// The environment Terraform runs with in a phase, a security rule built in one pure function:
/// - of the server's own variables only `RunEngineSettings.passedThrough`;
/// - the run's variables, except the long-term AWS keys and MFA serial (withheld: never in Terraform) and the
///   names Airlock sets or that change how Terraform starts (`VariableRules.isReserved`: reported as ignored);
/// - where the phase has AWS credentials, the container credentials variables that lead its SDKs to them
///   (`RunCredentialServer`: never keys themselves), and never the instance metadata service's;
/// - without a run network, the phase's own credential for its environment's state (`TF_HTTP_USERNAME`/
///   `TF_HTTP_PASSWORD`: never in the backend block, which Terraform keeps in the saved plan, so the apply uses its
///   own); with one, none at all (its state gateway adds it);
/// - with a run network, its proxy and nothing that bypasses it;
/// - `HOME` in the phase's folder, no prompts, no version check, and the phase's CLI configuration unless the
///   operator passed their own.
struct TerraformPhaseEnvironment: Equatable {
    /// Name to value, as Terraform gets it.
    let variables: [String: String]
    /// The run's variables that were not passed, by name.
    let ignored: [String]
    /// What every phase of the run gets alike (the server's passed-through variables, the run's, the proxy's), without
    /// what is the phase's own (credentials, state token, `HOME`): what `init`'s result depends on (`InitializedFolderCache`).
    let alike: [String: String]

    init(server: [String: String], run: [UnsealedVariable], credentials: [String: String], stateToken: String?, proxied: Bool, home: String,
         cliConfiguration: String) {
        var variables = server.filter { RunEngineSettings.passedThrough.contains($0.key) }
        for variable in run where !AWSAccess.withheldVariables.contains(variable.key) && !VariableRules.isReserved(variable.key) {
            variables[variable.key] = variable.value
        }
        if proxied {
            for name in RunNetwork.bypassVariables { variables[name] = nil }
            for name in RunNetwork.proxyVariables { variables[name] = RunNetwork.proxyAddress }
        }
        alike = variables
        variables.merge(credentials) { $1 }
        variables["AWS_EC2_METADATA_DISABLED"] = "true"  // an SDK never falls back to the machine's own role
        variables["TF_HTTP_USERNAME"] = stateToken.map { _ in "run" }
        variables["TF_HTTP_PASSWORD"] = stateToken
        variables["HOME"] = home
        variables["TF_IN_AUTOMATION"] = "1"
        variables["CHECKPOINT_DISABLE"] = "1"  // no version check: a run reaches only what it needs
        variables["TF_INPUT"] = "0"
        if variables["TF_CLI_CONFIG_FILE"] == nil { variables["TF_CLI_CONFIG_FILE"] = cliConfiguration }
        self.variables = variables
        ignored = run.map(\.key).filter(VariableRules.isReserved)
    }
}
