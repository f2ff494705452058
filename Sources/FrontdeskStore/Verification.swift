import Foundation
import FrontdeskCore

/// A one-time code sent to a client's contact on file so that an address nobody knows can prove it is theirs
/// (issue 14). Only the code's salted SHA-256 is stored; it expires, allows a few tries and works once.
public struct Verification: Sendable, Equatable {
    public var id: Int
    public var businessID: Int
    /// The address that asked to be verified, on its channel.
    public var channel: Channel
    public var address: String
    /// The client whose contact on file got the code; nil when no client has the contact given (or the code was
    /// not sent): such a code can never succeed, yet the sender is answered the same way.
    public var clientID: Int?
    /// Lowercase hex SHA-256 of the salt followed by the code.
    public var codeHash: String
    public var salt: String
    /// Wrong codes tried so far.
    public var attempts: Int
    public var createdAt: Date
    public var expiresAt: Date
    public var usedAt: Date?

    public init(
        id: Int, businessID: Int, channel: Channel, address: String, clientID: Int?, codeHash: String, salt: String,
        attempts: Int, createdAt: Date, expiresAt: Date, usedAt: Date?
    ) {
        self.id = id
        self.businessID = businessID
        self.channel = channel
        self.address = address
        self.clientID = clientID
        self.codeHash = codeHash
        self.salt = salt
        self.attempts = attempts
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
    }

    /// Tries a code may take before it stops working.
    public static let maxAttempts = 5
}

public struct NewVerification: Sendable {
    public var businessID: Int
    public var channel: Channel
    public var address: String
    public var clientID: Int?
    public var codeHash: String
    public var salt: String
    public var expiresAt: Date

    public init(
        businessID: Int, channel: Channel, address: String, clientID: Int?, codeHash: String, salt: String,
        expiresAt: Date
    ) {
        self.businessID = businessID
        self.channel = channel
        self.address = address
        self.clientID = clientID
        self.codeHash = codeHash
        self.salt = salt
        self.expiresAt = expiresAt
    }
}

/// A client's request about their personal data, waiting for staff to approve or reject it (issue 14).
public struct PrivacyRequest: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A copy of everything held (`frontdesk client export`), sent as a one-time download link.
        case export
        /// Erasure (`frontdesk client erase`).
        case erase
    }

    public enum Status: String, Sendable, CaseIterable {
        /// Asked, waiting for staff.
        case pending
        /// Approved and under way: an export's link was sent and waits to be downloaded.
        case approved
        case rejected
        /// Carried out: the data were erased, or the export was downloaded.
        case done
    }

    public var id: Int
    public var businessID: Int
    public var clientID: Int
    public var kind: Kind
    public var status: Status
    /// The channel the request came by.
    public var channel: Channel
    /// Who asked: `client:N`, or `staff:N` forwarding the client's message.
    public var requestedBy: String
    public var createdAt: Date
    /// Who approved or rejected it (`staff:N`), and when.
    public var decidedBy: String?
    public var decidedAt: Date?
    public var doneAt: Date?
    /// The reason given with a rejection.
    public var note: String?

    public init(
        id: Int, businessID: Int, clientID: Int, kind: Kind, status: Status, channel: Channel, requestedBy: String,
        createdAt: Date, decidedBy: String?, decidedAt: Date?, doneAt: Date?, note: String?
    ) {
        self.id = id
        self.businessID = businessID
        self.clientID = clientID
        self.kind = kind
        self.status = status
        self.channel = channel
        self.requestedBy = requestedBy
        self.createdAt = createdAt
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.doneAt = doneAt
        self.note = note
    }
}

extension OutboxRecord {
    /// A one-time code on its way to a client's contact on file; its body is replaced by `redactedCode` once it
    /// has left or been given up.
    public static let verificationKind = "verification"
    public static let redactedCode = "[verification code]"
    /// What staff decided about a privacy request, told to the client (transactional: an unsubscribe never stops it).
    public static let privacyKind = "privacy"
    /// The last message to a client whose data were erased: deleted from the outbox once it has left or been
    /// given up, so the erased address stays nowhere.
    public static let erasureNoticeKind = "privacy_erased"
    /// A notice that one of the client's contacts changed, sent to the contact it replaced (transactional: an
    /// unsubscribe never stops it, since it is how a change the client did not make gets noticed).
    public static let securityKind = "security"
}
