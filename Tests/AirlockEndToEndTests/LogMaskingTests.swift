import AirlockTesting
import Foundation
import Testing

/// A sensitive value never shows in a run's log: as it is, in the encodings a configuration most often
/// prints it in, or split across the pieces a long line arrives in.
@Suite struct LogMaskingTests {
    /// Characters that every encoding changes: `/`, `+`, a space, `&`, `<`, `>` and a quote.
    static let secret = #"s3cr3t/val+ue with&<angle>"quote"-4711"#

    @Test func aSensitiveValueIsMaskedInItsEncodingsAndAcrossLongLines() async throws {
        try await RunWorld.with { world in
            let body = try JSONSerialization.data(withJSONObject: ["value": Self.secret, "sensitive": true])
            #expect(try await world.call("PUT", "/organizations/acme/environments/prod/variables/RUN_SECRET",
                                         json: String(decoding: body, as: UTF8.self)).status == 200)
            let printers = [
                #"printf 'plain=%s\n' "$RUN_SECRET""#,
                #"printf 'base64=%s\n' "$(printf %s "$RUN_SECRET" | base64 -w0)""#,
                #"printf 'base64-inside=%s\n' "$(printf 'ab%sxyz' "$RUN_SECRET" | base64 -w0)""#,
                #"printf 'base64url=%s\n' "$(printf 'a%s' "$RUN_SECRET" | base64 -w0 | tr '+/' '-_')""#,
                #"python3 -c 'import json, os; print("json=" + json.dumps({"k": os.environ["RUN_SECRET"]}))'"#,
                #"python3 -c 'import os, urllib.parse as u; print("url=" + u.quote(os.environ["RUN_SECRET"], safe=""))'"#,
                #"python3 -c 'import os, urllib.parse as u; print("form=" + u.quote_plus(os.environ["RUN_SECRET"]).lower())'"#,
            ]
            let resources = printers.enumerated().map { index, command in
                """
                resource "terraform_data" "print\(index)" {
                  provisioner "local-exec" {
                    command = <<-EOT
                      \(command)
                    EOT
                  }
                }
                """
            }.joined(separator: "\n") + """

                // One line of 40 KiB with the value across the 16 KiB and 32 KiB marks, written by Terraform itself in
                // the plan (a provisioner's output may be cut into lines by Terraform when it is long; the plan's is not).
                variable "secret" {
                  type = string
                }
                output "long" {
                  value = "long=${replace(format("%16370s", ""), " ", "x")}${var.secret}${replace(format("%16360s", ""), " ", "y")}${var.secret}zz"
                }
                """
            let secretVariable = try JSONSerialization.data(withJSONObject: ["value": Self.secret, "sensitive": true])
            #expect(try await world.call("PUT", "/organizations/acme/environments/prod/variables/TF_VAR_secret",
                                         json: String(decoding: secretVariable, as: UTF8.self)).status == 200)
            #expect(try await world.upload(["main.tf": resources]).status == 201)
            let run = try await world.queue()
            try await world.expect(run, reaches: "planned")
            #expect(try await world.action(run, "confirm").status == 200)
            try await world.expect(run, reaches: "applied")
            let log = try await world.log(run, "plan") + world.log(run, "apply")
            let bytes = Array(Self.secret.utf8)
            let encodings = [
                Self.secret,
                Data(bytes).base64EncodedString(),
                String(Data(Array("ab".utf8) + bytes + Array("xyz".utf8)).base64EncodedString().dropFirst(4).prefix(40)),
                #"s3cr3t/val+ue with\u0026\u003cangle\u003e\"quote\"-4711"#,
                #"s3cr3t/val+ue with&<angle>\"quote\"-4711"#,
                "s3cr3t%2Fval%2Bue%20with%26%3Cangle%3E%22quote%22-4711",
                "s3cr3t%2fval%2bue+with%26%3cangle%3e%22quote%22-4711",
            ]
            for encoding in encodings {
                #expect(!log.contains(encoding), "the log shows \(encoding)")
            }
            for label in ["plain=***", "base64=***", "json={\"k\": \"***\"}", "url=***", "form=***"] {
                #expect(log.contains(label), "\(label) in \(log.prefix(3000))")
            }
            let long = try #require(log.split(separator: "\n").first { $0.contains("long=xxx") })
            #expect(long.components(separatedBy: "***").count == 3, "both values in the long line are masked")
            #expect(!log.contains("s3cr3t") && !log.contains("4711"), "no piece of the value shows")
        }
    }

    /// A plan's summary keeps resource addresses, and an address can hold a value (a `for_each` key) that came from
    /// a sensitive variable: the summary masks it as the log does, in the API and on the run's page.
    @Test func aPlansSummaryMasksAnAddressLikeTheLog() async throws {
        try await RunWorld.with { world in
            let secret = "k3y-s3cr3t-4711"
            #expect(try await world.call("PUT", "/organizations/acme/environments/prod/variables/TF_VAR_token",
                                         json: #"{"value":"\#(secret)","sensitive":true}"#).status == 200)
            #expect(try await world.upload(["main.tf": """
                variable "token" {
                  type = string
                }
                resource "terraform_data" "keyed" {
                  for_each = toset([var.token])
                  input    = "x"
                }
                """]).status == 201)
            let run = try await world.queue()
            try await world.expect(run, reaches: "planned")
            let shown = try await world.call("GET", "/runs/\(run)")
            #expect(shown.body.contains(#"terraform_data.keyed[\"***\"]"#), "\(shown.body)")
            #expect(!shown.body.contains(secret))
            #expect(!(try await world.log(run, "plan")).contains(secret))
        }
    }
}
