import Foundation
import FrontdeskApp
import FrontdeskChannels
import FrontdeskEngine
import FrontdeskHTTP
import FrontdeskSecurity
import FrontdeskTesting
import FrontdeskText

/// Requests to the four webhook routes, through the routes' own header checks and handlers: signature or Basic auth,
/// form or JSON fields, the mapping to an `InboundMessage`, and the pipeline on a temporary store that holds no
/// business (so every mapped message is answered 404 and nothing is written).
///
/// The first byte picks the provider (bits 0–1), whether the harness signs the request with the configured secret
/// as the provider would (bits 2–3 not both zero), and for Twilio a JSON body instead of a form (bit 4). The rest is
/// fields cut at NUL bytes: for forms, the first is the query string (Twilio) or the credentials sent when unsigned,
/// then name/value pairs; for JSON bodies, the whole rest is the body.
///
/// Checks: a handler never throws (the server would answer 500); the status is one a provider can act on (200, 400,
/// 403, 404, 415); and a request the harness did not sign is refused with 403.
final class WebhookFuzz: @unchecked Sendable {
    private static let made: Result<WebhookFuzz, FuzzFailure> = Result { () throws(FuzzFailure) in
        try WebhookFuzz()
    }

    static func shared() throws(FuzzFailure) -> WebhookFuzz { try made.get() }

    static let baseURL = "https://desk.example.test"
    static let twilioToken = "fuzz-twilio-auth-token"
    static let mailgunKey = "fuzz-mailgun-signing-key"
    static let postmarkAuth = "postmark:fuzz-secret"
    static let sendgridAuth = "sendgrid:fuzz-secret"

    enum Provider: Int, CaseIterable {
        case twilio, mailgun, sendgrid, postmark

        var path: String {
            switch self {
            case .twilio: return WebhookRoutes.twilioPath
            case .mailgun: return WebhookRoutes.mailgunPath
            case .sendgrid: return WebhookRoutes.sendgridPath
            case .postmark: return WebhookRoutes.postmarkPath
            }
        }
    }

    private let pipeline: Pipeline
    private let clock = ManualClock()
    private let settings = WebhookSettings(
        baseURL: baseURL, twilioAuthToken: twilioToken, mailgunSigningKey: mailgunKey,
        postmarkBasicAuth: postmarkAuth, sendgridBasicAuth: sendgridAuth)

    /// The real app on an empty temporary database, removed when the process exits. Its classifier learns
    /// nothing: no business, so no message is ever classified (training the real one would cost seconds a run).
    private init() throws(FuzzFailure) {
        do {
            var config = try AppConfig.load(
                environment: ["FRONTDESK_HOME": TestBot.root.path, "FRONTDESK_BASE_URL": Self.baseURL])
            config.dbPath = temporaryDatabase
            let app = try App(config: config, clock: clock, log: .silent, classifier: ExampleClassifier(examples: []))
            pipeline = app.pipeline
        } catch {
            throw FuzzFailure(.webhooks, "cannot open the app on a temporary database: \(error)")
        }
        atexit {
            for suffix in ["", "-wal", "-shm"] { unlink(temporaryDatabase + suffix) }
        }
    }

    func run(_ input: [UInt8]) throws(FuzzFailure) -> String {
        guard let selector = input.first else { return "empty" }
        let provider = Provider(rawValue: Int(selector & 3)) ?? .twilio
        let signed = (selector >> 2) & 3 != 0
        let json = provider == .postmark || (provider == .twilio && (selector >> 4) & 1 == 1)
        let request =
            json
            ? jsonRequest(provider, Array(input.dropFirst()), signed: signed)
            : formRequest(provider, FuzzInput.fields(input.dropFirst()), signed: signed)
        let status = try respond(request)
        guard [200, 400, 403, 404, 415].contains(status) else {
            throw FuzzFailure(.webhooks, "\(provider) answered HTTP \(status)")
        }
        if !signed && status != 403 {
            throw FuzzFailure(.webhooks, "\(provider) accepted a request nobody signed (HTTP \(status))")
        }
        return "\(provider) \(signed ? "signed" : "unsigned") \(json ? "JSON" : "form") → \(status)"
    }

