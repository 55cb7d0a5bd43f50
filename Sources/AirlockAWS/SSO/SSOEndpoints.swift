import Foundation

/// Where Identity Center calls go: a URL configured for `sso` (the portal) or `sso_oidc` itself (`AWS_ENDPOINT_URL_SSO`,
/// `AWS_ENDPOINT_URL_SSO_OIDC`, a `[services]` section; never the all-services `AWS_ENDPOINT_URL` or `endpoint_url`,
/// see `ConfiguredEndpoint`), else AWS's own in the sign-in's region (`portal.sso.<region>.amazonaws.com`,
/// `oidc.<region>.amazonaws.com`).
enum SSOEndpoints {
    static func portal(region: String, profile: Profile?, config: SharedConfig, environment: [String: String]) throws -> URL {
        try ConfiguredEndpoint.url(service: "sso", profile: profile, config: config, environment: environment, serviceSpecificOnly: true)
            ?? (try regional("portal.sso", region: region))
    }

    static func oidc(region: String, profile: Profile?, config: SharedConfig, environment: [String: String]) throws -> URL {
        try ConfiguredEndpoint.url(service: "sso_oidc", profile: profile, config: config, environment: environment,
                                   serviceSpecificOnly: true)
            ?? (try regional("oidc", region: region))
    }

    private static func regional(_ service: String, region: String) throws -> URL {
        guard STSEndpoint.isValidRegion(region) else { throw STSEndpoint.InvalidRegion(region: region) }
        var components = URLComponents()
        components.scheme = "https"
        components.host = "\(service).\(region).\(region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com")"
        guard let url = components.url else { throw STSEndpoint.InvalidRegion(region: region) }
        return url
    }
}
