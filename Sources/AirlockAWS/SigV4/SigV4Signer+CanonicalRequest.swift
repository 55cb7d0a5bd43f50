extension SigV4Signer {
    /// The canonical request: method, URI, query, headers, signed header names and payload hash, one per line.
    func canonicalRequest(
        _ request: SigV4Request, query: [SigV4Request.QueryItem], headers: CanonicalHeaders, payloadHash: String
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(headers.block.count + 256)
        for byte in request.method.utf8 {
            out.append(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte)
        }
        out.append(0x0A)
        out.append(contentsOf: canonicalURI(request.path).utf8)
        out.append(0x0A)
        if !query.isEmpty { out.append(contentsOf: Self.canonicalQuery(query).utf8) }
        out.append(0x0A)
        out.append(contentsOf: headers.block)
        out.append(0x0A)
        out.append(contentsOf: headers.signedNames.utf8)
        out.append(0x0A)
        out.append(contentsOf: payloadHash.utf8)
        return out
    }

    /// The path, normalized when the options ask for it, with each segment percent-encoded.
    func canonicalURI(_ path: String) -> String {
        guard path != "/" && !path.isEmpty else { return "/" }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard options.normalizePath else {
            return segments.map(URIEncoding.encode).joined(separator: "/")
        }
        var kept: [String] = []
        for segment in segments where !segment.isEmpty && segment != "." {
            if segment == ".." {
                _ = kept.popLast()
            } else {
                kept.append(segment)
            }
        }
        if kept.isEmpty { return "/" }
        var uri = "/"
        uri += kept.map(URIEncoding.encode).joined(separator: "/")
        if path.hasSuffix("/") { uri += "/" }
        return uri
    }

    /// Query items encoded, sorted by name then value, joined with `&`.
    static func canonicalQuery(_ items: [SigV4Request.QueryItem]) -> String {
        var encoded: [(name: String, value: String)] = []
        encoded.reserveCapacity(items.count)
        for item in items {
            encoded.append((URIEncoding.encode(item.name), URIEncoding.encode(item.value)))
        }
        encoded.sort { left, right in
            left.name == right.name ? left.value < right.value : left.name < right.name
        }
        var out = ""
        for (index, item) in encoded.enumerated() {
            if index > 0 { out += "&" }
            out += item.name
            out += "="
            out += item.value
        }
        return out
    }
}
