import Foundation

/// The source of "now", injected so expiry and scheduling are testable.
public protocol Clock: Sendable {
    func now() -> Date
}

/// Wall-clock time.
public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
}
