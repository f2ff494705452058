import Foundation
import FrontdeskCore
import FrontdeskStore

/// `smalltalk`: thanks, acknowledgements and greetings get one short line, never the menu.
public struct SmalltalkPlugin: Plugin {
    public let id = "smalltalk"
    public init() {}

    /// Words that make a message a thank-you or a greeting (en, es, fr), folded to lower case without accents.
    public static let thanksWords: Set<String> = [
        "thanks", "thank", "thx", "ty", "tysm", "cheers", "appreciate", "appreciated", "gracias", "agradezco",
        "merci", "remercie",
    ]
    public static let greetingWords: Set<String> = [
        "hi", "hello", "hey", "hiya", "howdy", "morning", "afternoon", "evening", "hola", "buenas", "buenos",
        "bonjour", "bonsoir", "salut", "coucou",
    ]
    /// Words that make "good …" / "buenas …" a goodbye rather than a greeting.
    static let farewellWords: Set<String> = ["night", "noches", "nuit", "bye"]
    /// Words that turn a thank-you into a refusal ("no thanks", "non merci").
    static let refusalWords: Set<String> = ["no", "non", "nope", "nah"]

    public enum Kind: String, Sendable {
        case thanks, greeting, ack
    }

    /// Thanks, greeting or a plain acknowledgement ("ok", "👍", "no thanks").
    public static func kind(of text: String) -> Kind {
        let words = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .split { !$0.isLetter }.map(String.init)
        if words.contains(where: refusalWords.contains) { return .ack }
        if words.contains(where: thanksWords.contains) || text.unicodeScalars.contains("\u{1F64F}") {
            return .thanks
        }
        // "Hi", "good morning", "buenas tardes": a greeting opens the message; "good night" closes it.
        let opening = words.prefix(2)
        if opening.contains(where: greetingWords.contains), !opening.contains(where: farewellWords.contains) {
            return .greeting
        }
        return .ack
    }

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        PluginReply(template: "smalltalk/" + Self.kind(of: request.text).rawValue)
    }
}
