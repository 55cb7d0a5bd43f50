import Foundation

/// The environment's step-up rule for approvals, on top of the AWS MFA code and never instead of it: the approver
/// signed in at the identity provider within the environment's minutes (`auth_time`), and, where it asks, with a
/// second factor there (`amr`). Only a browser session that came through the provider carries that proof.
enum ApprovalStepUp {
    static func check(_ environment: TerraformEnvironment, proof: SignInProof?, now: Date) throws(StepUpRefusal) {
        guard let minutes = environment.approvalSignInMinutes else { return }
        guard let proof else { throw .noProviderSignIn(minutes: minutes) }
        // The same minute's allowance for the provider's clock as its tokens get, both ways: an auth_time from the
        // future would otherwise stay "fresh" for as long as it is ahead.
        guard let at = proof.authenticatedAt, now.timeIntervalSince(at) <= TimeInterval(minutes * 60) + IDToken.clockSkew,
              at.timeIntervalSince(now) <= IDToken.clockSkew else {
            throw .signInTooOld(minutes: minutes)
        }
        if environment.approvalNeedsProviderMFA, !proof.hasSecondFactor { throw .noSecondFactor(minutes: minutes) }
    }
}
