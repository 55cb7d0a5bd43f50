extension SharedConfig {
    /// Resolves a profile's credential chain as botocore's providers do: `role_arn` with `source_profile` (chains of
    /// them, a profile sourcing its own static keys, loops refused with botocore's message) or `credential_source`;
    /// otherwise the profile's own providers in botocore's order (see `ownCredentials`).
    ///
    /// - Parameter environment: the `AWS_WEB_IDENTITY_TOKEN_FILE` family, read before the profile's settings; pass
    ///   none when a profile was named on the command line (botocore ignores them then).
    /// A `default` profile that is not written anywhere is empty, as for botocore: the environment may still
    /// provide.
    public func credentialSource(for profileName: String, environment: [String: String] = [:]) throws(ConfigError) -> CredentialSource {
        let profile = profileName == "default" ? profiles[profileName] ?? Profile(name: profileName) : try self.profile(profileName)
        var visited = [profileName]
        if profile.roleARN != nil, profile.webIdentityTokenFile == nil {
            return try assumeRoleSource(profile, visited: &visited)
        }
        if let source = try ownCredentials(profile, environment: environment) { return source }
        throw .unableToLocateCredentials
    }

    private func assumeRoleSource(_ profile: Profile, visited: inout [String]) throws(ConfigError) -> CredentialSource {
        let settings = AssumeRoleSettings(
            profile: profile.name,
            roleARN: profile.roleARN ?? "",
            roleSessionName: profile.roleSessionName,
            externalID: profile.externalID,
            mfaSerial: profile.mfaSerial,
            mfaProcess: profile.mfaProcess,
            durationSeconds: try profile.durationSeconds()
        )
        switch (profile.sourceProfile, profile.credentialSource) {
        case (.some, .some):
            throw .bothSourceProfileAndCredentialSource(profile: profile.name)
        case (nil, nil):
            throw .missingSource(profile: profile.name)
        case let (nil, .some(credentialSource)):
            guard credentialSource == "Environment" else {
                throw .unsupportedCredentialSource(source: credentialSource, profile: profile.name)
            }
            return .assumeRole(settings, source: .environment(profile: profile.name))
        case let (.some(sourceName), nil):
            guard let source = profiles[sourceName] else {
                throw .sourceProfileNotFound(sourceProfile: sourceName, profile: profile.name)
            }
            if visited.contains(sourceName) {
                // A profile may source its own static keys; any other revisit is a loop.
                guard sourceName == profile.name, source.hasStaticCredentials else {
                    throw .infiniteLoop(sourceProfile: sourceName, visited: visited)
                }
            }
            visited.append(sourceName)
            // botocore: a source profile with keys, or without a role to assume, provides through its own chain.
            if source.hasStaticCredentials || source.roleARN == nil || source.webIdentityTokenFile != nil {
                guard let credentials = try ownCredentials(source, environment: [:]) else { throw .noCredentials(profile: sourceName) }
                return .assumeRole(settings, source: credentials)
            }
            return .assumeRole(settings, source: try assumeRoleSource(source, visited: &visited))
        }
    }

    /// The credentials a profile provides without AssumeRole, in botocore's order of its profile providers: web
    /// identity, Identity Center, keys in the credentials file, `credential_process`, keys in the config file.
    private func ownCredentials(_ profile: Profile, environment: [String: String]) throws(ConfigError) -> CredentialSource? {
        if let settings = try webIdentity(profile, environment: environment) { return .webIdentity(settings) }
        if profile.isSingleSignOn { return .singleSignOn(try singleSignOn(profile)) }
        if profile.keysFromCredentialsFile, let keys = try profile.staticCredentials() { return .staticKeys(keys, profile: profile.name) }
        if let command = profile.credentialProcess { return .process(command: command, profile: profile.name) }
        if let keys = try profile.staticCredentials() { return .staticKeys(keys, profile: profile.name) }
        return nil
    }

    /// botocore's AssumeRoleWithWebIdentityProvider: each setting from its variable, else from the profile.
    private func webIdentity(_ profile: Profile, environment: [String: String]) throws(ConfigError) -> WebIdentitySettings? {
        guard let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"] ?? profile.webIdentityTokenFile, !tokenFile.isEmpty else {
            return nil
        }
        guard let roleARN = environment["AWS_ROLE_ARN"] ?? profile.roleARN, !roleARN.isEmpty else {
            throw .webIdentityWithoutRole(profile: profile.name)
        }
        return WebIdentitySettings(profile: profile.name, roleARN: roleARN, tokenFile: tokenFile,
                                   roleSessionName: (environment["AWS_ROLE_SESSION_NAME"] ?? profile.roleSessionName).flatMap { $0.isEmpty ? nil : $0 })
    }

    /// botocore's SSOProvider: the profile's settings merged with its `[sso-session]` (a key both set must agree),
    /// every required one present.
    private func singleSignOn(_ profile: Profile) throws(ConfigError) -> SingleSignOnSettings {
        var settings = profile.values.compactMapValues(\.string)
        var required = ["sso_role_name", "sso_account_id", "sso_start_url", "sso_region"]
        if let sessionName = profile["sso_session"] {
            guard let session = ssoSessions[sessionName] else { throw .ssoSessionNotFound(sessionName) }
            for (key, value) in session.sorted(by: { $0.key < $1.key }) {
                if let own = settings[key], own != value {
                    throw .ssoSettingsDisagree(key: key, profileValue: own, sessionValue: value)
                }
                settings[key] = value
            }
            required.append("sso_session")
        }
        let missing = required.filter { settings[$0] == nil }
        guard missing.isEmpty, let startURL = settings["sso_start_url"], let region = settings["sso_region"],
              let accountID = settings["sso_account_id"], let roleName = settings["sso_role_name"] else {
            throw .ssoSettingsMissing(profile: profile.name, missing: missing)
        }
        return SingleSignOnSettings(profile: profile.name, startURL: startURL, region: region, accountID: accountID,
                                    roleName: roleName, sessionName: settings["sso_session"])
    }
}
