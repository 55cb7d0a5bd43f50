/// What one of a child's descriptors (0, 1, 2, 3, ...) is at its start.
public enum ChildDescriptor: Sendable {
    /// `/dev/null`, open for reading and writing.
    case nullDevice
    /// A copy of this process's descriptor (which stays this process's to close).
    case descriptor(Int32)
}
