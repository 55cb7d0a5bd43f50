import Testing
@testable import AirlockAWS

@Suite struct INIFileTests {
    @Test func readsSectionsKeysAndBothDelimiters() throws {
        // setup
        let text = """
            # a comment
            [default]
            Region = us-west-2
            output: json
              ; an indented comment

            [profile dev]
            role_arn=arn:aws:iam::123456789012:role/dev
            """
        // act
        let file = try INIFile(parsing: text, path: "/home/u/.aws/config")
        // check
        #expect(file.sections.map(\.name) == ["default", "profile dev"])
        #expect(file.sections[0].values["region"] == .string("us-west-2"))
        #expect(file.sections[0].values["output"] == .string("json"))
        #expect(file.sections[1].values["role_arn"] == .string("arn:aws:iam::123456789012:role/dev"))
    }

    @Test func keepsInlineHashesBecauseOnlyWholeLineCommentsAreComments() throws {
        let file = try INIFile(parsing: "[default]\nregion = us-west-2 # primary\n", path: "c")
        #expect(file.sections[0].values["region"] == .string("us-west-2 # primary"))
    }

    @Test func readsNestedSubSections() throws {
        let text = """
            [profile dev]
            s3 =
              addressing_style = path
              signature_version = s3v4
            region = eu-west-1
            """
        let file = try INIFile(parsing: text, path: "c")
        #expect(file.sections[0].values["s3"] == .nested(["addressing_style": "path", "signature_version": "s3v4"]))
        #expect(file.sections[0].values["region"] == .string("eu-west-1"))
    }

    @Test func continuationLinesJoinTheValue() throws {
        let file = try INIFile(parsing: "[x]\nkey = first\n  second\n", path: "c")
        #expect(file.sections[0].values["key"] == .string("first\nsecond"))
    }

    /// The file and line, never the line's text: a misplaced line is often a pasted secret key.
    @Test func aLineWithoutDelimiterNamesTheFileAndLineButNotItsText() {
        #expect(throws: ConfigError.parse(path: "/tmp/config", line: 3, reason: "expected 'key = value' or a [section] header, found a line of 40 characters (not shown: it may be a secret)")) {
            try INIFile(parsing: "[default]\nregion = x\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", path: "/tmp/config")
        }
    }

    @Test func aKeyBeforeAnySectionIsRefused() {
        #expect(throws: ConfigError.self) { try INIFile(parsing: "region = x\n", path: "c") }
    }

    @Test func duplicateSectionsAndKeysAreRefusedAsBotocoreDoes() {
        #expect(throws: ConfigError.parse(path: "c", line: 3, reason: "section 'default' already exists")) {
            try INIFile(parsing: "[default]\na = 1\n[default]\n", path: "c")
        }
        #expect(throws: ConfigError.parse(path: "c", line: 3, reason: "key 'a' already set in section 'default'")) {
            try INIFile(parsing: "[default]\na = 1\nA = 2\n", path: "c")
        }
    }

    @Test func aBadNestedLineIsAnErrorWithItsLine() {
        #expect(throws: ConfigError.self) { try INIFile(parsing: "[x]\ns3 =\n  no-equals-here\n", path: "c") }
    }

    /// A file edited on Windows (CRLF) or an old Mac (CR) reads as the AWS CLI reads it.
    @Test func readsWindowsAndOldMacLineEndings() throws {
        for ending in ["\r\n", "\r"] {
            let text = ["[default]", "region = eu-west-1", "", "[profile dev]", "role_arn = arn:aws:iam::123456789012:role/dev", ""]
                .joined(separator: ending)
            let file = try INIFile(parsing: text, path: "/home/u/.aws/config")
            #expect(file.sections.map(\.name) == ["default", "profile dev"], "\(ending.debugDescription)")
            #expect(file.sections[0].values["region"] == .string("eu-west-1"))
            #expect(file.sections[1].values["role_arn"] == .string("arn:aws:iam::123456789012:role/dev"))
        }
    }
}
