import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskSecurity
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskHTTP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

private let baseURL = "https://desk.example.test"
private let twilioToken = "twilio-auth-token-for-tests"
private let mailgunKey = "key-mailgun-signing-for-tests"
private let postmarkAuth = "postmark:pm-secret"
private let sendgridAuth = "sendgrid:sg-secret"
private let adminToken = "admin-token-0123456789abcdef"
private let alice = "+15550101001"

/// The real app on a temporary database (demo data), served on an ephemeral port.
final class WebFixture: @unchecked Sendable {
    let bot: TestBot
    let web: FrontdeskWeb
    let server: HTTPServer
    let sink = LogSink()
    let logLines = Box<[String]>([])

    init(settings: WebhookSettings? = nil, router: ((FrontdeskWeb) -> Router)? = nil) throws {
        bot = try TestBot(baseURL: baseURL)
        let lines = logLines
        let log = Logger(minimum: .debug) { line in lines.update { $0.append(line) } }
        web = FrontdeskWeb(
            pipeline: bot.app.pipeline,
            webhooks: settings
                ?? WebhookSettings(
                    baseURL: baseURL, twilioAuthToken: twilioToken, mailgunSigningKey: mailgunKey,
                    postmarkBasicAuth: postmarkAuth, sendgridBasicAuth: sendgridAuth),
            adminToken: adminToken, clock: bot.clock, log: log)
        server = HTTPServer(
            router: router?(web) ?? web.router(), metrics: web.metrics, logger: sink.logger)
        try server.start()
    }

    deinit { server.stop() }

    func count(_ table: String) throws -> Int {
        try bot.count(table)
    }

    /// Everything written to logs, for checks that secrets never appear.
    var allLogs: String { (sink.lines + logLines.value).joined(separator: "\n") }
}

