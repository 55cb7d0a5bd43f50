extension SharedConfig {
    /// Resolves a profile's credential chain as botocore's providers do: `role_arn` with `source_profile` (chains of
    /// them, a profile sourcing its own static keys, loops refused with botocore's message) or `credential_source`;
    /// otherwise keys in the credentials file, then `credential_process`, then keys in the config file (botocore's
    /// shared-credentials-file, custom-process and config-file providers, in that order).
    public func credentialSource(for profileName: String) throws(ConfigError) -> CredentialSource {
        let profile = try profile(profileName)
        var visited = [profileName]
        if profile.roleARN != nil {
            return try assumeRoleSource(profile, visited: &visited)
        }
        if !profile.keysFromCredentialsFile, let command = profile.credentialProcess {
            return .process(command: command, profile: profile.name)
        }
        if let source = try ownCredentials(profile) { return source }
        throw .noCredentials(profile: profileName)
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
            if source.hasStaticCredentials || source.roleARN == nil {
                guard let credentials = try ownCredentials(source) else { throw .noCredentials(profile: sourceName) }
                return .assumeRole(settings, source: credentials)
            }
            return .assumeRole(settings, source: try assumeRoleSource(source, visited: &visited))
        }
    }

    /// The credentials a profile holds without assuming a role: static keys, then `credential_process`.
    private func ownCredentials(_ profile: Profile) throws(ConfigError) -> CredentialSource? {
        if let keys = try profile.staticCredentials() { return .staticKeys(keys, profile: profile.name) }
        if let command = profile.credentialProcess { return .process(command: command, profile: profile.name) }
        return nil
    }
}
