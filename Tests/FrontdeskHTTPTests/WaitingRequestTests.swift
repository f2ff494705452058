import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskEngine
import FrontdeskPlugins
import FrontdeskSecurity
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskHTTP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

private let baseURL = "https://desk.example.test"
private let token = "twilio-token-for-waiting-tests"

/// A route whose handler waits until released, as a webhook waits for its commit.
private final class Gate: @unchecked Sendable {
    let entered = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)

    func router() -> Router {
        var router = Router()
        router.post("/slow") { [self] _ in
            entered.signal()
            release.wait()
            return .text("done")
        }
        router.get("/fast") { _ in .text("fast") }
        return router
    }
}

/// The store, failing every write as `kind` (a full disk, a lock held by another program).
private final class FailingStore: Store, @unchecked Sendable {
    let inner: any Store
    let kind: StoreError.Kind

    init(_ inner: any Store, failing kind: StoreError.Kind) {
        self.inner = inner
        self.kind = kind
    }

    var location: String { inner.location }
    func write<T>(_ body: (any UnitOfWork) throws -> T) throws -> T {
        throw StoreError(kind, "database or disk is full", code: 13)
    }
    func read<T>(_ body: (any UnitOfWork) throws -> T) throws -> T { try inner.read(body) }
    func tableCounts() throws -> [String: Int] { try inner.tableCounts() }
    func integrityProblems() throws -> [String] { try inner.integrityProblems() }
    func scrubRedactedText() throws { try inner.scrubRedactedText() }
}

private func signedTwilio(_ server: HTTPServer, sid: String, from: String = "+15550101001") async throws
    -> ClientResponse
{
    let params = [
        ("MessageSid", sid), ("AccountSid", "AC0123"), ("From", from), ("To", Demo.smsNumber),
        ("Body", "when is my next billing date?"),
    ]
    let signature = TwilioSignatureVerifier.expectedSignature(
        authToken: token, url: baseURL + "/webhooks/twilio", params: params.map { (name: $0.0, value: $0.1) })
    return try await fetch(
        server, "/webhooks/twilio", method: "POST",
        headers: ["Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature],
        body: formEncode(params))
}

/// The web app over `pipeline`, served on an ephemeral port, its log lines kept.
private func serve(_ pipeline: Pipeline, clock: any Clock, lines: Box<[String]>) throws -> HTTPServer {
    let log = Logger(minimum: .debug) { line in lines.update { $0.append(line) } }
    let web = FrontdeskWeb(
        pipeline: pipeline, webhooks: WebhookSettings(baseURL: baseURL, twilioAuthToken: token), clock: clock, log: log)
    let server = HTTPServer(router: web.router(), metrics: web.metrics)
    try server.start()
    return server
}

@Suite("Requests that wait for the store")
struct WaitingRequestTests {
    /// One polling thread and handler threads (were the waiting handler on the polling thread, nothing else could be
    /// answered), or a thread per connection.
    static let models: [HTTPServerConfiguration] = {
        var pool = HTTPServerConfiguration()
        pool.threadPoolSize = 1
        pool.handlerThreads = 2
        var perConnection = HTTPServerConfiguration()
        perConnection.threadPerConnection = true
        return [pool, perConnection]
    }()

    @Test(arguments: models)
    func aRequestWaitingInItsHandlerHoldsNoThreadOthersNeed(_ model: HTTPServerConfiguration) throws {
        var configuration = model
        // The handler waits for the rest of the test, which a loaded parallel run can stretch past the usual deadline.
        configuration.requestDeadlineSeconds = 600
        let gate = Gate()
        let server = try startServer(gate.router(), configuration: configuration)
        defer { server.stop() }
        // Synchronous, on plain sockets and threads of its own: nothing here waits for Swift's task pool, which other
        // tests of a parallel run may keep busy for minutes.
        let slowDone = DispatchSemaphore(value: 0)
        let slow = Box<(status: Int, response: String)?>(nil)
        Thread.detachNewThread {
            slow.value = try? rawExchange(
                server,
                "POST /slow HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 3\r\nConnection: close\r\n\r\na=b",
                timeoutSeconds: 600)
            slowDone.signal()
        }
        #expect(gate.entered.wait(timeout: .now() + 120) == .success)
        let fast = try? rawExchange(server, "GET /fast HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(fast?.status == 200 && fast?.response.hasSuffix("fast") == true)
        gate.release.signal()
        #expect(slowDone.wait(timeout: .now() + 120) == .success)
        let done = slow.value
        #expect(done?.status == 200 && done?.response.hasSuffix("done") == true, "\(String(describing: done))")
    }

    @Test func aWebhookTheStoreCannotKeepIsRefusedWith503AndALogLineNamingTheCause() async throws {
        let bot = try TestBot(baseURL: baseURL)
        for (kind, cause) in [(StoreError.Kind.full, "is full"), (.busy, "FRONTDESK_DB_BUSY_TIMEOUT")] {
            let pipeline = Pipeline(
                store: FailingStore(bot.app.store, failing: kind), catalog: bot.app.catalog,
                classifier: try TestBot.sharedClassifier(), clock: bot.clock, links: LinkIssuer(baseURL: baseURL))
            let lines = Box<[String]>([])
            let server = try serve(pipeline, clock: bot.clock, lines: lines)
            defer { server.stop() }
            let response = try await signedTwilio(server, sid: "SMfail-\(kind.rawValue)")
            #expect(response.status == 503)
            #expect(response.headers["retry-after"] == "30")
            #expect(response.text.contains("nothing was kept"))
            let line = lines.value.first { $0.contains("webhook_not_stored") }
            #expect(line?.contains("reason=\(kind.rawValue)") == true, "\(lines.value)")
            #expect(line?.contains(cause) == true)
        }
        #expect(try bot.count("messages") == 0)
    }

    @Test func whenTheDatabaseReachesItsSizeLimitWebhooksGet503AndNothingHalfWritten() async throws {
        let seeded = try TestBot(baseURL: baseURL)
        let size = try #require(
            try FileManager.default.attributesOfItem(atPath: seeded.dbPath)[.size] as? Int)
        // The same file opened again with a limit a few pages above its size (as FRONTDESK_DB_MAX_SIZE would).
        let limited = try TestBot(
            seed: false, baseURL: baseURL, dbPath: seeded.dbPath, storeOptions: StoreOptions(maxBytes: size + 16_384))
        let lines = Box<[String]>([])
        let server = try serve(limited.app.pipeline, clock: limited.clock, lines: lines)
        defer { server.stop() }
        var answered = 0
        var refused = 0
        for i in 0..<400 where refused < 3 {
            let response = try await signedTwilio(server, sid: "SMlimit\(i)", from: "+155501010\(10 + i % 12)")
            switch response.status {
            case 200:
                #expect(response.text.contains("<Message>"))
                answered += 1
            case 503: refused += 1
            default: Issue.record("HTTP \(response.status): \(response.text)")
            }
        }
        #expect(refused == 3)
        #expect(lines.value.contains { $0.contains("webhook_not_stored") && $0.contains("reason=full") })
        // Every acknowledged message is there with its reply; no refused one left a row.
        #expect(try limited.count("messages") == answered)
        #expect(try limited.app.store.integrityProblems().isEmpty)
        withExtendedLifetime(seeded) {}
    }
}
