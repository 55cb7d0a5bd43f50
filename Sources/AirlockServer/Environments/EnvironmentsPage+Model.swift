import Fluent
import Foundation

/// Everything an organization's environment list shows: one page of its environments (searched by part of
/// the name), the links to the first and next pages, and whether the visitor may create one; read by `load`,
/// rendered by `EnvironmentsPage+View.swift`.
struct EnvironmentsPage {
    let organization: String
    /// Owners create environments.
    let isOwner: Bool
    /// This page's environment names, in order.
    let environments: [String]
    let listing: EnvironmentListing
    /// The first page of the same search, when this is a later one.
    let firstPage: EnvironmentListing?
    /// The page after this one, when there is one.
    let nextPage: EnvironmentListing?

    static func load(organization name: String, listing: EnvironmentListing, visitorID: UUID, on database: any Database) async throws -> EnvironmentsPage {
        let grant = try await Authorizer.authorize(visitorID, .read, organization: name, on: database)
        let page = try await Environments.list(in: name, listing, actorID: visitorID, on: database)
        return EnvironmentsPage(organization: grant.organizationName, isOwner: grant.isOwner, environments: page.environments.map(\.name),
                                listing: listing, firstPage: listing.after == nil ? nil : try EnvironmentListing(search: listing.search),
                                nextPage: page.next)
    }
}
