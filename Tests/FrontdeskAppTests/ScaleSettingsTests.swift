import Foundation
import FrontdeskCore
import FrontdeskSQLite
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskApp

@Suite("demo --clients and the store's settings", .serialized)
struct ScaleSettingsTests {
    @Test func demoClientsAreDeterministicWithMembershipsAndInvoicesAndSeededOnce() throws {
        let bin = try Binary()
        let made = try bin.run(["demo", "--clients", "300", "--messages", "500"])
        #expect(made.code == 0, "\(made.err)")
        #expect(made.err.contains("300 extra clients and 500 stored messages added"))
        #expect(made.err.contains("demo: clients 300/300"))
        // The table shows the demo's own people and counts the rest.
        #expect(made.out.contains("… and 300 more clients (phones from +15552000001)"))
        #expect(!made.out.contains("+15552000001 "))
        let status = try bin.run(["db", "status"])
        #expect(status.out.contains("clients\t322"))
        #expect(status.out.contains("messages\t500"))
        #expect(status.out.contains("integrity: ok"))
        // Running it again adds nothing.
        let again = try bin.run(["demo", "--clients", "300", "--messages", "500"])
        #expect(again.err.contains("0 extra clients and 0 stored messages added"))
        #expect(try bin.run(["db", "status"]).out.contains("clients\t322"))

        // Extra client 7 is the same person every time: Hugo Abbott, Class Pack 10 (paused), Discover 0007.
        let say = try bin.run(["say", "--business", "demo", "--from", "+15552000007", "what plan am I on"])
        #expect(say.code == 0, "\(say.err)")
        #expect(say.out.contains("Hi Hugo"))
        #expect(say.out.contains("Class Pack 10 (paused)"))
        #expect(say.out.contains("Discover ending 0007"))
        let invoices = try bin.run(["say", "--business", "demo", "--from", "+15552000001", "send my invoices"])
        #expect(invoices.out.contains("X1-"))
    }

    @Test func demoClientOptionsAreChecked() throws {
        let bin = try Binary()
        for bad in [["--clients", "-1"], ["--clients", "many"], ["--clients", "9000000"], ["--messages", "5"]] {
            let out = try bin.run(["demo"] + bad)
            #expect(out.code == 2, "\(bad)")
            #expect(out.err.split(separator: "\n").count == 1)
        }
        #expect(!FileManager.default.fileExists(atPath: bin.db))
    }

    @Test func storeSettingsAreReadAndBadOnesNamed() throws {
        let root = TestBot.root.path
        let defaults = try AppConfig.load(environment: ["FRONTDESK_HOME": root]).storeOptions
        #expect(defaults == StoreOptions(durable: true, busyTimeoutMilliseconds: 5000, maxBytes: nil))
        let set = try AppConfig.load(environment: [
            "FRONTDESK_HOME": root, "FRONTDESK_DB_SYNCHRONOUS": "normal", "FRONTDESK_DB_BUSY_TIMEOUT": "250",
            "FRONTDESK_DB_MAX_SIZE": "64M",
        ]).storeOptions
        #expect(set == StoreOptions(durable: false, busyTimeoutMilliseconds: 250, maxBytes: 64 << 20))
        for (name, value) in [
            ("FRONTDESK_DB_SYNCHRONOUS", "off"), ("FRONTDESK_DB_BUSY_TIMEOUT", "soon"),
            ("FRONTDESK_DB_BUSY_TIMEOUT", "-1"), ("FRONTDESK_DB_MAX_SIZE", "10K"), ("FRONTDESK_DB_MAX_SIZE", "big"),
        ] {
            #expect {
                try AppConfig.load(environment: ["FRONTDESK_HOME": root, name: value])
            } throws: { "\($0)".contains(name) }
        }
    }

    @Test func httpModelSettings() throws {
        let pool = try ServerLimits.configuration(host: "127.0.0.1", port: 0, environment: [:])
        #expect(!pool.threadPerConnection && pool.handlerThreads == 64)
        let threads = try ServerLimits.configuration(
            host: "127.0.0.1", port: 0,
            environment: ["FRONTDESK_HTTP_MODEL": "thread-per-connection", "FRONTDESK_HTTP_HANDLER_THREADS": "8"])
        #expect(threads.threadPerConnection && threads.handlerThreads == 8)
        for (name, value) in [("FRONTDESK_HTTP_MODEL", "fibers"), ("FRONTDESK_HTTP_HANDLER_THREADS", "100000")] {
            #expect {
                try ServerLimits.configuration(host: "127.0.0.1", port: 0, environment: [name: value])
            } throws: { "\($0)".contains(name) }
        }
    }

    @Test func theSettingsReachTheSQLiteStore() throws {
        let path = NSTemporaryDirectory() + "fd-options-\(UUID().uuidString).sqlite"
        let durable = try #require(try StoreOpening.open(path) as? SQLiteStore)
        #expect(durable.options.synchronous == .full)
        #expect(durable.options.busyTimeoutMilliseconds == 5000 && durable.options.maxBytes == nil)
        let relaxed = try #require(
            try StoreOpening.open(
                path, options: StoreOptions(durable: false, busyTimeoutMilliseconds: 9, maxBytes: 1 << 30))
                as? SQLiteStore)
        #expect(relaxed.options.synchronous == .normal)
        #expect(relaxed.options.busyTimeoutMilliseconds == 9 && relaxed.options.maxBytes == 1 << 30)
    }
}
