import Foundation

/// Reads the entries of a tar archive (POSIX ustar, with pax and GNU long names), refusing anything that
/// could escape the folder it is extracted into: absolute paths, `..`, hard links, devices and FIFOs,
/// symbolic links that lead outside the tree, and archives past `limits`.
struct TarArchive {
    enum Kind: Equatable {
        case file(executable: Bool)
        case directory
        case symlink(target: String)
    }

    struct Entry: Equatable {
        /// Normalised relative path, components joined by `/`.
        let path: String
        let kind: Kind
        let contents: Data
    }

    struct Limits {
        var maximumEntries = 10_000
        var maximumBytes = 128 << 20
    }

    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    /// The archive's entries, checked, contents included.
    static func entries(of data: Data, limits: Limits = Limits()) throws -> [Entry] {
        var source = TarBytes(data)
        return try entries(in: &source, limits: limits, keepingContents: true)
    }

    /// The entries read from `source`, checked one by one and then together (links). Without
    /// `keepingContents` each entry's contents are skipped, so checking needs memory for the paths only.
    static func entries(in source: inout some TarSource, limits: Limits, keepingContents: Bool) throws -> [Entry] {
        var entries: [Entry] = []
        try forEachEntry(in: &source, limits: limits, keepingContents: keepingContents) { entries.append($0) }
        try checkLinksTogether(entries)
        return entries
    }

