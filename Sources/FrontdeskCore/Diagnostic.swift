/// A fault found in a data file, named by file and line so a person can fix it.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// Several faults at once: `frontdesk check` reports all of them, not only the first.
public struct Diagnostics: Error, Sendable, CustomStringConvertible {
    public var items: [Diagnostic]
    public init(_ items: [Diagnostic]) { self.items = items }
    public var description: String { items.map(\.description).joined(separator: "\n") }
}

/// The line (1-based) of the first occurrence of `needle` in `text`, or 1.
func lineOf(_ needle: String, in text: String) -> Int {
    guard let range = text.range(of: needle) else { return 1 }
    return text[..<range.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
}
