import FrontdeskCore

/// The months an invoice request names: "my october invoice", "march 2026", "from january to march",
/// "jan-mar 2025", "2025", "last year", "el mes pasado", "de janvier à mars" (words from the lexicon, every locale).
/// A month without a year is the latest one not after this month.
struct InvoicePeriod: Equatable {
    /// A calendar month, ordered.
    struct Month: Comparable, Hashable {
        var year: Int
        var month: Int
        var index: Int { year * 12 + month - 1 }
        init(year: Int, month: Int) {
            self.year = year
            self.month = month
        }
        init(index: Int) {
            year = index / 12
            month = index % 12 + 1
        }
        static func < (a: Month, b: Month) -> Bool { a.index < b.index }
    }

    var first: Month
    var last: Month

    func contains(_ m: Month) -> Bool { first <= m && m <= last }

    /// A whole calendar year, or several.
    var isWholeYears: Bool { first.month == 1 && last.month == 12 }

    static func parse(_ text: String, lexicon: Lexicon, today now: () -> Month) -> InvoicePeriod? {
        let words = Lexicon.tokens(text).map(\.text)
        // Most requests name no period: no month or year word, nothing to work out.
        guard
            words.contains(where: { lexicon.months[$0] != nil || year($0) != nil })
                || lexicon.periods.values.contains(where: { Lexicon.contains($0, words) })
        else { return nil }
        let today = now()
        if Lexicon.contains(lexicon.periods["last_year"] ?? [], words) {
            return InvoicePeriod(
                first: Month(year: today.year - 1, month: 1), last: Month(year: today.year - 1, month: 12))
        }
        if Lexicon.contains(lexicon.periods["this_year"] ?? [], words) {
            return InvoicePeriod(first: Month(year: today.year, month: 1), last: Month(year: today.year, month: 12))
        }
        if Lexicon.contains(lexicon.periods["last_month"] ?? [], words) {
            let m = Month(index: today.index - 1)
            return InvoicePeriod(first: m, last: m)
        }
        if Lexicon.contains(lexicon.periods["this_month"] ?? [], words) {
            return InvoicePeriod(first: today, last: today)
        }
        let mentions = months(words, lexicon)
        if let start = mentions.first {
            let end = mentions.count > 1 ? mentions[mentions.count - 1] : start
            // "january to march" (or "between january and march", "jan-mar"): a range; otherwise one month.
            let ranged = mentions.count > 1 && words[start.at..<end.at].contains(where: lexicon.rangeTo.contains)
            guard ranged || mentions.count == 1 else { return nil }
            let endYear = end.year ?? latestYear(end.month, today: today)
            let last = Month(year: endYear, month: end.month)
            let firstYear = start.year ?? (start.month <= end.month ? endYear : endYear - 1)
            return InvoicePeriod(first: Month(year: firstYear, month: start.month), last: last)
        }
        // "2025", "from 2024 to 2025": whole years.
        let years = words.compactMap(year)
        guard let firstYear = years.first, let lastYear = years.last else { return nil }
        guard years.count == 1 || words.contains(where: lexicon.rangeTo.contains) else { return nil }
        return InvoicePeriod(
            first: Month(year: min(firstYear, lastYear), month: 1),
            last: Month(year: max(firstYear, lastYear), month: 12))
    }

    /// The period of a full date the classifier found ("2026-03-05" → March 2026).
    static func month(ofISODate date: String) -> InvoicePeriod? {
        let parts = date.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]) else { return nil }
        let m = Month(year: parts[0], month: parts[1])
        return InvoicePeriod(first: m, last: m)
    }

    private struct Mention {
        var at: Int
        var month: Int
        var year: Int?
    }

    /// Month words in order, with the year written after them ("march 2026", "octubre de 2025").
    private static func months(_ words: [String], _ lexicon: Lexicon) -> [Mention] {
        var out: [Mention] = []
        for (i, w) in words.enumerated() {
            guard let m = lexicon.months[w] else { continue }
            var j = i + 1
            if j < words.count, ["de", "del", "of"].contains(words[j]) { j += 1 }
            let y = j < words.count ? year(words[j]) : nil
            if lexicon.ambiguousMonths.contains(w) {
                // "may I have…", "mar" (sea): a month only beside a year, a period word or an invoice word.
                func word(_ k: Int) -> String { words.indices.contains(k) ? words[k] : "" }
                // "jan-mar": a range word with a month on its other side.
                let ranged =
                    (lexicon.rangeTo.contains(word(i - 1)) && lexicon.months[word(i - 2)] != nil)
                    || (lexicon.rangeTo.contains(word(i + 1)) && lexicon.months[word(i + 2)] != nil)
                let context =
                    y != nil || ranged || lexicon.monthContext.contains(word(i - 1))
                    || lexicon.invoiceWords.contains(word(i + 1))
                guard context else { continue }
            }
            out.append(Mention(at: i, month: m, year: y))
        }
        return out
    }

    private static func year(_ word: String) -> Int? {
        guard word.count == 4, let y = Int(word), (1990...2100).contains(y) else { return nil }
        return y
    }

    private static func latestYear(_ month: Int, today: Month) -> Int {
        month <= today.month ? today.year : today.year - 1
    }
}
