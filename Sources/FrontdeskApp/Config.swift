import Foundation
import FrontdeskCore

/// Settings from a JSON file (`--config`) and secrets and deployment from the environment (SPEC §6).
public struct AppConfig: Sendable {
    public var dbPath: String
    /// Public URL: one-time links and Twilio signature checks are built from it.
    public var baseURL: String
    public var host: String
    public var port: Int
    public var root: URL
    public var logLevel: Logger.Level
    /// Confidence below which a message is answered with the clarification menu.
    public var threshold: Double
    public var demo: Bool
    public var secrets: Secrets
    /// Authserv-ids whose Authentication-Results count (`FRONTDESK_AUTHSERV_ID`); nil: each provider's default.
    public var authservIDs: Set<String>? = nil
    /// Durability, lock waits and size limit of the store (`FRONTDESK_DB_SYNCHRONOUS`, `FRONTDESK_DB_BUSY_TIMEOUT`,
    /// `FRONTDESK_DB_MAX_SIZE`).
    public var storeOptions = StoreOptions()

    /// Provider credentials; never printed except the demo's own made-up ones.
    public struct Secrets: Sendable {
        public var twilioAuthToken: String?
        public var twilioAccountSID: String?
        public var mailgunSigningKey: String?
        public var postmarkBasicAuth: String?
        public var sendgridBasicAuth: String?
        public var smtpURL: String?
        public var mailgunAPIKey: String?
        public var mailgunDomain: String?
        public var adminToken: String?
        /// `FRONTDESK_METRICS_TOKEN`: read-only access to `/metrics` for a scraper.
        public var metricsToken: String? = nil
    }

    public struct ConfigError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Reads the environment and, when given, a JSON config file. Unknown keys in the file are an error.
    public static func load(
        environment env: [String: String] = ProcessInfo.processInfo.environment, configFile: String? = nil,
        dbOverride: String? = nil, portOverride: Int? = nil
    ) throws -> AppConfig {
        var file: [String: Any] = [:]
        if let configFile {
            guard let data = FileManager.default.contents(atPath: configFile) else {
                throw ConfigError(description: "cannot read config file \(configFile)")
            }
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ConfigError(description: "config file \(configFile) is not a JSON object")
            }
            let known: Set<String> = ["db", "base_url", "host", "port", "log_level", "threshold"]
            if let bad = object.keys.sorted().first(where: { !known.contains($0) }) {
                throw ConfigError(
                    description:
                        "config file \(configFile): unknown key \"\(bad)\" (known: \(known.sorted().joined(separator: ", ")))"
                )
            }
            file = object
        }
        func nonEmpty(_ key: String) -> String? { env[key].flatMap { $0.isEmpty ? nil : $0 } }
        let port = portOverride ?? (file["port"] as? Int) ?? 8080
        guard (0...65535).contains(port) else { throw ConfigError(description: "port must be 0...65535") }
        let host = file["host"] as? String ?? "127.0.0.1"
        let levelName = file["log_level"] as? String ?? env["FRONTDESK_LOG_LEVEL"] ?? "info"
        let level: Logger.Level
        switch levelName {
        case "debug": level = .debug
        case "info": level = .info
        case "warning": level = .warning
        case "error": level = .error
        default: throw ConfigError(description: "log_level must be debug, info, warning or error")
        }
        guard let root = ResourceRoot.locate(environment: env) else {
            throw ConfigError(
                description: "cannot find plugins/ and prompts/ (run from the checkout or set FRONTDESK_HOME)")
        }
        let threshold = (file["threshold"] as? Double) ?? 0.4
        guard (0...1).contains(threshold) else { throw ConfigError(description: "threshold must be between 0 and 1") }
        let authservIDs = try authservIDs(env["FRONTDESK_AUTHSERV_ID"])
        var config = AppConfig(
            dbPath: dbOverride ?? nonEmpty("FRONTDESK_DB") ?? (file["db"] as? String) ?? "frontdesk.sqlite",
            baseURL: nonEmpty("FRONTDESK_BASE_URL") ?? (file["base_url"] as? String)
                ?? "http://localhost:\(port == 0 ? 8080 : port)",
            host: host, port: port, root: root, logLevel: level, threshold: threshold, demo: false,
            secrets: Secrets(
                twilioAuthToken: nonEmpty("FRONTDESK_TWILIO_AUTH_TOKEN"),
                twilioAccountSID: nonEmpty("FRONTDESK_TWILIO_ACCOUNT_SID"),
                mailgunSigningKey: nonEmpty("FRONTDESK_MAILGUN_SIGNING_KEY"),
                postmarkBasicAuth: nonEmpty("FRONTDESK_POSTMARK_BASIC_AUTH"),
                sendgridBasicAuth: nonEmpty("FRONTDESK_SENDGRID_BASIC_AUTH"),
                smtpURL: nonEmpty("FRONTDESK_SMTP_URL"),
                mailgunAPIKey: nonEmpty("FRONTDESK_MAILGUN_API_KEY"),
                mailgunDomain: nonEmpty("FRONTDESK_MAILGUN_DOMAIN"),
                adminToken: nonEmpty("FRONTDESK_ADMIN_TOKEN"), metricsToken: nonEmpty("FRONTDESK_METRICS_TOKEN")))
        config.authservIDs = authservIDs
        config.storeOptions = try storeOptions(env)
        return config
    }

    /// `FRONTDESK_DB_SYNCHRONOUS` (`full`, the default, or `normal`), `FRONTDESK_DB_BUSY_TIMEOUT` (milliseconds) and
    /// `FRONTDESK_DB_MAX_SIZE` (bytes, or with K, M or G).
    static func storeOptions(_ env: [String: String]) throws -> StoreOptions {
        var options = StoreOptions()
        switch env["FRONTDESK_DB_SYNCHRONOUS"]?.lowercased() ?? "" {
        case "", "full": options.durable = true
        case "normal": options.durable = false
        default: throw ConfigError(description: "FRONTDESK_DB_SYNCHRONOUS must be full or normal")
        }
        if let text = env["FRONTDESK_DB_BUSY_TIMEOUT"], !text.isEmpty {
            guard let ms = Int(text), (0...600_000).contains(ms) else {
                throw ConfigError(description: "FRONTDESK_DB_BUSY_TIMEOUT must be milliseconds from 0 to 600000")
            }
            options.busyTimeoutMilliseconds = ms
        }
        if let text = env["FRONTDESK_DB_MAX_SIZE"], !text.isEmpty {
            guard let bytes = ServerLimits.byteSize(text), bytes >= 1 << 20 else {
                throw ConfigError(
                    description: "FRONTDESK_DB_MAX_SIZE must be a size of at least 1M, in bytes or with K, M or G")
            }
            options.maxBytes = bytes
        }
        return options
    }
}
