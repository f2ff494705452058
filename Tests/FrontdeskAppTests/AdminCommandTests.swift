import Foundation
import FrontdeskTesting
import Testing

@Suite("frontdesk admin and limits", .serialized)
struct AdminCommandTests {
    @Test func tokensAreCreatedOnceListedWithoutSecretsAndRevoked() throws {
        let bin = try Binary()
        #expect(try bin.run(["demo"]).code == 0)
        let made = try bin.run(["admin", "token", "create", "--business", "demo", "--label", "front desk ipad"])
        #expect(made.code == 0, "\(made.err)")
        let lines = made.out.split(separator: "\n")
        #expect(lines.count == 2)
        let token = String(lines.last ?? "")
        #expect(token.count == 43)

        let list = try bin.run(["admin", "token", "list", "--business", "demo"])
        #expect(list.code == 0)
        #expect(list.out.contains("front desk ipad"))
        #expect(list.out.contains("live"))
        #expect(!list.out.contains(token))

        let id = String(made.out.split(separator: " ")[1])
        #expect(try bin.run(["admin", "token", "revoke", id, "--business", "demo"]).code == 0)
        #expect(try bin.run(["admin", "token", "list", "--business", "demo"]).out.contains("revoked"))
        let again = try bin.run(["admin", "token", "revoke", id, "--business", "demo"])
        #expect(again.code == 1)
        #expect(again.err.contains("no live token"))

        #expect(try bin.run(["admin", "token", "create"]).code == 2)
        #expect(try bin.run(["admin", "token", "revoke", "x", "--business", "demo"]).code == 2)
        #expect(try bin.run(["admin", "token", "create", "--business", "nosuch"]).code == 1)
    }

    @Test func limitsShowSetAndReset() throws {
        let bin = try Binary()
        #expect(try bin.run(["demo"]).code == 0)
        let shown = try bin.run(["limits", "show", "--business", "demo"])
        #expect(shown.out.contains("sender_per_hour=60 (default)"))
        let set = try bin.run(["limits", "set", "sender_per_hour=5", "business_per_minute=0", "--business", "demo"])
        #expect(set.code == 0, "\(set.err)")
        #expect(set.out.contains("sender_per_hour=5 business_per_minute=off"))
        #expect(
            try bin.run(["limits", "set", "sender_per_hour=default", "--business", "demo"]).out
                .contains("sender_per_hour=60 (default)"))
        #expect(try bin.run(["limits", "set", "sender_per_hour=-1", "--business", "demo"]).code == 2)
        #expect(try bin.run(["limits", "set", "speed=5", "--business", "demo"]).code == 2)
        #expect(try bin.run(["limits", "set", "--business", "demo"]).code == 2)
    }
}
