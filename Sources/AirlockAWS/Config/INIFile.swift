/// An INI file read the way Python's `configparser.RawConfigParser` reads it, which is what botocore uses:
/// `[section]` headers, `key = value` or `key: value`, keys lowercased, values trimmed, whole-line `#` and `;`
/// comments only, indented lines continuing the previous value, duplicate sections and keys refused.
///
/// A value that starts on the line after its key (`s3 =` then indented `key = value` lines) is a nested
/// sub-section, as botocore parses it.
public struct INIFile: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case string(String)
        case nested([String: String])

        public var string: String? {
            if case let .string(value) = self { return value }
            return nil
        }
    }

    public struct Section: Sendable, Equatable {
        public var name: String
        public var values: [String: Value]
    }

    /// Sections in file order.
    public var sections: [Section]

    /// Parses `text`; `path` names the file in errors.
    public init(parsing text: String, path: String) throws(ConfigError) {
        var sections: [Section] = []
        var current: (name: String, lines: [(key: String, value: [String], line: Int)])?
        var optionIndent = Int.max
        var seenSections: Set<String> = []

        func finishSection() throws(ConfigError) {
            guard let section = current else { return }
            var values: [String: Value] = [:]
            for option in section.lines {
                var lines = option.value
                while let last = lines.last, last.isEmpty, lines.count > 1 { lines.removeLast() }
                let joined = lines.joined(separator: "\n")
                if joined.hasPrefix("\n") {
                    values[option.key] = .nested(try Self.parseNested(joined, path: path, line: option.line))
                } else {
                    values[option.key] = .string(joined)
                }
            }
            sections.append(Section(name: section.name, values: values))
        }

        for (index, line) in Self.universalLines(text).enumerated() {
            let lineNumber = index + 1
            let stripped = line.trimmingWhitespace()
            if stripped.hasPrefix("#") || stripped.hasPrefix(";") { continue }
            if stripped.isEmpty {
                // configparser keeps blank lines inside a multi-line value; trailing ones are dropped above.
                if var section = current, let last = section.lines.indices.last {
                    section.lines[last].value.append("")
                    current = section
                }
                continue
            }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if var section = current, let last = section.lines.indices.last, indent > optionIndent {
                section.lines[last].value.append(stripped)
                current = section
                continue
            }
            optionIndent = indent
            if stripped.hasPrefix("[") && stripped.hasSuffix("]") && stripped.count > 2 {
                try finishSection()
                let name = String(stripped.dropFirst().dropLast())
                guard seenSections.insert(name).inserted else {
                    throw .parse(path: path, line: lineNumber, reason: "section '\(name)' already exists")
                }
                current = (name, [])
                continue
            }
            guard var section = current else {
                throw .parse(path: path, line: lineNumber, reason: "a key = value line before any [section] header (\(Self.shape(stripped)))")
            }
            guard let delimiter = stripped.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw .parse(path: path, line: lineNumber, reason: "expected 'key = value' or a [section] header, found \(Self.shape(stripped))")
            }
            let key = stripped[..<delimiter].trimmingWhitespace().lowercased()
            let value = stripped[stripped.index(after: delimiter)...].trimmingWhitespace()
            guard !key.isEmpty else {
                throw .parse(path: path, line: lineNumber, reason: "a value without a key (\(Self.shape(stripped)))")
            }
            if section.lines.contains(where: { $0.key == key }) {
                throw .parse(path: path, line: lineNumber, reason: "key '\(key)' already set in section '\(section.name)'")
            }
            section.lines.append((key, [value], lineNumber))
            current = section
        }
        try finishSection()
        self.sections = sections
    }

    /// The lines of a nested sub-section, each `key = value`.
    static func parseNested(_ value: String, path: String, line: Int) throws(ConfigError) -> [String: String] {
        var parsed: [String: String] = [:]
        for (offset, entry) in value.split(separator: "\n").enumerated() {
            let stripped = entry.trimmingWhitespace()
            if stripped.isEmpty { continue }
            guard let equals = stripped.firstIndex(of: "=") else {
                throw .parse(path: path, line: line + offset + 1, reason: "expected 'key = value' in a nested section, found \(shape(stripped))")
            }
            parsed[String(stripped[..<equals]).trimmingWhitespace()] = String(stripped[stripped.index(after: equals)...]).trimmingWhitespace()
        }
        return parsed
    }

    /// Quotes a line for an error, cut short so that a stray secret on a bad line is not printed whole.
    /// A line that cannot be read, described without its text: a misplaced line is often a pasted secret key.
    static func shape(_ line: String) -> String {
        "a line of \(line.count) characters (not shown: it may be a secret)"
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

extension INIFile {
    /// The lines of `text`, ended as Python's universal newlines end them: `\n`, `\r\n` (a file edited on
    /// Windows) or `\r`. Read scalar by scalar: as a Character, `\r\n` is one grapheme that `\n` never matches.
    static func universalLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var afterCarriageReturn = false
        for scalar in text.unicodeScalars {
            defer { afterCarriageReturn = scalar == "\r" }
            if scalar == "\n", afterCarriageReturn { continue }
            if scalar == "\n" || scalar == "\r" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        lines.append(String(current))
        return lines
    }
}
