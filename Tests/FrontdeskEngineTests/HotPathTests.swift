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
}
