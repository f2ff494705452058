import Foundation
import FrontdeskChannels
import FrontdeskConsole
import FrontdeskCore
import FrontdeskHTTP
import FrontdeskSecurity
import FrontdeskStore

extension Commands {
    /// `serve [--db PATH] [--port N] [--host ADDR] [--config FILE] [--demo]`: the HTTP server and the outbox worker,
    /// until SIGTERM or SIGINT.
    func serve(_ args: [String]) throws {
        // Signals are blocked before any thread starts, so libmicrohttpd's and the worker's threads inherit
        // the mask and only `sigwait` below sees them (TOOLCHAIN.md: DispatchSource handlers fail in release).
        let waiter = SignalWaiter()
        let a = try Arguments(args, options: ["db", "port", "host", "config"], switches: ["demo"])
        guard a.positionals.isEmpty else { throw CLIError.usage("serve takes no arguments") }
        var port: Int?
        if let p = a["port"] {
            guard let n = Int(p), (0...65535).contains(n) else { throw CLIError.usage("--port must be 0...65535") }
            port = n
        }
        var config: AppConfig
        do {
            config = try AppConfig.load(
                environment: environment, configFile: a["config"], dbOverride: a["db"], portOverride: port)
        } catch let error as AppConfig.ConfigError {
            throw CLIError.failure(error.description)
        }
        if let host = a["host"] { config.host = host }
        let limits = try ServerLimits.configuration(
            host: config.host, port: UInt16(config.port), environment: environment)
        try checkDatabasePath(config.dbPath)
        let demo = a.has("demo")
        if demo { config.secrets = DemoSecrets.fill(config.secrets) }
        if demo { config.authservIDs = DemoSecrets.authservIDs(config.authservIDs) }
        let log = Logger.standardError(minimum: config.logLevel)
        let app = try App(config: config, clock: clock, log: log)
        if demo { try Demo.seed(app.store, now: clock.now()) }

        let secrets = config.secrets
        // A Basic-auth secret that does not parse (a comma inside a password splits it) would silently switch its
        // webhook off; refuse to start instead.
        for (name, value) in [
            ("FRONTDESK_POSTMARK_BASIC_AUTH", secrets.postmarkBasicAuth),
            ("FRONTDESK_SENDGRID_BASIC_AUTH", secrets.sendgridBasicAuth),
        ] {
            if let value, BasicAuthVerifier(credentials: value) == nil {
                throw CLIError.failure(
                    "\(name) must be user:password values separated by commas (a password cannot contain a comma)")
            }
        }
        var senders: [Channel: any MessageSender] = [:]
        // Several comma-separated tokens are accepted on webhooks (rotation); the first one authenticates sends.
        if let sid = secrets.twilioAccountSID, let token = SecretList.current(secrets.twilioAuthToken) {
            do {
                senders[.sms] = try TwilioRESTSender(accountSID: sid, authToken: token)
            } catch {
                throw CLIError.failure("Twilio REST credentials are not usable: \(error)")
            }
        }
        if let url = secrets.smtpURL {
            do {
                senders[.email] = SMTPSender(configuration: try SMTPConfiguration(url: url))
            } catch {
                throw CLIError.failure("FRONTDESK_SMTP_URL is not usable: \(error)")
            }
        } else if let key = secrets.mailgunAPIKey, let domain = secrets.mailgunDomain {
            do {
                senders[.email] = try MailgunSender(domain: domain, apiKey: key)
            } catch {
                throw CLIError.failure("Mailgun API settings are not usable: \(error)")
            }
        }
        let web = FrontdeskWeb(
            pipeline: app.pipeline,
            webhooks: WebhookSettings(
                baseURL: config.baseURL, twilioAuthToken: secrets.twilioAuthToken,
                mailgunSigningKey: secrets.mailgunSigningKey, postmarkBasicAuth: secrets.postmarkBasicAuth,
                sendgridBasicAuth: secrets.sendgridBasicAuth, twilioInlineReplies: senders[.sms] == nil,
                inboundOptions: InboundOptions(authservIDs: config.authservIDs)),
            adminToken: secrets.adminToken, metricsToken: secrets.metricsToken, clock: clock, log: log,
            replayCache: StoreReplayCache(store: app.store))
        let console: Console
        do {
            console = try Console(
                pipeline: app.pipeline,
                settings: try ConsoleSettings.load(environment: environment, baseURL: config.baseURL, demo: demo),
                root: config.root, adminToken: secrets.adminToken, clock: clock, log: log)
        } catch let error as ConsoleSettings.SettingError {
            throw CLIError.failure(error.description)
        }
        var router = web.router()
        console.register(in: &router)
        let server = HTTPServer(
            configuration: limits, router: router, metrics: web.metrics,
            logger: { event in log.info("http", ["event": event.description]) })
        var policy = OutboxPolicy()
        policy.senderInterval[.sms] = try NoticeSchedule.smsInterval(environment)
        let worker = OutboxWorker(
            store: try StoreOutbox(store: app.store), senders: senders, policy: policy, clock: clock,
            log: { line in log.info("outbox", ["event": line]) })
        let reminders = NoticeSchedule(
            notices: app.pipeline.notices, clock: clock, log: log, interval: try NoticeSchedule.interval(environment))
        do {
            try server.start()
        } catch {
            throw CLIError.failure("\(error)")
        }
        worker.start()
        // Train the classifier now rather than on the first webhook, beside serving: health checks, link pages and the
        // admin API answer at once, and a webhook that comes before the model is ready waits for it.
        Thread.detachNewThread { [app] in
            app.pipeline.warmUp()
            // Training's scratch memory goes back to the system rather than staying in this thread's heap.
            Memory.returnFreePages()
        }
        // Each business's retention of message texts: shortly after start, then daily.
        let retention = RetentionSchedule(store: app.store, clock: clock, log: log)
        retention.start()
        reminders.start()
        output(
            "Frontdesk listening on http://\(config.host):\(server.port) (public URL \(config.baseURL), database \(config.dbPath))"
        )
        if senders[.sms] == nil {
            output("SMS replies: inline TwiML (set FRONTDESK_TWILIO_ACCOUNT_SID to send through the REST API)")
        }
        if senders[.email] == nil {
            output("Email replies: queued in the outbox until FRONTDESK_SMTP_URL is set (see `frontdesk outbox list`)")
        }
        if demo { output(try DemoSecrets.instructions(app: app, port: Int(server.port))) }
        if demo { output(try DemoSecrets.console(console, app: app)) }
        fflush(nil)
        let signal = waiter.wait()
        output("signal \(signal): stopping (finishing requests in flight)")
        server.stop()
        worker.stop()
        retention.stop()
        reminders.stop()
        output("stopped")
    }
}

