import Foundation
import FrontdeskStore

/// Billing dates and proration arithmetic, the way Stripe Billing does them.
public enum BillingCalendar {
    /// The calendar component of a plan's interval (`week`, `month`, `year`).
    static func component(_ interval: String) -> (Calendar.Component, Int) {
        switch interval {
        case "week": return (.day, 7)
        case "year": return (.year, 1)
        default: return (.month, 1)
        }
    }

    /// `anchor` moved by `count` intervals. Every billing date of a cycle is computed from its anchor, never from
    /// the previous date, so a cycle anchored on Jan 31 bills Feb 28 and then Mar 31 (Stripe keeps the anchor day).
    public static func add(_ count: Int, _ interval: String, to anchor: Date, calendar: Calendar) -> Date {
        let (unit, size) = component(interval)
        return calendar.date(byAdding: unit, value: count * size, to: anchor) ?? anchor
    }

    /// The first billing date of the cycle anchored at `anchor` that falls at or after `date`.
    public static func firstCycleDate(onOrAfter date: Date, anchor: Date, interval: String, calendar: Calendar) -> Date
    {
        add(
            firstIndex(onOrAfter: date, anchor: anchor, interval: interval, calendar: calendar), interval, to: anchor,
            calendar: calendar)
    }

    /// Billing dates of the cycle anchored at `anchor` inside `[from, until)`.
    public static func cycleDates(from: Date, until: Date, anchor: Date, interval: String, calendar: Calendar)
        -> [Date]
    {
        var dates: [Date] = []
        var k = firstIndex(onOrAfter: from, anchor: anchor, interval: interval, calendar: calendar)
        while dates.count < 1000 {
            let date = add(k, interval, to: anchor, calendar: calendar)
            guard date < until else { break }
            dates.append(date)
            k += 1
        }
        return dates
    }

    /// How many intervals from `anchor` the first cycle date at or after `date` lies (negative: before it).
    static func firstIndex(onOrAfter date: Date, anchor: Date, interval: String, calendar: Calendar) -> Int {
        var k = 0
        // Step back while an earlier date of the cycle still qualifies, then forward until one does.
        while k > -10_000, add(k - 1, interval, to: anchor, calendar: calendar) >= date { k -= 1 }
        while k < 10_000, add(k, interval, to: anchor, calendar: calendar) < date { k += 1 }
        return k
    }

    /// `amount × part / whole`, rounded half away from zero, in integer arithmetic (no floating point on money).
    public static func prorate(_ amount: Int, part: Int, whole: Int) -> Int {
        guard whole > 0 else { return 0 }
        let p = max(0, min(part, whole))
        let magnitude = (abs(amount) * p * 2 + whole) / (2 * whole)
        return amount < 0 ? -magnitude : magnitude
    }

    /// What an upgrade costs now, as Stripe prorates it: the new price for the time left in the period, less the
    /// unused time of the current price, each line rounded to the minor unit, by the second.
    public static func proration(
        from oldPrice: Int, to newPrice: Int, periodStart: Date, periodEnd: Date, at now: Date
    ) -> Int {
        let whole = Int(periodEnd.timeIntervalSince(periodStart))
        let left = Int(periodEnd.timeIntervalSince(now))
        return prorate(newPrice, part: left, whole: whole) - prorate(oldPrice, part: left, whole: whole)
    }
}
