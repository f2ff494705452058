import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import FrontdeskTesting
import Testing

/// Conversations as data (like Rasa test stories), run through the real pipeline:
/// `! plugin key=value` sets a setting (`key="two words"` for one with spaces), `@ address` picks the sender (an
/// address with `@` writes by email),
/// `$ subject` the email subject of what follows (`$` alone: none), `+ minutes` moves the clock,
/// `> text` is what they write (`\n` for a line break), `= intent` the expected intent, `& a, b` every intent
/// answered, `< text` a part of the reply, `^ text` a text the reply must not hold, `~ state` the state,
/// `-` no reply at all. `% Name <address> | text` makes the next `>` a forward of that email (staff forwarding a
/// client's message), and `* address | text` expects the newest outbox item to that address to hold the text.
/// `{code}` in a `>` line is the six-digit code of the newest one-time code sent (they are random).
@Suite("Conversation files")
struct ConversationFileTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Conversations")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".txt") }
            .sorted()
    }

    /// A `!` line's words: `plugin key=value key="a value with spaces"`.
    static func settingWords(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        for ch in line {
            if ch == "\"" {
                quoted.toggle()
            } else if ch == " ", !quoted {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// The six digits standing alone in a message.
    static func code(in body: String) -> String? {
        body.split(whereSeparator: { !$0.isNumber }).map(String.init).first { $0.count == 6 }
    }

    @Test func thereAreConversationFiles() {
        #expect(Self.files.count >= 5)
    }

    @Test(arguments: files)
    func conversation(_ name: String) throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
        let bot = try TestBot()
        var from = "+15550101001"
        var subject: String?
        var last: PipelineOutcome?
        var forwarded: ForwardedMessage?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmedWhitespace()
            let here = "\(name):\(index + 1)"
            guard let mark = line.first, line.first != "#" else { continue }
            let rest = line.dropFirst().trimmedWhitespace()
            switch mark {
            case "!":
                let parts = Self.settingWords(rest)
                let plugin = String(parts[0])
                let manifest = try #require(bot.app.catalog.manifest(plugin), "\(here): no plugin \(plugin)")
                for pair in parts.dropFirst() {
                    let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    let spec = try #require(manifest.setting(kv[0]), "\(here): no setting \(kv[0])")
                    try bot.set(plugin, [kv[0]: try spec.parse(kv[1]).get()])
                }
            case "@": from = rest
            case "$": subject = rest.isEmpty ? nil : rest
            case "+": bot.clock.advance(minutes: try #require(Double(rest), "\(here): minutes"))
            case ">":
                var said = rest.replacingOccurrences(of: "\\n", with: "\n")
                if said.contains("{code}") {
                    let sent = try bot.outbox().last { $0.kind == OutboxRecord.verificationKind }
                    let code = try #require(sent.flatMap { Self.code(in: $0.body) }, "\(here): no code was sent")
                    said = said.replacingOccurrences(of: "{code}", with: code)
                }
                last = try bot.say(said, from: from, subject: subject, forwarded: forwarded)
                forwarded = nil
            case "%":
                let parts = rest.split(separator: "|", maxSplits: 1).map { $0.trimmedWhitespace() }
                let sender = try #require(parts.first, "\(here): % Name <address> | text")
                forwarded = ForwardedMessage(
                    fromName: sender.split(separator: "<").first?.trimmedWhitespace(), fromAddress: Address.email(sender),
                    body: parts.count > 1 ? parts[1].replacingOccurrences(of: "\\n", with: "\n") : "")
            case "*":
                let parts = rest.split(separator: "|", maxSplits: 1).map { $0.trimmedWhitespace() }
                let row = try bot.outbox().last { $0.recipient == parts[0] }
                #expect(
                    parts.count == 2 && row?.body.contains(parts[1]) == true,
                    "\(here): to \(parts[0]): \(row?.body ?? "nothing")")
            case "=": #expect(last?.intent == rest, "\(here): intent \(last?.intent ?? "nil")")
            case "&":
                let intents = rest.split(separator: ",").map { $0.trimmedWhitespace() }
                #expect(last?.intents == intents, "\(here): intents \(last?.intents ?? [])")
            case "<":
                #expect(last?.reply?.contains(rest) == true, "\(here): reply was \(last?.reply ?? "nil")")
            case "^":
                #expect(last?.reply?.contains(rest) == false, "\(here): reply was \(last?.reply ?? "nil")")
            case "~": #expect(last?.state == rest, "\(here): state \(last?.state ?? "nil")")
            case "-": #expect(last?.reply == nil, "\(here): expected no reply, got \(last?.reply ?? "")")
            default: Issue.record("\(here): unknown line \(line)")
            }
        }
    }
}
