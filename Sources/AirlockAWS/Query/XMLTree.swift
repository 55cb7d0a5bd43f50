import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

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

    /// Parses a document; `nil` if it is not well-formed XML.
    public static func parse(_ bytes: [UInt8]) -> XMLTree? {
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [XMLTree] = []
        var root: XMLTree?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            stack.append(XMLTree(name: elementName))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard var node = stack.popLast() else { return }
            if !node.children.isEmpty { node.text = node.text.trimmingCharacters(in: .whitespacesAndNewlines) }
            if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
        }
    }
}
