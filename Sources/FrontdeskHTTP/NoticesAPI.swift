import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskSecurity
import FrontdeskStore

/// `POST /admin/businesses/:slug/notices`: the business's other systems send a notice through Frontdesk (issue 17).
///
/// Body: `{"client_id": 7 | "to": "+15550101001", "kind": "custom", "channel": "sms"|"email"|"auto",
/// "values": {"text": "…", "period": "…", "invoice": "INV-1004"}}`. The answer is 202 with the notice
/// (`{"id","status","kind","channel","send_at","reason"}`): `queued`, `scheduled` for the end of quiet hours, or
/// `suppressed` with why (opted out, no SMS consent). A notice of the same kind for the same client and period is
/// refused with 409 and the earlier notice's id. An `Idempotency-Key` header makes a retry safe: the same key with
/// the same body gets the first answer again, with another body 422.
extension AdminAPI {
    static let maxIdempotencyKey = 255
    static let maxText = 1000

    func sendNotice(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
        let key = try Self.idempotencyKey(request)
        let parsed = try Self.noticeRequest(request.body, actor: principal.actor)
        let bodyHash = Encoding.hex(Crypto.sha256(request.body))
        let now = clock.now()
        let (status, body): (Int, String) = try pipeline.store.write { c in
            let business = try business(request, principal, c)
            if let key, let earlier = try c.idempotentResponse(businessID: business.id, key: key) {
                guard earlier.requestHash == bodyHash else {
                    throw AdminError(
                        status: 422, message: "this Idempotency-Key was used with a different body; use a new key")
                }
                return (earlier.status, earlier.body)
            }
            let answer: (Int, [String: Any])
            do {
                switch try pipeline.notices.send(parsed, businessID: business.id, now: now, c) {
                case .created(let notice): answer = (202, Self.noticeJSON(notice))
                case .duplicate(let notice):
                    answer = (
                        409,
                        [
                            "error": "a \(notice.kind.rawValue) notice was already sent to this client for this period",
                            "notice_id": notice.id,
                        ]
                    )
                }
            } catch let error as NoticeError {
                throw AdminError(status: error.status, message: error.message)
            }
            let text = Self.jsonText(answer.1)
            if let key {
                try c.storeIdempotentResponse(
                    businessID: business.id, key: key,
                    IdempotentResponse(requestHash: bodyHash, status: answer.0, body: text), now: now)
            }
            return (answer.0, text)
        }
        log.info("admin_notice", ["status": String(status)])
        var response = HTTPResponse.json(Data(body.utf8), status: status)
        response.headers.set("Cache-Control", "no-store")
        return response
    }

    /// The `Idempotency-Key` header, if sent: 1 to 255 visible ASCII characters.
    static func idempotencyKey(_ request: HTTPRequest) throws -> String? {
        guard let raw = request.headers["Idempotency-Key"] else { return nil }
        let key = raw.trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.utf8.count <= maxIdempotencyKey, key.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        else {
            throw AdminError(status: 400, message: "Idempotency-Key must be 1 to 255 visible ASCII characters")
        }
        return key
    }

    static func noticeRequest(_ data: Data, actor: String) throws -> NoticeRequest {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw AdminError(status: 400, message: "body must be a JSON object")
        }
        let known: Set<String> = ["client_id", "to", "kind", "channel", "values"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw AdminError(status: 422, message: "unknown field \(unknown)")
        }
        guard let kindName = object["kind"] as? String, let kind = NoticeKind(rawValue: kindName) else {
            throw AdminError(
                status: 422,
                message: "kind must be one of \(NoticeKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let channelName = object["channel"] as? String ?? "auto"
        guard let channel = NoticeChannel(rawValue: channelName) else {
            throw AdminError(status: 422, message: "channel must be sms, email or auto")
        }
        var clientID: Int?
        if let raw = object["client_id"] {
            guard let number = raw as? NSNumber, !Self.isBool(number), let id = Int(exactly: number.doubleValue), id > 0
            else { throw AdminError(status: 422, message: "client_id must be a positive whole number") }
            clientID = id
        }
        var to: String?
        if let raw = object["to"] {
            guard let text = raw as? String, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw AdminError(status: 422, message: "to must be a phone number or an email address")
            }
            to = text.trimmingCharacters(in: .whitespaces)
        }
        guard clientID != nil || to != nil else {
            throw AdminError(status: 422, message: "client_id or to is required")
        }
        if let to, channel != .auto, (channel == .email) != to.contains("@") {
            throw AdminError(status: 422, message: "to is not an address of channel \(channel.rawValue)")
        }
        var values: [String: String] = [:]
        if let raw = object["values"] {
            guard let dict = raw as? [String: Any] else {
                throw AdminError(status: 422, message: "values must be an object of strings")
            }
            for (name, value) in dict {
                switch value {
                case let text as String: values[name] = text
                case let number as NSNumber where !Self.isBool(number):
                    values[name] = number.stringValue
                default: throw AdminError(status: 422, message: "values.\(name) must be a string or a number")
                }
            }
        }
        if let text = values["text"], text.count > maxText {
            throw AdminError(status: 422, message: "values.text is longer than \(maxText) characters")
        }
        if let period = values["period"], period.isEmpty || period.count > 64 {
            throw AdminError(status: 422, message: "values.period must be 1 to 64 characters")
        }
        return NoticeRequest(
            kind: kind, clientID: clientID, to: to, channel: channel, values: values, source: "api", actor: actor)
    }

    /// JSON true and false arrive as NSNumber too; their type code is `c` (char).
    static func isBool(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    static func noticeJSON(_ n: Notice) -> [String: Any] {
        var out: [String: Any] = [
            "id": n.id, "status": n.status.rawValue, "kind": n.kind.rawValue, "client_id": n.clientID,
            "send_at": UTC.format(n.sendAt),
        ]
        if let channel = n.channel { out["channel"] = channel.rawValue }
        if let reason = n.reason { out["reason"] = reason }
        return out
    }

    static func jsonText(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
