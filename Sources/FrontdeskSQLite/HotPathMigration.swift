import Foundation
import FrontdeskStore

/// Migration 012 (issue 20): what the hot path needs at a million clients and ten million messages.
extension Migrations {
    /// Lookups that scanned whole tables: a client's memberships and cards (read for every message from a client,
    /// and on every card change; the card index also gives `ORDER BY is_default DESC, id DESC` without a sort), a
    /// message's outbox items (a provider's retry), a conversation's messages (export, erasure) and a recipient's
    /// sent items (the outbox worker's per-recipient limit).
    static let scaleIndexes = """
        CREATE INDEX memberships_client ON memberships (client_id);
        CREATE INDEX payment_methods_client ON payment_methods (client_id, is_default, id);
        CREATE INDEX outbox_message ON outbox (message_id);
        CREATE INDEX outbox_recipient ON outbox (recipient, sent_at);
        CREATE INDEX messages_conversation ON messages (conversation_id);
        """

    /// Tables written for every message whose CHECK constraints hold `IN` lists of more than two values.
    static let hotTables = ["messages", "outbox"]

    /// SQLite evaluates `x IN ('a', 'b', 'c')` by building a temporary b-tree of the list each time a statement
    /// runs ("If the RHS is a list of constants and has more than two entries, an ephemeral index is created",
    /// sqlite3FindInIndex), so every INSERT into `messages` and `outbox` built one to check `sender_trust` and
    /// `status` (about 30,000 instructions each, a fifth of an insert). The same rule as `x = 'a' OR x = 'b' OR
    /// x = 'c'` is two comparisons or three. Changing a CHECK means rebuilding the table; the new definition is the
    /// live one with only those lists rewritten, so columns other migrations added are kept as they are.
    static func hotPath(_ c: Connection) throws {
        for table in hotTables { try rebuild(table, rewriting: inListsAsComparisons, c) }
        try c.executeScript(scaleIndexes)
    }

    /// Rebuilds `table` with its `CREATE TABLE` text passed through `rewrite`: create the new table, copy every
    /// row, drop the old, rename, recreate its indexes and triggers (SQLite's documented procedure; the caller
    /// has foreign keys off and checks them before committing).
    static func rebuild(_ table: String, rewriting rewrite: (String) -> String, _ c: Connection) throws {
        guard
            let definition = try c.queryOne(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", table)?.string("sql")
        else { throw StoreError(.notFound, "table \(table) is missing") }
        let temporary = table + "_rebuilt"
        let rewritten = rewrite(definition)
        let prefix = try NSRegularExpression(pattern: #"^CREATE TABLE\s+("?)"# + table + #"\1(?=\s|\()"#)
        let range = NSRange(rewritten.startIndex..., in: rewritten)
        guard prefix.firstMatch(in: rewritten, range: range) != nil else {
            throw StoreError(.failure, "cannot read the definition of \(table)")
        }
        let created = prefix.stringByReplacingMatches(
            in: rewritten, range: range, withTemplate: "CREATE TABLE " + temporary)
        let extras = try c.query(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL",
            table
        ).compactMap { $0.string("sql") }
        let columns = try c.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", table).compactMap {
            $0.string("name")
        }
        // Names come from the schema itself, quoted as identifiers.
        let list = columns.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ", ")
        let before = try c.queryOne("SELECT count(*) AS n FROM \"\(table)\"")?.int("n") ?? 0
        try c.executeScript(created)
        try c.executeScript("INSERT INTO \(temporary) (\(list)) SELECT \(list) FROM \"\(table)\"")
        let after = try c.queryOne("SELECT count(*) AS n FROM \(temporary)")?.int("n") ?? -1
        guard before == after else {
            throw StoreError(.failure, "rebuilding \(table) copied \(after) of \(before) rows; nothing changed")
        }
        try c.executeScript("DROP TABLE \"\(table)\"")
        try c.executeScript("ALTER TABLE \(temporary) RENAME TO \"\(table)\"")
        for sql in extras { try c.executeScript(sql) }
    }

    /// `col IN ('a', 'b', 'c')` (three values or more) as `(col = 'a' OR col = 'b' OR col = 'c')`; `NOT IN`, lists
    /// of two and everything else unchanged.
    static func inListsAsComparisons(_ sql: String) -> String {
        guard
            let pattern = try? NSRegularExpression(
                pattern: #"\b([A-Za-z_][A-Za-z0-9_]*)\s+IN\s*\(\s*('[^']*'(?:\s*,\s*'[^']*'){2,})\s*\)"#)
        else { return sql }
        let text = sql as NSString
        let out = NSMutableString(string: sql)
        let literals = try? NSRegularExpression(pattern: #"'[^']*'"#)
        // From the end, so the ranges of earlier matches stay valid while later ones are replaced.
        for match in pattern.matches(in: sql, range: NSRange(location: 0, length: text.length)).reversed() {
            let name = text.substring(with: match.range(at: 1))
            guard name.uppercased() != "NOT" else { continue }
            let items = (literals?.matches(in: sql, range: match.range(at: 2)) ?? []).map {
                text.substring(with: $0.range)
            }
            out.replaceCharacters(
                in: match.range, with: "(" + items.map { "\(name) = \($0)" }.joined(separator: " OR ") + ")")
        }
        return String(out)
    }
}
