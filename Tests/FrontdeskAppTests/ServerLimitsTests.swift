import Foundation
import FrontdeskHTTP
import Testing

@testable import FrontdeskApp

@Suite struct ServerLimitsTests {
    @Test func defaultsWithoutAnySetting() throws {
        let config = try ServerLimits.configuration(host: "127.0.0.1", port: 8080, environment: [:])
        #expect(config.trustedProxies.isEmpty)
        #expect(config.threadPoolSize == 4)
        #expect(config.connectionLimit == 1024)
        #expect(config.perIPConnectionLimit == 64)
        #expect(config.requestDeadlineSeconds == 30)
        #expect(config.connectionTimeoutSeconds == 30)
        #expect(config.bodyMemoryLimit == 64 << 20)
        #expect(config.spoolThreshold == 1 << 20)
        #expect(config.spoolLimit == 1 << 30)
    }

    @Test func everySettingIsRead() throws {
        let folder = NSTemporaryDirectory()
        let config = try ServerLimits.configuration(
            host: "0.0.0.0", port: 9000,
            environment: [
                "FRONTDESK_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8", "FRONTDESK_HTTP_THREADS": "8",
                "FRONTDESK_HTTP_MAX_CONNECTIONS": "4096", "FRONTDESK_HTTP_MAX_CONNECTIONS_PER_ADDRESS": "0",
                "FRONTDESK_HTTP_IDLE_TIMEOUT": "15", "FRONTDESK_HTTP_REQUEST_TIMEOUT": "45",
                "FRONTDESK_HTTP_BODY_MEMORY": "128M", "FRONTDESK_HTTP_SPOOL_THRESHOLD": "512KiB",
                "FRONTDESK_HTTP_SPOOL_LIMIT": "2G", "FRONTDESK_TMPDIR": folder,
            ])
        #expect(config.host == "0.0.0.0" && config.port == 9000)
        #expect(config.trustedProxies.contains("10.9.8.7") && !config.trustedProxies.contains("11.0.0.1"))
        #expect(config.threadPoolSize == 8)
        #expect(config.connectionLimit == 4096)
        #expect(config.perIPConnectionLimit == 0)
        #expect(config.connectionTimeoutSeconds == 15)
        #expect(config.requestDeadlineSeconds == 45)
        #expect(config.bodyMemoryLimit == 128 << 20)
        #expect(config.spoolThreshold == 512 << 10)
        #expect(config.spoolLimit == 2 << 30)
        #expect(config.spoolDirectory == folder)
    }

    @Test(arguments: [
        ("1048576", 1_048_576), ("100B", 100), ("512K", 512 << 10), ("64m", 64 << 20), ("64MiB", 64 << 20),
        ("64MB", 64 << 20), ("1G", 1 << 30),
    ])
    func sizes(text: String, bytes: Int) {
        #expect(ServerLimits.byteSize(text) == bytes)
    }

    @Test(arguments: ["", "M", "-1M", "1.5M", "12 M", "64iB", "1T", "99999999999999999999G", "64MiBs"])
    func badSizes(text: String) {
        #expect(ServerLimits.byteSize(text) == nil)
    }

    @Test(arguments: [
        ("FRONTDESK_TRUSTED_PROXIES", "127.0.0.1, proxy.internal", "\"proxy.internal\" is not an IP address"),
        ("FRONTDESK_HTTP_THREADS", "0", "FRONTDESK_HTTP_THREADS must be a whole number in 1...256"),
        ("FRONTDESK_HTTP_MAX_CONNECTIONS", "many", "FRONTDESK_HTTP_MAX_CONNECTIONS must be a whole number"),
        ("FRONTDESK_HTTP_REQUEST_TIMEOUT", "0", "FRONTDESK_HTTP_REQUEST_TIMEOUT must be a whole number in 1...86400"),
        ("FRONTDESK_HTTP_BODY_MEMORY", "10K", "FRONTDESK_HTTP_BODY_MEMORY must be a size of at least 1048576 bytes"),
        ("FRONTDESK_HTTP_SPOOL_LIMIT", "lots", "FRONTDESK_HTTP_SPOOL_LIMIT must be a size"),
        (
            "FRONTDESK_TMPDIR", "/nonexistent-frontdesk-tmp",
            "FRONTDESK_TMPDIR /nonexistent-frontdesk-tmp is not a folder"
        ),
    ])
    func badValuesAreNamed(name: String, value: String, message: String) {
        #expect {
            _ = try ServerLimits.configuration(host: "127.0.0.1", port: 8080, environment: [name: value])
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func serveRefusesABadLimitBeforeWritingAnything() throws {
        let binary = try Binary()
        let result = try binary.run(
            ["serve", "--port", "0"], env: ["FRONTDESK_TRUSTED_PROXIES": "10.0.0.0/99"])
        #expect(result.code == 1)
        #expect(result.err.contains("FRONTDESK_TRUSTED_PROXIES: \"10.0.0.0/99\" is not an IP address or CIDR range"))
        #expect(!FileManager.default.fileExists(atPath: binary.db))
    }
}
