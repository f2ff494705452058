/// What erasing a client removes, anonymises and keeps, by rows.
///
/// Removed: the client's addresses, conversations (with their pending states), messages, outbox items addressed
/// to them, links, one-time codes, SMS opt-outs and rate counters keyed by their addresses. Anonymised: the client record (name
/// "erased client N", postal addresses and consents cleared); their name and addresses wherever the business's
/// remaining audit entries, outbox items and messages quote them (replaced by `[erased]`); the cancellation
/// reasons they gave. Kept, because bookkeeping law requires invoices to be kept for years: the invoices, the
/// memberships they were issued for, and each card's brand, last4 and expiry (the processor's token is cleared
/// and live memberships are cancelled: nobody can be charged or contacted any more).
public struct ClientErasure: Sendable, Equatable {
    public var clientID: Int
    public var addresses = 0
    public var conversations = 0
    public var messages = 0
    public var outboxItems = 0
    public var links = 0
    /// One-time verification codes sent to the client or asked for by their addresses.
    public var codes = 0
    public var optOuts = 0
    public var rateCounters = 0
    /// Rows elsewhere (audit, outbox, messages) that quote the client's name or an address.
    public var quotingRows = 0
    public var membershipsCancelled = 0
    public var invoicesKept = 0
    public var membershipsKept = 0
    public var cardsKept = 0

    public init(clientID: Int) { self.clientID = clientID }

    /// The removals and changes, in the order the command prints them.
    public var changes: [(what: String, count: Int)] {
        [
            ("addresses", addresses), ("conversations", conversations), ("messages", messages),
            ("outbox items", outboxItems), ("links", links), ("one-time codes", codes), ("opt-outs", optOuts), ("rate counters", rateCounters),
            ("rows quoting the client's name or addresses (scrubbed)", quotingRows),
            ("live memberships (cancelled)", membershipsCancelled),
        ]
    }

    /// What is kept for bookkeeping.
    public var kept: [(what: String, count: Int)] {
        [("invoices", invoicesKept), ("memberships", membershipsKept), ("cards (brand, last4, expiry)", cardsKept)]
    }
}
