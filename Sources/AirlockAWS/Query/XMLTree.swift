/// A small element tree of an AWS XML answer: element names, their text, their children. Attributes and
/// namespaces are not kept; AWS query APIs do not need them.
public struct XMLTree: Sendable, Equatable {
    public var name: String
    public var text: String = ""
    public var children: [XMLTree] = []

    /// The first child with this name.
    public func child(_ name: String) -> XMLTree? {
        children.first { $0.name == name }
    }

    /// The node at a path of child names.
    public func at(_ path: String...) -> XMLTree? {
        var node: XMLTree? = self
        for name in path { node = node?.child(name) }
        return node
    }

    /// The text of the child at a path, if present.
    public func text(_ path: String...) -> String? {
        var node: XMLTree? = self
        for name in path { node = node?.child(name) }
        return node?.text
    }

    /// Parses a document (`XMLReader`); `nil` if it is not well-formed XML.
    public static func parse(_ bytes: [UInt8]) -> XMLTree? {
        var reader = XMLReader(bytes)
        return reader.document()
    }
}
