import Foundation

/// The language tables in Resources/email_patterns.json, loaded once.
package struct Patterns: Sendable {
    var attributionLeads: [String] = []
    var attributionTrailers: [String] = []
    /// Trailers indexed by their last three Unicode scalars, so a line is checked against a handful, not all.
    var trailersBySuffix: [String: [String]] = [:]
    /// The header words by bytes; per id, the word and whether it names the sender.
    var headerTable = ByteTable()
    var headerWords: [String] = []
    var headerWordIsFrom: [Bool] = []
    /// Per header word id, its field as an index into `fieldNames`.
    var headerWordField: [Int] = []
    static let fieldNames = ["from", "date", "to", "cc", "subject", "reply_to", "other"]
    static func field(_ name: String) -> Int { fieldNames.firstIndex(of: name) ?? fieldNames.count - 1 }
    /// Longest header word in bytes, and which bytes start one: cheap tests before building a key string.
    var headerMaxBytes = 0
    var headerFirstBytes = [Bool](repeating: false, count: 256)
    var subjectForwardPrefixes: Set<String> = []
    /// Longest separator or forward-marker phrase in bytes.
    var separatorMaxBytes = 0
    /// Which (lower-case) bytes start a separator or forward-marker phrase.
    var separatorFirstBytes = [Bool](repeating: false, count: 256)
    /// Separator phrases and forward markers by bytes; per id, whether it is a forward marker only (a phrase
    /// that is both counts as a separator) and whether it is a forward marker at all.
    var separatorTable = ByteTable()
    var separatorIsForwardMarker: [Bool] = []
    var separatorInForwardMarkers: [Bool] = []
    var mobileFooters: [String] = []
    var legalFooterPhrases: [String] = []
    var legalFooterBytes: [[UInt8]] = []
    var legalFooterNeedles = FoldedNeedles()
    /// Mobile footers that start with ASCII, matched as prefixes; the others are matched anywhere in the line.
    var mobileFooterPrefixes: [[UInt8]] = []
    /// mobileFooterPrefixes by first byte: a line is compared only with the prefixes its first byte can start.
    var mobileFooterPrefixesByFirst: [[[UInt8]]] = Array(repeating: [], count: 256)
    var hasEmptyMobileFooterPrefix = false
    var mobileFooterAnywhere = FoldedNeedles()
    /// Sign-offs ("best regards", "un saludo") by language code, and those of every language by bytes.
    package var signOffsByLanguage: [String: Set<String>] = [:]
    var signOffTable = ByteTable()
    var autoReplySubjects: [String] = []
    /// "wrote" in many languages, matched as a whole word anywhere in a line that also has a date and an address.
    var attributionVerbs: [String] = []
    /// "CAUTION: This message is from an external sender": mail-gateway banners above the text.
    package var bannerNeedles = FoldedNeedles()

    /// Whether the lower-cased `phrase` (or the separator table id of one) is a forward marker.
    func isForwardMarker(_ phrase: String) -> Bool { isForwardMarker(separatorTable.id(of: phrase)) }
    func isForwardMarker(_ id: Int?) -> Bool { id.map { separatorInForwardMarkers[$0] } ?? false }

    /// Loaded lazily on first use; a missing or broken file leaves the tables empty rather than crashing.
    package static let shared: Patterns = load()

    private struct File: Decodable {
        var attribution_leads: [String]
        var attribution_trailers: [String]
        var header_fields: [String: [String]]
        var subject_forward_prefixes: [String]
        var separator_phrases: [String]
        var forward_markers: [String]
        var mobile_footers: [String]
        var legal_footer_phrases: [String]
        var sign_offs: [String: [String]]
        var auto_reply_subject_prefixes: [String]
        var attribution_verbs: [String]?
        var banner_phrases: [String]?
    }

    static func resourceURL(_ name: String) -> URL? {
        if let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Resources") {
            return url
        }
        return Bundle.module.resourceURL?.appendingPathComponent("Resources/\(name).json")
    }

    static func load() -> Patterns {
        var p = Patterns()
        guard let url = resourceURL("email_patterns"), let data = try? Data(contentsOf: url),
            let file = try? JSONDecoder().decode(File.self, from: data)
        else { return p }
        p.attributionLeads = file.attribution_leads
        p.attributionTrailers = file.attribution_trailers.sorted { $0.count > $1.count }
        for t in p.attributionTrailers {
            var key = String.UnicodeScalarView()
            key.append(contentsOf: t.unicodeScalars.suffix(3))
            p.trailersBySuffix[String(key), default: []].append(t)
        }
        // Header word (any language) to its field: from, date, to, cc, subject, reply_to, other.
        var headerField: [String: String] = [:]
        for (field, words) in file.header_fields {
            for w in words where headerField[w] == nil || field == "from" { headerField[w] = field }
        }
        for (k, field) in headerField.sorted(by: { $0.key < $1.key }) {
            p.headerTable.insert(Array(k.utf8))
            p.headerWords.append(k)
            p.headerWordIsFrom.append(field == "from")
            p.headerWordField.append(Self.field(field))
        }
        for k in p.headerWords {
            p.headerMaxBytes = max(p.headerMaxBytes, k.utf8.count)
            if let f = k.utf8.first {
                p.headerFirstBytes[Int(f)] = true
                // Keys are stored lower-case; lines may have them capitalised.
                if f >= 0x61 && f <= 0x7A { p.headerFirstBytes[Int(f - 0x20)] = true }
            }
        }
        p.subjectForwardPrefixes = Set(
            file.subject_forward_prefixes.map { $0.hasSuffix(":") ? String($0.dropLast()) : $0 })
        let separatorPhrases = Set(file.separator_phrases)
        let forwardMarkers = Set(
            file.forward_markers.map {
                $0.hasSuffix(":") ? String($0.dropLast()).trimmingCharacters(in: .whitespaces) : $0
            })
        p.separatorMaxBytes = (separatorPhrases.map(\.utf8.count) + forwardMarkers.map(\.utf8.count)).max() ?? 0
        for phrase in separatorPhrases.union(forwardMarkers).sorted() {
            if let f = phrase.utf8.first { p.separatorFirstBytes[Int(f)] = true }
            p.separatorTable.insert(Array(phrase.utf8))
            p.separatorIsForwardMarker.append(!separatorPhrases.contains(phrase))
            p.separatorInForwardMarkers.append(forwardMarkers.contains(phrase))
        }
        p.mobileFooters = file.mobile_footers
        p.legalFooterPhrases = file.legal_footer_phrases
        p.legalFooterBytes = file.legal_footer_phrases.map { Array($0.utf8) }
        p.legalFooterNeedles = FoldedNeedles(file.legal_footer_phrases)
        p.mobileFooterPrefixes = file.mobile_footers.map { Array($0.utf8) }
        for prefix in p.mobileFooterPrefixes {
            if let f = prefix.first {
                p.mobileFooterPrefixesByFirst[Int(f)].append(prefix)
            } else {
                p.hasEmptyMobileFooterPrefix = true
            }
        }
        p.mobileFooterAnywhere = FoldedNeedles(file.mobile_footers.filter { ($0.utf8.first ?? 0) >= 0x80 })
        p.signOffsByLanguage = file.sign_offs.mapValues { Set($0) }
        p.signOffTable = ByteTable(Set(file.sign_offs.values.joined()).sorted())
        p.autoReplySubjects = file.auto_reply_subject_prefixes
        p.attributionVerbs = file.attribution_verbs ?? []
        p.bannerNeedles = FoldedNeedles(file.banner_phrases ?? [])
        return p
    }
}
