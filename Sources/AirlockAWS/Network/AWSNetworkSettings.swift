import Foundation

/// How requests reach AWS, read as botocore reads them: a proxy from `HTTPS_PROXY` (for https://) or `HTTP_PROXY`
/// (for http://), lower case first as Python's `urllib` reads them, except for hosts `NO_PROXY` names; and the
/// certificates to trust, `AWS_CA_BUNDLE` else the profile's `ca_bundle` (which replace the system's, as botocore's
/// `verify` does).
public struct AWSNetworkSettings: Sendable, Equatable {
    public var httpProxy: URL?
    public var httpsProxy: URL?
    /// Hosts (and their subdomains) reached directly; `*` for all.
    public var noProxy: [String]
    /// A PEM file of the certificates to trust; nil for the system's.
    public var caBundle: String?

    public init(httpProxy: URL? = nil, httpsProxy: URL? = nil, noProxy: [String] = [], caBundle: String? = nil) {
        self.httpProxy = httpProxy
        self.httpsProxy = httpsProxy
        self.noProxy = noProxy
        self.caBundle = caBundle
    }

    /// The settings of `environment` and `profile`.
    public static func resolve(environment: [String: String], profile: Profile?) throws(ConfigError) -> AWSNetworkSettings {
        // urllib's rules: the lower-case variable wins, and set but empty it turns the proxy off; the upper-case
        // HTTP_PROXY is ignored when REQUEST_METHOD is set (a CGI request could have set it: "httpoxy").
        func variable(_ name: String) -> String? {
            if let lower = environment[name.lowercased()] { return lower.isEmpty ? nil : lower }
            if name == "HTTP_PROXY" && environment["REQUEST_METHOD"] != nil { return nil }
            return environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        func proxy(_ name: String) throws(ConfigError) -> URL? {
            guard let value = variable(name) else { return nil }
            // A proxy without a scheme is an http:// one, as urllib takes it.
            guard let url = URL(string: value.contains("://") ? value : "http://" + value), url.scheme?.lowercased() == "http",
                  url.host != nil else {
                throw .invalidSetting(name: name, reason: "is not an http:// proxy address")
            }
            return url
        }
        let noProxy = (variable("NO_PROXY") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty }
        let caBundle = [environment["AWS_CA_BUNDLE"], profile?["ca_bundle"]].compactMap { $0 }.first { !$0.isEmpty }
        if let caBundle, !FileManager.default.fileExists(atPath: caBundle) {
            throw .invalidSetting(name: environment["AWS_CA_BUNDLE"]?.isEmpty == false ? "AWS_CA_BUNDLE" : "ca_bundle",
                                  reason: "names \(caBundle), which does not exist")
        }
        return AWSNetworkSettings(httpProxy: try proxy("HTTP_PROXY"), httpsProxy: try proxy("HTTPS_PROXY"), noProxy: noProxy, caBundle: caBundle)
    }

    /// The proxy a request to `url` goes through, if any.
    public func proxy(for url: URL) -> URL? {
        guard let host = url.host?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")) else { return nil }
        let chosen = url.scheme?.lowercased() == "https" ? httpsProxy : httpProxy
        guard let chosen else { return nil }
        let port = url.port.map(String.init)
        for entry in noProxy {
            if entry == "*" { return nil }
            // `host`, `.domain` or `domain` (its subdomains too), optionally with `:port`.
            var name = entry
            if let colon = entry.lastIndex(of: ":"), !entry.contains("]"), entry.filter({ $0 == ":" }).count == 1 {
                guard String(entry[entry.index(after: colon)...]) == port else { continue }
                name = String(entry[..<colon])
            }
            name = name.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            let bare = name.hasPrefix(".") ? String(name.dropFirst()) : name
            if host == bare || host.hasSuffix("." + bare) { return nil }
        }
        return chosen
    }
}
