import AirlockAWS
import AirlockTesting
import Foundation
import Testing

/// Command lines split as botocore splits `credential_process` (Python's `shlex.split`), against Python itself.
@Suite struct ShellWordsTests {
    static let lines = [
        "aws-vault exec prod --json", "  spaced   out  ", #"say "two words" 'and  more'"#, #"mixed"quo"'tes'"#,
        #"back\ slash"#, #"in "double \"quoted\" \\ and \n kept""#, #"in 'single \" \\ quoted'"#, "tab\tseparated\r\nlines",
        #"empty '' "" words"#, #"C:\path\to\tool.exe --flag"#, "unicode ünïcödé 'ok'", #"open "quote"#, #"open 'single"#, #"trailing \"#,
    ]

    @Test func everyLineIsSplitAsPythonSplitsIt() async throws {
        let program = """
            import json, shlex, sys
            out = []
            for line in json.load(sys.stdin):
                try:
                    out.append(shlex.split(line))
                except ValueError:
                    out.append(None)
            print(json.dumps(out))
            """
        let input = String(decoding: try JSONSerialization.data(withJSONObject: Self.lines), as: UTF8.self)
        let result = try await CommandRunner.run("/usr/bin/env", ["python3", "-c", program],
                                                 environment: ["PATH": PythonInstallation.path(ProcessInfo.processInfo.environment["PATH"])],
                                                 stdin: input)
        #expect(result.status == 0, "\(result.stderr)")
        let theirs = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [Any])
        try #require(theirs.count == Self.lines.count)
        for (line, expected) in zip(Self.lines, theirs) {
            #expect(ShellWords.split(line) == expected as? [String], "\(line)")
        }
    }
}
