import Foundation

/// Which of an organization's environments a list shows: by name, at most `size`, those after `after`, and
/// only names containing `search` when it is given. Lists are paged by name (keyset), so a page costs the same
/// at any depth and a name created meanwhile never shifts the pages after it.
struct EnvironmentListing: Sendable, Equatable {
    /// What a page holds unless the caller asks for fewer (TFE's maximum too).
    static let maximumSize = 100

    let size: Int
    let after: String?
    let search: String?

    /// - Throws: `EnvironmentRefusal.invalidPageSize` for a size outside 1 to `maximumSize`, `.invalidListText` for
    ///   NUL in `after` or `search`.
    init(size: Int? = nil, after: String? = nil, search: String? = nil) throws {
        let size = size ?? Self.maximumSize
        guard (1...Self.maximumSize).contains(size) else { throw EnvironmentRefusal.invalidPageSize(size) }
        for (parameter, text) in [("after", after), ("search", search)] where text?.contains("\0") == true {
            throw EnvironmentRefusal.invalidListText(parameter)
        }
        self.size = size
        self.after = after.flatMap { $0.isEmpty ? nil : $0 }
        // Names are lower-case; so is what they are searched for.
        self.search = search.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The query of a list's address for this listing: `pageSize` when `withSize`, then `after` and `search` if set.
    func queryItems(withSize: Bool) -> [URLQueryItem] {
        (withSize ? [URLQueryItem(name: "pageSize", value: String(size))] : [])
            + [after.map { URLQueryItem(name: "after", value: $0) }, search.map { URLQueryItem(name: "search", value: $0) }].compactMap { $0 }
    }

    /// `search` as a LIKE pattern that matches it anywhere, its own `%`, `_` and `\` taken literally (ESCAPE '\').
    var searchPattern: String? {
        search.map { text in
            "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
        }
    }
}

/// One page of an organization's environments.
struct EnvironmentList: Sendable {
    let environments: [TerraformEnvironment]
    /// The listing of the next page, or nil when this is the last.
    let next: EnvironmentListing?
}
