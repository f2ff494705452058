import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskPlugins
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskEngine

/// The store, telling whether a write is under way on this thread.
private final class WatchedStore: Store, @unchecked Sendable {
    let inner: any Store
    private let lock = NSLock()
    private var writing: Set<ObjectIdentifier> = []

    init(_ inner: any Store) { self.inner = inner }

    var location: String { inner.location }
    var isWriting: Bool { lock.withLock { writing.contains(ObjectIdentifier(Thread.current)) } }

    func write<T>(_ body: (any UnitOfWork) throws -> T) throws -> T {
        let me = ObjectIdentifier(Thread.current)
        lock.withLock { _ = writing.insert(me) }
        defer { lock.withLock { _ = writing.remove(me) } }
        return try inner.write(body)
    }
    func read<T>(_ body: (any UnitOfWork) throws -> T) throws -> T { try inner.read(body) }
    func tableCounts() throws -> [String: Int] { try inner.tableCounts() }
    func integrityProblems() throws -> [String] { try inner.integrityProblems() }
    func scrubRedactedText() throws { try inner.scrubRedactedText() }
}

/// The real classifier, counting the texts it was asked about while the store's writer was held.
private final class WatchingClassifier: IntentClassifier, @unchecked Sendable {
    let inner: any IntentClassifier
    let store: WatchedStore
    private let lock = NSLock()
    private var inside: [String] = []
    private var outside = 0

    init(_ inner: any IntentClassifier, _ store: WatchedStore) {
        self.inner = inner
        self.store = store
    }

    var insideWrites: [String] { lock.withLock { inside } }
    var beforeWrites: Int { lock.withLock { outside } }

    func classify(_ text: String, channel: Channel) -> Classification {
        let writing = store.isWriting
        lock.withLock { if writing { inside.append(text) } else { outside += 1 } }
        return inner.classify(text, channel: channel)
    }
}

@Suite("Classifying before the writer is taken")
struct ClassifyBeforeWritingTests {
    private func pipeline(_ bot: TestBot) throws -> (Pipeline, WatchingClassifier) {
        let store = WatchedStore(bot.app.store)
        let classifier = WatchingClassifier(try TestBot.sharedClassifier(), store)
        let pipeline = Pipeline(
            store: store, catalog: bot.app.catalog, classifier: classifier, clock: bot.clock,
            links: LinkIssuer(baseURL: "https://desk.example.test"))
        return (pipeline, classifier)
    }

    @Test func messagesAreClassifiedOutsideTheTransactionAndAnsweredAsBefore() throws {
        let bot = try TestBot()
        let (pipeline, classifier) = try self.pipeline(bot)
        let reference = try TestBot()
        let texts = [
            "when is my next billing date?", "please send me my invoices and what plan am I on?", "new card",
            "what's the weather like", "I want to cancel my membership", "stop charging me",
        ]
        for (i, text) in texts.enumerated() {
            let from = "+155501010\(String(format: "%02d", i + 1))"
            let out = try pipeline.say(text, from: from)
            let expected = try reference.say(text, from: from)
            #expect(out.intents == expected.intents, "\(text)")
            #expect(Self.withoutTokens(out.reply) == Self.withoutTokens(expected.reply), "\(text)")
        }
        #expect(classifier.beforeWrites > 0)
        #expect(classifier.insideWrites.isEmpty, "classified inside the transaction: \(classifier.insideWrites)")
    }

    @Test func aTextThatReadsDifferentlyInsideIsClassifiedThereWithTheClassifiersOwnAnswer() throws {
        let bot = try TestBot()
        let (pipeline, classifier) = try self.pipeline(bot)
        // A card link, then a message quoting it: inside the transaction its token is redacted, so the text the
        // transaction reads is not the one classified before.
        let card = try pipeline.say("new card", from: "+15550101001")
        let url = try #require(card.links.first?.url)
        let quoted = try pipeline.say("is this link safe? \(url)", from: "+15550101001")
        #expect(!classifier.insideWrites.isEmpty)
        let token = String(url.split(separator: "/").last ?? "")
        #expect(classifier.insideWrites.allSatisfy { !$0.contains(token) && $0.contains("[link") })
        // The same exchange through the app's own pipeline answers alike.
        let reference = try TestBot()
        let referenceCard = try reference.say("new card", from: "+15550101001")
        let referenceURL = try #require(referenceCard.links.first?.url)
        let expected = try reference.say("is this link safe? \(referenceURL)", from: "+15550101001")
        #expect(quoted.intents == expected.intents)
    }

    /// A reply with its one-time link tokens blanked (each run issues new ones).
    static func withoutTokens(_ reply: String?) -> String? {
        reply.map { $0.replacingOccurrences(of: #"/l/[A-Za-z0-9_-]+"#, with: "/l/…", options: .regularExpression) }
    }

    @Test func guessesAnswerFromWhatWasWorkedOutAndOnlyClassifyWhatWasNot() throws {
        let bot = try TestBot()
        let guesses = Guesses(try TestBot.sharedClassifier())
        let message = InboundMessage(
            provider: "test", providerMessageID: "g1", channel: .sms, from: "+15550101001", to: Demo.smsNumber,
            subject: nil, text: "  when is my next billing date? And send my invoices please  ")
        guesses.prepare(message, bot.app.pipeline)
        let text = "when is my next billing date? And send my invoices please"
        let policy = GuardPolicy { GuardPolicy.Values() }
        let with = try bot.app.pipeline.understand(text, channel: .sms, policy: policy, guesses: guesses)
        let without = try bot.app.pipeline.understand(text, channel: .sms, policy: policy)
        #expect(with == without)
        #expect(with.count == 2)
        #expect(guesses.misses == 0)
        _ = guesses.classify("something else entirely", channel: .sms)
        #expect(guesses.misses == 1)
    }
}
