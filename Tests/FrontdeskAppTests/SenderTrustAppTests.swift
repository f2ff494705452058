import Foundation
import FrontdeskApp
import FrontdeskTesting
import Testing

@Suite("FRONTDESK_AUTHSERV_ID and the command line", .serialized)
struct SenderTrustAppTests {
    func load(_ value: String?) throws -> AppConfig {
        var env = ["FRONTDESK_HOME": TestBot.root.path]
        env["FRONTDESK_AUTHSERV_ID"] = value
        return try AppConfig.load(environment: env)
    }

    @Test func authservIDsAreReadLowerCasedAndChecked() throws {
        #expect(try load(nil).authservIDs == nil)  // each provider's default
        #expect(try load(" ").authservIDs == nil)
        #expect(try load("MX.Google.com, mxa.mailgun.org").authservIDs == ["mx.google.com", "mxa.mailgun.org"])
        #expect(try load("none").authservIDs == [])
        for bad in ["mx.example.net; dmarc=pass", "a b", "mx.example.net,,x", "none,mx.google.com"] {
            #expect {
                try load(bad)
            } throws: { error in
                String(describing: error).hasPrefix("FRONTDESK_AUTHSERV_ID: ")
            }
        }
    }

    @Test func theCommandLineSpeaksForItsUserByEmailAndRefusesABadSetting() throws {
        let bin = try Binary()
        #expect(try bin.run(["demo"]).code == 0)
        // `say` is trusted by whoever runs it (AuthVerdict.trusted): an email address acts like a verified one.
        let out = try bin.json(
            try bin.run([
                "say", "--business", "demo", "--from", "alice@example.com", "--json", "when is my next billing date?",
            ])
            .out)
        #expect((out["reply"] as? String)?.contains("Unlimited Yoga") == true)
        let bad = try bin.run(
            ["say", "--business", "demo", "--from", "+15550101001", "hi"], env: ["FRONTDESK_AUTHSERV_ID": "a b"])
        #expect(bad.code == 1)
        #expect(bad.err.contains("FRONTDESK_AUTHSERV_ID: \"a b\" is not an authserv-id"))
        #expect(bad.err.split(separator: "\n").count == 1)
    }
}
