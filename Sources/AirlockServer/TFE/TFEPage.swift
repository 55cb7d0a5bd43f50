import Vapor

/// The page of a TFE list a client asks for with `page[number]` and `page[size]` (go-tfe's ListOptions): pages
/// count from 1, 20 items by default and at most 100, as on TFE. A missing, unreadable or out-of-range value
/// gives way to the default or the nearest bound, so no client number reaches arithmetic unchecked.
struct TFEPage: Sendable, Equatable {
    static let defaultSize = 20
    static let maximumSize = 100
    /// The highest page number taken as asked; beyond it, every page is past the end anyway.
    static let maximumNumber = Int(Int32.max)

    let number: Int
    let size: Int

    init(number: Int = 1, size: Int = Self.defaultSize) {
        self.number = min(max(1, number), Self.maximumNumber)
        self.size = min(max(1, size), Self.maximumSize)
    }

    init(_ request: Request) {
        // Vapor reads `page[number]=2` as the key `number` inside `page`.
        self.init(number: (try? request.query.get(Int.self, at: "page", "number")) ?? 1,
                  size: (try? request.query.get(Int.self, at: "page", "size")) ?? Self.defaultSize)
    }

    /// How many items come before this page (at most 2^31 × 100, well within a 64-bit `Int`).
    var offset: Int { (number - 1) * size }

    /// The items of this page, of all of them.
    func slice<Item>(_ items: [Item]) -> ArraySlice<Item> {
        items.dropFirst(min(offset, items.count)).prefix(size)
    }

    /// JSON:API `meta.pagination` for `totalCount` items, as go-tfe reads it: it asks for `next-page` until
    /// `current-page` reaches `total-pages`.
    func pagination(totalCount: Int) -> [String: JSONValue] {
        let totalPages = max(1, (totalCount + size - 1) / size)
        return [
            "current-page": .int(number),
            "page-size": .int(size),
            "prev-page": number > 1 ? .int(number - 1) : nil,
            "next-page": number < totalPages ? .int(number + 1) : nil,
            "total-pages": .int(totalPages),
            "total-count": .int(totalCount),
        ]
    }
}
