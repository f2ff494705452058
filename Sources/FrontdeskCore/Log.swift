import Foundation

/// A minimal structured logger. Callers pass event names and ids, never bodies, tokens or SQL values.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warning, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    public var minimum: Level
    private let sink: @Sendable (String) -> Void

    public init(minimum: Level = .info, sink: @escaping @Sendable (String) -> Void) {
        self.minimum = minimum
        self.sink = sink
    }

    /// Lines to standard error.
    public static func standardError(minimum: Level = .info) -> Logger {
        Logger(minimum: minimum) { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    public static let silent = Logger(minimum: .error) { _ in }

    public func log(_ level: Level, _ event: String, _ fields: [String: String] = [:]) {
        guard level >= minimum else { return }
        let rest = fields.keys.sorted().map { "\($0)=\(fields[$0] ?? "")" }.joined(separator: " ")
        sink("\(level) \(event)" + (rest.isEmpty ? "" : " " + rest))
    }

    public func info(_ event: String, _ fields: [String: String] = [:]) { log(.info, event, fields) }
    public func warning(_ event: String, _ fields: [String: String] = [:]) { log(.warning, event, fields) }
    public func error(_ event: String, _ fields: [String: String] = [:]) { log(.error, event, fields) }
}
