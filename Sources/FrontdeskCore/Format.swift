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
            "day": String(c.day), "dd": String(format: "%02d", c.day), "month": month, "year": String(c.year),
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
        return String(format: "%04d-%02d-%02d", c.year, c.month, c.day)
    }

    /// Replaces `{name}` markers (the patterns of `formats` are data, checked when the words load).
    static func fill(_ pattern: String, _ values: [String: String]) -> String {
        var out = pattern
        for (key, value) in values { out = out.replacingOccurrences(of: "{\(key)}", with: value) }
        return out
    }

    private static func components(_ date: Date, _ zone: TimeZone) -> (year: Int, month: Int, day: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return (c.year ?? 1970, c.month ?? 1, c.day ?? 1)
    }
}
