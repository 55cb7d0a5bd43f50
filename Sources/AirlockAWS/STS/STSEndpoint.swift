import Foundation

/// Where STS calls go, resolved as botocore resolves it: a configured URL (`ConfiguredEndpoint`); otherwise the
/// regional endpoint (`https://sts.<region>.amazonaws.com`), FIPS (`use_fips_endpoint`) and dual-stack
/// (`use_dualstack_endpoint`) ones, the global `https://sts.amazonaws.com` for `sts_regional_endpoints = legacy` in
/// botocore's legacy regions, or without a region.
public struct STSEndpoint: Sendable, Equatable {
    public var url: URL
    /// The region requests are signed for (`us-east-1` for the global endpoint).
    public var signingRegion: String

    public typealias InvalidURL = ConfiguredEndpoint.InvalidURL

    /// A region botocore would not build an endpoint for (e.g. `eu-west-1 ; comment`: configparser keeps
    /// an inline comment as part of the value).
    public struct InvalidRegion: Error, CustomStringConvertible {
        public let region: String
        public var description: String { "Provided region_name '\(region)' doesn't match a supported format." }
    }

    /// botocore's check of a region name: letters, digits and hyphens, at most 63, not starting or ending with a hyphen.
    public static func isValidRegion(_ region: String) -> Bool {
        region.wholeMatch(of: /[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?/) != nil
    }

    public static func resolve(
        region: String?, profile: Profile? = nil, config: SharedConfig? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> STSEndpoint {
        let signingRegion = (region?.isEmpty == false ? region : nil) ?? "us-east-1"
        // botocore checks the region whenever it makes a client, a configured endpoint or not.
        if let region, !region.isEmpty, !isValidRegion(region) { throw InvalidRegion(region: region) }
        if let url = try ConfiguredEndpoint.url(service: "sts", profile: profile, config: config, environment: environment) {
            return STSEndpoint(url: url, signingRegion: signingRegion)
        }
        var components = URLComponents()
        components.scheme = "https"
        // Environment first, then the profile, as botocore reads these settings.
        func setting(_ variable: String, _ key: String) -> String? {
            [environment[variable], profile?[key]].compactMap { $0 }.first { !$0.isEmpty }?.lowercased()
        }
        let fips = setting("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint") == "true"
        let dualStack = setting("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint") == "true"
        let legacy = setting("AWS_STS_REGIONAL_ENDPOINTS", "sts_regional_endpoints") == "legacy"
        let global = STSEndpoint(url: URL(string: "https://sts.amazonaws.com")!, signingRegion: "us-east-1")
        guard let region, !region.isEmpty else { return global }
        if !fips && !dualStack && (region == "aws-global" || (legacy && legacyGlobalRegions.contains(region))) { return global }
        // STS's endpoint rules: China's own domains, GovCloud's FIPS endpoint without "-fips", IPv6 under api.aws.
        let china = region.hasPrefix("cn-")
        let suffix = dualStack ? (china ? "api.amazonwebservices.com.cn" : "api.aws") : (china ? "amazonaws.com.cn" : "amazonaws.com")
        let service = fips && (dualStack || !region.hasPrefix("us-gov-")) ? "sts-fips" : "sts"
        components.host = "\(service).\(region).\(suffix)"
        guard let url = components.url else { throw InvalidRegion(region: region) }
        return STSEndpoint(url: url, signingRegion: region == "aws-global" ? "us-east-1" : region)
    }

    /// The regions `sts_regional_endpoints = legacy` sends to the global endpoint (botocore's list).
    static let legacyGlobalRegions: Set<String> = [
        "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global", "ca-central-1", "eu-central-1", "eu-north-1",
        "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    ]
}
