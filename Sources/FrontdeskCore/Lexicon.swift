import Foundation

/// The words the conversation reads, kept as data per locale in `prompts/<locale>/words.json`: what counts as
/// an explicit yes or no, an acknowledgement, a question, an explicit request for a destructive action, an
/// email unsubscribe, a body that points at the subject, how requests are joined, and month and period names.
///
/// Clients write in any of the business's languages, so reading uses the union of every locale's words;
/// month names for replies are taken from one locale.
public struct Lexicon: Sendable {
    /// A phrase as folded tokens (`["cancel", "my", "membership"]`).
    public typealias Phrase = [String]

    /// What makes a request for a destructive intent explicit: a verb and an object in one clause (no other
    /// object named, no negation just before the verb), or one of the phrases.
    public struct ExplicitRule: Sendable, Equatable {
        public var verbs: [Phrase] = []
        public var objects: [Phrase] = []
        public var phrases: [Phrase] = []
        /// Things that are never the membership: an appointment, a class, a card, a charge, the messages.
        public var otherObjects: [Phrase] = []
        public init() {}
    }

    public var yes: [Phrase] = []
    public var no: [Phrase] = []
    public var acknowledgements: [Phrase] = []
    /// Words that open a question ("what", "when", "can"); a `?` anywhere also makes a question.
    public var questionWords: Set<String> = []
    public var negations: Set<String> = []
    /// Words before a noun ("the end of the week"): a verb right after one is not a verb.
    public var determiners: Set<String> = []
    public var explicit: [IntentID: ExplicitRule] = [:]
    /// Whole emails that mean "no more automated email" / "email me again".
    public var emailOptOut: [Phrase] = []
    public var emailOptIn: [Phrase] = []
    /// Bodies that hold no request of their own ("see subject").
    public var noRequest: [Phrase] = []
    /// A new clause starts at a joiner ("and", "also") followed by a starter ("can", "send", "what").
    public var clauseJoiners: Set<String> = []
    public var clauseStarters: Set<String> = []
    /// Answers to a numbered choice: token → 1-based number.
    public var choiceNumbers: [String: Int] = [:]
    /// Month names and abbreviations (folded) → 1...12.
    public var months: [String: Int] = [:]
    /// Month words that are also ordinary words ("may", "mar"): months only beside a year, a context word or an
    /// invoice word.
    public var ambiguousMonths: Set<String> = []
    public var monthContext: Set<String> = []
    public var invoiceWords: Set<String> = []
    /// Relative periods: `last_year`, `this_year`, `last_month`, `this_month`.
    public var periods: [String: [Phrase]] = [:]
    /// Words between the two ends of a range: "january to march", "entre enero y marzo", "jan-mar".
    public var rangeTo: Set<String> = []
    /// Display month names per locale (12 each), for replies.
    public var monthNames: [String: [String]] = [:]
    /// What a personal-data request asks for: erasure ("delete my account and data") or a copy ("what data do
    /// you have on me"); a request naming neither goes to staff as it is.
    public var privacyErase: [Phrase] = []
    public var privacyExport: [Phrase] = []
    /// Lengths of time: a unit word (`week`, `weeks`) → `day`, `week` or `month` ("pause for 2 weeks").
    public var durations: [String: String] = [:]
    /// Number words → their value ("a month", "two weeks").
    public var counts: [String: Int] = [:]
    /// Words before the last day of a period ("until Jan 15") and before its first ("from Dec 1").
    public var until: Set<String> = []
    public var from: Set<String> = []
    /// Words between a day and its month ("15th of January", "15 de enero").
    public var dayOf: Set<String> = []
    /// Whole-body SMS keywords of every locale (STOP, ARRET, ALTO, START, HELP, AIDE, AYUDA), folded → `optout`,
    /// `optin` or `help`.
    public var keywords: [String: IntentID] = [:]
    /// Answers asking for the rest of a reply cut to fit an SMS ("MORE", "MAS", "SUITE").
    public var more: [Phrase] = []
    /// Words that introduce why a client is leaving ("because", "porque", "parce que"): what follows in a cancellation
    /// request is kept as its reason.
    public var reasonMarkers: [Phrase] = []
    /// What a request to change one's details names: `email`, `phone`, `name` or `address` (postal) → their words.
    public var profile: [String: [Phrase]] = [:]
    /// Whole answers that take a save offer shown with a cancellation ("PAUSE", "OFFER", "OFERTA", "OFFRE").
    public var offerAccept: [Phrase] = []
    /// Whole replies to a `payment_failed` notice that retry its invoice ("retry", "reintentar") or ask for a card
    /// link ("new card"), read only while that notice's context is live (`notice_replies`).
    public var noticeRetry: [Phrase] = []
    public var noticeCard: [Phrase] = []
    /// How dates, money and numbers read, per locale (`formats`).
    public var styles: [String: LocaleStyle] = [:]
    /// Every word each locale's file names (folded), for telling which language a message is in.
    public var localeWords: [String: Set<String>] = [:]
    /// Each locale's acknowledgement words (folded).
    public var localeAcknowledgements: [String: Set<String>] = [:]

