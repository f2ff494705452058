/// An intent id such as `membership.cancel`; stable, namespaced, declared in plugin manifests.
public typealias IntentID = String

extension IntentID {
    /// The intent of anything the classifier cannot place with confidence.
    public static let unknown: IntentID = "unknown"
}

/// The classifier's answer for one utterance.
public struct Classification: Sendable, Equatable, Codable {
    public var intent: IntentID
    /// 0...1; answers at ≥ 0.8 are meant to be right at least 97% of the time.
    public var confidence: Double
    /// Entities the plugins use: `plan`, `invoice_number`, `month`, `date`.
    public var entities: [String: String]

    public init(intent: IntentID, confidence: Double, entities: [String: String] = [:]) {
        self.intent = intent
        self.confidence = confidence
        self.entities = entities
    }
}

/// One example utterance from a plugin's examples file.
public struct IntentExample: Sendable, Equatable {
    public var intent: IntentID
    public var text: String
    public var locale: String
    /// The intent is answered only when no other sentence asks for something (see `IntentSpec.background`).
    public var background: Bool

    public init(intent: IntentID, text: String, locale: String, background: Bool = false) {
        self.intent = intent
        self.text = text
        self.locale = locale
        self.background = background
    }
}

/// Maps what a person wrote to an intent. Implementations learn from `IntentExample`s.
public protocol IntentClassifier: Sendable {
    func classify(_ text: String, channel: Channel) -> Classification
}
