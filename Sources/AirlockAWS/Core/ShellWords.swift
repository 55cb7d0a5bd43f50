/// Splits a command line into words as Python's `shlex.split` does (POSIX mode, which botocore uses for
/// `credential_process`): space, tab, CR and LF separate words; single quotes keep everything; double quotes keep
/// everything but `\"` and `\\`; a backslash outside quotes escapes the next character. Nil where shlex fails: a
/// quote left open, or a backslash at the end.
public enum ShellWords {
    public static func split(_ text: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        var escaped = false
        for character in text {
            if escaped {
                // In double quotes only `"` and `\` are escaped; the backslash stays before anything else.
                if quote == "\"" && character != "\"" && character != "\\" { current.append("\\") }
                current.append(character)
                escaped = false
            } else if character == "\\" && quote != "'" {
                escaped = true
                inWord = true
            } else if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" || character == "\n" || character == "\r" || character == "\r\n" {
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            } else {
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil, !escaped else { return nil }
        if inWord { words.append(current) }
        return words
    }
}