    public init() {}

    /// Words that say nothing about the language of the one who writes them: a one-word yes or no, which people answer
    /// with whatever a question asked for ("Reply YES"), and acknowledgements several languages share ("ok").
    /// "gracias" or "merci" do say something, though one word alone is never enough to change a client's language.
    public var languageless: Set<String> {
        var locales: [String: Int] = [:]
        for words in localeAcknowledgements.values { for w in words { locales[w, default: 0] += 1 } }
        return Set((yes + no).filter { $0.count == 1 }.joined()).union(locales.filter { $0.value > 1 }.keys)
    }

    /// The locales whose words were read.
    public var locales: [String] { localeWords.keys.sorted() }

    /// How dates and money read in `locale` (English's when the locale has none).
    public func style(_ locale: String) -> LocaleStyle {
        styles[locale] ?? styles["en"] ?? .neutral
    }

    /// The month's display name in `locale` (English when the locale has none).
    public func monthName(_ month: Int, locale: String) -> String {
        let names = monthNames[locale] ?? monthNames["en"] ?? []
        return names.indices.contains(month - 1) ? names[month - 1] : String(month)
    }

    // MARK: Loading

    static let keys: Set<String> = [
        "yes", "no", "acknowledgements", "question_words", "negations", "determiners", "explicit", "email_optout",
        "email_optin",
        "no_request", "clause_joiners", "clause_starters", "choice_numbers", "months", "ambiguous_months",
        "month_context", "invoice_words", "periods", "range_to", "privacy", "durations", "counts", "until", "from",
        "keywords", "more", "formats", "reason_markers", "offer_accept", "profile", "day_of", "notice_replies",
    ]
    static let keywordIntents: Set<String> = ["optout", "optin", "help"]
    static let ruleKeys: Set<String> = ["verbs", "objects", "phrases", "other_objects"]
    static let periodKeys: Set<String> = ["last_year", "this_year", "last_month", "this_month"]
    static let privacyKeys: Set<String> = ["erase", "export"]
    static let durationUnits: Set<String> = ["day", "week", "month"]
    static let profileKeys: Set<String> = ["email", "phone", "name", "address"]

