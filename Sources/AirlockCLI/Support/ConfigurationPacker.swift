import CompressNIO
import Foundation
import NIOCore

/// Packs a Terraform configuration folder as the `.tar.gz` Airlock takes: regular files, folders and
/// symbolic links, but what `ConfigurationIgnoreRules` leaves out, with fixed owners and times so that the
/// same files always give the same archive (and the server stores it once).
enum ConfigurationPacker {
    struct PackError: Error, CustomStringConvertible {
        let description: String
    }

    /// The archive, and the paths left out (folders end in `/`).
    static func pack(_ folder: URL) throws -> (archive: Data, leftOut: [String]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PackError(description: "\(folder.path) is not a folder.")
        }
        let rules = try ConfigurationIgnoreRules(folder: folder)
        var tar = Data()
        var leftOut: [String] = []
        try add(folder, relative: "", rules: rules, into: &tar, leftOut: &leftOut)
        tar.append(Data(count: 1024))
        var buffer = ByteBuffer(bytes: tar)
        let compressed = try buffer.compress(with: .gzip())
        return (Data(compressed.readableBytesView), leftOut)
    }

    private static func add(_ folder: URL, relative: String, rules: ConfigurationIgnoreRules, into tar: inout Data,
                            leftOut: inout [String]) throws {
        let files = FileManager.default
        for name in try files.contentsOfDirectory(atPath: folder.path).sorted() {
            let url = folder.appendingPathComponent(name)
            let path = relative.isEmpty ? name : "\(relative)/\(name)"
            let attributes = try files.attributesOfItem(atPath: url.path)
            let isFolder = attributes[.type] as? FileAttributeType == .typeDirectory
            if rules.leavesOut(path, isFolder: isFolder) {
                leftOut.append(isFolder ? path + "/" : path)
                continue
            }
            switch attributes[.type] as? FileAttributeType {
            case .typeDirectory?:
                tar.append(try header(path + "/", type: "5", size: 0, mode: 0o755))
                try add(url, relative: path, rules: rules, into: &tar, leftOut: &leftOut)
            case .typeSymbolicLink?:
                tar.append(try header(path, type: "2", size: 0, mode: 0o777, link: try files.destinationOfSymbolicLink(atPath: url.path)))
            case .typeRegular?:
                let contents = try Data(contentsOf: url)
                let executable = ((attributes[.posixPermissions] as? Int) ?? 0) & 0o111 != 0
                tar.append(try header(path, type: "0", size: contents.count, mode: executable ? 0o755 : 0o644))
                tar.append(contents)
                tar.append(Data(count: (512 - contents.count % 512) % 512))
            default:
                continue  // sockets, devices: not configuration
            }
        }
    }

    /// A ustar header; names longer than 100 bytes go in a pax record first.
    private static func header(_ path: String, type: Character, size: Int, mode: Int, link: String = "") throws -> Data {
        var data = Data()
        var name = path
        if path.utf8.count > 100 || link.utf8.count > 100 {
            var records = ""
            for (key, value) in [("path", path), ("linkpath", link)] where !value.isEmpty {
                let body = " \(key)=\(value)\n"
                var length = body.utf8.count + 1
                while "\(length)\(body)".utf8.count != length { length += 1 }
                records += "\(length)\(body)"
            }
            let pax = Data(records.utf8)
            data.append(try block(name: "PaxHeader", type: "x", size: pax.count, mode: 0o644, link: ""))
            data.append(pax)
            data.append(Data(count: (512 - pax.count % 512) % 512))
            name = String(path.suffix(99))
        }
        data.append(try block(name: name, type: type, size: size, mode: mode, link: String(link.prefix(100))))
        return data
    }

    private static func block(name: String, type: Character, size: Int, mode: Int, link: String) throws -> Data {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, length: Int) {
            for (index, byte) in text.utf8.prefix(length).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, at offset: Int, length: Int) {
            put(String(format: "%0\(length - 1)o", value), at: offset, length: length - 1)
        }
        put(name, at: 0, length: 100)
        octal(mode, at: 100, length: 8)
        octal(0, at: 108, length: 8)
        octal(0, at: 116, length: 8)
        octal(size, at: 124, length: 12)
        octal(0, at: 136, length: 12)
        put("        ", at: 148, length: 8)
        block[156] = type.asciiValue ?? 0
        put(link, at: 157, length: 100)
        put("ustar", at: 257, length: 6)
        put("00", at: 263, length: 2)
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(String(format: "%06o", checksum) + "\0 ", at: 148, length: 8)
        return Data(block)
    }
}
