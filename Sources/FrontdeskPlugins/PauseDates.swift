import Foundation
import FrontdeskCore

/// The dates a pause request names, read with the words of `prompts/<locale>/words.json` (months, `until`, `from`,
/// `durations`, `counts`): "for a month", "for 2 weeks", "until Jan 15", "from Dec 1 to Jan 15", "Dec 1 - Jan 15",
/// "until 2027-01-15", "until 1/15" (month first, unless the first number cannot be a month).
public struct PauseDates: Sendable, Equatable {
    /// A calendar day as written; a missing year is the next such day.
    public struct Day: Sendable, Equatable {
        public var year: Int?
        public var month: Int
        public var day: Int
    }

    public struct Length: Sendable, Equatable {
        /// `day`, `week` or `month`.
        public var unit: String
        public var count: Int
    }

    public var start: Day?
    public var end: Day?
    public var length: Length?

    /// Nothing was named: the business's default length from today applies.
    public var isEmpty: Bool { start == nil && end == nil && length == nil }

    public static func parse(_ text: String, lexicon: Lexicon) -> PauseDates {
        let tokens = Lexicon.tokens(text)
        let words = tokens.map(\.text)
        enum Role { case start, end, unmarked }
        var dates: [(Day, Role)] = []
        var length: Length?
        var i = 0
        while i < words.count {
            if let (day, used) = self.day(at: i, tokens, text, lexicon) {
                var before = i - 1
                if before >= 0, lexicon.determiners.contains(words[before]) { before -= 1 }
                let marker = before >= 0 ? words[before] : ""
                let role: Role
                if lexicon.until.contains(marker) {
                    role = .end
                } else if lexicon.from.contains(marker) {
                    role = .start
                } else if !dates.isEmpty, marker == "-" || lexicon.rangeTo.contains(marker) {
                    role = .end
                } else {
                    role = .unmarked
                }
                dates.append((day, role))
                i += used
                continue
            }
            if length == nil, i + 1 < words.count, let unit = lexicon.durations[words[i + 1]],
                let count = Int(words[i]) ?? lexicon.counts[words[i]], (1...400).contains(count)
            {
                length = Length(unit: unit, count: count)
                i += 2
                continue
            }
            i += 1
        }
        var result = PauseDates(length: length)
        result.start = dates.first { $0.1 == .start }?.0
        result.end = dates.first { $0.1 == .end }?.0
        let unmarked = dates.filter { $0.1 == .unmarked }.map(\.0)
        if result.start == nil, result.end == nil, unmarked.count >= 2 {
            result.start = unmarked[0]
            result.end = unmarked[1]
        } else if let lone = unmarked.first {
            // A lone day is when the pause ends ("pause Jan 15"), unless the end is already named.
            if result.end == nil { result.end = lone } else if result.start == nil { result.start = lone }
        }
        return result
    }

    /// The pause as dates in the business's calendar: it starts now when its first day is today (or not named),
    /// else at the start of that day; it ends at the start of its last day (the resume date). Nil when a named day
    /// does not exist (Feb 30) or the end is not after the start.
    public func resolve(now: Date, calendar: Calendar, defaultDays: Int) -> (starts: Date, resumes: Date)? {
        let today = calendar.startOfDay(for: now)
        var startDay = today
        if let start {
            guard let day = Self.date(start, onOrAfter: today, calendar) else { return nil }
            startDay = day
        }
        let resumes: Date
        if let end {
            guard
                let day = Self.date(
                    end, onOrAfter: calendar.date(byAdding: .day, value: 1, to: startDay) ?? startDay,
                    calendar)
            else { return nil }
            resumes = day
        } else if let length {
            let unit: Calendar.Component = length.unit == "month" ? .month : .day
            let count = length.unit == "week" ? length.count * 7 : length.count
            resumes = calendar.date(byAdding: unit, value: count, to: startDay) ?? startDay
        } else {
            resumes = calendar.date(byAdding: .day, value: defaultDays, to: startDay) ?? startDay
        }
        guard resumes > startDay else { return nil }
        return (startDay <= today ? now : startDay, resumes)
    }

    /// Whole days from the pause's first day to its resume date.
    public static func days(from starts: Date, to resumes: Date, calendar: Calendar) -> Int {
        calendar.dateComponents([.day], from: calendar.startOfDay(for: starts), to: resumes).day ?? 0
    }

    /// The day in the calendar: with its year as written, else the first such day on or after `base`.
    static func date(_ d: Day, onOrAfter base: Date, _ calendar: Calendar) -> Date? {
        func make(_ year: Int) -> Date? {
            let components = DateComponents(year: year, month: d.month, day: d.day)
            // Foundation rolls Feb 30 over into March; such a day does not exist.
            guard components.isValidDate(in: calendar) else { return nil }
            return calendar.date(from: components)
        }
        if let year = d.year { return make(year) }
        let thisYear = calendar.component(.year, from: base)
        for year in thisYear...(thisYear + 4) {
            if let date = make(year), date >= base { return date }
        }
        return nil
    }

    /// A day written at token `i`, and how many tokens it used.
    static func day(at i: Int, _ tokens: [Lexicon.Token], _ text: String, _ lexicon: Lexicon) -> (Day, Int)? {
        let words = tokens.map(\.text)
        func number(_ k: Int, _ range: ClosedRange<Int>) -> Int? {
            guard k < words.count else { return nil }
            var word = Substring(words[k])
            for suffix in ["st", "nd", "rd", "th"] where word.hasSuffix(suffix) { word = word.dropLast(2) }
            guard word.allSatisfy(\.isASCII), let n = Int(word), range.contains(n) else { return nil }
            return n
        }
        func year(_ k: Int) -> Int? {
            guard k < words.count, words[k].count == 4 else { return nil }
            return number(k, 2000...2100)
        }
        /// Whether the text between tokens k and k+1 is exactly `separator`.
        func joined(_ k: Int, by separator: String) -> Bool {
            guard k + 1 < tokens.count else { return false }
            return text[tokens[k].range.upperBound..<tokens[k + 1].range.lowerBound] == separator
        }
        // "Jan 15", "January 15th 2027"
        if let month = lexicon.months[words[i]], let day = number(i + 1, 1...31) {
            let y = year(i + 2)
            return (Day(year: y, month: month, day: day), y == nil ? 2 : 3)
        }
        // "15 Jan", "15th of January 2027", "15 de enero"
        if let day = number(i, 1...31) {
            let of = i + 1 < words.count && lexicon.dayOf.contains(words[i + 1]) ? 1 : 0
            if i + 1 + of < words.count, let month = lexicon.months[words[i + 1 + of]] {
                let y = year(i + 2 + of)
                return (Day(year: y, month: month, day: day), 2 + of + (y == nil ? 0 : 1))
            }
        }
        // "2027-01-15"
        if let y = year(i), i + 4 < words.count, words[i + 1] == "-", words[i + 3] == "-",
            let month = number(i + 2, 1...12), let day = number(i + 4, 1...31)
        {
            return (Day(year: y, month: month, day: day), 5)
        }
        // "1/15", "1/15/2027", "15/1" (a first number above 12 is the day)
        if let a = number(i, 1...31), joined(i, by: "/"), let b = number(i + 1, 1...31) {
            let (month, day) = a > 12 ? (b, a) : (a, b)
            guard month <= 12 else { return nil }
            if joined(i + 1, by: "/"), let y = year(i + 2) ?? number(i + 2, 0...99).map({ 2000 + $0 }) {
                return (Day(year: y, month: month, day: day), 3)
            }
            return (Day(year: nil, month: month, day: day), 2)
        }
        return nil
    }
}
