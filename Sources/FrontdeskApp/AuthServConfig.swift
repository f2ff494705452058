import Foundation

extension AppConfig {
    /// `FRONTDESK_AUTHSERV_ID`: comma-separated authserv-ids (RFC 8601 §2.5, in practice the receiving host's name)
    /// whose Authentication-Results headers count, for every email provider. Unset or empty: each provider's
    /// default. `none`: no Authentication-Results header counts, only the providers' own verdict fields.
    static func authservIDs(_ value: String?) throws -> Set<String>? {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        let ids = value.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        if ids == ["none"] { return [] }
        for id in ids {
            let allowed = id.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0)
            }
            guard !id.isEmpty, allowed, id != "none" else {
                throw ConfigError(
                    description:
                        "FRONTDESK_AUTHSERV_ID: \"\(id)\" is not an authserv-id (host names such as mx.example.net, comma-separated, or none)"
                )
            }
        }
        return Set(ids)
    }
}
