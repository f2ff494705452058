import CSQLite
import Foundation
import FrontdeskCore
import FrontdeskStore

/// What the hot path reads about a business for every message — which business an address routes to, its own
/// addresses, its rate limits, its plugins' switches and settings — kept by the writer connection between
/// messages, so a message costs no query (and no JSON parse) for them.
///
/// It is never stale: it is cleared when a write on this connection touches one of its tables (SQLite's update
/// hook), when a savepoint or a transaction rolls back (what was read inside may be undone), and when another
/// connection or process has committed since it was filled (`PRAGMA data_version`, read as each write transaction
/// begins: "the integer values returned by two invocations of PRAGMA data_version from the same connection will be
/// different if changes were committed to the database by any other connection in the interim").
final class ConfigCache {
    /// The tables the cached answers come from (`changed` compares against the same names).
    static let tables = ["businesses", "business_addresses", "business_limits", "plugin_settings"]
    /// Past this many entries everything is dropped (addresses are chosen by whoever sends): memory stays bounded.
    static let limit = 4096

    var businessByAddress: [String: Business] = [:]
    var businessAddress: [String: String?] = [:]
    var rateLimits: [Int: RateLimits] = [:]
    var enabledFlags: [Int: [String: Bool]] = [:]
    var pluginSettings: [String: (enabled: Bool?, values: [String: SettingValue])] = [:]
    private var dataVersion: Int64?
    private(set) var clears = 0

    func clear() {
        guard
            !(businessByAddress.isEmpty && businessAddress.isEmpty && rateLimits.isEmpty && enabledFlags.isEmpty
                && pluginSettings.isEmpty)
        else { return }
        businessByAddress = [:]
        businessAddress = [:]
        rateLimits = [:]
        enabledFlags = [:]
        pluginSettings = [:]
        clears += 1
    }

    /// Called once a write transaction holds the database: forgets everything if another connection committed.
    func beginTransaction(_ c: Connection) {
        let version = (try? c.queryOne("PRAGMA data_version"))?.int64("data_version")
        if version == nil || version != dataVersion { clear() }
        dataVersion = version
    }

    /// Room for one more entry.
    func makeRoom() {
        let count =
            businessByAddress.count + businessAddress.count + rateLimits.count + enabledFlags.count
            + pluginSettings.count
        if count >= Self.limit { clear() }
    }

    /// A row of `table` changed on this connection. Called for every row written, so it compares C strings
    /// (string literals passed as pointers, no conversion) and only for names starting like the cached tables'.
    func changed(_ table: UnsafePointer<CChar>) {
        let first = UInt8(bitPattern: table.pointee)
        guard first == UInt8(ascii: "b") || first == UInt8(ascii: "p") else { return }
        if strcmp(table, "businesses") == 0 || strcmp(table, "business_addresses") == 0
            || strcmp(table, "business_limits") == 0 || strcmp(table, "plugin_settings") == 0
        {
            clear()
        }
    }

    /// Registers the update hook on the writer connection; the cache lives as long as the connection holds it.
    static func attach(to c: Connection) {
        let cache = ConfigCache()
        c.config = cache
        // "The sqlite3_update_hook() interface registers a callback function ... to be invoked whenever a row is
        // updated, inserted or deleted in a rowid table" (all four tables have rowids).
        sqlite3_update_hook(
            c.handle,
            { context, _, _, table, _ in
                guard let context, let table else { return }
                Unmanaged<ConfigCache>.fromOpaque(context).takeUnretainedValue().changed(table)
            }, Unmanaged.passUnretained(cache).toOpaque())
    }
}
