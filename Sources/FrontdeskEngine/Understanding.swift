import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskPlugins
import FrontdeskStore

/// One thing a message asks, as the pipeline will act on it.
public struct Decision: Sendable, Equatable {
    /// What decided: a fixed word list (SMS keywords, email unsubscribe words, a numbered choice,
    /// acknowledgements) or the classifier.
    public enum Source: String, Sendable {
        case keyword, classifier
    }

    public var intent: IntentID
    public var confidence: Double
    public var entities: [String: String]
    /// The part of the message this decision answers (a clause, the whole text or the email's subject).
    public var text: String
    public var decidedBy: Source
    /// When the guard asked which thing the client means (`clarify`): the destructive intent it held back.
    public var guarded: IntentID?

    public init(
        intent: IntentID, confidence: Double, entities: [String: String] = [:], text: String, decidedBy: Source,
        guarded: IntentID? = nil
    ) {
        self.intent = intent
        self.confidence = confidence
        self.entities = entities
        self.text = text
        self.decidedBy = decidedBy
        self.guarded = guarded
    }
}

extension IntentID {
    /// The engine's own intent: a short numbered choice of what the client may mean, asked instead of a
    /// destructive action that was not asked for explicitly.
    public static let clarify: IntentID = "clarify"
}

/// What the guard on destructive intents needs to know about one business and client, read from the store only
/// when a message comes near a destructive intent (most messages never do).
final class GuardPolicy {
    struct Values {
        /// Per destructive intent, the confidence it needs (the owning plugin's `min_confidence` percent).
        var minConfidence: [IntentID: Double] = [:]
        /// The client's plan names: "cancel Massage Club" names the membership.
        var planNames: [String] = []
    }
    private let load: () throws -> Values
    private var loaded: Values?

    init(_ load: @escaping () throws -> Values) { self.load = load }

    func values() throws -> Values {
        if let loaded { return loaded }
        let values = try load()
        loaded = values
        return values
    }
}

extension Pipeline {
    /// Intents that are not requests when a message holds others ("thanks", "hi", a help word).
    static let notRequests: Set<IntentID> = [.unknown, "smalltalk", "help"]
    /// At most this many requests of one message are answered.
    static let maxRequests = 3
    /// A destructive intent needs this confidence unless its plugin sets `min_confidence`.
    static let defaultMinConfidence = 0.8

    /// What the pipeline would decide for `text` on `channel` (`frontdesk classify`): SMS keywords first, an
    /// email's unsubscribe words and subject, then up to three requests with the guard on destructive ones.
    /// With a business, its settings (`min_confidence`) apply; otherwise the manifests' defaults.
    public func preview(_ text: String, channel: Channel, subject: String? = nil, businessSlug: String? = nil) throws
        -> [Decision]
    {
        let values = try store.read { c -> GuardPolicy.Values in
            let business = try businessSlug.flatMap { try c.business(slug: $0) }
            return try guardValues(businessID: business?.id, client: nil, c)
        }
        return try decisions(text, channel: channel, subject: subject, policy: GuardPolicy { values })
    }

    /// The decisions for one message; the pipeline and `preview` share it.
    func decisions(_ body: String, channel: Channel, subject: String?, policy: GuardPolicy) throws -> [Decision] {
        if channel == .sms, let keyword = Keywords.match(body, in: catalog.lexicon) {
            return [Decision(intent: keyword, confidence: 1, text: body, decidedBy: .keyword)]
        }
        let text = requestText(body, channel: channel, subject: subject)
        if channel == .email, let consent = reader.emailConsent(text) {
            return [Decision(intent: consent, confidence: 1, text: text, decidedBy: .keyword)]
        }
        return try understand(text, channel: channel, policy: policy)
    }

    /// The email's subject when its body holds no request ("see subject", empty); otherwise the body, up to
    /// `readBytes` (people put the request first; the classifier reads no further either).
    func requestText(_ body: String, channel: Channel, subject: String?) -> String {
        guard channel == .email, let subject, reader.bodyHoldsNoRequest(body, subject: subject) else {
            return Self.head(body)
        }
        let clean = Reader.cleanSubject(subject)
        return clean.isEmpty ? Self.head(body) : Self.head(clean)
    }

