import AirlockAWS
import Foundation

extension TestSTSEngine {
    /// AssumeRoleWithWebIdentity: a token the directory knows, for a role that trusts its provider.
    func assumeRoleWithWebIdentity(parameters: [String: String]) throws(STSError) -> String {
        guard let roleARN = parameters["RoleArn"], let sessionName = parameters["RoleSessionName"], let text = parameters["WebIdentityToken"] else {
            throw .validation("1 validation error detected: RoleArn, RoleSessionName and WebIdentityToken must not be null")
        }
        guard let token = directory.webIdentityTokens.first(where: { $0.token == text }) else {
            throw STSError(400, "InvalidIdentityToken", "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.")
        }
        guard let role = directory.roles.first(where: { $0.arn == roleARN }), role.trustedPrincipals.contains(token.providerARN) else {
            throw .accessDenied
        }
        let duration = min(role.maxSessionDuration, Int(parameters["DurationSeconds"] ?? "") ?? 3600)
        let federated = TestSTSDirectory.User(name: "web-identity/\(token.subject)", accountID: role.accountID, accessKeyID: "", secretAccessKey: "")
        let session = issueSession(user: federated, role: role, sessionName: sessionName, duration: duration, mfaAuthenticated: false)
        return credentialsXML(session) + """

                <SubjectFromWebIdentityToken>\(XMLText.escape(token.subject))</SubjectFromWebIdentityToken>
                <AssumedRoleUser>
                  <AssumedRoleId>\(role.roleID):\(XMLText.escape(sessionName))</AssumedRoleId>
                  <Arn>\(XMLText.escape(session.principalARN))</Arn>
                </AssumedRoleUser>
                <Provider>\(XMLText.escape(token.provider))</Provider>
                <Audience>\(XMLText.escape(token.audience))</Audience>
            """
    }

    /// The portal's GetRoleCredentials: a current access token, and a role the person is assigned in that account.
    func getRoleCredentials(_ request: TestSTSRequest, requestID: String) -> TestSTSResponse {
        let parameters = request.parameters
        guard let accountID = parameters["account_id"], let roleName = parameters["role_name"] else {
            return Self.jsonError(400, "InvalidRequestException", "account_id and role_name are required", requestID: requestID)
        }
        guard let token = request.header("x-amz-sso_bearer_token"), let holder = ssoAccessTokens[token], holder.expiration > now,
              let user = directory.ssoUsers.first(where: { $0.name == holder.user }) else {
            return Self.jsonError(401, "UnauthorizedException", "Session token not found or invalid", requestID: requestID)
        }
        guard user.assignments.contains(where: { $0.accountID == accountID && $0.roleName == roleName }),
              let role = directory.roles.first(where: { $0.accountID == accountID && $0.name == roleName }) else {
            return Self.jsonError(403, "ForbiddenException", "No access", requestID: requestID)
        }
        let person = TestSTSDirectory.User(name: "sso/\(user.name)", accountID: accountID, accessKeyID: "", secretAccessKey: "")
        let session = issueSession(user: person, role: role, sessionName: user.name, duration: role.maxSessionDuration, mfaAuthenticated: false)
        let milliseconds = Int64(session.expiration.timeIntervalSince1970) * 1000
        let body = """
            {"roleCredentials":{"accessKeyId":"\(session.credentials.accessKeyID)","secretAccessKey":"\(session.credentials.secretAccessKey)",\
            "sessionToken":"\(session.credentials.sessionToken ?? "")","expiration":\(milliseconds)}}
            """
        return TestSTSResponse(status: 200, body: body, requestID: requestID, contentType: "application/json")
    }

    /// The OIDC service's CreateToken with a refresh token: the client's registration and a current refresh token give a
    /// new access token (an hour) and a new refresh token (the old one is spent).
    func createToken(_ request: TestSTSRequest, requestID: String) -> TestSTSResponse {
        guard let fields = try? JSONDecoder().decode([String: String].self, from: Data(request.body)),
              fields["grantType"] == "refresh_token", let clientID = fields["clientId"], let refreshToken = fields["refreshToken"] else {
            return Self.jsonError(400, "InvalidRequestException", "grantType refresh_token, clientId and refreshToken are required", requestID: requestID)
        }
        guard let name = ssoRefreshTokens[refreshToken], let user = directory.ssoUsers.first(where: { $0.name == name }),
              user.clientID == clientID, user.clientSecret == fields["clientSecret"] else {
            return Self.jsonError(400, "InvalidGrantException", "Invalid grant provided", requestID: requestID)
        }
        let accessToken = "sso-access-" + Self.randomString(40, alphabet: "abcdefghijklmnopqrstuvwxyz0123456789")
        let nextRefreshToken = "sso-refresh-" + Self.randomString(40, alphabet: "abcdefghijklmnopqrstuvwxyz0123456789")
        ssoRefreshTokens[refreshToken] = nil
        ssoRefreshTokens[nextRefreshToken] = name
        ssoAccessTokens[accessToken] = (name, now.addingTimeInterval(3600))
        let body = """
            {"accessToken":"\(accessToken)","tokenType":"Bearer","expiresIn":3600,"refreshToken":"\(nextRefreshToken)"}
            """
        return TestSTSResponse(status: 200, body: body, requestID: requestID, contentType: "application/json")
    }

    static func jsonError(_ status: Int, _ type: String, _ message: String, requestID: String) -> TestSTSResponse {
        TestSTSResponse(status: status, body: "{\"message\":\"\(message)\"}", requestID: requestID, contentType: "application/json", errorType: type)
    }
}
