import Foundation
import FrontdeskHTTP

/// The HTTP server's limits from the environment (README, "Limits"): every variable is optional, and a value
/// that is not usable stops `serve` with a message naming it.
enum ServerLimits {
    /// The server configuration for `host` and `port` with the limits `environment` sets.
    static func configuration(host: String, port: UInt16, environment env: [String: String]) throws(CLIError)
        -> HTTPServerConfiguration
    {
        var config = HTTPServerConfiguration(host: host, port: port)
        func value(_ name: String) -> String? {
            env[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func count(_ name: String, _ range: ClosedRange<Int>, into target: inout Int) throws(CLIError) {
            guard let text = value(name) else { return }
            guard let n = Int(text), range.contains(n) else {
                throw CLIError.failure("\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            target = n
        }
        func size(_ name: String, minimum: Int, into target: inout Int) throws(CLIError) {
            guard let text = value(name) else { return }
            guard let n = byteSize(text), n >= minimum else {
                throw CLIError.failure(
                    "\(name) must be a size of at least \(minimum) bytes, in bytes or with K, M or G (e.g. 64M)")
            }
            target = n
        }

        if let list = value("FRONTDESK_TRUSTED_PROXIES") {
            do {
                config.trustedProxies = try TrustedProxies(parsing: list)
            } catch {
                throw CLIError.failure("FRONTDESK_TRUSTED_PROXIES: \(error)")
            }
        }
        try count("FRONTDESK_HTTP_THREADS", 1...256, into: &config.threadPoolSize)
        try count("FRONTDESK_HTTP_HANDLER_THREADS", 0...4096, into: &config.handlerThreads)
        switch value("FRONTDESK_HTTP_MODEL") {
        case nil, "pool": config.threadPerConnection = false
        case "thread-per-connection": config.threadPerConnection = true
        default: throw CLIError.failure("FRONTDESK_HTTP_MODEL must be pool or thread-per-connection")
        }
        try count("FRONTDESK_HTTP_MAX_CONNECTIONS", 1...1_000_000, into: &config.connectionLimit)
        try count("FRONTDESK_HTTP_MAX_CONNECTIONS_PER_ADDRESS", 0...1_000_000, into: &config.perIPConnectionLimit)
        try count("FRONTDESK_HTTP_IDLE_TIMEOUT", 1...86_400, into: &config.connectionTimeoutSeconds)
        var deadline = Int(config.requestDeadlineSeconds)
        try count("FRONTDESK_HTTP_REQUEST_TIMEOUT", 1...86_400, into: &deadline)
        config.requestDeadlineSeconds = Double(deadline)
        try size("FRONTDESK_HTTP_BODY_MEMORY", minimum: 1 << 20, into: &config.bodyMemoryLimit)
        try size("FRONTDESK_HTTP_SPOOL_THRESHOLD", minimum: 1024, into: &config.spoolThreshold)
        try size("FRONTDESK_HTTP_SPOOL_LIMIT", minimum: 1 << 20, into: &config.spoolLimit)
        if let dir = value("FRONTDESK_TMPDIR") { config.spoolDirectory = dir }
        try checkWritableDirectory(
            config.spoolDirectory, name: value("FRONTDESK_TMPDIR") == nil ? "TMPDIR" : "FRONTDESK_TMPDIR")
        return config
    }

    /// `1048576`, `100B`, `512K`, `64M`, `1G`, `64MiB`, `64MB` (K, M and G are binary units); nil otherwise.
    static func byteSize(_ text: String) -> Int? {
        var rest = Substring(text.uppercased())
        if rest.hasSuffix("IB") {
            rest = rest.dropLast(2)
            guard let unit = rest.last, "KMG".contains(unit) else { return nil }
        } else if rest.hasSuffix("B") {
            rest = rest.dropLast()
        }
        var shift = 0
        if let unit = rest.last, let bits = ["K": 10, "M": 20, "G": 30][unit] {
            shift = bits
            rest = rest.dropLast()
        }
        guard !rest.isEmpty, rest.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(rest) else { return nil }
        let (product, overflow) = n.multipliedReportingOverflow(by: 1 << shift)
        return overflow ? nil : product
    }

    /// Spooled bodies go there: it must exist and be writable now, not on the first large webhook.
    private static func checkWritableDirectory(_ path: String, name: String) throws(CLIError) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw CLIError.failure("\(name) \(path) is not a folder")
        }
        guard FileManager.default.isWritableFile(atPath: path) else {
            throw CLIError.failure("\(name) \(path) is not writable")
        }
    }
}
