extension TerraformEnvironment {
    /// The AWS role a run's phase assumes, the one place this rule lives: an apply takes the apply role (or,
    /// without one, the plan role); an MFA-authenticated plan takes the plan role (or, without one, the
    /// apply role); a plan without MFA takes the plan role only, never the apply role.
    func roleARN(for phase: RunPhase, mfaAuthenticated: Bool) -> String? {
        switch phase {
        case .plan: mfaAuthenticated ? planRoleARN ?? applyRoleARN : planRoleARN
        case .apply: applyRoleARN ?? planRoleARN
        }
    }
}
