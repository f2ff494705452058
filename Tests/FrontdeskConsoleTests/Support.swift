import Foundation
import FrontdeskApp
import FrontdeskConsole
import FrontdeskCore
import FrontdeskHTTP
import FrontdeskStore
import FrontdeskTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

let consoleBase = "https://desk.example.test"
let operatorToken = "operator-token-0123456789abcdef"

/// The real app (demo data) with the web console, served on an ephemeral port.
final class ConsoleFixture: @unchecked Sendable {
    let bot: TestBot
    let console: Console
    let server: HTTPServer

    init(idleMinutes: Int = 30, sessionHours: Int = 12) throws {
        bot = try TestBot(baseURL: consoleBase)
        let web = FrontdeskWeb(
            pipeline: bot.app.pipeline, webhooks: WebhookSettings(baseURL: consoleBase), adminToken: operatorToken,
            clock: bot.clock)
        console = try Console(
            pipeline: bot.app.pipeline,
            settings: ConsoleSettings(baseURL: consoleBase, idleMinutes: idleMinutes, sessionHours: sessionHours),
            root: TestBot.root, adminToken: operatorToken, clock: bot.clock)
        var router = web.router()
        console.register(in: &router)
        server = HTTPServer(router: router)
        try server.start()
    }

    deinit { server.stop() }

    /// Signs in through the one-time link (GET, then POST) and returns the session cookie's value.
    func signIn(
        _ email: String = "owner@maple-studio.example", business: String = "demo", presenting cookie: String? = nil
    ) throws -> String {
        let link = try #require(try console.signInLink(businessSlug: business, email: email))
        let path = String(link.dropFirst(consoleBase.count))
        #expect(try send("GET", path).status == 200)
        let response = try send("POST", path, cookie: cookie)
        #expect(response.status == 303)
        #expect(response.header("Location") == "/admin/overview")
        return try #require(response.sessionCookie)
    }

    /// One request over a fresh connection; redirects are not followed.
    func send(
        _ method: String, _ path: String, cookie: String? = nil, form: [(String, String)]? = nil,
        headers: [String: String] = [:], json: String? = nil
    ) throws -> RawResponse {
        let fd = try Loopback.connect(port: server.port, timeoutSeconds: 20)
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: desk.example.test\r\nConnection: close\r\n"
        if let cookie { head += "Cookie: fd_console=\(cookie)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        var body = Data()
        if let json {
            body = Data(json.utf8)
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        } else if let form {
            body = formEncode(form)
            head += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.count)\r\n"
        } else if method == "POST" {
            head += "Content-Length: 0\r\n"
        }
        var data = Data((head + "\r\n").utf8)
        data.append(body)
        _ = data.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received.append(contentsOf: buffer[0..<n])
        }
        return RawResponse(String(decoding: received, as: UTF8.self))
    }

    /// The CSRF token the page at `path` carries in its forms.
    func csrf(_ cookie: String, page path: String = "/admin/overview") throws -> String {
        let text = try send("GET", path, cookie: cookie).body
        let marker = "name=\"csrf\" value=\""
        let start = try #require(text.range(of: marker))
        return String(text[start.upperBound...].prefix { $0 != "\"" })
    }

    /// The demo business's id.
    var demoID: Int { get throws { try #require(try bot.app.store.read { try $0.business(slug: "demo") }).id } }
}

struct RawResponse {
    var status: Int
    var headers: [(String, String)]
    var body: String

    init(_ text: String) {
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        body = parts.dropFirst().joined(separator: "\r\n\r\n")
        let lines = head.components(separatedBy: "\r\n")
        status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        headers = lines.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
    }

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }

    /// The `fd_console` value the response sets (empty when it clears it).
    var sessionCookie: String? {
        guard let set = header("Set-Cookie"), set.hasPrefix("fd_console=") else { return nil }
        return String(set.dropFirst("fd_console=".count).prefix { $0 != ";" })
    }
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
