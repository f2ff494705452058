import Foundation
import FrontdeskStore

/// The consent tables, one row per business and address that opted out: SMS (STOP silences everything) and
/// email (an unsubscribe stops automated email only; migration 007_email_optouts).
enum ConsentTable: String {
    case sms = "sms_optouts"
    case email = "email_optouts"
}

extension Connection {
    func isOptedOut(_ table: ConsentTable, businessID: Int, address: String) throws -> Bool {
        try queryOne("SELECT 1 FROM \(table.rawValue) WHERE business_id = ? AND address = ?", businessID, address)
            != nil
    }

    /// Records an opt-out; false when the address had already opted out.
    func optOut(_ table: ConsentTable, businessID: Int, address: String, now: Date) throws -> Bool {
        try execute(
            "INSERT OR IGNORE INTO \(table.rawValue) (business_id, address, opted_out_at) VALUES (?, ?, ?)",
            businessID, address, now) == 1
    }

    /// Removes an opt-out; false when there was none.
    func optIn(_ table: ConsentTable, businessID: Int, address: String) throws -> Bool {
        try execute("DELETE FROM \(table.rawValue) WHERE business_id = ? AND address = ?", businessID, address) == 1
    }

    public func isEmailOptedOut(businessID: Int, address: String) throws -> Bool {
        try isOptedOut(.email, businessID: businessID, address: address)
    }

    @discardableResult
    public func emailOptOut(businessID: Int, address: String, now: Date) throws -> Bool {
        try optOut(.email, businessID: businessID, address: address, now: now)
    }

    @discardableResult
    public func emailOptIn(businessID: Int, address: String) throws -> Bool {
        try optIn(.email, businessID: businessID, address: address)
    }
}
