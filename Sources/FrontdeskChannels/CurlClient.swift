import CCurl
import Foundation

/// A failure reported by libcurl itself (transport, TLS, protocol), with the server's last reply code if any.
public struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The raw `CURLcode`.
    public var code: Int
    /// `curl_easy_strerror` text plus libcurl's error buffer; URLs carry no userinfo.
    public var message: String
    /// Last HTTP status or SMTP reply code seen before the failure (`CURLINFO_RESPONSE_CODE`), 0 when none.
    public var responseCode: Int

    public init(code: Int, message: String, responseCode: Int = 0) {
        self.code = code
        self.message = Redact.userinfo(in: message)
        self.responseCode = responseCode
    }

    public var description: String { "curl error \(code): \(message)" }

    /// Whether the failure is in the network or a server's temporary state, so that a later attempt may work.
    public var isTransient: Bool {
        switch UInt32(truncatingIfNeeded: code) {
        case CURLE_COULDNT_RESOLVE_PROXY.rawValue, CURLE_COULDNT_RESOLVE_HOST.rawValue,
            CURLE_COULDNT_CONNECT.rawValue, CURLE_WEIRD_SERVER_REPLY.rawValue, CURLE_PARTIAL_FILE.rawValue,
            CURLE_OPERATION_TIMEDOUT.rawValue, CURLE_SSL_CONNECT_ERROR.rawValue, CURLE_GOT_NOTHING.rawValue,
            CURLE_SEND_ERROR.rawValue, CURLE_RECV_ERROR.rawValue, CURLE_AGAIN.rawValue, CURLE_HTTP2.rawValue,
            CURLE_HTTP2_STREAM.rawValue, CURLE_HTTP3.rawValue, CURLE_QUIC_CONNECT_ERROR.rawValue:
            return true
        default:
            return false
        }
    }
}

/// Whether a connection must be encrypted (SMTP STARTTLS; `CURLOPT_USE_SSL`).
public enum TLSRequirement: Sendable, Equatable {
    /// Plain text (only sensible for a local relay).
    case none
    /// STARTTLS when the server offers it, plain text otherwise.
    case opportunistic
    /// TLS or fail: STARTTLS is required, or the URL is `smtps://` / `https://`.
    case required
}

/// One libcurl transfer, described as a value. Run it with `CurlClient.perform`.
public struct CurlRequest: Sendable {
    public var url: String
    /// Request headers as `Name: value` lines (HTTP only).
    public var headers: [String] = []
    /// HTTP POST body, sent as is; nil for a GET (or for SMTP).
    public var postBody: [UInt8]?
    /// Bytes uploaded through the read callback (the SMTP DATA section).
    public var upload: [UInt8]?
    /// Credentials, given to libcurl apart from the URL so they never show in a URL or an error.
    public var username: String?
    public var password: String?
    /// SMTP envelope: MAIL FROM and RCPT TO (bare addresses; libcurl adds the angle brackets).
    public var mailFrom: String?
    public var mailRecipients: [String] = []
    public var tls: TLSRequirement = .none
    /// Allowed schemes (`CURLOPT_PROTOCOLS_STR`), so a configured URL cannot switch to, say, `file://`.
    public var protocols: String = "http,https"
    /// Whole-transfer limit (`CURLOPT_TIMEOUT_MS`).
    public var timeout: TimeInterval = 20
    /// Connection set-up limit (`CURLOPT_CONNECTTIMEOUT_MS`).
    public var connectTimeout: TimeInterval = 5
    /// The response body beyond this many bytes is dropped (providers answer with a few hundred bytes).
    public var maxResponseBytes: Int = 1 << 20

    public init(url: String) {
        self.url = url
    }
}

/// What came back from a transfer that libcurl completed.
public struct CurlResponse: Sendable, Equatable {
    /// HTTP status, or the last SMTP reply code.
    public var status: Int
    public var body: [UInt8]
    /// The `Retry-After` the server sent, in seconds (libcurl's `CURLINFO_RETRY_AFTER` reads both the seconds and the
    /// HTTP-date forms); nil when there was none.
    public var retryAfter: TimeInterval?

    public init(status: Int, body: [UInt8], retryAfter: TimeInterval? = nil) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Runs `CurlRequest`s on libcurl easy handles: one handle per transfer, always cleaned up.
public struct CurlClient: Sendable {
    public init() {}

    /// Performs the transfer, blocking the calling thread. Throws `CurlError` when libcurl fails.
    public func perform(_ request: CurlRequest) throws -> CurlResponse {
        try CurlGlobal.ensureInitialized()
        let easy = try EasyHandle()
        return try easy.perform(request)
    }

