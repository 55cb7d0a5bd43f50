import AirlockAWS
import Foundation

extension TestSTSEngine {
    func getSessionToken(caller: TestSTSCaller, parameters: [String: String]) throws(STSError) -> String {
        guard case let .user(user) = caller else { throw .sessionCredentialsForSessionToken }
        let duration = try durationSeconds(parameters, default: 43200, range: 900...129600)
        let mfa = try verifyMFA(user: user, serial: parameters["SerialNumber"], code: parameters["TokenCode"])
        let session = issueSession(user: user, role: nil, sessionName: nil, duration: duration, mfaAuthenticated: mfa)
        return credentialsXML(session)
    }

    func assumeRole(caller: TestSTSCaller, parameters: [String: String]) throws(STSError) -> String {
        guard let roleARN = parameters["RoleArn"] else {
            throw .validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
        }
        guard let sessionName = parameters["RoleSessionName"] else {
            throw .validation("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
        }
        guard (2...64).contains(sessionName.count) else {
            throw .constraint("roleSessionName", sessionName.count < 2 ? "Member must have length greater than or equal to 2"
                : "Member must have length less than or equal to 64", value: sessionName)
        }
        guard sessionName.allSatisfy({ $0.isLetter || $0.isNumber || "_+=,.@-".contains($0) }) else {
            throw .constraint("roleSessionName", "Member must satisfy regular expression pattern: [\\w+=,.@-]*", value: sessionName)
        }
        guard let role = directory.roles.first(where: { $0.arn == roleARN }) else { throw .accessDenied }
        let chained: Bool
        let callerMFA: Bool
        switch caller {
        case .user: (chained, callerMFA) = (false, false)
        // Any temporary credentials count: STS caps a role assumed with a GetSessionToken session at an hour too.
        case let .session(session): (chained, callerMFA) = (true, session.mfaAuthenticated)
        }
        let maximum = chained ? min(3600, role.maxSessionDuration) : role.maxSessionDuration
        let duration = try durationSeconds(parameters, default: 3600, range: 900...43200)
        if duration > maximum {
            throw .validation(chained
                ? "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
                : "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }
        let trusted = role.trustedPrincipals.contains(caller.trustARN)
            || role.trustedPrincipals.contains("arn:aws:iam::\(caller.user.accountID):root")
        let requestMFA = try verifyMFA(user: caller.user, serial: parameters["SerialNumber"], code: parameters["TokenCode"])
        let mfa = requestMFA || callerMFA
        guard trusted, !role.requiresMFA || mfa, role.externalID == nil || role.externalID == parameters["ExternalId"] else {
            throw .accessDenied
        }
        let session = issueSession(user: caller.user, role: role, sessionName: sessionName, duration: duration, mfaAuthenticated: mfa)
        var xml = credentialsXML(session) + """

                <AssumedRoleUser>
                  <AssumedRoleId>\(role.roleID):\(XMLText.escape(sessionName))</AssumedRoleId>
                  <Arn>\(XMLText.escape(session.principalARN))</Arn>
                </AssumedRoleUser>
            """
        if parameters["Policy"] != nil || parameters["Tags.member.1.Key"] != nil {
            xml += "\n    <PackedPolicySize>6</PackedPolicySize>"
        }
        if let sourceIdentity = parameters["SourceIdentity"] {
            xml += "\n    <SourceIdentity>\(XMLText.escape(sourceIdentity))</SourceIdentity>"
        }
        return xml
    }

    func getCallerIdentity(caller: TestSTSCaller) -> String {
        let (userID, arn): (String, String)
        switch caller {
        case let .user(user): (userID, arn) = (user.userID, user.arn)
        case let .session(session):
            if let role = session.role, let name = session.sessionName {
                (userID, arn) = ("\(role.roleID):\(name)", session.principalARN)
            } else {
                (userID, arn) = (session.user.userID, session.user.arn)
            }
        }
        return """
                <Arn>\(XMLText.escape(arn))</Arn>
                <UserId>\(XMLText.escape(userID))</UserId>
                <Account>\(caller.user.accountID)</Account>
            """
    }

    private func durationSeconds(_ parameters: [String: String], default value: Int, range: ClosedRange<Int>) throws(STSError) -> Int {
        guard let text = parameters["DurationSeconds"] else { return value }
        guard let seconds = Int(text) else {
            throw .validation("1 validation error detected: Value '\(text)' at 'durationSeconds' failed to satisfy constraint: Member must be a number")
        }
        if seconds < range.lowerBound {
            throw .constraint("durationSeconds", "Member must have value greater than or equal to \(range.lowerBound)", value: text)
        }
        if seconds > range.upperBound {
            throw .constraint("durationSeconds", "Member must have value less than or equal to \(range.upperBound)", value: text)
        }
        return seconds
    }

    func credentialsXML(_ session: TestSTSSession) -> String {
        // Fractional seconds, as AWS writes them for AssumeRole; parsers must accept both forms.
        let expiration = ISO8601Timestamp.format(session.expiration).replacingOccurrences(of: "Z", with: ".000Z")
        return """
                <Credentials>
                  <AccessKeyId>\(session.credentials.accessKeyID)</AccessKeyId>
                  <SecretAccessKey>\(XMLText.escape(session.credentials.secretAccessKey))</SecretAccessKey>
                  <SessionToken>\(session.credentials.sessionToken ?? "")</SessionToken>
                  <Expiration>\(expiration)</Expiration>
                </Credentials>
            """
    }
}
