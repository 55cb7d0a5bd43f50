import Foundation

/// Why runs cannot be sandboxed here, said so that an operator knows what to do.
public enum RunSandboxError: Error, CustomStringConvertible {
    /// No `bwrap` on PATH (and none given).
    case notInstalled
    /// `bwrap` is there but could not make a sandbox (user namespaces disabled, a seccomp profile, ...).
    case unusable(executable: String, output: String)
    /// A path runs should read does not exist.
    case missingPath(String)
    /// A variable bwrap cannot pass on (an empty name, `=` in the name, or a NUL character).
    case unusableVariable(String)

    static let remedy = "Install bubblewrap (Debian and Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap) and allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 where it exists, user.max_user_namespaces above 0, and on Ubuntu 24.04 an AppArmor profile for bwrap or kernel.apparmor_restrict_unprivileged_userns=0; in a container, a seccomp profile that allows unshare and mount). Only if every user of this server may read all of its data: start with --unsandboxed-runs."

    public var description: String {
        switch self {
        case .notInstalled:
            "Airlock runs Terraform in a bubblewrap sandbox, and bwrap is not on PATH (or give --bwrap PATH). \(Self.remedy)"
        case let .unusable(executable, output):
            "Airlock runs Terraform in a bubblewrap sandbox, and \(executable) could not make one here: \(output.trimmingCharacters(in: .whitespacesAndNewlines)). \(Self.remedy)"
        case let .missingPath(path):
            "Runs are to read \(path), which does not exist (check --terraform-bin, --sandbox-read-only and the TF_PLUGIN_CACHE_DIR, TF_CLI_CONFIG_FILE, SSL_CERT_FILE and SSL_CERT_DIR variables)."
        case let .unusableVariable(name):
            "The variable \"\(name)\" cannot be given to Terraform: a name must be non-empty without \"=\", and neither name nor value may hold a NUL character."
        }
    }
}