    /// How much of a message is read for its requests.
    static let readBytes = 8192

    /// The first `readBytes` of `text`, cut at a character boundary.
    static func head(_ text: String) -> String {
        guard text.utf8.count > readBytes else { return text }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: readBytes)
        while end > text.startIndex, String.Index(end, within: text) == nil { end = text.utf8.index(before: end) }
        return String(text[..<end])
    }

    /// Up to three requests in the order asked: when the message's clauses ask for different things each is
    /// classified on its own; otherwise the whole message is classified once. Destructive intents are guarded.
    func understand(_ text: String, channel: Channel, policy: GuardPolicy, guesses: Guesses? = nil) throws
        -> [Decision]
    {
        let classify = { (text: String) in
            guesses?.classify(text, channel: channel) ?? self.classifier.classify(text, channel: channel)
        }
        var requests: [Decision] = []
        let clauses = guesses?.clauses(text, reader) ?? reader.clauses(text).map { ($0, reader.mayBeRequest($0)) }
        if clauses.count > 1 {
            for (clause, mayBeRequest) in clauses where mayBeRequest {
                let guess = classify(clause)
                guard guess.confidence >= threshold,
                    !Self.notRequests.contains(guess.intent),
                    !requests.contains(where: { $0.intent == guess.intent })
                else { continue }
                requests.append(
                    Decision(
                        intent: guess.intent, confidence: guess.confidence, entities: guess.entities, text: clause,
                        decidedBy: .classifier))
            }
        }
        if requests.count < 2 {
            let guess = classify(text)
            let intent = guess.confidence >= threshold ? guess.intent : IntentID.unknown
            if intent == .unknown, reader.isAcknowledgement(text), catalog.owner(of: "smalltalk") != nil {
                return [Decision(intent: "smalltalk", confidence: 1, text: text, decidedBy: .keyword)]
            }
            requests = [
                Decision(
                    intent: intent, confidence: guess.confidence, entities: guess.entities, text: text,
                    decidedBy: .classifier)
            ]
        }
        return try requests.prefix(Self.maxRequests).map { try guarded($0, policy) }
    }

    /// A destructive intent (one with an `explicit` rule in the words) is kept only for an explicit request at
    /// or above its confidence; otherwise, and for an unclassified message using one of its verbs ("stop
    /// charging me"), the client is asked which thing they mean. Nothing else ever becomes destructive.
    func guarded(_ d: Decision, _ policy: GuardPolicy) throws -> Decision {
        var held: IntentID?
        if catalog.lexicon.explicit[d.intent] != nil {
            let values = try policy.values()
            let needed = values.minConfidence[d.intent] ?? Self.defaultMinConfidence
            if d.confidence >= needed, reader.isExplicit(d.text, intent: d.intent, planNames: values.planNames) {
                return d
            }
            held = d.intent
        } else if d.intent == .unknown {
            let words = Lexicon.tokens(d.text).map(\.text)
            if words.count <= 8 {
                held = catalog.lexicon.explicit.keys.sorted().first { reader.usesVerb(of: $0, words) }
            }
        }
        guard let held else { return d }
        var clarify = d
        clarify.intent = .clarify
        clarify.guarded = held
        return clarify
    }

    /// The guard's settings for a business (nil: the manifests' defaults) and the client's plan names.
    func guardValues(businessID: Int?, client: Client?, _ c: any UnitOfWork) throws -> GuardPolicy.Values {
        var policy = GuardPolicy.Values()
        for intent in catalog.lexicon.explicit.keys {
            guard let manifest = catalog.owner(of: intent), manifest.setting("min_confidence") != nil else { continue }
            let stored = try businessID.map { try c.pluginSettings(businessID: $0, plugin: manifest.id).values } ?? [:]
            let percent = PluginSettings(manifest: manifest, values: stored).int(
                "min_confidence", default: Int(Self.defaultMinConfidence * 100))
            policy.minConfidence[intent] = Double(percent) / 100
        }
        if let client {
            // The plans as billing has them today (a scheduled change whose day has come is the plan).
            let scope = BillingScope(store: c, businessID: client.businessID, zone: .gmt, now: clock.now())
            policy.planNames = try billing.subscriptions(clientID: client.id, in: scope).map(\.planName)
        }
        return policy
    }
}
