import Vapor

/// The methods the server answers at a path, from its routes: what a 405's `Allow` header lists.
enum AllowedMethods {
    static func at(_ path: String, in routes: Routes) -> [HTTPMethod] {
        let segments = path.split(separator: "/").map(String.init)
        var methods: [HTTPMethod] = []
        for route in routes.all where matches(route.path, segments) && !methods.contains(route.method) {
            methods.append(route.method)
        }
        if methods.contains(.GET), !methods.contains(.HEAD) { methods.append(.HEAD) }
        return methods.sorted { $0.rawValue < $1.rawValue }
    }

    private static func matches(_ components: [PathComponent], _ segments: [String]) -> Bool {
        var index = 0
        for component in components {
            switch component {
            case .catchall: return true
            case .anything, .parameter:
                guard index < segments.count else { return false }
            case let .constant(text):
                guard index < segments.count, segments[index] == text else { return false }
            }
            index += 1
        }
        return index == segments.count
    }
}