func formEncode(_ pairs: [(String, String)]) -> Data {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    let text = pairs.map { name, value in
        (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") + "="
            + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
    }.joined(separator: "&")
    return Data(text.utf8)
}

func basic(_ credentials: String) -> String { "Basic " + Data(credentials.utf8).base64EncodedString() }

func twilioParams(_ body: String, sid: String, from: String = alice) -> [(String, String)] {
    [
        ("MessageSid", sid), ("AccountSid", "AC0123"), ("From", from), ("To", Demo.smsNumber), ("Body", body),
        ("NumMedia", "0"),
    ]
}

func postTwilio(_ f: WebFixture, _ params: [(String, String)], signature: String? = nil) async throws
    -> ClientResponse
{
    let sig =
        signature
        ?? TwilioSignatureVerifier.expectedSignature(
            authToken: twilioToken, url: baseURL + "/webhooks/twilio", params: params.map { (name: $0.0, value: $0.1) })
    return try await fetch(
        f.server, "/webhooks/twilio", method: "POST",
        headers: ["Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": sig],
        body: formEncode(params))
}

func mailgunFields(text: String, token: String, timestamp: Int, key: String = mailgunKey) -> [(String, String)] {
    let signature = Encoding.hex(Crypto.hmacSHA256(key: key, message: "\(timestamp)\(token)"))
    return [
        ("recipient", Demo.inbox), ("sender", "alice@example.com"), ("from", "Alice Johnson <alice@example.com>"),
        ("subject", "Question"), ("body-plain", text), ("Message-Id", "<\(token)@mail.example.com>"),
        ("X-Mailgun-Spf", "Pass"), ("X-Mailgun-Dkim-Check-Result", "Pass"), ("timestamp", String(timestamp)),
        ("token", token), ("signature", signature),
    ]
}

@Suite struct WebhookTests {
    @Test func twilioSignedFormGetsAnInlineTwiMLReplyOnce() async throws {
        let f = try WebFixture()
        let params = twilioParams("when is my next billing date?", sid: "SM0001")
        let first = try await postTwilio(f, params)
        #expect(first.status == 200)
        #expect(first.headers["content-type"] == "text/xml; charset=utf-8")
        #expect(first.text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>"))
        #expect(first.text.contains("Unlimited Yoga"))
        #expect(try f.count("messages") == 1)
        #expect(try f.bot.outbox().map(\.status) == [.inline])

        // Twilio retries the same MessageSid (the first response may have been lost): the same reply again,
        // never processed twice.
        let again = try await postTwilio(f, params)
        #expect(again.status == 200)
        #expect(again.text == first.text)
        #expect(try f.count("messages") == 1)
        #expect(try f.count("outbox") == 1)
    }

    @Test func twilioBadOrMissingSignatureIs403AndStoresNothing() async throws {
        let f = try WebFixture()
        let params = twilioParams("new card", sid: "SM0002")
        let forged = try await postTwilio(f, params, signature: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        #expect(forged.status == 403)
        var tampered = params
        tampered[4] = ("Body", "cancel membership")
        let sig = TwilioSignatureVerifier.expectedSignature(
            authToken: twilioToken, url: baseURL + "/webhooks/twilio", params: params.map { (name: $0.0, value: $0.1) })
        #expect(try await postTwilio(f, tampered, signature: sig).status == 403)
        let unsigned = try await fetch(
            f.server, "/webhooks/twilio", method: "POST",
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: formEncode(params))
        #expect(unsigned.status == 403)
        #expect(try f.count("messages") == 0)
        #expect(f.logLines.value.contains { $0.contains("webhook_refused") && $0.contains("provider=twilio") })
    }

    @Test func optedOutSenderGetsAnEmptyResponse() async throws {
        let f = try WebFixture()
        let stop = try await postTwilio(f, twilioParams("STOP", sid: "SM0010"))
        #expect(stop.text.contains("<Message>"))
        let after = try await postTwilio(f, twilioParams("when is my next billing date?", sid: "SM0011"))
        #expect(after.status == 200)
        #expect(after.text.hasSuffix("<Response/>"))
    }

    @Test func twilioRestModeAnswersEmptyAndQueuesTheReply() async throws {
        let f = try WebFixture(
            settings: WebhookSettings(baseURL: baseURL, twilioAuthToken: twilioToken, twilioInlineReplies: false))
        let response = try await postTwilio(f, twilioParams("when is my next billing date?", sid: "SM0020"))
        #expect(response.text.hasSuffix("<Response/>"))
        #expect(try f.bot.outbox().map(\.status) == [.pending])
    }

    @Test func officialTwilioVectorPassesTheSignatureCheck() async throws {
        // twilio-python tests/unit/test_request_validator.py (corpus webhooks/vectors.json "twilio-default").
        let vectorParams = [
            ("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675309"), ("Digits", "1234"),
            ("From", "+14158675309"), ("To", "+18005551212"),
        ]
        let f = try WebFixture(
            settings: WebhookSettings(baseURL: "https://mycompany.com", twilioAuthToken: "12345"),
            router: { web in
                var router = Router()
                router.post("/myapp.php") { try web.webhooks.twilio($0) }
                return router
            })
        let headers = [
            "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
        ]
        let good = try await fetch(
            f.server, "/myapp.php?foo=1&bar=2", method: "POST", headers: headers, body: formEncode(vectorParams))
        // Authenticated, then refused as a message: a voice call has no MessageSid.
        #expect(good.status == 400)
        #expect(good.text == "Missing or invalid field: MessageSid.")
        let otherQuery = try await fetch(
            f.server, "/myapp.php?foo=1&bar=3", method: "POST", headers: headers, body: formEncode(vectorParams))
        #expect(otherQuery.status == 403)

        // JSON variant (vectors.json "twilio-json-body"): the URL's bodySHA256 covers the exact body bytes.
        let jsonBody = Data(#"{"property": "value", "boolean": true}"#.utf8)
        let jsonTarget =
            "/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
        let jsonHeaders = ["Content-Type": "application/json", "X-Twilio-Signature": "a9nBmqA0ju/hNViExpshrM61xv4="]
        let json = try await fetch(f.server, jsonTarget, method: "POST", headers: jsonHeaders, body: jsonBody)
        #expect(json.status == 400)
        #expect(json.text == "Missing or invalid field: MessageSid.")
        let changedBody = try await fetch(
            f.server, jsonTarget, method: "POST", headers: jsonHeaders, body: Data(#"{"property": "other"}"#.utf8))
        #expect(changedBody.status == 403)
        #expect(try f.count("messages") == 0)
    }

    @Test func unconfiguredProvidersAre503() async throws {
        let f = try WebFixture(settings: WebhookSettings(baseURL: baseURL))
        for path in ["/webhooks/twilio", "/webhooks/mailgun", "/webhooks/sendgrid", "/webhooks/postmark"] {
            let response = try await fetch(
                f.server, path, method: "POST", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: Data("a=1".utf8))
            #expect(response.status == 503, "\(path)")
        }
    }

    @Test func mailgunSignedFormIsProcessedAndReplaysAreRefused() async throws {
        let f = try WebFixture()
        let now = Int(f.bot.clock.now().timeIntervalSince1970)
        let fields = mailgunFields(text: "when is my next billing date?", token: "tok-1", timestamp: now)
        let headers = ["Content-Type": "application/x-www-form-urlencoded"]
        let first = try await fetch(
            f.server, "/webhooks/mailgun", method: "POST", headers: headers, body: formEncode(fields))
        #expect(first.status == 200)
        let outbox = try f.bot.outbox()
        #expect(outbox.count == 1)
        #expect(outbox.first?.recipient == "alice@example.com")
        #expect(outbox.first?.subject == "Re: Question")

        let replay = try await fetch(
            f.server, "/webhooks/mailgun", method: "POST", headers: headers, body: formEncode(fields))
        #expect(replay.status == 403)
        let stale = mailgunFields(text: "hi", token: "tok-2", timestamp: now - 3600)
        #expect(
            try await fetch(f.server, "/webhooks/mailgun", method: "POST", headers: headers, body: formEncode(stale))
                .status == 403)
        let wrongKey = mailgunFields(text: "hi", token: "tok-3", timestamp: now, key: "other")
        #expect(
            try await fetch(f.server, "/webhooks/mailgun", method: "POST", headers: headers, body: formEncode(wrongKey))
                .status == 403)
        #expect(try f.count("messages") == 1)
    }

    @Test func storeReplayCacheRemembersTokensAcrossInstances() throws {
        let bot = try TestBot()
        let now = bot.clock.now()
        let first = StoreReplayCache(store: bot.app.store)
        #expect(first.insert("tok-a", expiresAt: now.addingTimeInterval(300), now: now))
        #expect(!first.insert("tok-a", expiresAt: now.addingTimeInterval(300), now: now))
        // A new instance (a restarted process) still refuses it.
        let second = StoreReplayCache(store: bot.app.store)
        #expect(!second.insert("tok-a", expiresAt: now.addingTimeInterval(300), now: now.addingTimeInterval(60)))
        #expect(second.insert("tok-b", expiresAt: now.addingTimeInterval(300), now: now))
        // After the retention the row is pruned (the verifier's time window refuses such a token anyway).
        #expect(second.insert("tok-a", expiresAt: now.addingTimeInterval(2000), now: now.addingTimeInterval(1000)))
    }

    @Test func mailgunMultipartWithAnAttachment() async throws {
        let f = try WebFixture()
        let now = Int(f.bot.clock.now().timeIntervalSince1970)
        var parts = mailgunFields(text: "new card", token: "tok-mp", timestamp: now).map {
            (name: $0.0, filename: String?.none, type: String?.none, value: Data($0.1.utf8))
        }
        parts.append(
            (
                name: "attachment-1", filename: "scan.pdf", type: "application/pdf",
                value: Data(repeating: 7, count: 2_000_000)
            ))
        let body = multipartBody(boundary: "mgb", parts: parts)
        let response = try await fetch(
            f.server, "/webhooks/mailgun", method: "POST",
            headers: ["Content-Type": "multipart/form-data; boundary=mgb"],
            body: body)
        #expect(response.status == 200)
        #expect(try f.bot.outbox().first?.body.contains(baseURL + "/l/") == true)
        // Past the 1 MiB spool threshold: the body went to a temporary file and the attachment was not kept.
        #expect(f.server.resourceUsage.spooledRequests == 1)
        #expect(f.server.resourceUsage.bodyMemoryPeak < 64 << 10)
    }

    @Test func sendgridCorpusPayloadWithBasicAuth() async throws {
        let f = try WebFixture()
        let corpus = try fixtureText("sendgrid_default_data.form")
        // The corpus file has bare LF line ends; on the wire multipart uses CRLF (RFC 2046 §5.1.1).
        let wire = corpus.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
            .replacingOccurrences(of: "inbound@inbound.example.com", with: Demo.inbox)
        let headers = ["Content-Type": "multipart/form-data; boundary=xYzZY", "Authorization": basic(sendgridAuth)]
        let response = try await fetch(
            f.server, "/webhooks/sendgrid", method: "POST", headers: headers, body: Data(wire.utf8))
        #expect(response.status == 200)
        #expect(try f.count("messages") == 1)

        var wrong = headers
        wrong["Authorization"] = basic("sendgrid:nope")
        let refused = try await fetch(
            f.server, "/webhooks/sendgrid", method: "POST", headers: wrong, body: Data(wire.utf8))
        #expect(refused.status == 403)
        #expect(try f.count("messages") == 1)
    }

    @Test func postmarkCorpusJSONWithBasicAuth() async throws {
        let f = try WebFixture()
        let corpus = try fixtureText("postmark_inbound_postmark-gem_spec.json")
        let json = corpus.replacingOccurrences(
            of: "451d9b70cf9364d23ff6f9d51d870251569e+ahoy@inbound.postmarkapp.com", with: Demo.inbox)
        let headers = ["Content-Type": "application/json", "Authorization": basic(postmarkAuth)]
        let response = try await fetch(
            f.server, "/webhooks/postmark", method: "POST", headers: headers, body: Data(json.utf8))
        #expect(response.status == 200)
        #expect(try f.count("messages") == 1)
        let duplicate = try await fetch(
            f.server, "/webhooks/postmark", method: "POST", headers: headers, body: Data(json.utf8))
        #expect(duplicate.status == 200)
        #expect(try f.count("messages") == 1)
        let refused = try await fetch(
            f.server, "/webhooks/postmark", method: "POST", headers: ["Content-Type": "application/json"],
            body: Data(json.utf8))
        #expect(refused.status == 403)
    }

    @Test func unknownRecipientAndBrokenPayloads() async throws {
        let f = try WebFixture()
        var params = twilioParams("hello", sid: "SM0030")
        params[3] = ("To", "+15559999999")
        #expect(try await postTwilio(f, params).status == 404)
        let noFrom = [("MessageSid", "SM0031"), ("To", Demo.smsNumber), ("Body", "x")]
        let missing = try await postTwilio(f, noFrom)
        #expect(missing.status == 400)
        #expect(missing.text == "Missing or invalid field: From.")
        let badJSON = try await fetch(
            f.server, "/webhooks/postmark", method: "POST",
            headers: ["Content-Type": "application/json", "Authorization": basic(postmarkAuth)], body: Data("{".utf8))
        #expect(badJSON.status == 400)
        #expect(try f.count("messages") == 0)
    }

    @Test func twimlEscapesMarkup() {
        let response = WebhookRoutes.twiml("a < b & \"c\"\u{01}")
        #expect(
            String(decoding: response.body, as: UTF8.self).contains("<Message>a &lt; b &amp; &quot;c&quot;</Message>"))
    }
}

@Suite struct LinkPageTests {
    private func linkPath(_ url: String) throws -> String {
        let path = try #require(url.components(separatedBy: baseURL).last)
        #expect(path.hasPrefix("/l/"))
        return path
    }

    @Test func cardLinkGetTwiceThenPostOnceThenPostAgain() async throws {
        let f = try WebFixture()
        let link = try #require(try f.bot.say("new card", from: alice).links.first)
        let path = try linkPath(link.url)

        for _ in 0..<2 {
            let page = try await fetch(f.server, path)
            #expect(page.status == 200)
            #expect(page.text.contains("Update your card"))
            #expect(page.text.contains("Visa •••• 4242"))
            #expect(page.text.contains("Unlimited Yoga"))
            #expect(page.headers["content-security-policy"]?.hasPrefix("default-src 'none'") == true)
            #expect(page.headers["cache-control"] == "no-store")
            #expect(page.headers["referrer-policy"] == "no-referrer")
        }
        let form = ["Content-Type": "application/x-www-form-urlencoded"]
        let typo = try await fetch(
            f.server, path, method: "POST", headers: form,
            body: formEncode([
                ("number", "5555 5555 5555 4445"), ("exp_month", "12"), ("exp_year", "2030"), ("cvc", "123"),
            ]))
        #expect(typo.status == 422)
        #expect(typo.text.contains("Please check the card number."))
        #expect(!typo.text.contains("5555"))

        let good = formEncode([
            ("number", "5555 5555 5555 4444"), ("exp_month", "12"), ("exp_year", "2030"), ("cvc", "123"),
        ])
        let done = try await fetch(f.server, path, method: "POST", headers: form, body: good)
        #expect(done.status == 200)
        #expect(done.text.contains("Card updated"))
        #expect(done.text.contains("Mastercard ending in 4444"))
        let card = try f.bot.app.store.read { c -> PaymentMethod? in
            let client = try #require(try c.client(businessID: 1, address: alice, channel: .sms))
            return try c.defaultPaymentMethod(clientID: client.id)
        }
        #expect(card?.last4 == "4444")
        #expect(card?.brand == "Mastercard")
        let stored = try f.bot.app.store.read { c in
            try c.client(businessID: 1, address: alice, channel: .sms).flatMap {
                try c.defaultProcessorToken(clientID: $0.id)
            }
        }
        #expect(stored != nil)
        #expect(stored?.contains("5555") == false)

        let again = try await fetch(f.server, path, method: "POST", headers: form, body: good)
        #expect(again.status == 410)
        #expect(again.text.contains("already been used"))
        let token = String(path.dropFirst(3))
        #expect(!f.allLogs.contains(token))
        #expect(!f.allLogs.contains("5555"))
        #expect(f.sink.lines.contains { $0.hasPrefix("http POST /l/… 200 ") })
    }

    @Test func forgedAndExpiredLinks() async throws {
        let f = try WebFixture()
        let forged = try await fetch(f.server, "/l/" + String(repeating: "A", count: 43))
        #expect(forged.status == 404)
        #expect(forged.text.contains("not valid"))
        #expect(try await fetch(f.server, "/l/%3Cscript%3E").status == 404)

        let link = try #require(try f.bot.say("new card", from: alice).links.first)
        f.bot.clock.advance(minutes: 31)
        let expired = try await fetch(f.server, try linkPath(link.url))
        #expect(expired.status == 410)
        #expect(expired.text.contains("expired"))
        #expect(expired.text.contains("Maple"))
    }

    @Test func cancellationLinkCancelsOnceWithReason() async throws {
        let f = try WebFixture()
        try f.bot.set("cancel", ["allowed": .bool(true), "confirm": .string("link")])
        let link = try #require(try f.bot.say("cancel membership", from: alice).links.first)
        let path = try linkPath(link.url)
        let page = try await fetch(f.server, path)
        #expect(page.status == 200)
        #expect(page.text.contains("Unlimited Yoga"))
        #expect(page.text.contains("stays active until"))
        let form = ["Content-Type": "application/x-www-form-urlencoded"]
        let done = try await fetch(
            f.server, path, method: "POST", headers: form, body: formEncode([("reason", "moving away")]))
        #expect(done.status == 200)
        #expect(done.text.contains("Membership cancelled"))
        let row = try f.bot.membership(clientID: 1)
        #expect(row?.status == .pendingCancel)
        #expect(row?.cancelReason == "moving away")
        // One code path with the YES by reply, one audit name.
        #expect(try f.bot.audit("membership.cancel").map(\.via) == ["link"])
        #expect(
            try await fetch(f.server, path, method: "POST", headers: form, body: formEncode([("reason", "x")])).status
                == 410)
    }

    @Test func pageMarkupEscapesStoredValues() {
        #expect(LinkHTML.escape("<b>\"x\" & 'y'</b>") == "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;")
        #expect(LinkHTML.safeColor("red;}body{display:none") == "#334155")
        #expect(LinkHTML.safeColor("#0A7") == "#0A7")
        #expect(LinkHTML.safeLogo("javascript:alert(1)") == nil)
        #expect(LinkHTML.safeLogo("https://cdn.example/logo.png") == "https://cdn.example/logo.png")
    }
}

@Suite struct AdminAndOpsTests {
    private let auth = ["Authorization": "Bearer \(adminToken)"]

    @Test func adminNeedsABearerToken() async throws {
        let f = try WebFixture()
        let none = try await fetch(f.server, "/admin/businesses")
        #expect(none.status == 401)
        #expect(none.headers["www-authenticate"] == "Bearer")
        #expect(
            try await fetch(f.server, "/admin/businesses", headers: ["Authorization": "Bearer wrong-token-000000"])
                .status == 401)
        let ok = try await fetch(f.server, "/admin/businesses", headers: auth)
        #expect(ok.status == 200)
        #expect(ok.text.contains("\"slug\":\"demo\""))
    }

    @Test func storedTokenHashesAreAccepted() async throws {
        let f = try WebFixture()
        let (token, hash) = try AdminToken.generate()
        try f.bot.app.store.write { _ = try $0.insertAdminToken(hash: hash, businessID: 1, label: "ci", now: Date()) }
        #expect(
            try await fetch(f.server, "/admin/businesses", headers: ["Authorization": "Bearer \(token)"]).status == 200)
    }

    @Test func pluginsCanBeToggledAndConfigured() async throws {
        let f = try WebFixture()
        let disable = try await fetch(
            f.server, "/admin/businesses/demo/plugins/invoices/disable", method: "POST", headers: auth)
        #expect(disable.status == 200)
        let list = try await fetch(f.server, "/admin/businesses/demo/plugins", headers: auth)
        let plugins = try #require(try JSONSerialization.jsonObject(with: list.body) as? [[String: Any]])
        #expect(plugins.first { $0["id"] as? String == "invoices" }?["enabled"] as? Bool == false)

        let json = ["Content-Type": "application/json"].merging(auth) { a, _ in a }
        let set = try await fetch(
            f.server, "/admin/businesses/demo/plugins/cancel/settings", method: "POST", headers: json,
            body: Data(#"{"allowed": true, "mode": "immediate", "ttl_minutes": 15}"#.utf8))
        #expect(set.status == 200)
        #expect(set.text.contains("\"mode\":\"immediate\""))
        let badKey = try await fetch(
            f.server, "/admin/businesses/demo/plugins/cancel/settings", method: "POST", headers: json,
            body: Data(#"{"nope": 1}"#.utf8))
        #expect(badKey.status == 422)
        let badValue = try await fetch(
            f.server, "/admin/businesses/demo/plugins/cancel/settings", method: "POST", headers: json,
            body: Data(#"{"mode": "sometimes"}"#.utf8))
        #expect(badValue.status == 422)
        #expect(try await fetch(f.server, "/admin/businesses/nope/plugins", headers: auth).status == 404)
        #expect(
            try await fetch(f.server, "/admin/businesses/demo/plugins/nope/enable", method: "POST", headers: auth)
                .status == 404)
    }

    @Test func clientImportIsAllOrNothing() async throws {
        let f = try WebFixture()
        let json = ["Content-Type": "application/json"].merging(auth) { a, _ in a }
        let before = try f.count("clients")
        let ok = try await fetch(
            f.server, "/admin/businesses/demo/clients", method: "POST", headers: json,
            body: Data(
                #"[{"first_name":"Zoe","last_name":"Ash","phone":"(555) 010-9999","email":"Zoe@Example.com"}]"#.utf8))
        #expect(ok.status == 201)
        #expect(try f.count("clients") == before + 1)
        let duplicate = try await fetch(
            f.server, "/admin/businesses/demo/clients", method: "POST", headers: json,
            body: Data(
                #"[{"first_name":"Yan","email":"yan@example.com"},{"first_name":"Zed","email":"zoe@example.com"}]"#.utf8
            ))
        #expect(duplicate.status == 409)
        #expect(try f.count("clients") == before + 1)
        let invalid = try await fetch(
            f.server, "/admin/businesses/demo/clients", method: "POST", headers: json,
            body: Data(#"[{"last_name":"x"}]"#.utf8))
        #expect(invalid.status == 422)
    }

    @Test func healthzAndMetrics() async throws {
        let f = try WebFixture()
        let health = try await fetch(f.server, "/healthz")
        #expect(health.status == 200)
        #expect(health.text == "ok\n")
        _ = try await postTwilio(f, twilioParams("when is my next billing date?", sid: "SM0100"))
        let metrics = try await fetch(f.server, "/metrics", headers: auth)
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("frontdesk_http_requests_total{route=\"/healthz\",status=\"200\"} 1"))
        #expect(metrics.text.contains("frontdesk_http_requests_total{route=\"/webhooks/twilio\",status=\"200\"} 1"))
        #expect(metrics.text.contains("frontdesk_outbox_items{status=\"inline\"} 1"))
    }
}

/// A webhook payload from the repository's fixtures (Tests/Fixtures/corpus/webhooks, see Tests/Fixtures/SOURCES.md).
func fixtureText(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/corpus/webhooks/\(name)")
    return try String(contentsOf: url, encoding: .utf8)
}
