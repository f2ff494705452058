import Foundation
import FrontdeskCore

// Issue 19: what the web console keeps — sign-in links and sessions of staff, conversations a person has taken over,
// handoffs waiting for a person, the replies staff wrote, and the reply addresses of handoff notices.

/// A one-time sign-in link sent to a staff member (only its token's SHA-256 is kept).
public struct ConsoleSignIn: Sendable, Equatable {
    public var id: Int
    public var businessID: Int
    public var staffID: Int
    public var expiresAt: Date
    public var usedAt: Date?

    public init(id: Int, businessID: Int, staffID: Int, expiresAt: Date, usedAt: Date?) {
        self.id = id
        self.businessID = businessID
        self.staffID = staffID
        self.expiresAt = expiresAt
        self.usedAt = usedAt
    }
}

/// A staff member's signed-in session in the console, for one business (only its id's SHA-256 is kept).
public struct ConsoleSession: Sendable, Equatable {
    public var id: Int
    public var businessID: Int
    public var staffID: Int
    public var createdAt: Date
    public var lastSeenAt: Date
    /// The absolute end, whatever the activity.
    public var expiresAt: Date
    public var endedAt: Date?

    public init(
        id: Int, businessID: Int, staffID: Int, createdAt: Date, lastSeenAt: Date, expiresAt: Date, endedAt: Date?
    ) {
        self.id = id
        self.businessID = businessID
        self.staffID = staffID
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
        self.endedAt = endedAt
    }
}

/// A conversation a staff member has taken: the bot stays silent on it until it is released or the business's idle
/// time has passed since `activeAt` (the holder's last action).
public struct Takeover: Sendable, Equatable {
    public var conversationID: Int
    public var businessID: Int
    public var staffID: Int
    public var takenAt: Date
    public var activeAt: Date
    /// The Message-ID and References of the client's latest email while it was held (the bot did not answer it, so
    /// no reply of ours recorded them), for threading the person's answer.
    public var threadMessageID: String?
    public var threadReferences: [String]

    public init(
        conversationID: Int, businessID: Int, staffID: Int, takenAt: Date, activeAt: Date,
        threadMessageID: String? = nil, threadReferences: [String] = []
    ) {
        self.conversationID = conversationID
        self.businessID = businessID
        self.staffID = staffID
        self.takenAt = takenAt
        self.activeAt = activeAt
        self.threadMessageID = threadMessageID
        self.threadReferences = threadReferences
    }
}

/// The address a handoff notice asks staff to reply to (`inbox+r<token>@domain`): it reaches one conversation, and
/// only from the staff member it was sent to. Only the token's SHA-256 is kept.
public struct ReplyRoute: Sendable, Equatable {
    public var id: Int
    public var businessID: Int
    public var conversationID: Int
    public var staffID: Int
    public var expiresAt: Date

    public init(id: Int, businessID: Int, conversationID: Int, staffID: Int, expiresAt: Date) {
        self.id = id
        self.businessID = businessID
        self.conversationID = conversationID
        self.staffID = staffID
        self.expiresAt = expiresAt
    }
}

/// A reply a person wrote (in the console or by email), sent through the outbox.
public struct StaffReply: Sendable, Equatable {
    public var outboxID: Int
    public var conversationID: Int
    public var staffID: Int?
    /// `console` or `email`.
    public var via: String
    public var createdAt: Date

    public init(outboxID: Int, conversationID: Int, staffID: Int?, via: String, createdAt: Date) {
        self.outboxID = outboxID
        self.conversationID = conversationID
        self.staffID = staffID
        self.via = via
        self.createdAt = createdAt
    }
}

/// One line of the console's conversation list.
public struct ConversationSummary: Sendable, Equatable {
    public var conversation: Conversation
    /// The client's full name, when the conversation is a client's.
    public var clientName: String?
    public var lastMessageAt: Date?
    public var lastText: String?
    public var lastIntent: String?
    public var messageCount: Int
    /// A handoff nobody has answered yet.
    public var needsPerson: Bool
    /// The staff member holding it (the takeover row; whether it is still in force depends on the idle time).
    public var takenBy: Int?
    public var takenActiveAt: Date?

    public init(
        conversation: Conversation, clientName: String?, lastMessageAt: Date?, lastText: String?, lastIntent: String?,
        messageCount: Int, needsPerson: Bool, takenBy: Int?, takenActiveAt: Date?
    ) {
        self.conversation = conversation
        self.clientName = clientName
        self.lastMessageAt = lastMessageAt
        self.lastText = lastText
        self.lastIntent = lastIntent
        self.messageCount = messageCount
        self.needsPerson = needsPerson
        self.takenBy = takenBy
        self.takenActiveAt = takenActiveAt
    }
}

/// Which conversations the console lists.
public struct ConversationFilter: Sendable, Equatable {
    /// Only those with a handoff nobody has answered.
    public var needsPerson: Bool
    public var clientID: Int?
    /// Part of the client's name or of the conversation's address.
    public var client: String?
    /// Only those with a message of this intent.
    public var intent: String?
    public var limit: Int

    public init(
        needsPerson: Bool = false, clientID: Int? = nil, client: String? = nil, intent: String? = nil,
        limit: Int = 100
    ) {
        self.needsPerson = needsPerson
        self.clientID = clientID
        self.client = client
        self.intent = intent
        self.limit = limit
    }
}

/// Which audit entries the console lists.
public struct AuditFilter: Sendable, Equatable {
    public var action: String?
    /// `staff:2`, `client:7`, `system`, ...
    public var actor: String?
    public var clientID: Int?
    public var since: Date?
    public var limit: Int

    public init(action: String? = nil, actor: String? = nil, clientID: Int? = nil, since: Date? = nil, limit: Int = 200)
    {
        self.action = action
        self.actor = actor
        self.clientID = clientID
        self.since = since
        self.limit = limit
    }
}
