import Foundation

/// How dates, money and numbers read in one locale: the data of `formats` in `prompts/<locale>/words.json`.
public struct LocaleStyle: Sendable, Equatable {
    /// A date: `{day}` (`{dd}` zero-padded), `{month}` (a short month name) and `{year}`: `{month} {day}, {year}`,
    /// `{day} {month} {year}`.
    public var date: String
    /// Twelve short month names for dates ("Dec", "déc.", "dic").
    public var shortMonths: [String]
    /// Decimal and thousands separators of numbers and amounts.
    public var decimal: String
    public var group: String
    /// An amount: `{amount}` and `{code}` (the ISO currency), per currency with `default` for the others.
    public var money: [String: MoneyStyle]
    /// A day with its weekday, for a date close ahead ("Tue, Dec 8"): `{weekday}` with the tokens of `date`;
    /// `date` itself when a locale names none.
    public var weekdayDate: String?
    /// Seven short weekday names, Sunday first ("Sun", "dom", "dim.").
    public var shortWeekdays: [String] = []
    /// A time of day: `{HH}` (00-23), `{h12}` (1-12), `{mm}`, `{ampm}` (from `amPM`); `{HH}:{mm}` by default.
    public var time: String = "{HH}:{mm}"
    public var amPM: [String] = ["AM", "PM"]

    /// How amounts of one currency read: their pattern and, when it differs from the locale's, their separators
    /// (dollars read `$49.00` in Spanish too, euros `49,00 €`).
    public struct MoneyStyle: Sendable, Equatable {
        public var pattern: String
        public var decimal: String?
        public var group: String?
        public init(pattern: String, decimal: String? = nil, group: String? = nil) {
            self.pattern = pattern
            self.decimal = decimal
            self.group = group
        }
    }

    public init(date: String, shortMonths: [String], decimal: String, group: String, money: [String: MoneyStyle]) {
        self.date = date
        self.shortMonths = shortMonths
        self.decimal = decimal
        self.group = group
        self.money = money
    }

    /// What a locale without `formats` gets: ISO dates and amounts with their currency code (`49.00 USD`).
    public static let neutral = LocaleStyle(
        date: "{year}-{month}-{dd}", shortMonths: (1...12).map { $0 < 10 ? "0\($0)" : "\($0)" }, decimal: ".",
        group: "", money: ["default": MoneyStyle(pattern: "{amount} {code}")])
}

/// How money and dates read in replies and pages, for a locale (`LocaleStyle`) in the business's time zone.
public enum Format {
    /// `4900, "USD"` → `$49.00` in English, `49,00 €` for euros in French; a currency without a pattern of its own
    /// gets the locale's `default` (`1 200 JPY`).
    public static func money(_ minor: Int, currency: String, style: LocaleStyle) -> String {
        let code = currency.uppercased()
        let money = style.money[code] ?? style.money["default"] ?? LocaleStyle.MoneyStyle(pattern: "{amount} {code}")
        let digits = exponent(code)
        var divisor = 1
        for _ in 0..<digits { divisor *= 10 }
        let whole = number(abs(minor) / divisor, group: money.group ?? style.group)
        var amount = whole
        if digits > 0 {
            let f = String(abs(minor) % divisor)
            amount += (money.decimal ?? style.decimal) + String(repeating: "0", count: digits - f.count) + f
        }
        let text = fill(money.pattern, ["amount": amount, "code": code])
        return minor < 0 ? "-" + text : text
    }

    /// A whole number with the locale's thousands separator (`1,200`, `1 200`, `1.200`).
    public static func number(_ n: Int, style: LocaleStyle) -> String {
        (n < 0 ? "-" : "") + number(abs(n), group: style.group)
    }

