import Vapor

/// Who may create organizations on this server (`airlock serve --organization-creators`): the server's
/// administrators (the default: every organization is a tenant the operator agreed to), or every account holder.
public enum OrganizationCreators: String, Sendable, CaseIterable {
    case administrators
    case everyone

    /// Whether `user` may create an organization.
    func allow(_ user: User) -> Bool {
        self == .everyone || user.isAdministrator == true
    }
}

extension Application {
    private struct OrganizationCreatorsKey: StorageKey {
        typealias Value = OrganizationCreators
    }

    /// Who may create organizations; set by `configure`.
    var organizationCreators: OrganizationCreators {
        get { configured(OrganizationCreatorsKey.self) }
        set { storage[OrganizationCreatorsKey.self] = newValue }
    }
}
