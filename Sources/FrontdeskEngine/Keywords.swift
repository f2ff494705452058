import Foundation
import FrontdeskCore
import FrontdeskPlugins

/// Words that are answered before any classification.
enum Keywords {
    /// The intent of a whole-body SMS keyword (CTIA), or nil. A bare "cancel" is an opt-out,
    /// never a membership cancellation (SPEC §2).
    static func match(_ text: String) -> IntentID? {
        // Keywords are single short words; skip the work for every ordinary sentence.
        guard text.utf8.count <= 16 else { return nil }
        let word = text.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)).uppercased()
        guard !word.isEmpty, !word.contains(" ") else { return nil }
        if CompliancePlugin.optOutKeywords.contains(word) { return "optout" }
        if CompliancePlugin.optInKeywords.contains(word) { return "optin" }
        if CompliancePlugin.helpKeywords.contains(word) { return "help" }
        return nil
    }

    static let yes: Set<String> = [
        "yes", "y", "yeah", "yep", "yup", "confirm", "confirmed", "sure", "si", "sí", "oui", "ok", "okay",
    ]
    static let no: Set<String> = ["no", "n", "nope", "nah", "non", "keep", "don't", "dont"]

    /// YES/NO (with any words after YES kept as the detail, e.g. a reason), or nil.
    static func answer(_ text: String) -> Answer? {
        let trimmed = text.trimmedWhitespace()
        let first = trimmed.prefix { !$0.isWhitespace && !",.!;:".contains($0) }
        let word = first.lowercased()
        if yes.contains(word) {
            // The reason is what follows YES on its own line; later lines may be quoted history.
            let line = trimmed.dropFirst(first.count).prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
            let rest = line.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))
            return .yes(detail: rest)
        }
        if no.contains(word) { return .no }
        return nil
    }
}