    /// Reads every `prompts/<locale>/words.json`; faults name the file and line. English is required.
    public static func load(prompts: URL) throws -> Lexicon {
        let fm = FileManager.default
        var lexicon = Lexicon()
        var faults: [Diagnostic] = []
        let locales = ((try? fm.contentsOfDirectory(atPath: prompts.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        if !locales.contains("en") {
            faults.append(Diagnostic(file: "prompts/en/words.json", line: 0, message: "English words are required"))
        }
        for locale in locales {
            let url = prompts.appendingPathComponent(locale).appendingPathComponent("words.json")
            let file = "prompts/\(locale)/words.json"
            guard fm.fileExists(atPath: url.path) else {
                if locale == "en" { faults.append(Diagnostic(file: file, line: 0, message: "missing")) }
                continue
            }
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                faults.append(Diagnostic(file: file, line: 0, message: "unreadable or not UTF-8"))
                continue
            }
            faults.append(contentsOf: lexicon.merge(text, locale: locale, file: file))
        }
        guard faults.isEmpty else { throw Diagnostics(faults) }
        return lexicon
    }

    /// Adds one locale's file; returns its faults (nothing is added from a file with faults).
    public mutating func merge(_ text: String, locale: String, file: String) -> [Diagnostic] {
        var faults: [Diagnostic] = []
        func fault(_ key: String, _ message: String) {
            faults.append(Diagnostic(file: file, line: lineOf("\"\(key)\"", in: text), message: message))
        }
        let object: [String: Any]
        switch ManifestParser.jsonObject(text, file: file) {
        case .success(let o): object = o
        case .failure(let fault): return [fault]
        }
        for key in object.keys.sorted() where !Self.keys.contains(key) {
            fault(key, "unknown key \(key) (known: \(Self.keys.sorted().joined(separator: ", ")))")
        }
        var named: Set<String> = []
        func phrases(_ key: String, in o: [String: Any]? = nil) -> [Phrase] {
            guard let raw = (o ?? object)[key] else { return [] }
            guard let list = raw as? [String], list.allSatisfy({ !Self.tokens($0).isEmpty }) else {
                fault(key, "\(key) must be a list of non-empty phrases")
                return []
            }
            let out = list.map { Self.tokens($0).map(\.text) }
            for p in out { named.formUnion(p) }
            return out
        }
        /// `[["1", "one"], ["2", "two"]]`: each word → its list's place, from 1.
        func numbered(_ key: String) -> [String: Int] {
            guard let raw = object[key] else { return [:] }
            guard let list = raw as? [[String]] else {
                fault(key, "\(key) must be a list of lists of words (1, 2, ...)")
                return [:]
            }
            var numbers: [String: Int] = [:]
            for (index, words) in list.enumerated() {
                for w in words { if let t = Self.tokens(w).first { numbers[t.text] = index + 1 } }
            }
            return numbers
        }
        func words(_ key: String) -> Set<String> {
            let list = phrases(key)
            if list.contains(where: { $0.count != 1 }) { fault(key, "\(key) must hold single words") }
            return Set(list.compactMap(\.first))
        }
        var copy = self
        copy.yes += phrases("yes")
        copy.no += phrases("no")
        let acknowledgements = phrases("acknowledgements")
        copy.acknowledgements += acknowledgements
        copy.localeAcknowledgements[locale, default: []].formUnion(acknowledgements.joined())
        copy.questionWords.formUnion(words("question_words"))
        copy.negations.formUnion(words("negations"))
        copy.determiners.formUnion(words("determiners"))
        copy.emailOptOut += phrases("email_optout")
        copy.emailOptIn += phrases("email_optin")
        copy.noRequest += phrases("no_request")
        copy.clauseJoiners.formUnion(words("clause_joiners"))
        copy.clauseStarters.formUnion(words("clause_starters"))
        copy.ambiguousMonths.formUnion(words("ambiguous_months"))
        copy.monthContext.formUnion(words("month_context"))
        copy.invoiceWords.formUnion(words("invoice_words"))
        copy.rangeTo.formUnion(words("range_to"))
        copy.until.formUnion(words("until"))
        copy.from.formUnion(words("from"))
        copy.dayOf.formUnion(words("day_of"))
        if let raw = object["durations"] {
            if let o = raw as? [String: Any], Set(o.keys).isSubset(of: Self.durationUnits) {
                for unit in o.keys.sorted() {
                    for phrase in phrases(unit, in: o) { if let w = phrase.first { copy.durations[w] = unit } }
                }
            } else {
                fault("durations", "durations must map day, week and month to lists of words")
            }
        }
        copy.counts.merge(numbered("counts")) { $1 }
        copy.more += phrases("more")
        copy.reasonMarkers += phrases("reason_markers")
        copy.offerAccept += phrases("offer_accept")
        if let raw = object["notice_replies"] {
            if let o = raw as? [String: Any], Set(o.keys).isSubset(of: ["retry", "card"]) {
                copy.noticeRetry += phrases("retry", in: o)
                copy.noticeCard += phrases("card", in: o)
            } else {
                fault("notice_replies", "notice_replies must map retry and card to lists of phrases")
            }
        }
        if let raw = object["keywords"] {
            if let o = raw as? [String: Any], Set(o.keys).isSubset(of: Self.keywordIntents) {
                for intent in o.keys.sorted() {
                    let list = phrases(intent, in: o)
                    if list.contains(where: { $0.count != 1 }) { fault("keywords", "keywords must be single words") }
                    for word in list.compactMap(\.first) {
                        if let other = copy.keywords[word], other != intent {
                            fault("keywords", "keyword \(word) is both \(other) and \(intent)")
                        }
                        copy.keywords[word] = intent
                    }
                }
            } else {
                fault("keywords", "keywords must map optout, optin and help to lists of words")
            }
        }
        if let raw = object["formats"] {
            switch Self.parseFormats(raw) {
            case .success(let style): copy.styles[locale] = style
            case .failure(let error): fault("formats", error.message)
            }
        }
        if let raw = object["explicit"] {
            if let rules = raw as? [String: [String: Any]] {
                for (intent, o) in rules.sorted(by: { $0.key < $1.key }) {
                    for key in o.keys.sorted() where !Self.ruleKeys.contains(key) {
                        fault(key, "explicit.\(intent): unknown key \(key)")
                    }
                    var rule = copy.explicit[intent] ?? ExplicitRule()
                    rule.verbs += phrases("verbs", in: o)
                    rule.objects += phrases("objects", in: o)
                    rule.phrases += phrases("phrases", in: o)
                    rule.otherObjects += phrases("other_objects", in: o)
                    copy.explicit[intent] = rule
                }
            } else {
                fault("explicit", "explicit must map intents to {verbs, objects, phrases, other_objects}")
            }
        }
        if let raw = object["profile"] {
            if let o = raw as? [String: Any], Set(o.keys).isSubset(of: Self.profileKeys) {
                for key in o.keys.sorted() { copy.profile[key, default: []] += phrases(key, in: o) }
            } else {
                fault("profile", "profile must map email, phone, name and address to lists of words")
            }
        }
        if let raw = object["periods"] {
            if let o = raw as? [String: Any] {
                for key in o.keys.sorted() where !Self.periodKeys.contains(key) {
                    fault(
                        key, "periods: unknown key \(key) (known: \(Self.periodKeys.sorted().joined(separator: ", ")))")
                }
                for key in Self.periodKeys { copy.periods[key, default: []] += phrases(key, in: o) }
            } else {
                fault("periods", "periods must be an object")
            }
        }
        if let raw = object["privacy"] {
            if let o = raw as? [String: Any] {
                for key in o.keys.sorted() where !Self.privacyKeys.contains(key) {
                    fault(key, "privacy: unknown key \(key) (known: erase, export)")
                }
                copy.privacyErase += phrases("erase", in: o)
                copy.privacyExport += phrases("export", in: o)
            } else {
                fault("privacy", "privacy must be an object {erase, export}")
            }
        }
        copy.choiceNumbers.merge(numbered("choice_numbers")) { $1 }
        if let raw = object["months"] {
            if let list = raw as? [[String]], list.count == 12, list.allSatisfy({ !$0.isEmpty }) {
                copy.monthNames[locale] = list.map { $0[0] }
                for name in list.joined() { named.formUnion(Self.tokens(name).map(\.text)) }
                for (index, names) in list.enumerated() {
                    for name in names { if let t = Self.tokens(name).first { copy.months[t.text] = index + 1 } }
                }
            } else {
                fault("months", "months must list 12 months, each [display name, other spellings...]")
            }
        }
        guard faults.isEmpty else { return faults }
        copy.localeWords[locale, default: []].formUnion(named)
        self = copy
        return []
    }

    struct FormatsFault: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// `formats`: `date` (with `{day}` or `{dd}`, `{month}`, `{year}`), twelve `short_months`, `decimal`, `group`,
    /// optionally `weekday_date` with seven `short_weekdays` and `time` (with `am_pm`), and `money` mapping
    /// currencies (and `default`) to a pattern with `{amount}`, or to
    /// `{"pattern", "decimal", "group"}` when that currency's separators differ from the locale's.
    static func parseFormats(_ raw: Any) -> Result<LocaleStyle, FormatsFault> {
        func fault(_ message: String) -> Result<LocaleStyle, FormatsFault> { .failure(FormatsFault(message)) }
        let known: Set<String> = [
            "date", "short_months", "decimal", "group", "money", "weekday_date", "short_weekdays", "time", "am_pm",
        ]
        guard let o = raw as? [String: Any], Set(o.keys).isSubset(of: known) else {
            return fault("formats must be an object with \(known.sorted().joined(separator: ", "))")
        }
        guard let date = o["date"] as? String, date.contains("{month}"), date.contains("{year}"),
            date.contains("{day}") || date.contains("{dd}")
        else { return fault("formats.date must hold {day}, {month} and {year}") }
        guard let months = o["short_months"] as? [String], months.count == 12, !months.contains(where: \.isEmpty) else {
            return fault("formats.short_months must list 12 month names")
        }
        guard let decimal = o["decimal"] as? String, !decimal.isEmpty, let group = o["group"] as? String else {
            return fault("formats needs a decimal separator and a group separator (\"\" for none)")
        }
        guard let rawMoney = o["money"] as? [String: Any], rawMoney["default"] != nil else {
            return fault("formats.money must map currencies and \"default\" to patterns")
        }
        var money: [String: LocaleStyle.MoneyStyle] = [:]
        for (currency, value) in rawMoney {
            switch value {
            case let pattern as String: money[currency] = LocaleStyle.MoneyStyle(pattern: pattern)
            case let spec as [String: String] where spec["pattern"] != nil:
                money[currency] = LocaleStyle.MoneyStyle(
                    pattern: spec["pattern"] ?? "", decimal: spec["decimal"], group: spec["group"])
            default: return fault("formats.money.\(currency) must be a pattern or {pattern, decimal, group}")
            }
            if money[currency]?.pattern.contains("{amount}") != true {
                return fault("formats.money.\(currency) must hold {amount}")
            }
        }
        var style = LocaleStyle(date: date, shortMonths: months, decimal: decimal, group: group, money: money)
        if let raw = o["weekday_date"] {
            guard let pattern = raw as? String, pattern.contains("{weekday}"), pattern.contains("{month}"),
                pattern.contains("{day}") || pattern.contains("{dd}")
            else { return fault("formats.weekday_date must hold {weekday}, {day} and {month}") }
            guard let days = o["short_weekdays"] as? [String], days.count == 7, !days.contains(where: \.isEmpty) else {
                return fault("formats.short_weekdays must list 7 weekday names, Sunday first")
            }
            style.weekdayDate = pattern
            style.shortWeekdays = days
        }
        if let raw = o["time"] {
            guard let pattern = raw as? String, pattern.contains("{mm}"),
                pattern.contains("{HH}") || pattern.contains("{h12}")
            else { return fault("formats.time must hold {HH} or {h12}, and {mm}") }
            style.time = pattern
        }
        if let raw = o["am_pm"] {
            guard let marks = raw as? [String], marks.count == 2 else {
                return fault("formats.am_pm must list the two marks of a 12-hour time (AM, PM)")
            }
            style.amPM = marks
        }
        return .success(style)
    }

    // MARK: Reading text

    /// Why the client is leaving, when a request says so: the words after a reason marker ("cancel my membership
    /// because I'm moving away" → "I'm moving away"), as written; nil when no marker is followed by words.
    public func reason(in text: String) -> String? {
        let tokens = Self.tokens(text)
        let words = tokens.map(\.text)
        for start in words.indices {
            for marker in reasonMarkers where words[start...].starts(with: marker) {
                let end = start + marker.count
                guard end < tokens.count else { continue }
                let said = text[tokens[end].range.lowerBound...].trimmingCharacters(in: .whitespacesAndNewlines)
                let reason = said.trimmingCharacters(in: CharacterSet(charactersIn: ".!?"))
                return reason.isEmpty ? nil : reason
            }
        }
        return nil
    }

    /// Which details a request to change them names (`email`, `phone`, `name`, `address`), in that order. An email
    /// word wins over `address` ("my email address" is not a postal address).
    public func profileFields(in text: String) -> [String] {
        let words = Self.tokens(text).map(\.text)
        var fields = ["email", "phone", "name", "address"].filter { Self.contains(profile[$0] ?? [], words) }
        if fields.contains("email") { fields.removeAll { $0 == "address" } }
        return fields
    }

    /// Whether a whole answer takes the save offer a cancellation question showed: an `offer_accept` phrase, with at
    /// most one word more ("pause please", "oferta, gracias"); anything longer is read as a new request.
    public func acceptsOffer(_ text: String) -> Bool {
        let words = Self.tokens(text).map(\.text)
        return offerAccept.contains { phrase in
            words.count >= phrase.count && words.count <= phrase.count + 1 && words.starts(with: phrase)
        }
    }

    /// A word of a message: its folded form (lower case, no accents) and where it is in the original.
    public struct Token: Sendable, Equatable {
        public var text: String
        public var range: Range<String.Index>
    }

    /// Words, numbers, single emoji and dashes ("-"), folded (lower case, no accents, no "'s"); French elisions
    /// ("d'octobre") split; everything else separates. Read by Unicode scalar, with plain ASCII words folded
    /// without Foundation (whose folding bridges through NSString on Linux): most messages are ASCII.
    public static func tokens(_ text: String) -> [Token] {
        let scalars = text.unicodeScalars
        var out: [Token] = []
        var start: String.Index?
        func add(_ s: String.Index, _ end: String.Index) {
            let slice = scalars[s..<end]
            var folded: String
            if slice.allSatisfy(\.isASCII) {
                let bytes = slice.map { c -> UInt8 in
                    let b = UInt8(truncatingIfNeeded: c.value)
                    return (0x41...0x5A).contains(b) ? b + 0x20 : b
                }
                folded = String(decoding: bytes, as: UTF8.self)
            } else {
                var word = String(slice)
                if slice.contains("’") { word = word.replacingOccurrences(of: "’", with: "'") }
                folded = word.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            }
            // "month's", "what's": the word itself.
            if folded.utf8.count > 3, folded.hasSuffix("'s") { folded.removeLast(2) }
            let trimmed = folded.trimmingScalars { $0 == "'" }
            if !trimmed.isEmpty { out.append(Token(text: trimmed, range: s..<end)) }
        }
        func flush(_ end: String.Index) {
            guard var s = start else { return }
            start = nil
            // French elision: "d'octobre" is "d" and "octobre" ("don't" and "what's" stay whole).
            if let quote = scalars[s..<end].firstIndex(where: { $0 == "'" || $0 == "’" }),
                scalars.distance(from: quote, to: end) > 2,
                elisions.contains(String(scalars[s..<quote]).lowercased())
            {
                add(s, quote)
                s = scalars.index(after: quote)
            }
            add(s, end)
        }
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let c = scalars[i]
            let next = scalars.index(after: i)
            if isWordScalar(c) {
                if start == nil { start = i }
            } else if !isEmojiModifier(c) {
                flush(i)
                if c == "-" || c == "–" || c == "—" {
                    out.append(Token(text: "-", range: i..<next))
                } else if isEmoji(c) {
                    out.append(Token(text: String(c), range: i..<next))
                }
            }
            i = next
        }
        flush(text.endIndex)
        return out
    }

    static let elisions: Set<String> = ["c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu"]

    /// Letters, digits, apostrophes, and the combining marks of decomposed accents.
    static func isWordScalar(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII {
            let v = c.value
            return (0x61...0x7A).contains(v) || (0x41...0x5A).contains(v) || (0x30...0x39).contains(v) || v == 0x27
        }
        if c == "’" { return true }
        let p = c.properties
        if p.isAlphabetic || p.numericType != nil { return true }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    static func isEmoji(_ c: Unicode.Scalar) -> Bool {
        // No ASCII character is presented as an emoji (digits, `#` and `*` only start keycap sequences).
        if c.isASCII { return false }
        return c.properties.isEmojiPresentation || (c.value > 0x2000 && c.properties.isEmoji)
    }

    /// Skin tones, the emoji variation selector and the joiner belong to the emoji before them ("👍🏽" is "👍").
    static func isEmojiModifier(_ c: Unicode.Scalar) -> Bool {
        (0x1F3FB...0x1F3FF).contains(c.value) || c.value == 0xFE0F || c.value == 0x200D
    }

    /// The length of the longest phrase that starts at `index`, or nil.
    public static func match(_ phrases: [Phrase], _ words: [String], at index: Int) -> Int? {
        var best: Int?
        for p in phrases where !p.isEmpty && index + p.count <= words.count {
            if words[index..<(index + p.count)].elementsEqual(p), p.count > (best ?? 0) { best = p.count }
        }
        return best
    }

    /// Whether any phrase occurs anywhere in `words`.
    public static func contains(_ phrases: [Phrase], _ words: [String]) -> Bool {
        words.indices.contains { match(phrases, words, at: $0) != nil }
    }

    /// Whether `words` are made only of these phrases (greedy, longest first); false for no words.
    public static func covers(_ phrases: [Phrase], _ words: [String]) -> Bool {
        guard !words.isEmpty else { return false }
        var i = 0
        while i < words.count {
            guard let n = match(phrases, words, at: i) else { return false }
            i += n
        }
        return true
    }
}