    /// Routes `request` as the server does: the route's header check first, then its handler. A fresh replay cache
    /// each time, so the same input gives the same answer.
    private func respond(_ request: HTTPRequest) throws(FuzzFailure) -> Int {
        let routes = WebhookRoutes(
            pipeline: pipeline, settings: settings, clock: clock, replayCache: InMemoryReplayCache())
        var router = Router()
        routes.register(in: &router)
        guard case .found(let route, _) = router.match(method: request.method, path: request.path) else {
            throw FuzzFailure(.webhooks, "no route for \(request.path)")
        }
        if let check = route.headerCheck, let refusal = check(request) { return refusal.status }
        do { return try route.handler(request).status } catch {
            throw FuzzFailure(.webhooks, "\(request.path) threw \(type(of: error)) (the server answers 500)")
        }
    }

    private func formRequest(_ provider: Provider, _ fields: [ArraySlice<UInt8>], signed: Bool) -> HTTPRequest {
        let first = FuzzInput.text(fields[0])
        var pairs: [(name: String, value: String)] = []
        var index = 1
        while index < fields.count {
            let value = index + 1 < fields.count ? FuzzInput.text(fields[index + 1]) : ""
            pairs.append((name: FuzzInput.text(fields[index]), value: value))
            index += 2
        }
        var target = provider.path
        var headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
        switch provider {
        case .twilio:
            if !first.isEmpty { target += "?" + first }
            let signature =
                signed
                ? TwilioSignatureVerifier.expectedSignature(
                    authToken: Self.twilioToken, url: Self.baseURL + target, params: pairs)
                : first
            headers.add("X-Twilio-Signature", signature)
        case .mailgun:
            if signed {
                let timestamp = String(Int(clock.now().timeIntervalSince1970))
                let token = Encoding.hex(Crypto.sha256(fields.joined(separator: [FuzzInput.separator]).map { $0 }))
                let signature = Encoding.hex(Crypto.hmacSHA256(key: Self.mailgunKey, message: timestamp + token))
                pairs.removeAll { ["timestamp", "token", "signature"].contains($0.name) }
                pairs += [(name: "timestamp", value: timestamp), (name: "token", value: token)]
                pairs.append((name: "signature", value: signature))
            }
        case .sendgrid, .postmark:
            headers.add(
                "Authorization",
                signed ? Self.basic(provider == .postmark ? Self.postmarkAuth : Self.sendgridAuth) : first)
        }
        let form = HTTPForm(fields: pairs.map { HTTPFormField(name: $0.name, data: Data($0.value.utf8)) })
        let size = pairs.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 2 }
        return HTTPRequest(
            method: "POST", path: provider.path, target: target, headers: headers, form: form, bodyLength: size)
    }

    private func jsonRequest(_ provider: Provider, _ body: [UInt8], signed: Bool) -> HTTPRequest {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        var target = provider.path
        if provider == .twilio {
            // Twilio signs the URL alone, which carries the body's SHA-256.
            target += "?bodySHA256=" + Encoding.hex(Crypto.sha256(body))
            let url = Self.baseURL + target
            let signature =
                signed
                ? TwilioSignatureVerifier.expectedSignature(authToken: Self.twilioToken, url: url, params: [])
                : "unsigned"
            headers.add("X-Twilio-Signature", signature)
        } else {
            headers.add("Authorization", signed ? Self.basic(Self.postmarkAuth) : "Basic unsigned")
        }
        return HTTPRequest(method: "POST", path: provider.path, target: target, headers: headers, body: Data(body))
    }

    static func basic(_ credentials: String) -> String { "Basic " + Encoding.base64(Array(credentials.utf8)) }
}

/// Where the webhook target's database lives (a global: the exit handler cannot capture).
private let temporaryDatabase = NSTemporaryDirectory() + "frontdesk-fuzz-\(getpid())-\(UUID().uuidString).sqlite"
