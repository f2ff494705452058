/// Finds the entities plugins use: `invoice_number` (INV-1042, #1042, "invoice 1042"), `month` ("01"…"12"
/// from en/es/fr month names) and `date` (ISO yyyy-mm-dd, only when a full date with its year is written).
public enum EntityExtractor {
    /// Entities in `text`; `dayFirst` decides 03/04/2024 (asked only when both readings are possible).
    public static func extract(_ text: String, dayFirst: () -> Bool = { false }) -> [String: String] {
        let tokens = tokenize(text)
        guard !tokens.isEmpty else { return [:] }
        var out: [String: String] = [:]
        if let invoice = invoiceNumber(tokens) { out["invoice_number"] = invoice }
        if let date = date(tokens, dayFirst: dayFirst) {
            out["date"] = date
            out["month"] = String(date.dropFirst(5).prefix(2))
        } else if let month = month(tokens) {
            out["month"] = month
        }
        return out
    }

    static let months: [String: Int] = {
        var table: [String: Int] = [:]
        let names = [
            "january february march april may june july august september october november december",
            "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
            "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
        ]
        for line in names {
            for (i, name) in line.split(separator: " ").enumerated() { table[String(name)] = i + 1 }
        }
        table["setiembre"] = 9
        return table
    }()

    /// Abbreviations count only next to a number or an invoice word ("mar" is also Spanish for sea).
    static let shortMonths: [String: Int] = [
        "jan": 1, "janv": 1, "ene": 1, "feb": 2, "fev": 2, "mar": 3, "apr": 4, "abr": 4, "avr": 4, "jun": 6,
        "jul": 7, "juil": 7, "aug": 8, "ago": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12, "dic": 12,
    ]

    /// Words a number follows when it is an invoice number.
    static let invoiceWords: Set<String> = [
        "invoice", "invoices", "receipt", "receipts", "factura", "facturas", "recibo", "recibos", "facture",
        "factures", "recu",
    ]
    /// Words after which a short month name is a month ("the sep invoice", "mar charge").
    static let billingWords: Set<String> = invoiceWords.union([
        "bill", "statement", "charge", "payment", "cargo", "pago", "paiement", "prelevement",
    ])
    static let numberWords: Set<String> = ["no", "no.", "number", "num", "numero", "nr", "n", "#", "nro", "de"]
    static let mayContext: Set<String> = ["in", "for", "of", "from", "since", "until", "last", "en", "de", "el"]

    /// The same, reusing the classifier's normalised words: text without digits only needs a month name,
    /// which the folded words already show, so the common case does no further scanning.
    static func extract(_ text: String, words: [TextNormalizer.Word], dayFirst: () -> Bool) -> [String: String] {
        if text.utf8.contains(where: { ASCII.isDigit($0) || $0 == ASCII.numberSign }) {
            return extract(text, dayFirst: dayFirst)
        }
        for (i, w) in words.enumerated() {
            guard let m = monthHashes[w.hash] else { continue }
            let after = i + 1 < words.count ? words[i + 1].hash : 0
            let before = i > 0 ? words[i - 1].hash : 0
            if m.short {
                guard billingHashes.contains(after) else { continue }
            } else if m.month == 5, w.bytes == Array("may".utf8) {
                guard mayContextHashes.contains(before) || billingHashes.contains(after) else { continue }
            }
            return ["month": two(m.month)]
        }
        return [:]
    }

    private static let monthHashes: [UInt64: (month: Int, short: Bool)] = {
        var table: [UInt64: (month: Int, short: Bool)] = [:]
        for (name, m) in shortMonths { table[fnv(Array(name.utf8))] = (m, true) }
        for (name, m) in months { table[fnv(Array(name.utf8))] = (m, false) }
        return table
    }()
    private static let billingHashes = Set(billingWords.map { fnv(Array($0.utf8)) })
    private static let mayContextHashes = Set(mayContext.map { fnv(Array($0.utf8)) })

    // MARK: - Tokens

    /// Lower-cased, accent-folded words; keeps `# - / .` inside words, splits on spaces, commas and the rest.
    static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current: [UInt8] = []
        func flush() {
            while let last = current.last, last == ASCII.fullStop || last == ASCII.hyphen || last == ASCII.slash {
                current.removeLast()
            }
            if !current.isEmpty { tokens.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
        }
        for s in text.unicodeScalars {
            let v = s.value
            if v < ASCII.upperBound {
                let b = UInt8(v)
                switch b {
                case ASCII.smallA...ASCII.smallZ, ASCII.digitZero...ASCII.digitNine, ASCII.numberSign: current.append(b)
                case ASCII.capitalA...ASCII.capitalZ: current.append(b | ASCII.lowerCaseBit)
                case ASCII.hyphen, ASCII.slash, ASCII.fullStop: if !current.isEmpty { current.append(b) }
                default: flush()
                }
                continue
            }
            switch v {
            case 0xB0, 0xBA: current.append(ASCII.smallO)  // n° nº → no
            case 0xC0...0x24F:
                let folded = Lexer.latinFold[Int(v - 0xC0)]
                if folded.isEmpty { flush() } else { current.append(contentsOf: folded) }
            default: flush()
            }
        }
        flush()
        return tokens
    }

