import Foundation

/// Identity Center role credentials for one profile, as botocore's SSO provider gets them: the cached access token of
/// the sign-in (renewed first with its refresh token when an `sso_session`'s has less than 15 minutes left), then the
/// portal's GetRoleCredentials.
struct SingleSignOnFetcher: Sendable {
    static let refreshWindow: TimeInterval = 15 * 60

    let settings: SingleSignOnSettings
    let tokens: SSOTokenCache
    let portal: SSOPortalClient
    let oidc: SSOOIDCClient
    let notice: @Sendable (String) -> Void

    func credentials(now: Date) async throws -> AWSCredentials {
        var token = try tokens.token(for: settings)
        let remaining = token.expiry.map { $0.timeIntervalSince(now) } ?? 0
        if settings.sessionName != nil, remaining < Self.refreshWindow, let grant = token.refreshGrant, grant.registrationExpiresAt > now,
           let answer = try await oidc.refresh(clientID: grant.clientID, clientSecret: grant.clientSecret, refreshToken: grant.refreshToken) {
            token = token.refreshed(answer, startURL: settings.startURL, region: settings.region, now: now)
            do {
                try tokens.store(token, for: settings)
            } catch {
                notice("The renewed SSO token works but was not saved (\(error)); it will be renewed again next time.")
            }
        }
        guard let expiry = token.expiry, expiry > now else { throw SSOError.sessionExpired(profile: settings.profile) }
        return try await portal.roleCredentials(accountID: settings.accountID, roleName: settings.roleName,
                                                accessToken: token.accessToken, profile: settings.profile)
    }
}
