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
            "aws_s3_bucket.adopted", "aws_s3_bucket.adopted_and_tagged", "aws_s3_bucket.kept_outside", "aws_s3_bucket.let_go",
            "data.aws_caller_identity.me", "terraform_data.edited", "terraform_data.flipped", "terraform_data.new", "terraform_data.old",
            "terraform_data.old", #"terraform_data.swapped["a"]"#, "action.aws_lambda_invoke.notify",
        ], "by address, then the actions invoked; a resource left as it is is not listed")
        #expect(summary.forget == 2, "counted, and listed, though Terraform's line leaves it out")
        #expect(summary.resources.map(\.action) == [.import, .update, .createThenForget, .forget, .read, .update, .replace, .create, .delete,
                                                    .delete, .replace, .invoke])
    }

    @Test func aLongPlanListsItsFirstResourcesAndCountsTheRest() throws {
        let changes = (0..<(PlanSummary.listedLimit + 7)).map { Writer.change("terraform_data.n\(100_000 + $0)", .create) }
        let summary = PlanSummary(try SavedPlan(Writer.file(changes)))
        #expect(summary.add == PlanSummary.listedLimit + 7)
        #expect(summary.resources.count == PlanSummary.listedLimit && summary.unlisted == 7)
    }

    /// Terraform 1.0 writes an address in parts; the summary names it as 1.0 prints it.
    @Test func terraform1_0sSplitAddressesAreJoinedAsItPrintsThem() throws {
        let action = Writer.field(9, Writer.field(1, SavedPlan.Action.create.rawValue))
        let keyed = Writer.field(1, "module.network") + Writer.field(3, "aws_s3_bucket") + Writer.field(4, "logs") + Writer.field(5, "a \"b\"\n") + action
        let counted = Writer.field(2, 1) + Writer.field(3, "aws_iam_policy_document") + Writer.field(4, "read") + Writer.field(6, 0)
            + Writer.field(9, Writer.field(1, SavedPlan.Action.read.rawValue))
        let plain = Writer.field(3, "aws_s3_bucket") + Writer.field(4, "plain") + action
        let plan = try SavedPlan(Writer.file(version: "1.0.3", [keyed, counted, plain]))
        #expect(plan.changes.map(\.address) == [#"module.network.aws_s3_bucket.logs["a \"b\"\n"]"#, "data.aws_iam_policy_document.read[0]",
                                                 "aws_s3_bucket.plain"])
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
