import Fluent
import Vapor

/// Every migration, in release order: each file of this folder is numbered as it shipped, and a shipped
/// migration is never edited (a change is a new one at the end). Fluent records them by type name.
enum ReleasedMigrations {
    static let all: [any Migration] = [
        CreateUser(), CreateAPIToken(), CreateOrganizationsAndMemberships(), CreateOrganizationVariable(), CreateEnvironment(),
        SessionRecord.migration,  // 06: Vapor's sessions table
        CreateRunsAndState(), AddMFA(), CreateEnvironmentVariable(), UpdateOrganizationVariableMarkAWSSecretsSensitive(),
        UpdateMFAAuthenticationAddCountsAsFailure(), CreateLoginAttempt(), UpdateEnvironmentAddStateLockRunID(),
        UpdateAPITokenAddExpiryAndLastUse(), UpdateRunAddTerraformCLIFields(), CreateTFEConfigurationUpload(), CreateTerraformLoginCode(),
        CreatePersonalMFADevice(), UpdateMFAAuthenticationAddDeviceSerial(), UpdateEnvironmentAddRequirePersonalMFADevice(),
        CreateRunApproval(), UpdateEnvironmentAddApprovalRules(), CreateNotificationDestination(), CreateNotificationDelivery(),
        UpdateRunsAddPlanSummaryAndPlanBinding(), CreateLookupIndexes(), UpdateUsersAddAdministrator(), CreateMFADeviceProof(),
        UpdateRunsAddAWSGrantTimes(), CreatePendingSignInAndUserIdentity(), UpdateForApprovalStepUp(), CreateTeams(), UpdatePendingSignInsAddClientAddress(),
        CreatePolicySets(),
    ]
}