    /// Reads `source` entry by entry, refusing any entry that is unsafe alone (links are checked together
    /// by `checkLinksTogether`), and hands each to `body`: one entry's contents in memory at a time.
    static func forEachEntry(in source: inout some TarSource, limits: Limits, keepingContents: Bool,
                             _ body: (Entry) throws -> Void) throws {
        var offset = 0
        var longName: String?
        var longLink: String?
        var paxPath: String?
        var paxLink: String?
        var totalBytes = 0
        var count = 0
        while true {
            let header = ArraySlice(try source.read(512))
            if header.count < 512 {
                guard header.allSatisfy({ $0 == 0 }) else { throw Refused(description: "it is truncated.") }
                break
            }
            if header.allSatisfy({ $0 == 0 }) { break }
            guard checksumMatches(header) else { throw Refused(description: "it is not a tar archive (bad header checksum at byte \(offset)).") }
            let size = try number(header, 124, 12)
            let type = header[header.startIndex + 156]
            guard size >= 0 else { throw Refused(description: "it has a malformed header.") }
            totalBytes += size
            guard totalBytes <= limits.maximumBytes else {
                throw Refused(description: "it holds more than \(limits.maximumBytes >> 20) MiB.")
            }
            let isMetadata = [UInt8(ascii: "L"), UInt8(ascii: "K"), UInt8(ascii: "x"), UInt8(ascii: "g")].contains(type)
            if isMetadata, size > maximumMetadataBytes {
                throw Refused(description: "it has a long-name or pax header over \(maximumMetadataBytes >> 10) KiB.")
            }
            let padded = (size + 511) / 512 * 512
            let contents: Data
            if isMetadata || keepingContents {
                let bytes = try source.read(size)
                guard bytes.count == size else { throw Refused(description: "it is truncated.") }
                contents = Data(bytes)
                try skip(padded - size, in: &source)
            } else {
                contents = Data()
                try skip(padded, in: &source)
            }
            offset += 512 + padded
            switch type {
            case UInt8(ascii: "L"): longName = cString(contents); continue
            case UInt8(ascii: "K"): longLink = cString(contents); continue
            case UInt8(ascii: "x"):
                let records = pax(contents)
                paxPath = records["path"]
                paxLink = records["linkpath"]
                continue
            case UInt8(ascii: "g"): continue
            default: break
            }
            let prefix = string(header, 345, 155)
            let headerName = prefix.isEmpty ? string(header, 0, 100) : prefix + "/" + string(header, 0, 100)
            let name = paxPath ?? longName ?? headerName
            let link = paxLink ?? longLink ?? string(header, 157, 100)
            (longName, longLink, paxPath, paxLink) = (nil, nil, nil, nil)
            let path = try normalised(name)
            let mode = (try? number(header, 100, 8)) ?? 0o644
            let kind: Kind
            switch type {
            case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): kind = .file(executable: mode & 0o111 != 0)
            case UInt8(ascii: "5"): kind = .directory
            case UInt8(ascii: "2"):
                kind = .symlink(target: link)
            case UInt8(ascii: "1"): throw Refused(description: "\(name) is a hard link; archives with hard links are not accepted.")
            case UInt8(ascii: "3"), UInt8(ascii: "4"): throw Refused(description: "\(name) is a device.")
            case UInt8(ascii: "6"): throw Refused(description: "\(name) is a FIFO.")
            default: throw Refused(description: "\(name) has an unsupported entry type \(Character(UnicodeScalar(type))).")
            }
            if path.isEmpty { continue }  // "./" itself
            count += 1
            guard count <= limits.maximumEntries else {
                throw Refused(description: "it has more than \(limits.maximumEntries) entries.")
            }
            try body(Entry(path: path, kind: kind, contents: contents))
        }
    }

    /// Largest GNU long name or pax header accepted.
    static let maximumMetadataBytes = 64 << 10

    private static func skip(_ count: Int, in source: inout some TarSource) throws {
        var left = count
        while left > 0 {
            let chunk = try source.read(min(left, 64 << 10))
            guard !chunk.isEmpty else { throw Refused(description: "it is truncated.") }
            left -= chunk.count
        }
    }

    /// The entries checked as extraction writes them, one after another, so the check and the extraction are one
    /// rule (`d -> ..`, then `d/file`, then a folder `d` once passed the check and was refused only at extraction):
    /// no entry lies under a link or a file of the tree as it is at that entry, none replaces a folder, no folder
    /// replaces a link or a file. Then links as a whole, the way a file system follows them: each link's target,
    /// resolved through the other links, stays inside the tree (`y -> .`, `x -> y/..` each look harmless alone,
    /// and together make `x` the folder above).
    static func checkLinksTogether(_ entries: [Entry]) throws {
        var tree: [String: Kind] = [:]
        for entry in entries {
            var prefix = ""
            for part in entry.path.split(separator: "/").dropLast() {
                prefix += prefix.isEmpty ? String(part) : "/" + part
                switch tree[prefix] {
                case .symlink: throw Refused(description: "\(entry.path) lies under the symbolic link \(prefix).")
                case .file: throw Refused(description: "\(entry.path) lies under the file \(prefix).")
                case .directory, nil: tree[prefix] = .directory
                }
            }
            switch (entry.kind, tree[entry.path]) {
            case (.directory, .symlink?), (.directory, .file?):
                throw Refused(description: "\(entry.path) is a folder where the archive put a link or a file before.")
            case (.file, .directory?), (.symlink, .directory?):
                throw Refused(description: "\(entry.path) would replace a folder of the archive.")
            default:
                tree[entry.path] = entry.kind
            }
        }
        var links: [String: String] = [:]
        for (path, kind) in tree { if case let .symlink(target) = kind { links[path] = target } }
        guard !links.isEmpty else { return }
        var resolver = LinkResolver(links: links)
        for path in links.keys.sorted() { _ = try resolver.resolve(path) }
    }

    /// Resolves the archive's links as a file system follows them, each link once (its result kept), so that links
    /// whose targets pass through other links many times cost their length, not a power of it; a chain deeper than
    /// 40 links is refused as Linux refuses it, and so is an archive whose links take more than `maximumSteps`.
    private struct LinkResolver {
        static let maximumSteps = 1_000_000
        let links: [String: String]
        private var resolved: [String: [String]] = [:]
        private var resolving: [String] = []
        private var steps = 0

        init(links: [String: String]) { self.links = links }

        /// The components the link at `path` leads to; throws when it leads out of the tree, to an absolute
        /// path, or loops.
        mutating func resolve(_ path: String) throws -> [String] {
            if let done = resolved[path] { return done }
            guard let target = links[path] else { return path.split(separator: "/").map(String.init) }
            guard !resolving.contains(path), resolving.count < 40 else { throw Refused(description: "\(path) is part of a loop of symbolic links.") }
            guard !target.hasPrefix("/") else { throw Refused(description: "\(path) links to an absolute path (\(target)).") }
            resolving.append(path)
            defer { resolving.removeLast() }
            var parts = path.split(separator: "/").dropLast().map(String.init)
            for part in target.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
                steps += 1
                guard steps <= Self.maximumSteps else { throw Refused(description: "its symbolic links take too long to resolve.") }
                if part == ".." {
                    guard !parts.isEmpty else { throw Refused(description: "\(path) links outside the archive's folder (\(target)).") }
                    parts.removeLast()
                } else {
                    parts.append(String(part))
                    let reached = parts.joined(separator: "/")
                    if links[reached] != nil { parts = try resolve(reached) }
                }
            }
            resolved[path] = parts
            return parts
        }
    }

    /// `name` as a relative path inside the tree: no leading `/`, no `..`, `.` and empty parts dropped.
    static func normalised(_ name: String) throws -> String {
        guard !name.hasPrefix("/") else { throw Refused(description: "\(name) is an absolute path.") }
        var parts: [Substring] = []
        for part in name.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            guard part != ".." else { throw Refused(description: "\(name) leads out of the archive's folder (..).") }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    private static func checksumMatches(_ header: ArraySlice<UInt8>) -> Bool {
        guard let stored = try? number(header, 148, 8) else { return false }
        var sum = 0
        for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : Int(byte) }
        return sum == stored
    }

    private static func number(_ header: ArraySlice<UInt8>, _ start: Int, _ length: Int) throws -> Int {
        let field = header[(header.startIndex + start)..<(header.startIndex + start + length)]
        if let first = field.first, first & 0x80 != 0 { throw Refused(description: "it uses base-256 sizes (entries too large).") }
        let text = String(decoding: field.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        guard let value = Int(text.isEmpty ? "0" : text, radix: 8) else { throw Refused(description: "it has a malformed header.") }
        return value
    }

    private static func string(_ header: ArraySlice<UInt8>, _ start: Int, _ length: Int) -> String {
        let field = header[(header.startIndex + start)..<(header.startIndex + start + length)]
        return String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func cString(_ data: Data) -> String {
        String(decoding: data.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// pax records: `<length> <key>=<value>\n`.
    private static func pax(_ data: Data) -> [String: String] {
        var records: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let space = line.firstIndex(of: " "), let equals = line.firstIndex(of: "=") , space < equals else { continue }
            records[String(line[line.index(after: space)..<equals])] = String(line[line.index(after: equals)...])
        }
        return records
    }
}
