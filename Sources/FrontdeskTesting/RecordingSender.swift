import Foundation
import FrontdeskChannels

/// A sender that records what it was asked to send; it can be told to fail the first N sends.
public final class RecordingSender: MessageSender, @unchecked Sendable {
    private let lock = NSLock()
    private var _sent: [OutgoingMessage] = []
    private var failuresLeft: Int
    private let failure: SendError

    public init(
        failFirst: Int = 0,
        failure: SendError = SendError(kind: .transport, retryable: true, message: "connection refused")
    ) {
        failuresLeft = failFirst
        self.failure = failure
    }

    public var sent: [OutgoingMessage] { lock.withLock { _sent } }

    public func send(_ message: OutgoingMessage) throws -> SendResult {
        try lock.withLock {
            if failuresLeft > 0 {
                failuresLeft -= 1
                throw failure
            }
            _sent.append(message)
            return SendResult(providerMessageID: "rec-\(_sent.count)")
        }
    }
}
