@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The environments list a page at a time: by name, at most 100 per answer, the next page named by the Link
/// header, a search by part of the name, and a clear 400 for a page size out of range.
@Suite struct EnvironmentListTests {
    /// acme with `count` environments env-000... plus `a_b` and `axb` (a LIKE wildcard must not match `x`).
    static func seed(_ fixture: ServerFixture, count: Int) async throws -> [String] {
        let organization = try #require(try await Organization.query(on: fixture.app.db).filter(\.$name == "acme").first())
        let names = (0..<count).map { String(format: "env-%03d", $0) } + ["a_b", "axb"]
        for name in names { try await TerraformEnvironment(organizationID: try organization.requireID(), name: name).create(on: fixture.app.db) }
        return names.sorted()
    }

    static func names(_ response: TestingHTTPResponse) throws -> [String] {
        let list = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]] ?? []
        return list.compactMap { $0["name"] as? String }
    }

    /// The path of the Link header's next page, e.g. `/organizations/acme/environments?pageSize=100&after=env-097`.
    static func next(_ response: TestingHTTPResponse) throws -> String? {
        guard let link = response.headers.first(name: "Link") else { return nil }
        let prefix = "</api/v1", suffix = ">; rel=\"next\""
        try #require(link.hasPrefix(prefix) && link.hasSuffix(suffix), "\(link)")
        return String(link.dropFirst(prefix.count).dropLast(suffix.count))
    }

    @Test func aMemberWalksEveryPageByNameThroughTheLinkHeader() async throws {
        try await ServerFixture.with { fixture in
            let expected = try await Self.seed(fixture, count: 230)
            var path: String? = "/organizations/acme/environments"
            var seen: [String] = [], pages = 0
            while let current = path {
                let response = try await fixture.call(.GET, current, as: "mario")
                #expect(response.status == .ok, "\(current): \(response.body.string)")
                let names = try Self.names(response)
                #expect(names.count <= EnvironmentListing.maximumSize)
                seen += names
                pages += 1
                path = try Self.next(response)
                if pages > 5 { break }
            }
            #expect(seen == expected)
            #expect(pages == 3, "232 environments are three pages of at most 100")

            let small = try await fixture.call(.GET, "/organizations/acme/environments?pageSize=2", as: "mario")
            #expect(try Self.names(small) == ["a_b", "axb"])
            #expect(try Self.next(small) == "/organizations/acme/environments?pageSize=2&after=axb")
            let last = try await fixture.call(.GET, "/organizations/acme/environments?pageSize=5&after=env-226", as: "mario")
            #expect(try Self.names(last) == ["env-227", "env-228", "env-229"])
            #expect(last.headers.first(name: "Link") == nil, "the last page names no next one")
        }
    }

    @Test func aSearchMatchesPartOfTheNameLiterally() async throws {
        try await ServerFixture.with { fixture in
            _ = try await Self.seed(fixture, count: 130)
            let underscore = try await fixture.call(.GET, "/organizations/acme/environments?search=_", as: "mario")
            #expect(try Self.names(underscore) == ["a_b"], "_ is not a wildcard")
            let percent = try await fixture.call(.GET, "/organizations/acme/environments?search=%25", as: "mario")
            #expect(try Self.names(percent) == [])
            let upper = try await fixture.call(.GET, "/organizations/acme/environments?search=ENV-12&pageSize=5", as: "mario")
            #expect(try Self.names(upper) == ["env-120", "env-121", "env-122", "env-123", "env-124"])
            #expect(try Self.next(upper) == "/organizations/acme/environments?pageSize=5&after=env-124&search=env-12")
            let rest = try await fixture.call(.GET, try #require(try Self.next(upper)), as: "mario")
            #expect(try Self.names(rest) == ["env-125", "env-126", "env-127", "env-128", "env-129"])
            #expect(rest.headers.first(name: "Link") == nil)
            let another = try await fixture.call(.GET, "/organizations/acme/environments?search=env", as: "otto")
            #expect(another.status == .notFound, "another organization's list does not exist for otto")
        }
    }

    /// Each environment in a list has its own serial: none where a personal device is required and the caller has
    /// none, the organization's elsewhere (the list once gave every item the first environment's answer).
    @Test func eachListedEnvironmentHasItsOwnSerial() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.setVariable("AWS_MFA_SERIAL_NUMBER", "arn:aws:iam::123456789012:mfa/shared")
            try await fixture.environment("a-personal")
            try await fixture.environment("b-shared")
            let changed = try await fixture.call(.PATCH, "/organizations/acme/environments/a-personal", as: "olivia",
                                                 object: ["requirePersonalMfaDevice": true])
            try #require(changed.status == .ok, "\(changed.body.string)")
            let response = try await fixture.call(.GET, "/organizations/acme/environments", as: "mario")
            let list = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]] ?? []
            #expect(list.map { $0["name"] as? String } == ["a-personal", "b-shared"])
            #expect(list.map { $0["mfaSerialNumber"] as? String } == [nil, "arn:aws:iam::123456789012:mfa/shared"])
        }
    }

    @Test(arguments: ["0", "101", "-1", "ten"])
    func aPageSizeOutOfRangeIsABadRequest(_ size: String) async throws {
        try await ServerFixture.with { fixture in
            let response = try await fixture.call(.GET, "/organizations/acme/environments?pageSize=\(size)", as: "mario")
            #expect(response.status == .badRequest, "\(response.body.string)")
            if Int(size) != nil { #expect(response.body.string.contains(#""code":"invalid_page_size""#), "\(response.body.string)") }
        }
    }

    @Test(arguments: ["search", "after"])
    func aNulInTheQueryIsABadRequest(_ parameter: String) async throws {
        try await ServerFixture.with { fixture in
            let response = try await fixture.call(.GET, "/organizations/acme/environments?\(parameter)=a%00b", as: "mario")
            #expect(response.status == .badRequest, "\(response.body.string)")
            #expect(response.body.string.contains(#""code":"invalid_list_query""#), "\(response.body.string)")
        }
    }
}
