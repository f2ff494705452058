/// A secret setting that may hold several values, comma-separated, so a key can be rotated without downtime:
/// add the new value beside the old one, switch the provider over, then remove the old one. The first value is
/// the current one (used where Frontdesk itself signs or authenticates); every value is accepted on input.
/// A value cannot contain a comma.
public enum SecretList {
    /// The values of a comma-separated setting, trimmed, empty ones dropped.
    public static func values(_ setting: String?) -> [String] {
        guard let setting else { return [] }
        return setting.split(separator: ",").map { String($0).trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
    }

    /// The current (first) value, for outgoing use.
    public static func current(_ setting: String?) -> String? { values(setting).first }
}
