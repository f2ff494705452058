import Foundation
import FrontdeskStore

// Email unsubscribes (migration 007_email_optouts): per business and address, apart from SMS consent.
extension Connection {
    public func isEmailOptedOut(businessID: Int, address: String) throws -> Bool {
        try queryOne("SELECT 1 FROM email_optouts WHERE business_id = ? AND address = ?", businessID, address) != nil
    }

    @discardableResult
    public func emailOptOut(businessID: Int, address: String, now: Date) throws -> Bool {
        try execute(
            "INSERT OR IGNORE INTO email_optouts (business_id, address, opted_out_at) VALUES (?, ?, ?)", businessID,
            address, now) == 1
    }

    @discardableResult
    public func emailOptIn(businessID: Int, address: String) throws -> Bool {
        try execute("DELETE FROM email_optouts WHERE business_id = ? AND address = ?", businessID, address) == 1
    }
}
