/// A configuration archive that was refused, and why (a sentence that ends the message).
struct ArchiveRefusal: Refusal {
    let reason: String

    var kind: RefusalKind { .unprocessable }
    var code: String { "invalid_archive" }
    var message: String { "The configuration archive was refused: \(reason)" }
}
