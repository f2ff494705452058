import Foundation

/// What the REST senders share: a form POST with Basic auth and one rule for turning failures into `SendError`.
struct FormPoster: Sendable {
    let client = CurlClient()
    var timeout: TimeInterval = 20
    var connectTimeout: TimeInterval = 5

    /// POSTs the form and returns the response; transport failures are already classified.
    func post(url: String, username: String, password: String, fields: [(String, String)]) throws -> CurlResponse {
        var request = CurlRequest(url: url)
        request.protocols = "http,https"
        request.username = username
        request.password = password
        request.headers = ["Content-Type: application/x-www-form-urlencoded", "Accept: application/json"]
        request.timeout = timeout
        request.connectTimeout = connectTimeout
        do {
            request.postBody = try CurlClient.formEncode(fields)
            return try client.perform(request)
        } catch let error as CurlError {
            let message = Redact.secrets([password], in: error.message)
            throw SendError(
                kind: error.isTransient ? .transport : .configuration, retryable: error.isTransient, message: message)
        }
    }

    /// HTTP status rule: 2xx success; 408, 429 and 5xx worth retrying; other 4xx permanent.
    static func failure(status: Int, provider: String, detail: String?) -> SendError? {
        guard !(200..<300).contains(status) else { return nil }
        let retryable = status == 408 || status == 429 || status >= 500 || status < 200
        let kind: SendError.Kind = (status == 401 || status == 403) ? .configuration : .rejected
        var message = "\(provider) answered HTTP \(status)"
        if let detail { message += " (\(detail))" }
        return SendError(kind: kind, retryable: retryable, status: status, message: message)
    }

    /// `failure(status:…)` for a response, carrying its `Retry-After` (a 429 says how long to wait).
    static func failure(_ response: CurlResponse, provider: String, detail: String?) -> SendError? {
        guard var error = failure(status: response.status, provider: provider, detail: detail) else { return nil }
        if error.retryable { error.retryAfter = response.retryAfter }
        return error
    }

    /// A top-level string field of a JSON object response, if any.
    static func jsonField(_ name: String, in body: [UInt8]) -> Any? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        return object[name]
    }

    /// The base URL without a trailing slash.
    static func trimmed(_ base: String) -> String {
        var b = base
        while b.hasSuffix("/") { b.removeLast() }
        return b
    }
}