/// Made-up secrets for `serve --demo`, printed so the curl commands can be pasted as they are.
enum DemoSecrets {
    static let twilioAuthToken = "demo-twilio-auth-token"
    static let mailgunSigningKey = "demo-mailgun-signing-key"
    static let postmark = "postmark:demo-password"
    static let sendgrid = "sendgrid:demo-password"
    static let adminToken = "demo-admin-token-please-change"

    /// The made-up receiving host whose Authentication-Results the demo's Postmark command carries.
    static let authservID = "mx.demo.example"

    /// Under `--demo`, unless the operator named ids: every provider's default and the demo's made-up host.
    static func authservIDs(_ configured: Set<String>?) -> Set<String> {
        configured ?? InboundOptions.defaultAuthServIDs.values.reduce([authservID]) { $0.union($1) }
    }

    static func fill(_ s: AppConfig.Secrets) -> AppConfig.Secrets {
        var s = s
        s.twilioAuthToken = s.twilioAuthToken ?? twilioAuthToken
        s.mailgunSigningKey = s.mailgunSigningKey ?? mailgunSigningKey
        s.postmarkBasicAuth = s.postmarkBasicAuth ?? postmark
        s.sendgridBasicAuth = s.sendgridBasicAuth ?? sendgrid
        s.adminToken = s.adminToken ?? adminToken
        return s
    }

    static func instructions(app: App, port: Int) throws -> String {
        let base = app.config.baseURL
        let local = "http://127.0.0.1:\(port)"
        let s = app.config.secrets
        let from = "+15550101001"
        let params = [
            ("Body", "when is my next billing date?"), ("From", from), ("MessageSid", "SMdemo0001"),
            ("To", Demo.smsNumber),
        ]
        let twilioSignature = TwilioSignatureVerifier.expectedSignature(
            authToken: SecretList.current(s.twilioAuthToken) ?? twilioAuthToken, url: base + "/webhooks/twilio",
            params: params.map { (name: $0.0, value: $0.1) })
        let form = params.map { "--data-urlencode '\($0.0)=\($0.1)'" }.joined(separator: " ")
        let timestamp = String(Int(app.clock.now().timeIntervalSince1970))
        let mgToken = Encoding.hex(try Crypto.randomBytes(16))
        let mgKey = SecretList.current(s.mailgunSigningKey) ?? mailgunSigningKey
        let mgSignature = Encoding.hex(Crypto.hmacSHA256(key: mgKey, message: timestamp + mgToken))
        let postmarkJSON =
            #"{"MessageID":"pm-demo-0001","From":"ben.carter@example.com","FromFull":{"Email":"ben.carter@example.com","Name":"Ben Carter"},"To":"\#(Demo.inbox)","Subject":"Invoices","TextBody":"please send me my invoices","Headers":[{"Name":"Authentication-Results","Value":"\#(authservID); spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; dmarc=pass header.from=example.com"}]}"#
        return """

            Demo mode: business "demo" is seeded; made-up secrets are in use (never use them in production).
            Twilio SMS (signed for \(base)/webhooks/twilio; TwiML reply):
              curl -s \(local)/webhooks/twilio -H 'X-Twilio-Signature: \(twilioSignature)' \(form)
            Mailgun email (valid for 5 minutes and once: the token is single use):
              curl -s \(local)/webhooks/mailgun --form-string timestamp=\(timestamp) --form-string token=\(mgToken) --form-string signature=\(mgSignature) --form-string sender=alice@example.com --form-string from='Alice <alice@example.com>' --form-string recipient=\(Demo.inbox) --form-string subject='Card' --form-string 'body-plain=new card please' --form-string 'Message-Id=<mg-demo-\(mgToken.prefix(8))@example.com>' --form-string 'X-Mailgun-Spf=Pass' --form-string 'X-Mailgun-Dkim-Check-Result=Pass'
            Postmark email (Basic auth):
              curl -s \(local)/webhooks/postmark -u '\(SecretList.current(s.postmarkBasicAuth) ?? postmark)' -H 'Content-Type: application/json' -d '\(postmarkJSON)'
            SendGrid email (Basic auth, parsed mode):
              curl -s \(local)/webhooks/sendgrid -u '\(SecretList.current(s.sendgridBasicAuth) ?? sendgrid)' --form-string from='Chloe <chloe@example.com>' --form-string to=\(Demo.inbox) --form-string subject='Hi' --form-string 'text=what plan am I on' --form-string 'SPF=pass' --form-string 'dkim={@example.com : pass}'
            Admin API:
              curl -s \(local)/admin/businesses -H 'Authorization: Bearer \(SecretList.current(s.adminToken) ?? adminToken)'
            Health: curl -s \(local)/healthz
            Replies: frontdesk outbox list --db \(app.config.dbPath)
            """
    }
}
