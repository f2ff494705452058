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
}
