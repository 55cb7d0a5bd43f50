import Foundation

/// An endpoint URL the user set for one AWS service, looked up as botocore looks: `AWS_ENDPOINT_URL_<SERVICE>`, then
/// `AWS_ENDPOINT_URL`, then the profile's `[services X]` section (`<service> =` / `endpoint_url = ...`), then the
/// profile's `endpoint_url`. `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (or `ignore_configured_endpoint_urls = true`
/// in the profile) skips them all.
public enum ConfiguredEndpoint {
    public struct InvalidURL: Error, CustomStringConvertible {
        public let value: String
        public let origin: String
        public var description: String { "Invalid endpoint URL \"\(value)\" from \(origin): expected http:// or https:// and a host" }
    }

    /// - Parameters:
    ///   - service: the service's key in a `[services]` section (`sts`, `sso`, `sso_oidc`); its variable is the key
    ///     in capitals.
    ///   - serviceSpecificOnly: true skips `AWS_ENDPOINT_URL` and the profile's `endpoint_url`, which name an
    ///     emulator for every service (LocalStack on a local port): Identity Center's tokens go only where the user
    ///     pointed Identity Center itself. A deliberate difference from botocore.
    public static func url(service: String, profile: Profile?, config: SharedConfig?, environment: [String: String],
                           serviceSpecificOnly: Bool = false) throws -> URL? {
        let ignoreConfigured = environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
            || profile?["ignore_configured_endpoint_urls"]?.lowercased() == "true"
        guard !ignoreConfigured else { return nil }
        let variable = "AWS_ENDPOINT_URL_" + service.uppercased()
        var candidates: [(String?, String)] = [(environment[variable], variable)]
        if !serviceSpecificOnly { candidates.append((environment["AWS_ENDPOINT_URL"], "AWS_ENDPOINT_URL")) }
        if let profile {
            candidates.append((config?.serviceSetting("endpoint_url", service: service, profile: profile),
                               "the [services] section for \(service) of profile \(profile.name)"))
            if !serviceSpecificOnly { candidates.append((profile.endpointURL, "endpoint_url in profile \(profile.name)")) }
        }
        for case let (value?, origin) in candidates where !value.isEmpty {
            guard let url = URL(string: value), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", url.host != nil else {
                throw InvalidURL(value: value, origin: origin)
            }
            return url
        }
        return nil
    }
}
