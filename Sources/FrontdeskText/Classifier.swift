import FrontdeskCore

/// Placeholder classifier until the learned one lands: exact example match, else unknown.
public struct ExampleClassifier: IntentClassifier {
    private let table: [String: IntentID]

    public init(examples: [IntentExample]) {
        var t: [String: IntentID] = [:]
        for e in examples { t[e.text.lowercased()] = e.intent }
        table = t
    }

    public func classify(_ text: String, channel: Channel) -> Classification {
        if let hit = table[text.lowercased().trimmingCharacters(in: .whitespacesAndNewlines)] {
            return Classification(intent: hit, confidence: 1)
        }
        return Classification(intent: .unknown, confidence: 0)
    }
}

import Foundation
