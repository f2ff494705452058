import Foundation
import FrontdeskCore

/// The email pattern tables the extractor reads: Resources/email_patterns.json, or the file named by
/// `FRONTDESK_PATTERNS`.
public enum EmailPatterns {
    /// The environment variable naming a patterns file to read instead of the bundled resource.
    public static let environmentVariable = "FRONTDESK_PATTERNS"

    /// Loads the tables (once a process), or throws why they cannot be used: the file, the line when one is at
    /// fault, and the reason. The product calls this at start-up; an extraction that runs without it and finds
    /// the file unusable stops the process with the same message rather than working from empty tables.
    public static func load() throws(Diagnostic) { _ = try Patterns.loaded.get() }
}

/// The language tables in the patterns file, loaded once.
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
    /// Job-title and company words ("manager", "llc") that mark a line under a name as a signature line.
    var signatureWords = ByteTable()
    /// Words that close a message on a line of their own without being a name ("yes", "done").
    var notNames: Set<String> = []

    /// Whether the lower-cased `phrase` (or the separator table id of one) is a forward marker.
    func isForwardMarker(_ phrase: String) -> Bool { isForwardMarker(separatorTable.id(of: phrase)) }
    func isForwardMarker(_ id: Int?) -> Bool { id.map { separatorInForwardMarkers[$0] } ?? false }

    /// The tables, loaded on first use. A file that is missing or not valid stops the process here, naming the
    /// file and the reason: extraction with empty tables would quietly keep every quote and signature.
    package static let shared: Patterns = {
        switch loaded {
        case .success(let patterns): return patterns
        case .failure(let fault): fatalError("email patterns: \(fault)")
        }
    }()

    /// The one load of the process, with its fault (see `EmailPatterns.load`).
    static let loaded = Result<Patterns, Diagnostic> { () throws(Diagnostic) in try load(from: location()) }

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
        var signature_words: [String]?
        var not_names: [String]?
    }

    /// `FRONTDESK_PATTERNS` when set, else the resource bundled with this module (where it should be, even when
    /// it is not there, so that the fault names the path).
    static func location(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment[EmailPatterns.environmentVariable], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        if let url = Bundle.module.url(forResource: "email_patterns", withExtension: "json", subdirectory: "Resources")
        {
            return url
        }
        return (Bundle.module.resourceURL ?? Bundle.module.bundleURL).appendingPathComponent(
            "Resources/email_patterns.json")
    }

    /// Reads and checks the file at `url`: it must exist, be readable, decode, and give every table it requires.
    static func load(from url: URL) throws(Diagnostic) -> Patterns {
        func fault(_ line: Int, _ message: String) -> Diagnostic {
            Diagnostic(file: url.path, line: line, message: message)
        }
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw fault(0, "email patterns file is missing")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw fault(0, "email patterns file cannot be read: \(error.localizedDescription)")
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            let (line, reason) = Self.explain(error, in: data)
            throw fault(line, "email patterns file is not valid: \(reason)")
        }
        let empty: [(key: String, isEmpty: Bool)] = [
            ("attribution_leads", file.attribution_leads.isEmpty),
            ("attribution_trailers", file.attribution_trailers.isEmpty), ("header_fields", file.header_fields.isEmpty),
            ("subject_forward_prefixes", file.subject_forward_prefixes.isEmpty),
            ("separator_phrases", file.separator_phrases.isEmpty), ("forward_markers", file.forward_markers.isEmpty),
            ("mobile_footers", file.mobile_footers.isEmpty),
            ("legal_footer_phrases", file.legal_footer_phrases.isEmpty),
            ("sign_offs", file.sign_offs.isEmpty),
            ("auto_reply_subject_prefixes", file.auto_reply_subject_prefixes.isEmpty),
        ]
        if let key = empty.first(where: \.isEmpty)?.key {
            throw fault(Self.line(of: "\"\(key)\"", in: data), "email patterns file is not valid: \(key) is empty")
        }
        return Self.tables(file)
    }

    /// The line and a short reason for a decoding error. A missing or mistyped key is found by its name; for a
    /// syntax error JSONDecoder says only "not valid JSON", so JSONSerialization is asked where ("Invalid value
    /// around character 25.", an offset in bytes).
    static func explain(_ error: Error, in data: Data) -> (line: Int, reason: String) {
        switch error {
        case DecodingError.keyNotFound(let key, _):
            return (1, "\"\(key.stringValue)\" is required")
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let key = context.codingPath.first?.stringValue ?? ""
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return (line(of: "\"\(key)\"", in: data), "\(path): \(context.debugDescription)")
        case DecodingError.dataCorrupted(let context):
            var reason = context.debugDescription
            do {
                _ = try JSONSerialization.jsonObject(with: data)
            } catch {
                reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? reason
            }
            guard let r = reason.range(of: "character "),
                let offset = Int(reason[r.upperBound...].prefix(while: \.isNumber))
            else { return (1, reason) }
            return (1 + data.prefix(offset).filter { $0 == ASCII.lineFeed }.count, reason)
        default:
            return (1, "\(error)")
        }
    }

    /// The 1-based line of the first occurrence of `needle` in `data`, or 1.
    static func line(of needle: String, in data: Data) -> Int {
        let text = String(decoding: data, as: UTF8.self)
        guard let r = text.range(of: needle) else { return 1 }
        return text[..<r.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    }

    /// The lookup tables built from the file's lists.
    private static func tables(_ file: File) -> Patterns {
        var p = Patterns()
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
                if f >= ASCII.smallA && f <= ASCII.smallZ { p.headerFirstBytes[Int(f & ~ASCII.lowerCaseBit)] = true }
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
        p.mobileFooterAnywhere = FoldedNeedles(file.mobile_footers.filter { ($0.utf8.first ?? 0) >= ASCII.upperBound })
        p.signOffsByLanguage = file.sign_offs.mapValues { Set($0) }
        p.signOffTable = ByteTable(Set(file.sign_offs.values.joined()).sorted())
        p.autoReplySubjects = file.auto_reply_subject_prefixes
        p.attributionVerbs = file.attribution_verbs ?? []
        p.bannerNeedles = FoldedNeedles(file.banner_phrases ?? [])
        p.signatureWords = ByteTable(Set(file.signature_words ?? []).sorted())
        p.notNames = Set(file.not_names ?? [])
        return p
    }
}
