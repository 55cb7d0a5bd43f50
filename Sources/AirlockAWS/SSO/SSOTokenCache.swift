import Crypto
import Foundation

/// The AWS CLI's SSO token cache (`~/.aws/sso/cache`): the access token `aws sso login` got for a sign-in, under the
/// SHA-1 of the `[sso-session]`'s name (or, for a legacy profile, of its start URL). Read only from files of this user's
/// alone; a refreshed token is written back atomically, 0600, as botocore writes it.
public struct SSOTokenCache: Sendable {
    public let folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    /// `~/.aws/sso/cache` under the home folder in `environment`.
    public static func awsCLI(environment: [String: String]) -> SSOTokenCache {
        let home = environment["HOME"] ?? NSHomeDirectory()
        return SSOTokenCache(folder: URL(fileURLWithPath: home).appendingPathComponent(".aws/sso/cache"))
    }

    func path(for settings: SingleSignOnSettings) -> URL {
        let name = settings.sessionName ?? settings.startURL
        return folder.appendingPathComponent(Hex.encode(Insecure.SHA1.hash(data: Array(name.utf8))) + ".json")
    }

    func token(for settings: SingleSignOnSettings) throws(SSOError) -> SSOToken {
        let name = settings.sessionName ?? settings.startURL
        let url = path(for: settings)
        guard FileManager.default.fileExists(atPath: url.path) else { throw .tokenMissing(name: name, profile: settings.profile) }
        guard TrustedFile.isPrivateFolder(folder), let data = TrustedFile.contents(of: url), let token = SSOToken(json: data) else {
            throw .tokenUnreadable(name: name, profile: settings.profile)
        }
        return token
    }

    func store(_ token: SSOToken, for settings: SingleSignOnSettings) throws {
        try AtomicFile.write(try token.json(), to: path(for: settings), folderPermissions: 0o700, filePermissions: 0o600)
    }
}