    private static func digits(_ s: Substring) -> Bool { !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } }

    // MARK: - Invoice numbers

    static func invoiceNumber(_ tokens: [String]) -> String? {
        for (i, t) in tokens.enumerated() {
            // INV-1042, inv1042, inv#1042
            if t.hasPrefix("inv") {
                let rest = t.dropFirst(3).drop { $0 == "-" || $0 == "#" || $0 == "." }
                if rest.count >= 2, digits(rest) { return "INV-" + rest }
            }
            if t.hasPrefix("#") {
                let rest = t.dropFirst()
                if rest.count >= 2, digits(rest) { return String(rest) }
            }
            guard invoiceWords.contains(t) else { continue }
            var j = i + 1
            var skipped = 0
            while j < tokens.count, skipped < 2, numberWords.contains(tokens[j]) {
                j += 1
                skipped += 1
            }
            guard j < tokens.count else { continue }
            if let id = identifier(tokens[j]) { return id }
        }
        return nil
    }

    /// `1042`, `#1042`, `A-1042`, `2024-0042`; not a bare year.
    private static func identifier(_ token: String) -> String? {
        var t = Substring(token)
        if t.hasPrefix("#") { t = t.dropFirst() }
        guard t.contains(where: \.isNumber), t.count >= 3, t.count <= 20 else { return nil }
        guard t.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }) else { return nil }
        guard t.first.map({ $0.isNumber || $0.isLetter }) ?? false else { return nil }
        if digits(t), t.count == 4, let year = Int(t), (1990...2099).contains(year) { return nil }
        let letters = t.prefix { $0.isLetter }
        guard letters.count <= 4 else { return nil }
        return t.uppercased()
    }

    // MARK: - Months and dates

    private static func isNumberish(_ t: String) -> Bool { t.first?.isNumber ?? false }

    static func month(_ tokens: [String]) -> String? {
        for (i, t) in tokens.enumerated() {
            let word = t.hasSuffix(".") ? String(t.dropLast()) : t
            let before = i > 0 ? tokens[i - 1] : ""
            let after = i + 1 < tokens.count ? tokens[i + 1] : ""
            if word == "may" {
                guard
                    mayContext.contains(before) || isNumberish(before) || isNumberish(after)
                        || billingWords.contains(after)
                else { continue }
                return two(5)
            }
            if let m = months[word] { return two(m) }
            if let m = shortMonths[word], isNumberish(before) || isNumberish(after) || billingWords.contains(after) {
                return two(m)
            }
        }
        return nil
    }

    private static func monthNumber(_ t: String) -> Int? {
        let word = t.hasSuffix(".") ? String(t.dropLast()) : t
        return months[word] ?? shortMonths[word]
    }

    /// "5", "5th", "1st", "1er", "2nd".
    private static func day(_ t: String) -> Int? {
        let number = t.prefix { $0.isNumber }
        let suffix = t.dropFirst(number.count)
        guard !number.isEmpty, number.count <= 2, ["", "st", "nd", "rd", "th", "er", "o", "."].contains(suffix),
            let d = Int(number), (1...31).contains(d)
        else { return nil }
        return d
    }

    private static func year(_ t: String) -> Int? {
        guard t.count == 4, let y = Int(t), (1900...2199).contains(y) else { return nil }
        return y
    }

    static func date(_ tokens: [String], dayFirst: () -> Bool) -> String? {
        for (i, t) in tokens.enumerated() {
            // Numeric: 2024-03-05, 05/03/2024, 5.3.2024
            let parts = t.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
            if parts.count == 3, parts.allSatisfy(digits) {
                let a = Int(parts[0]) ?? 0
                let b = Int(parts[1]) ?? 0
                let c = Int(parts[2]) ?? 0
                if parts[0].count == 4, let iso = iso(year: a, month: b, day: c) { return iso }
                if parts[2].count == 4 {
                    if a > 12, let iso = iso(year: c, month: b, day: a) { return iso }
                    if b > 12, let iso = iso(year: c, month: a, day: b) { return iso }
                    let d = dayFirst()
                    if let iso = iso(year: c, month: d ? b : a, day: d ? a : b) { return iso }
                }
                continue
            }
            guard let m = monthNumber(t) else { continue }
            func token(_ k: Int) -> String? { k >= 0 && k < tokens.count ? tokens[k] : nil }
            // March 5, 2024 / March 5th 2024
            if let d = token(i + 1).flatMap(day), let y = token(i + 2).flatMap(year),
                let iso = iso(year: y, month: m, day: d)
            {
                return iso
            }
            // 5 March 2024 / 5 de marzo de 2024 / le 1er mars 2024
            var k = i - 1
            if token(k) == "de" { k -= 1 }
            guard let d = token(k).flatMap(day) else { continue }
            var n = i + 1
            if token(n) == "de" || token(n) == "del" { n += 1 }
            if let y = token(n).flatMap(year), let iso = iso(year: y, month: m, day: d) { return iso }
        }
        return nil
    }

    private static func iso(year: Int, month: Int, day: Int) -> String? {
        guard (1900...2199).contains(year), (1...12).contains(month), day >= 1 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        return "\(year)-\(two(month))-\(two(day))"
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
