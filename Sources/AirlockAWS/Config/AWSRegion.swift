/// The region a command works in, as botocore reads it: `AWS_DEFAULT_REGION`, then the profile's `region`.
///
/// `AWS_REGION` is not read: botocore (the AWS CLI v1, the reference here) does not read it, so reading it would send
/// airlock's STS calls elsewhere than `aws`'s. The AWS CLI v2 and Terraform do read it; `airlock exec` and `export`
/// set both variables, so the programs they start agree either way.
public enum AWSRegion {
    public static func resolve(environment: [String: String], profile: Profile?) -> String? {
        for candidate in [environment["AWS_DEFAULT_REGION"], profile?.region] {
            if let candidate, !candidate.isEmpty { return candidate }
        }
        return nil
    }
}
