/// The region a command works in: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's `region`.
public enum AWSRegion {
    public static func resolve(environment: [String: String], profile: Profile?) -> String? {
        for candidate in [environment["AWS_REGION"], environment["AWS_DEFAULT_REGION"], profile?.region] {
            if let candidate, !candidate.isEmpty { return candidate }
        }
        return nil
    }
}
