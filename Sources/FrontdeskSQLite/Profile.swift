import Foundation
import FrontdeskCore
import FrontdeskStore

/// A client's own details, changed by the client: a contact proved by a code sent to it, and their name and postal
/// address from a one-time link page. The postal address is the `billing_address` column of `001_core`.
extension Connection {
    public func replaceClientAddress(businessID: Int, clientID: Int, channel: Channel, old: String?, new: String)
        throws
    {
        if let old {
            try execute(
                "DELETE FROM client_addresses WHERE client_id = ? AND channel = ? AND address = ?", clientID,
                channel.rawValue, old)
        }
        try execute(
            "UPDATE client_addresses SET is_primary = 0 WHERE client_id = ? AND channel = ?", clientID,
            channel.rawValue)
        try execute(
            """
            INSERT INTO client_addresses (business_id, client_id, channel, address, is_primary) VALUES (?, ?, ?, ?, 1)
            """, businessID, clientID, channel.rawValue, new)
    }

    public func postalAddress(clientID: Int) throws -> String? {
        try queryOne("SELECT billing_address FROM clients WHERE id = ?", clientID)?.string("billing_address")
    }

    public func updateClientDetails(clientID: Int, firstName: String, lastName: String, postalAddress: String?) throws {
        try execute(
            "UPDATE clients SET first_name = ?, last_name = ?, billing_address = ? WHERE id = ?", firstName, lastName,
            postalAddress, clientID)
    }
}
