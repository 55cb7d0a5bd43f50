/// Text from an answer, made safe to print on a terminal: control characters (which could move the cursor or change
/// the title) become `?`, and the text is cut at `limit` characters.
enum PrintableText {
    static func of(_ text: String, limit: Int = 1000) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            let isControl = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
            out.unicodeScalars.append(isControl ? "?" : scalar)
        }
        return out
    }
}
