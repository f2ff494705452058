import Foundation
import FrontdeskCore

/// Reads a CSV of clients (RFC 4180: commas, double-quoted fields with `""` for a quote, CRLF or LF line ends; a
/// UTF-8 byte order mark is ignored). No C library Frontdesk links reads CSV, so this is the small reader it needs.
enum CSV {
    /// The records of `text`, each a list of fields; nil when a quoted field is never closed.
    static func records(_ text: String) -> [[String]]? {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var atFieldStart = true
        var characters = Array(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        if characters.last != "\n" { characters.append("\n") }
        var i = 0
        while i < characters.count {
            let ch = characters[i]
            if quoted {
                if ch == "\"" {
                    if i + 1 < characters.count, characters[i + 1] == "\"" {
                        field.append("\"")
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(ch)
                }
            } else if ch == "\"" && atFieldStart {
                quoted = true
            } else if ch == "," {
                record.append(field)
                field = ""
                atFieldStart = true
                i += 1
                continue
            } else if ch == "\n" || ch == "\r\n" || ch == "\r" {
                record.append(field)
                if !(record.count == 1 && record[0].trimmedWhitespace().isEmpty) { records.append(record) }
                record = []
                field = ""
                atFieldStart = true
                i += 1
                continue
            } else {
                field.append(ch)
            }
            atFieldStart = false
            i += 1
        }
        return quoted ? nil : records
    }
}

/// One row of a client import, as read and checked (nothing is written until every row is good).
struct ImportRow: Equatable {
    var line: Int
    var first = ""
    var last = ""
    var phone: String?
    var email: String?
    var language: String?
    var smsConsent = false
    var emailConsent = false
    /// What is wrong with the row (copy keys with their values), empty when it can be imported.
    var problems: [Problem] = []
    /// The row's fields as written, for the preview.
    var written: [String] = []

    struct Problem: Equatable {
        var key: String
        var values: [String: String] = [:]
    }
}

/// The columns a client import needs, in any order; `phone` or `email` (or both) in every row, and an explicit
/// yes or no for each consent: no consent, no automated message.
enum ClientImport {
    static let columns = ["first_name", "last_name", "phone", "email", "language", "sms_consent", "email_consent"]
    static let required = ["first_name", "phone", "email", "sms_consent", "email_consent"]
    /// Rows one import may hold.
    static let maxRows = 5000

    enum Failure: Error, Equatable {
        case unreadable
        case missingColumns([String])
        case empty
        case tooMany
    }

    /// Every row, checked: formats, the catalog's languages, consents, addresses repeated in the file.
    static func read(_ text: String, locales: [String]) throws(Failure) -> [ImportRow] {
        guard let records = CSV.records(text), let header = records.first else { throw .unreadable }
        let names = header.map { $0.trimmedWhitespace().lowercased() }
        let missing = required.filter { !names.contains($0) }
        guard missing.isEmpty else { throw .missingColumns(missing) }
        let body = records.dropFirst()
        guard !body.isEmpty else { throw .empty }
        guard body.count <= maxRows else { throw .tooMany }
        var seen: Set<String> = []
        var rows: [ImportRow] = []
        for (offset, record) in body.enumerated() {
            var row = ImportRow(line: offset + 2)
            func value(_ column: String) -> String {
                guard let index = names.firstIndex(of: column), index < record.count else { return "" }
                return record[index].trimmedWhitespace()
            }
            row.written = columns.map(value)
            row.first = value("first_name")
            row.last = value("last_name")
            if row.first.isEmpty { row.problems.append(.init(key: "import_first_name")) }
            if row.first.count > 100 || row.last.count > 100 { row.problems.append(.init(key: "import_name_long")) }
            let phone = value("phone")
            if !phone.isEmpty {
                if let normalized = Address.phone(phone) { row.phone = normalized } else {
                    row.problems.append(.init(key: "import_phone", values: ["value": phone]))
                }
            }
            let email = value("email")
            if !email.isEmpty {
                if let normalized = Address.email(email) { row.email = normalized } else {
                    row.problems.append(.init(key: "import_email", values: ["value": email]))
                }
            }
            if phone.isEmpty && email.isEmpty { row.problems.append(.init(key: "import_contact")) }
            let language = value("language").lowercased()
            if !language.isEmpty {
                if locales.contains(language) { row.language = language } else {
                    row.problems.append(
                        .init(key: "import_language", values: ["value": language, "known": locales.joined(separator: ", ")]))
                }
            }
            for (column, keyPath) in [("sms_consent", \ImportRow.smsConsent), ("email_consent", \ImportRow.emailConsent)] {
                switch value(column).lowercased() {
                case "yes", "y", "true", "1": row[keyPath: keyPath] = true
                case "no", "n", "false", "0": row[keyPath: keyPath] = false
                default: row.problems.append(.init(key: "import_consent", values: ["column": column]))
                }
            }
            for address in [row.phone, row.email].compactMap({ $0 }) where !seen.insert(address).inserted {
                row.problems.append(.init(key: "import_repeated", values: ["value": address]))
            }
            rows.append(row)
        }
        return rows
    }
}