    /// `application/x-www-form-urlencoded` body from ordered fields, each part escaped with `curl_easy_escape`.
    public static func formEncode(_ fields: [(String, String)]) throws -> [UInt8] {
        try CurlGlobal.ensureInitialized()
        var parts: [String] = []
        parts.reserveCapacity(fields.count)
        for (name, value) in fields {
            parts.append(try escape(name) + "=" + escape(value))
        }
        return Array(parts.joined(separator: "&").utf8)
    }

    /// Percent-encodes every byte outside RFC 3986's unreserved set.
    public static func escape(_ s: String) throws -> String {
        let bytes = Array(s.utf8)
        // With length 0 libcurl would call strlen() on the pointer, which need not be NUL-terminated here.
        guard !bytes.isEmpty else { return "" }
        guard bytes.count < Int32.max else {
            throw CurlError(code: Int(CURLE_BAD_FUNCTION_ARGUMENT.rawValue), message: "value too long")
        }
        // Since libcurl 7.82 the handle argument is unused; nil avoids a handle per field.
        let escaped = bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    curl_easy_escape(nil, $0, Int32(bytes.count))
                }
            }
        }
        guard let escaped else {
            throw CurlError(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "curl_easy_escape failed")
        }
        defer { curl_free(escaped) }
        return String(cString: escaped)
    }
}

/// `curl_global_init` must run once, before any other call, and is not thread-safe; a static let runs it once.
enum CurlGlobal {
    private static let initResult: UInt32 = curl_global_init(fd_curl_global_default()).rawValue

    static func ensureInitialized() throws {
        guard initResult == CURLE_OK.rawValue else {
            throw CurlError(code: Int(initResult), message: "curl_global_init failed")
        }
    }
}

/// Collects the response body for the write callback (`CURLOPT_WRITEDATA` points at it, unretained).
private final class ResponseBox {
    var body: [UInt8] = []
    let limit: Int
    init(limit: Int) { self.limit = limit }
}

/// Feeds the upload to the read callback (`CURLOPT_READDATA` points at it, unretained).
private final class UploadBox {
    let bytes: [UInt8]
    var offset = 0
    init(bytes: [UInt8]) { self.bytes = bytes }
}

/// One easy handle and everything libcurl keeps pointers to during a transfer; released in deinit.
private final class EasyHandle {
    let handle: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>
    var lists: [UnsafeMutablePointer<curl_slist>] = []

