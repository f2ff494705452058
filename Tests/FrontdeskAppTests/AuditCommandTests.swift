import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@Suite("frontdesk audit and client commands through the binary", .serialized)
struct AuditCommandTests {
    func entries(_ bin: Binary, _ args: [String]) throws -> [[String: Any]] {
        let run = try bin.run(["audit", "--business", "demo", "--json"] + args)
        #expect(run.code == 0, "\(run.err)")
        return try #require(try bin.json(run.out)["entries"] as? [[String: Any]])
    }

    @Test func auditShowsWhoDidWhatNewestFirstInTheBusinessesTimeZone() throws {
        let bin = try Binary()
        #expect(try bin.run(["demo"]).code == 0)
        #expect(try bin.run(["say", "--business", "demo", "--from", "+15550101001", "new card"]).code == 0)
        #expect(try bin.run(["say", "--business", "demo", "--from", "+15550101002", "new card"]).code == 0)
        #expect(try bin.run(["limits", "set", "sender_per_hour=9", "--business", "demo"]).code == 0)

        let all = try entries(bin, [])
        #expect(all.map { $0["action"] as? String }.first == "limits.set")
        #expect(all.last?["action"] as? String == "demo.seed")
        let ids = all.compactMap { $0["id"] as? Int }
        #expect(ids == ids.sorted(by: >))
        let limits = try #require(all.first)
        #expect(limits["actor"] as? String == "cli" && limits["via"] as? String == "cli")
        #expect((limits["before"] as? String)?.contains("(default)") == true)
        #expect((limits["after"] as? String)?.contains("sender_per_hour=9") == true)
        // Times are the business's (America/New_York), with its offset.
        let zone = try #require(TimeZone(identifier: "America/New_York"))
        let offset = zone.secondsFromGMT(for: Date()) / 3600
        let suffix = String(format: "%+03d:00", offset)
        #expect((limits["at"] as? String)?.hasSuffix(suffix) == true, "\(limits["at"] ?? "")")

        // One client's entries: the ones they acted in, and the operator's erasure of them.
        let alice = try entries(bin, ["--client", "1"])
        #expect(!alice.isEmpty)
        #expect(alice.allSatisfy { $0["actor"] as? String == "client:1" })
        #expect(try bin.run(["client", "erase", "--business", "demo", "--client", "1", "--yes"]).code == 0)
        let afterErase = try entries(bin, ["--client", "1"])
        #expect(afterErase.count == alice.count + 1)
        #expect(afterErase.first?["action"] as? String == "client.erase")
        #expect(afterErase.first?["actor"] as? String == "cli")

        #expect(try entries(bin, ["--limit", "2"]).count == 2)
        #expect(try entries(bin, ["--since", "2020-01-01"]).count == all.count + 1)
        #expect(try entries(bin, ["--since", "2999-01-01"]).isEmpty)

        let text = try bin.run(["audit", "--business", "demo", "--limit", "1"])
        #expect(text.code == 0)
        #expect(text.out.contains("\tcli\tvia cli\tclient.erase\tafter: client:1 erased"))

        for bad in [["--since", "2026-13-01"], ["--since", "yesterday"], ["--limit", "0"], ["--client", "x"]] {
            let run = try bin.run(["audit", "--business", "demo"] + bad)
            #expect(run.code == 2, "\(bad)")
            #expect(!run.err.isEmpty)
        }
        #expect(try bin.run(["audit", "--business", "demo", "--client", "999"]).code == 1)
        #expect(try bin.run(["audit", "--business", "nowhere"]).code == 1)
    }

    @Test func exportOfAnotherBusinessesClientOrAnUnknownIDIsAClearError() throws {
        let bin = try Binary()
        #expect(try bin.run(["demo"]).code == 0)
        var config = try AppConfig.load(environment: ["FRONTDESK_HOME": TestBot.root.path])
        config.dbPath = bin.db
        let store = try App(config: config, clock: SystemClock(), log: .silent).store
        let other = try store.write { c in
            let b = try c.insertBusiness(NewBusiness(slug: "other", name: "Other Studio"), now: Date())
            return try c.insertClient(
                NewClient(businessID: b, firstName: "Olga", lastName: "Other", emails: ["olga@example.com"]),
                now: Date())
        }
        let foreign = try bin.run(["client", "export", "--business", "demo", "--client", String(other)])
        #expect(foreign.code == 1)
        #expect(foreign.err.contains("no client \(other) in demo"))
        #expect(!foreign.out.contains("olga"))
        let unknown = try bin.run(["client", "export", "--business", "demo", "--client", "99999"])
        #expect(unknown.code == 1)
        #expect(unknown.err.contains("no client 99999 in demo"))
        let erase = try bin.run(["client", "erase", "--business", "demo", "--client", String(other), "--yes"])
        #expect(erase.code == 1)
        #expect(try store.read { try $0.client(id: other)?.firstName } == "Olga")
        #expect(try bin.run(["client", "export", "--business", "demo"]).code == 2)
        #expect(try bin.run(["client", "export", "--business", "demo", "--client", "-3"]).code == 2)
        #expect(try bin.run(["client", "--business", "demo", "--client", "1"]).code == 2)
        let own = try bin.run(["client", "export", "--business", "other", "--client", String(other)])
        #expect(own.code == 0)
        #expect(own.out.contains("olga@example.com"))
    }
}
