@testable import AirlockServer
import Foundation
import Testing

/// The plan's summary read from the saved plan file's own bytes (`SavedPlan`), counted as Terraform counts it, and
/// every file Airlock cannot read without guessing refused. Real Terraform's files (1.0.3 and 1.15.5, deflated) are
/// read in the end-to-end `SavedPlanFileTests`.
@Suite struct SavedPlanTests {
    typealias Writer = PlanFileWriter

    @Test func everyActionCountsAsTerraformCountsIt() throws {
        let file = Writer.file([
            Writer.change("terraform_data.kept", .noOp),
            Writer.change("terraform_data.new", .create),
            Writer.change("terraform_data.edited", .update),
            Writer.change(#"terraform_data.swapped["a"]"#, .deleteThenCreate),
            Writer.change("terraform_data.flipped", .createThenDelete),
            Writer.change("terraform_data.old", .delete),
            Writer.change("terraform_data.old", .delete, deposedKey: "00000001"),
            Writer.change("data.aws_caller_identity.me", .read),
            Writer.change("aws_s3_bucket.adopted", .noOp, importing: true),
            Writer.change("aws_s3_bucket.adopted_and_tagged", .update, importing: true),
            Writer.change("aws_s3_bucket.let_go", .forget),
            Writer.change("aws_s3_bucket.kept_outside", .createThenForget),
        ], actionInvocations: ["action.aws_lambda_invoke.notify"])
        let summary = PlanSummary(try SavedPlan(file))
        #expect(summary.headline == "Plan: 2 to import, 4 to add, 2 to change, 4 to destroy. Actions: 1 to invoke.")
        #expect(summary.resources.map(\.address) == [
            "terraform_data.flipped", "terraform_data.old", "terraform_data.old", #"terraform_data.swapped["a"]"#, "action.aws_lambda_invoke.notify",
            "aws_s3_bucket.adopted", "aws_s3_bucket.adopted_and_tagged", "aws_s3_bucket.kept_outside", "aws_s3_bucket.let_go",
            "data.aws_caller_identity.me", "terraform_data.edited", "terraform_data.new",
        ], "destroyed and replaced first, then the actions invoked, then the rest by address; a resource left as it is is not listed")
        #expect(summary.forget == 2, "counted, and listed, though Terraform's line leaves it out")
        #expect(summary.resources.map(\.action) == [.replace, .delete, .delete, .replace, .invoke, .import, .update, .createThenForget, .forget,
                                                    .read, .update, .create])
    }

    /// A long plan lists its first resources and counts the rest, its destructive ones always among those listed.
    @Test func aLongPlanListsItsFirstResourcesAndCountsTheRest() throws {
        let changes = (0..<(PlanSummary.listedLimit + 7)).map { Writer.change("terraform_data.n\(100_000 + $0)", .create) }
        let summary = PlanSummary(try SavedPlan(Writer.file(changes + [Writer.change("terraform_data.z", .delete)])))
        #expect(summary.add == PlanSummary.listedLimit + 7 && summary.destroy == 1)
        #expect(summary.resources.count == PlanSummary.listedLimit && summary.unlisted == 8)
        #expect(summary.resources.first == PlanSummary.Resource(address: "terraform_data.z", action: .delete))
    }

    /// A plan of more changes than Airlock reads is refused, however small each is.
    @Test func aPlanOfTooManyChangesIsRefused() throws {
        let tiny = Writer.field(3, [])
        let tfplan = Writer.field(1, 3) + Array((0...SavedPlan.changeLimit).map { _ in tiny }.joined()) + Writer.field(14, "1.15.5")
        #expect(throws: SavedPlanError.self) { try SavedPlan(Writer.zip([("tfplan", tfplan)])) }
    }

    /// One change of many tiny repeated fields is refused before it costs memory.
    @Test func aChangeOfTooManyFieldsIsRefused() throws {
        let padding = Array((0...SavedPlan.fieldsPerMessage).map { _ in Writer.field(7, "") }.joined())
        let change = Writer.field(13, "terraform_data.x") + padding + Writer.field(9, Writer.field(1, SavedPlan.Action.create.rawValue))
        #expect(throws: SavedPlanError.self) { try SavedPlan(Writer.file([change])) }
        let changes = Array((0...SavedPlan.fieldsPerMessage).map { _ in Writer.field(9, Writer.field(1, 1)) }.joined())
        #expect(throws: SavedPlanError.self) { try SavedPlan(Writer.file([Writer.field(13, "terraform_data.x") + changes])) }
        #expect(PlanAddress.spelledOut("aws_iam_role.admin\u{3164}") == #"aws_iam_role.admin\u{3164}"#)
        #expect(PlanAddress.spelledOut("aws_iam_role.admin") == nil)
    }

    /// Terraform reads a plan's address as HCL, so a file could hide a comment, spaces or a terminal's escape in
    /// it; only the form Terraform prints is shown, anything else refused.
    @Test func anAddressTerraformWouldNotPrintIsRefused() throws {
        for address in ["aws_db_instance.prod/*\u{1B}[2K\r  ~ update aws_s3_bucket.logs*/", "aws_db_instance. prod", "aws_db_instance.prod\n",
                        #"aws_s3_bucket.b["\#u{202E}gol"]"#, #"aws_s3_bucket.b["a"] "#, #"aws_s3_bucket.b["\q"]"#, "aws_s3_bucket.b[01]",
                        "aws_s3_bucket.b[", ".aws_s3_bucket.b", "aws_s3_bucket..b"] {
            #expect(throws: SavedPlanError.self, "\(address.debugDescription)") { try SavedPlan(Writer.file([Writer.change(address, .create)])) }
        }
        for address in [#"module.net["a \"b\"\n\u00e9"].aws_s3_bucket.b[0]"#, #"data.aws_iam_policy_document.é["ключ"]"#,
                        "module.x.action.aws_lambda_invoke.notify[2]"] {
            #expect(try SavedPlan(Writer.file([Writer.change(address, .create)])).changes.map(\.address) == [address])
        }
        #expect(throws: SavedPlanError.self) { try SavedPlan(Writer.file([], actionInvocations: ["action.a.b /* */"])) }
    }

    /// Terraform 1.0 writes an address in parts; the summary names it as 1.0 prints it.
    @Test func terraform1_0sSplitAddressesAreJoinedAsItPrintsThem() throws {
        let action = Writer.field(9, Writer.field(1, SavedPlan.Action.create.rawValue))
        let keyed = Writer.field(1, "module.network") + Writer.field(3, "aws_s3_bucket") + Writer.field(4, "logs") + Writer.field(5, "a \"b\"\n") + action
        let counted = Writer.field(2, 1) + Writer.field(3, "aws_iam_policy_document") + Writer.field(4, "read") + Writer.field(6, 0)
            + Writer.field(9, Writer.field(1, SavedPlan.Action.read.rawValue))
        let plain = Writer.field(3, "aws_s3_bucket") + Writer.field(4, "plain") + action
        // The key is a oneof: Terraform keeps the last of its fields written.
        let rekeyed = Writer.field(3, "aws_s3_bucket") + Writer.field(4, "rekeyed") + Writer.field(5, "a") + Writer.field(6, 3) + action
        let hidden = Writer.field(3, "aws_s3_bucket") + Writer.field(4, "hidden") + Writer.field(5, "\u{202E}\u{1B}") + action
        let plan = try SavedPlan(Writer.file(version: "1.0.3", [keyed, counted, plain, rekeyed, hidden]))
        #expect(plan.changes.map(\.address) == [#"module.network.aws_s3_bucket.logs["a \"b\"\n"]"#, "data.aws_iam_policy_document.read[0]",
                                                 "aws_s3_bucket.plain", "aws_s3_bucket.rekeyed[3]", #"aws_s3_bucket.hidden["\u202e\x1b"]"#])
    }

    /// A field written twice is read as protobuf reads it (as Terraform's apply will): a singular message merged, the
    /// last value of a number kept.
    @Test func aFieldWrittenTwiceIsReadAsTerraformReadsIt() throws {
        let change = Writer.field(13, "terraform_data.x") + Writer.field(9, Writer.field(1, SavedPlan.Action.noOp.rawValue))
            + Writer.field(9, Writer.field(1, SavedPlan.Action.delete.rawValue))
        let summary = PlanSummary(try SavedPlan(Writer.file([change])))
        #expect(summary.headline == "Plan: 0 to add, 0 to change, 1 to destroy.")
    }

    @Test func whatCannotBeReadWithoutGuessingIsRefused() throws {
        let good = Writer.plan(changes: [Writer.change("terraform_data.x", .create)])
        let refused: [(String, [UInt8])] = [
            ("not a zip", Array("plan".utf8)),
            ("no tfplan", Writer.zip([("tfstate", [])])),
            ("tfplan twice", Writer.zip([("tfplan", good), ("tfplan", Writer.plan(changes: []))])),
            ("a damaged checksum", Writer.zip([("tfplan", good)], crc: { $0 ^ 1 })),
            ("format version 2", Writer.zip([("tfplan", Writer.field(1, 2) + Writer.field(14, "1.15.5"))])),
            ("an unknown action", Writer.file([Writer.field(13, "terraform_data.x") + Writer.field(9, Writer.field(1, 4))])),
            ("no change", Writer.file([Writer.field(13, "terraform_data.x")])),
            ("no address", Writer.file([Writer.field(9, Writer.field(1, 1))])),
            ("a number cut short", Writer.zip([("tfplan", good + [0x08, 0x80])])),
            ("a field past its end", Writer.zip([("tfplan", good + Writer.varint(3 << 3 | 2) + Writer.varint(UInt64.max))])),
            ("a group", Writer.zip([("tfplan", good + Writer.varint(3 << 3 | 3))])),
            ("an address that is a number", Writer.file([Writer.field(13, 7) + Writer.field(9, Writer.field(1, 1))])),
            ("an address not UTF-8", Writer.file([Writer.field(13, [0xFF, 0xFE]) + Writer.field(9, Writer.field(1, 1))])),
        ]
        // Go's zip reader must find exactly the directory Airlock reads: no comment, no second end record, no gap.
        let zip = Writer.zip([("tfplan", good)])
        let end = zip.count - 22
        var commented = zip
        commented[end + 20] = 4
        commented += Array("note".utf8)
        var nested = zip  // a second end record (comment length 0) inside the first one's comment
        nested[end + 20] = 23
        nested += Array(zip[end...]) + [0]
        let gap = Array(zip[..<end]) + [0, 0, 0, 0] + Array(zip[end...])
        var zip64Size = zip  // Go looks for zip64 records when the directory's size reads 0xFFFF
        zip64Size[end + 12] = 0xFF
        zip64Size[end + 13] = 0xFF
        zip64Size[end + 14] = 0
        zip64Size[end + 15] = 0
        for (name, file) in [("a comment", commented), ("an end record in a comment", nested), ("a gap before the end record", gap),
                             ("a directory size of 0xFFFF", zip64Size)] {
            #expect(throws: SavedPlanError.self, "\(name)") { try SavedPlan(file) }
        }
        for (name, file) in refused {
            #expect(throws: SavedPlanError.self, "\(name)") { try SavedPlan(file) }
        }
    }

    /// A `tfplan` that says it inflates past the limit is refused before anything is inflated.
    @Test func aTfplanLargerThanTheLimitIsRefusedUnread() throws {
        var file = Writer.zip([("tfplan", Writer.plan(changes: []))])
        // The central directory record's uncompressed size (the record starts after the local header and the contents).
        let signature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
        let found = (0..<(file.count - 3)).first { (index: Int) -> Bool in Array(file[index..<(index + 4)]) == signature }
        let directory = try #require(found)
        for (index, byte) in [0xFF, 0xFF, 0xFF, 0x7F].enumerated() { file[directory + 24 + index] = UInt8(byte) }
        #expect(throws: SavedPlanError.tooLarge(SavedPlan.tfplanLimit)) { try SavedPlan(file) }
    }
}
