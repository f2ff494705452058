import Foundation
import FrontdeskCore
import FrontdeskSecurity
import FrontdeskStore

/// Six-digit codes that prove a contact belongs to someone: one store (`verifications`, salted hashes only) and one set
/// of limits for every use. An unknown address proves it is a client's by a code sent to the contact on file
/// (`Pipeline.verifying`); a client proves a new email or phone is theirs by a code sent to that new contact
/// (`ProfilePlugin`). Either way a code works for 10 minutes, for the address that asked only, once; five wrong
/// codes lock it; an address may ask for 3 codes an hour and 3 an hour may go out for one client.
public enum ContactCodes {
    /// How long a code works.
    public static let minutes = 10.0
    /// Codes one address may ask for, and codes sent for one client, per hour.
    public static let perSenderPerHour = 3
    public static let perClientPerHour = 3

    /// What a code sent back is.
    public enum Check: Equatable {
        /// The right code, now spent.
        case matched(Verification)
        /// A wrong code, with the tries left.
        case wrong(left: Int)
        /// Too many wrong codes: this one no longer works.
        case locked(Verification)
        /// Expired, already used, or not this address's.
        case expired
    }

    /// Counts one more code asked for by `sender`; false past the hourly limit.
    public static func admitSender(_ sender: String, businessID: Int, _ store: any UnitOfWork, now: Date) throws -> Bool
    {
        try store.countRateEvent(businessID: businessID, key: "verify_sender:" + sender, window: hour(now))
            <= perSenderPerHour
    }

    /// Counts one more code sent for a client; false past the hourly limit (however many addresses ask).
    public static func admitClient(_ clientID: Int, businessID: Int, _ store: any UnitOfWork, now: Date) throws -> Bool
    {
        try store.countRateEvent(businessID: businessID, key: "verify_client:\(clientID)", window: hour(now))
            <= perClientPerHour
    }

    /// A fresh code for the address asking (`channel`, `address`), replacing any still open, bound to `clientID`
    /// (nil: a code that can never succeed, for a contact nobody has). Returns the stored row's id and the code, which
    /// only the message carrying it may hold.
    public static func issue(
        businessID: Int, channel: Channel, address: String, clientID: Int?, _ store: any UnitOfWork, now: Date
    ) throws -> (id: Int, code: String) {
        let (code, salt, hash) = try OneTimeCode.generate()
        try store.closeVerifications(businessID: businessID, channel: channel, address: address, now: now)
        let id = try store.insertVerification(
            NewVerification(
                businessID: businessID, channel: channel, address: address, clientID: clientID, codeHash: hash,
                salt: salt, expiresAt: now.addingTimeInterval(minutes * 60)),
            now: now)
        return (id, code)
    }

    /// Checks a code against row `id`, for the address that asked for it; a wrong code counts a try.
    public static func check(
        _ code: String, id: Int?, businessID: Int, channel: Channel, address: String, _ store: any UnitOfWork, now: Date
    ) throws -> Check {
        guard let v = try id.flatMap({ try store.verification(id: $0) }), v.businessID == businessID,
            v.address == address, v.channel == channel, v.usedAt == nil, v.expiresAt > now
        else { return .expired }
        guard v.attempts < Verification.maxAttempts else { return .locked(v) }
        // A row with no client was never sent: no code can be right for it.
        if v.clientID != nil, OneTimeCode.matches(code, salt: v.salt, hash: v.codeHash),
            try store.useVerification(id: v.id, now: now)
        {
            return .matched(v)
        }
        let attempts = try store.failVerification(id: v.id)
        return attempts < Verification.maxAttempts ? .wrong(left: Verification.maxAttempts - attempts) : .locked(v)
    }

    private static func hour(_ now: Date) -> Date {
        Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
    }
}