    init() throws {
        guard let h = curl_easy_init() else {
            throw CurlError(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed")
        }
        handle = h
        let size = fd_curl_error_size()
        errorBuffer = .allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
    }

    deinit {
        curl_easy_cleanup(handle)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    /// Every CURLcode goes through here: anything but CURLE_OK becomes a `CurlError` naming the step.
    func check(_ code: CURLcode, _ what: String) throws {
        guard code != CURLE_OK else { return }
        // The error buffer is the more specific text ("Failed to connect to host port 587 …"); strerror otherwise.
        let detail = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        var status = 0
        _ = fd_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        throw CurlError(code: Int(code.rawValue), message: "\(what): \(text)", responseCode: status)
    }

    func set(_ option: CURLoption, _ value: Int, _ name: String) throws {
        try check(fd_curl_setopt_long(handle, option, value), name)
    }

    func set(_ option: CURLoption, _ value: String, _ name: String) throws {
        try check(value.withCString { fd_curl_setopt_string(handle, option, $0) }, name)
    }

    func set(_ option: CURLoption, list values: [String], _ name: String) throws {
        var list: UnsafeMutablePointer<curl_slist>?
        for value in values {
            guard let next = curl_slist_append(list, value) else {
                if let list { curl_slist_free_all(list) }
                throw CurlError(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "\(name): curl_slist_append failed")
            }
            list = next
        }
        guard let list else { return }
        lists.append(list)  // libcurl keeps the pointer until the transfer ends; freed in deinit.
        try check(fd_curl_setopt_slist(handle, option, list), name)
    }

    func perform(_ r: CurlRequest) throws -> CurlResponse {
        let response = ResponseBox(limit: r.maxResponseBytes)
        let upload = r.upload.map(UploadBox.init)

        try check(fd_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        try set(CURLOPT_URL, r.url, "CURLOPT_URL")
        try set(CURLOPT_PROTOCOLS_STR, r.protocols, "CURLOPT_PROTOCOLS_STR")
        // "If this option is set to 1, libcurl will not use any functions that install signal handlers";
        // required with threads, and a timeout would otherwise raise SIGALRM.
        try set(CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
        try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(r.timeout), "CURLOPT_TIMEOUT_MS")
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(r.connectTimeout), "CURLOPT_CONNECTTIMEOUT_MS")
        try set(CURLOPT_FOLLOWLOCATION, 0, "CURLOPT_FOLLOWLOCATION")
        try set(CURLOPT_USERAGENT, "Frontdesk/1", "CURLOPT_USERAGENT")

        if let username = r.username { try set(CURLOPT_USERNAME, username, "CURLOPT_USERNAME") }
        if let password = r.password { try set(CURLOPT_PASSWORD, password, "CURLOPT_PASSWORD") }
        switch r.tls {
        case .none: try set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue), "CURLOPT_USE_SSL")
        case .opportunistic: try set(CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue), "CURLOPT_USE_SSL")
        case .required: try set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue), "CURLOPT_USE_SSL")
        }
        // An empty "Expect:" stops libcurl from waiting for 100-continue on larger POST bodies.
        try set(CURLOPT_HTTPHEADER, list: r.headers + (r.postBody == nil ? [] : ["Expect:"]), "CURLOPT_HTTPHEADER")

        if let body = r.postBody {
            try check(fd_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "POSTFIELDSIZE")
            // COPYPOSTFIELDS copies the bytes, so the Swift array need not outlive this call.
            try body.withUnsafeBytes { buf in
                let base = UnsafeMutableRawPointer(mutating: buf.baseAddress ?? UnsafeRawPointer(errorBuffer))
                try check(fd_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, base), "CURLOPT_COPYPOSTFIELDS")
            }
        }
        if let from = r.mailFrom { try set(CURLOPT_MAIL_FROM, "<\(from)>", "CURLOPT_MAIL_FROM") }
        if !r.mailRecipients.isEmpty {
            try set(CURLOPT_MAIL_RCPT, list: r.mailRecipients.map { "<\($0)>" }, "CURLOPT_MAIL_RCPT")
        }

        try check(
            fd_curl_setopt_write_function(handle) { data, size, count, context in
                guard let data, let context else { return 0 }
                let box = Unmanaged<ResponseBox>.fromOpaque(context).takeUnretainedValue()
                let n = size * count
                let room = max(0, box.limit - box.body.count)
                if room > 0 {
                    data.withMemoryRebound(to: UInt8.self, capacity: n) {
                        box.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: min(n, room)))
                    }
                }
                return n  // Anything else would abort the transfer; the excess is simply dropped.
            }, "CURLOPT_WRITEFUNCTION")
        try check(
            fd_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(response).toOpaque()),
            "CURLOPT_WRITEDATA")

        if let upload {
            try set(CURLOPT_UPLOAD, 1, "CURLOPT_UPLOAD")
            try check(
                fd_curl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(upload.bytes.count)), "INFILESIZE")
            try check(
                fd_curl_setopt_read_function(handle) { buffer, size, count, context in
                    guard let buffer, let context else { return fd_curl_readfunc_abort() }
                    let box = Unmanaged<UploadBox>.fromOpaque(context).takeUnretainedValue()
                    let n = min(size * count, box.bytes.count - box.offset)
                    guard n > 0 else { return 0 }  // 0 signals the end of the upload.
                    box.bytes.withUnsafeBufferPointer { src in
                        guard let base = src.baseAddress else { return }
                        UnsafeMutableRawPointer(buffer).copyMemory(from: base + box.offset, byteCount: n)
                    }
                    box.offset += n
                    return n
                }, "CURLOPT_READFUNCTION")
            try check(
                fd_curl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque()),
                "CURLOPT_READDATA")
        }

        // The boxes are passed unretained; keep them alive until libcurl is done with them.
        try withExtendedLifetime((response, upload)) {
            try check(curl_easy_perform(handle), "transfer")
        }
        var status = 0
        try check(fd_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status), "CURLINFO_RESPONSE_CODE")
        // "Returns the number of seconds the HTTP server suggests the client should wait until the next request
        // ... 0 if there was no Retry-After: header" (CURLINFO_RETRY_AFTER, libcurl 7.66).
        var retryAfter: curl_off_t = 0
        try check(fd_curl_getinfo_off(handle, CURLINFO_RETRY_AFTER, &retryAfter), "CURLINFO_RETRY_AFTER")
        return CurlResponse(
            status: status, body: response.body, retryAfter: retryAfter > 0 ? TimeInterval(retryAfter) : nil)
    }

    static func milliseconds(_ t: TimeInterval) -> Int {
        guard t.isFinite, t > 0 else { return 0 }
        return Int(min(t * 1000, Double(Int32.max)))
    }
}
