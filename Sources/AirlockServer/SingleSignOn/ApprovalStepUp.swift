import Foundation

/// The environment's step-up rule for approvals, on top of the AWS MFA code and never instead of it: the approver
/// signed in at the identity provider within the environment's minutes (`auth_time`), and, where it asks, with a
/// second factor there (`amr`). Only a browser session that came through the provider carries that proof.
enum ApprovalStepUp {
    static func check(_ environment: TerraformEnvironment, proof: SignInProof?, now: Date) throws(StepUpRefusal) {
        guard let minutes = environment.approvalSignInMinutes else { return }
        guard let proof else { throw .noProviderSignIn(minutes: minutes) }
        guard let at = proof.authenticatedAt, now.timeIntervalSince(at) <= TimeInterval(minutes * 60) else {
            throw .signInTooOld(minutes: minutes)
        }
        if environment.approvalNeedsProviderMFA, !proof.hasSecondFactor { throw .noSecondFactor(minutes: minutes) }
    }
}
