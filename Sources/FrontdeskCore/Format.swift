import Foundation

/// How money and dates read in replies.
public enum Format {
    /// `4900, "USD"` → `$49.00`; other currencies get their code (`49.00 EUR`).
    public static func money(_ minor: Int, currency: String) -> String {
        let digits = exponent(currency)
        var divisor = 1
        for _ in 0..<digits { divisor *= 10 }
        let sign = minor < 0 ? "-" : ""
        let whole = abs(minor) / divisor
        let frac = abs(minor) % divisor
        var amount = "\(whole)"
        if digits > 0 {
            let f = String(frac)
            amount += "." + String(repeating: "0", count: digits - f.count) + f
        }
        switch currency.uppercased() {
        case "USD", "CAD", "AUD", "NZD": return "\(sign)$\(amount)"
        case "EUR": return "\(sign)€\(amount)"
        case "GBP": return "\(sign)£\(amount)"
        default: return "\(sign)\(amount) \(currency.uppercased())"
        }
    }

    /// ISO 4217 minor-unit exponent for the currencies that are not 2.
    static func exponent(_ currency: String) -> Int {
        switch currency.uppercased() {
        case "JPY", "KRW", "VND", "CLP", "ISK": return 0
        case "BHD", "KWD", "OMR", "JOD", "TND": return 3
        default: return 2
        }
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Dec 1, 2026`, in the business's time zone.
    public static func date(_ date: Date, in zone: TimeZone) -> String {
        let c = components(date, zone)
        return "\(months[c.month - 1]) \(c.day), \(c.year)"
    }

    /// `2026-12-01`, in the business's time zone.
    public static func isoDate(_ date: Date, in zone: TimeZone) -> String {
        let c = components(date, zone)
        return String(format: "%04d-%02d-%02d", c.year, c.month, c.day)
    }

    /// `Dec 1, 2026 at 14:05`, in the business's time zone.
    public static func dateTime(_ date: Date, in zone: TimeZone) -> String {
        let c = components(date, zone)
        return "\(months[c.month - 1]) \(c.day), \(c.year) at " + String(format: "%02d:%02d", c.hour, c.minute)
    }

    private static func components(_ date: Date, _ zone: TimeZone) -> (
        year: Int, month: Int, day: Int, hour: Int, minute: Int
    ) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return (c.year ?? 1970, c.month ?? 1, c.day ?? 1, c.hour ?? 0, c.minute ?? 0)
    }
}
