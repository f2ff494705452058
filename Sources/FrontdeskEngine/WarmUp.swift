import Foundation
import FrontdeskCore

/// A value made on first use, by whichever thread asks first; the others wait for it.
final class Once<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var made: Value?
    private var make: (@Sendable () -> Value)?

    init(_ make: @escaping @Sendable () -> Value) { self.make = make }

    var value: Value {
        lock.withLock {
            if let made { return made }
            let value = make!()
            made = value
            make = nil
            return value
        }
    }
}

extension Pipeline {
    /// Makes what the first message would otherwise wait for: the language detector and the trained classifier.
    /// `serve` calls it beside serving, so health checks answer at once and a webhook that comes earlier waits for
    /// these (it is never answered by an untrained model).
    public func warmUp() {
        _ = language
        _ = classifier.classify("hello", channel: .sms)
    }
}
