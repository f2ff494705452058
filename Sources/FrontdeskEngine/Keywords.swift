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
        // Foundation's `trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))` built the set
        // and bridged through NSString on every message (about 40,000 instructions); the same scalars by property.
        let word = text.trimmingScalars(where: Self.isSpaceOrPunctuation).uppercased()
        guard !word.isEmpty, !word.contains(" ") else { return nil }
        if CompliancePlugin.optOutKeywords.contains(word) { return "optout" }
        if CompliancePlugin.optInKeywords.contains(word) { return "optin" }
        if CompliancePlugin.helpKeywords.contains(word) { return "help" }
        return nil
    }

    /// White space and newlines (Unicode White_Space, what `CharacterSet.whitespacesAndNewlines` holds) or
    /// punctuation (general category P*, what `CharacterSet.punctuationCharacters` holds).
    static func isSpaceOrPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let v = scalar.value
            return v == 0x20 || (0x09...0x0D).contains(v) || (scalar.properties.generalCategory.isPunctuation)
        }
        return scalar.properties.isWhitespace || scalar.properties.generalCategory.isPunctuation
    }
}

extension Unicode.GeneralCategory {
    fileprivate var isPunctuation: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }
}
