import FrontdeskCore

/// Extracts what the sender wrote from an email. (Placeholder: the understanding work replaces it.)
public enum EmailExtractor {
    /// From a raw RFC 5322 message.
    public static func extract(raw: String) -> EmailExtraction {
        let body = raw.components(separatedBy: "\n\n").dropFirst().joined(separator: "\n\n")
        return extract(text: body, html: nil, headers: [])
    }

    /// From a provider's already-parsed fields (plain text, HTML, headers as name/value pairs).
    public static func extract(text: String, html: String?, headers: [(name: String, value: String)]) -> EmailExtraction {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines.prefix { !$0.hasPrefix(">") && !($0.hasPrefix("On ") && $0.hasSuffix("wrote:")) }
        return EmailExtraction(kind: .reply, reply: kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

import Foundation
