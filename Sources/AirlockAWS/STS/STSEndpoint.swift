import Foundation

/// Where STS calls go, resolved as botocore resolves it: `AWS_ENDPOINT_URL_STS`, then `AWS_ENDPOINT_URL`,
/// then the profile's `[services X]` section (`sts =` / `endpoint_url = ...`), then the profile's
/// `endpoint_url`; otherwise the regional endpoint (`https://sts.<region>.amazonaws.com`), or the global
/// `https://sts.amazonaws.com` without a region.
///
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (or `ignore_configured_endpoint_urls = true` in the profile)
/// skips every configured URL.
public struct STSEndpoint: Sendable, Equatable {
    public var url: URL
    /// The region requests are signed for (`us-east-1` for the global endpoint).
    public var signingRegion: String

    public struct InvalidURL: Error, CustomStringConvertible {
        public let value: String
        public let origin: String
        public var description: String { "Invalid endpoint URL \"\(value)\" from \(origin): expected http:// or https:// and a host" }
    }

    /// A region botocore would not build an endpoint for (e.g. `eu-west-1 ; comment`: configparser keeps
    /// an inline comment as part of the value).
    public struct InvalidRegion: Error, CustomStringConvertible {
        public let region: String
        public var description: String { "Provided region_name '\(region)' doesn't match a supported format." }
    }

    /// botocore's check of a region name: letters, digits and hyphens, at most 63, not starting or ending with a hyphen.
    static func isValidRegion(_ region: String) -> Bool {
        region.wholeMatch(of: /[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?/) != nil
    }

    public static func resolve(
        region: String?, profile: Profile? = nil, config: SharedConfig? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> STSEndpoint {
        let signingRegion = (region?.isEmpty == false ? region : nil) ?? "us-east-1"
        let ignoreConfigured = environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
            || profile?["ignore_configured_endpoint_urls"]?.lowercased() == "true"
        if !ignoreConfigured {
            var candidates: [(String?, String)] = [
                (environment["AWS_ENDPOINT_URL_STS"], "AWS_ENDPOINT_URL_STS"),
                (environment["AWS_ENDPOINT_URL"], "AWS_ENDPOINT_URL"),
            ]
            if let profile {
                candidates.append((config?.serviceSetting("endpoint_url", service: "sts", profile: profile),
                                   "the [services] section for sts of profile \(profile.name)"))
                candidates.append((profile.endpointURL, "endpoint_url in profile \(profile.name)"))
            }
            for case let (value?, origin) in candidates where !value.isEmpty {
                guard let url = URL(string: value), let scheme = url.scheme?.lowercased(),
                      scheme == "http" || scheme == "https", url.host != nil else {
                    throw InvalidURL(value: value, origin: origin)
                }
                return STSEndpoint(url: url, signingRegion: signingRegion)
            }
        }
        var components = URLComponents()
        components.scheme = "https"
        guard let region, !region.isEmpty, region != "aws-global" else {
            components.host = "sts.amazonaws.com"
            guard let url = components.url else { throw InvalidRegion(region: "aws-global") }
            return STSEndpoint(url: url, signingRegion: "us-east-1")
        }
        guard isValidRegion(region) else { throw InvalidRegion(region: region) }
        components.host = "sts.\(region).\(region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com")"
        guard let url = components.url else { throw InvalidRegion(region: region) }
        return STSEndpoint(url: url, signingRegion: region)
    }
}