    static func number(_ n: Int, group: String) -> String {
        let digits = Array(String(n))
        guard !group.isEmpty, digits.count > 3 else { return String(digits) }
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += group }
            out.append(d)
        }
        return out
    }

    /// ISO 4217 minor-unit exponent for the currencies that are not 2.
    static func exponent(_ currency: String) -> Int {
        switch currency.uppercased() {
        case "JPY", "KRW", "VND", "CLP", "ISK": return 0
        case "BHD", "KWD", "OMR", "JOD", "TND": return 3
        default: return 2
        }
    }

    /// `Dec 1, 2026`, `1 déc. 2026`, `1 dic 2026`: the locale's pattern, in the business's time zone.
    public static func date(_ date: Date, in zone: TimeZone, style: LocaleStyle) -> String {
        let c = components(date, zone)
        let month = style.shortMonths.indices.contains(c.month - 1) ? style.shortMonths[c.month - 1] : String(c.month)
        let values = [
            "day": String(c.day), "dd": padded(c.day, 2), "month": month, "year": String(c.year),
        ]
        return fill(style.date, values)
    }

    /// `Tue, Dec 8` (`weekday_date` in `formats`), in the business's time zone: a date close ahead, such as when
    /// staff will answer. A locale without weekdays reads the plain date.
    public static func weekdayDate(_ date: Date, in zone: TimeZone, style: LocaleStyle) -> String {
        guard let pattern = style.weekdayDate, style.shortWeekdays.count == 7 else {
            return self.date(date, in: zone, style: style)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let weekday = calendar.component(.weekday, from: date)
        var dated = style
        dated.date = pattern.replacingOccurrences(of: "{weekday}", with: style.shortWeekdays[weekday - 1])
        return self.date(date, in: zone, style: dated)
    }

    /// `3:04 PM`, `15:04`, `15 h 04` (`time` in `formats`), in the business's time zone.
    public static func time(_ date: Date, in zone: TimeZone, style: LocaleStyle) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.hour, .minute], from: date)
        let hour = c.hour ?? 0
        let marks = style.amPM.count == 2 ? style.amPM : ["AM", "PM"]
        return fill(
            style.time,
            [
                "HH": String(format: "%02d", hour), "h12": String(hour % 12 == 0 ? 12 : hour % 12),
                "mm": String(format: "%02d", c.minute ?? 0), "ampm": marks[hour < 12 ? 0 : 1],
            ])
    }

    /// `2026-12-01`, in the business's time zone.
    public static func isoDate(_ date: Date, in zone: TimeZone) -> String {
        let c = components(date, zone)
        return padded(c.year, 4) + "-" + padded(c.month, 2) + "-" + padded(c.day, 2)
    }

    /// `n` with zeros in front up to `width` digits, as `%0Nd` writes it.
    static func padded(_ n: Int, _ width: Int) -> String {
        let digits = String(n.magnitude)
        let zeros = String(repeating: "0", count: max(0, width - (n < 0 ? 1 : 0) - digits.count))
        return (n < 0 ? "-" : "") + zeros + digits
    }

    /// Replaces `{name}` markers (the patterns of `formats` are data, checked when the words load), in one pass over
    /// the pattern: a value is never searched for markers itself, and a marker without a value stays as written.
    static func fill(_ pattern: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = pattern[...]
        while let open = rest.utf8.firstIndex(of: UInt8(ascii: "{")),
            let close = rest.utf8[open...].firstIndex(of: UInt8(ascii: "}"))
        {
            let afterOpen = rest.utf8.index(after: open)
            if let value = values[String(rest[afterOpen..<close])] {
                out += rest[..<open]
                out += value
                rest = rest[rest.utf8.index(after: close)...]
            } else {
                out += rest[..<afterOpen]
                rest = rest[afterOpen...]
            }
        }
        out += rest
        return out
    }

    /// Days from 1970-01-01 (the proleptic Gregorian calendar) to the year, month and day (H. Hinnant's
    /// `civil_from_days`). Foundation's Gregorian calendar is Julian before 1582-10-15, so earlier days are not asked.
    static func civil(fromDays z: Int) -> (year: Int, month: Int, day: Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// 1582-10-15, the first day of the Gregorian calendar, in days from 1970-01-01.
    static let gregorianStart = -141_427

    private static func components(_ date: Date, _ zone: TimeZone) -> (year: Int, month: Int, day: Int) {
        // The zone's offset at that instant and day arithmetic: a Calendar made and asked per date cost more than the
        // rest of a reply. Dates far out (or before the Gregorian calendar) are left to Calendar.
        let local = date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))
        if local.isFinite, abs(local) < 1e12 {
            let days = Int((local / 86_400).rounded(.down))
            if days >= gregorianStart { return civil(fromDays: days) }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return (c.year ?? 1970, c.month ?? 1, c.day ?? 1)
    }
}
