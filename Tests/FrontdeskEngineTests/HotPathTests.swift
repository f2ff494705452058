import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskTesting
import Testing

@testable import FrontdeskEngine

/// The engine's shortcuts on the hot path (issue 20) read messages as the plain forms did.
@Suite("Engine fast paths")
struct EngineFastPathTests {
    @Test func keywordLettersOfASCIIAreThoseOfTheUnicodeProperties() {
        for byte in 0..<128 {
            let c = Unicode.Scalar(UInt8(byte))
            let plain = !c.properties.isWhitespace && !Reader.isPunctuation(c)
            #expect(Keywords.isLetterOrSymbol(c) == plain, "byte \(byte)")
        }
        for c in ["é", "\u{00A0}", "¿", "«", "😀", "\u{2014}"] as [Unicode.Scalar] {
            #expect(Keywords.isLetterOrSymbol(c) == (!c.properties.isWhitespace && !Reader.isPunctuation(c)))
        }
    }

    @Test func asciiPunctuationIsItsUnicodeCategory() {
        for byte in 0..<128 {
            let c = Unicode.Scalar(UInt8(byte))
            let punctuation: Bool
            switch c.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                .finalPunctuation, .otherPunctuation:
                punctuation = true
            default: punctuation = false
            }
            #expect(Reader.isPunctuation(c) == punctuation, "byte \(byte)")
        }
        #expect(Reader.isPunctuation("¿") && !Reader.isPunctuation("é"))
    }

    @Test func clausesAreReadOnceAndAsTheReaderReadsThem() throws {
        let bot = try TestBot()
        let reader = bot.app.pipeline.reader
        let guesses = Guesses(try TestBot.sharedClassifier())
        let texts = [
            "when is my next billing date? And send my invoices please", "what plan am I on",
            "I moved, my card expired, can you send me a link to update it and also cancel my Friday class",
            "Hola, quiero pausar mi membresía y también ver mis facturas", "",
        ]
        for text in texts {
            let clauses = reader.clauses(text)
            let read = guesses.clauses(text, reader)
            #expect(read.map(\.clause) == clauses)
            if clauses.count > 1 {
                #expect(read.map(\.mayBeRequest) == clauses.map(reader.mayBeRequest))
            }
            #expect(guesses.clauses(text, reader).map(\.clause) == clauses, "the second reading is the first")
        }
    }

    @Test func aOnceValueIsMadeOnceWhateverTheThreads() {
        let made = Counter()
        let once = Once<Int> {
            made.increment()
            return 42
        }
        DispatchQueue.concurrentPerform(iterations: 16) { _ in #expect(once.value == 42) }
        #expect(made.value == 1)
    }

    @Test func warmingUpMakesTheDetectorTheMessagesUse() throws {
        let bot = try TestBot()
        bot.app.pipeline.warmUp()
        #expect(bot.app.pipeline.language.detect("hola, quiero ver mis facturas por favor")?.locale == "es")
        let reply = try bot.say("hola, quiero ver mis facturas por favor", from: "+15550101001")
        #expect(reply.reply?.isEmpty == false)
    }

    @Test func theHelpMenuIsKeptPerBusinessLocaleAndChannelAndFollowsItsPlugins() throws {
        let bot = try TestBot()
        let first = try bot.say("help", from: "+15550101001")
        let again = try bot.say("help", from: "+15550101002")
        #expect(bot.app.pipeline.menus.count == 1)
        #expect(first.reply == again.reply)
        #expect(first.reply == (try TestBot().say("help", from: "+15550101001")).reply, "as made without the memo")
        // Switching a plugin off is another key: the menu follows, as a fresh pipeline makes it.
        func disableInvoices(_ bot: TestBot) throws {
            try bot.app.store.write { c in
                let business = try #require(try c.business(slug: Demo.slug))
                try c.setPluginEnabled(businessID: business.id, plugin: "invoices", enabled: false)
            }
        }
        try disableInvoices(bot)
        let without = try bot.say("help", from: "+15550101003")
        #expect(without.reply != first.reply)
        #expect(bot.app.pipeline.menus.count == 2)
        let fresh = try TestBot()
        try disableInvoices(fresh)
        #expect(without.reply == (try fresh.say("help", from: "+15550101003")).reply)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
