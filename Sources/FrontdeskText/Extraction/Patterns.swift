import Foundation

/// The language tables in Resources/email_patterns.json, loaded once.
struct Patterns: Sendable {
    var attributionLeads: [String] = []
    var attributionTrailers: [String] = []
    /// Trailers indexed by their last three Unicode scalars, so a line is checked against a handful, not all.
    var trailersBySuffix: [String: [String]] = [:]
    var headerFrom: Set<String> = []
    var headerAll: Set<String> = []
    /// Header word (any language) to its field: from, date, to, cc, subject, reply_to, other.
    var headerField: [String: String] = [:]
    var subjectForwardPrefixes: Set<String> = []
    var separatorPhrases: Set<String> = []
    var forwardMarkers: Set<String> = []
    var mobileFooters: [String] = []
    var legalFooterPhrases: [String] = []
    var legalFooterBytes: [[UInt8]] = []
    var signOffs: Set<String> = []
    var autoReplySubjects: [String] = []

    /// Loaded lazily on first use; a missing or broken file leaves the tables empty rather than crashing.
    static let shared: Patterns = load()

    private struct File: Decodable {
        var attribution_leads: [String]
        var attribution_trailers: [String]
        var header_fields: [String: [String]]
        var subject_forward_prefixes: [String]
        var separator_phrases: [String]
        var forward_markers: [String]
        var mobile_footers: [String]
        var legal_footer_phrases: [String]
        var sign_offs: [String]
        var auto_reply_subject_prefixes: [String]
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
        for (field, words) in file.header_fields {
            for w in words where p.headerField[w] == nil || field == "from" { p.headerField[w] = field }
        }
        p.headerFrom = Set(p.headerField.filter { $0.value == "from" }.keys)
        p.headerAll = Set(p.headerField.keys)
        p.subjectForwardPrefixes = Set(file.subject_forward_prefixes.map { $0.hasSuffix(":") ? String($0.dropLast()) : $0 })
        p.separatorPhrases = Set(file.separator_phrases)
        p.forwardMarkers = Set(file.forward_markers.map { $0.hasSuffix(":") ? String($0.dropLast()).trimmingCharacters(in: .whitespaces) : $0 })
        p.mobileFooters = file.mobile_footers
        p.legalFooterPhrases = file.legal_footer_phrases
        p.legalFooterBytes = file.legal_footer_phrases.map { Array($0.utf8) }
        p.signOffs = Set(file.sign_offs)
        p.autoReplySubjects = file.auto_reply_subject_prefixes
        return p
    }
}
