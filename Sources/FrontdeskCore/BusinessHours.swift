import Foundation

/// When a business has a person to answer, in its time zone: `mon-fri 09:00-17:00, sat 10:00-14:00` (days `mon` …
/// `sun`, a range of days or one day, then one span of 24-hour times; entries separated by commas or semicolons).
/// Empty: always open. Outside these hours a handoff's reply says when a person will answer.
public struct BusinessHours: Sendable, Equatable {
    /// Open spans by weekday (1 = Monday … 7 = Sunday), in minutes from midnight.
    public var spans: [Int: [ClosedRange<Int>]]

    static let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// The hours from their written form, or nil when it does not read as above.
    public init?(_ text: String) {
        spans = [:]
        let entries = text.lowercased().split(whereSeparator: { $0 == "," || $0 == ";" })
        for raw in entries {
            let entry = raw.split(separator: " ", omittingEmptySubsequences: true)
            guard entry.count == 2, let days = Self.dayRange(entry[0]), let span = Self.timeSpan(entry[1]) else {
                return nil
            }
            for day in days { spans[day, default: []].append(span) }
        }
    }

    /// Always open.
    public var isAlwaysOpen: Bool { spans.isEmpty }

    static func dayRange(_ text: Substring) -> [Int]? {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(ends.count),
            let first = days.firstIndex(of: String(ends[0])),
            let last = days.firstIndex(of: String(ends[ends.count - 1])), first <= last
        else { return nil }
        return Array((first + 1)...(last + 1))
    }

    static func timeSpan(_ text: Substring) -> ClosedRange<Int>? {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let open = minutes(ends[0]), let close = minutes(ends[1]), open < close else {
            return nil
        }
        return open...close
    }

    static func minutes(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
            (0...24).contains(h), (0...59).contains(m), h * 60 + m <= 24 * 60
        else { return nil }
        return h * 60 + m
    }

    /// Whether a person is there at `date`.
    public func isOpen(at date: Date, in zone: TimeZone) -> Bool {
        if isAlwaysOpen { return true }
        let (weekday, minute) = Self.weekdayAndMinute(date, zone)
        return (spans[weekday] ?? []).contains { $0.lowerBound <= minute && minute < $0.upperBound }
    }

    /// The first moment at or after `date` when the business is open (within the next eight days), or nil.
    public func nextOpening(after date: Date, in zone: TimeZone) -> Date? {
        if isOpen(at: date, in: zone) { return date }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let startOfDay = calendar.startOfDay(for: date)
        for offset in 0...7 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: startOfDay) else { continue }
            let (weekday, _) = Self.weekdayAndMinute(day, zone)
            for span in (spans[weekday] ?? []).sorted(by: { $0.lowerBound < $1.lowerBound }) {
                guard
                    let opening = calendar.date(
                        bySettingHour: span.lowerBound / 60, minute: span.lowerBound % 60, second: 0, of: day)
                else { continue }
                if opening >= date { return opening }
            }
        }
        return nil
    }

    /// `09:00` in 24-hour time, in the business's time zone.
    public static func time(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    /// ISO weekday (1 = Monday) and minute of the day in the zone.
    static func weekdayAndMinute(_ date: Date, _ zone: TimeZone) -> (Int, Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        // Calendar's weekday: 1 = Sunday … 7 = Saturday.
        let weekday = ((c.weekday ?? 1) + 5) % 7 + 1
        return (weekday, (c.hour ?? 0) * 60 + (c.minute ?? 0))
    }
}
