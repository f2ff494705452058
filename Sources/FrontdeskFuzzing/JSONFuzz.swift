import Foundation
import FrontdeskChannels
import FrontdeskCore

/// JSON from providers (Postmark's body, Mailgun's `message-headers`, SendGrid's `envelope`), and Frontdesk's own
/// JSON writer: whatever JSON the input holds, written back by `JSON.serialized()` it must read back the same.
enum JSONFuzz {
    static func run(_ input: [UInt8]) throws(FuzzFailure) -> String {
        let data = Data(input)
        let text = FuzzInput.text(input[...])
        var outcome: [String] = []
        do {
            let message = try InboundMapping.postmark(json: data)
            outcome.append("postmark mapped \(message.channel.rawValue)")
        } catch {
            outcome.append("postmark \(error.reason.rawValue)")
        }
        let sender = ["from": "Ann <ann@example.com>", "recipient": MIMEFuzz.recipient, "to": MIMEFuzz.recipient]
        do {
            _ = try InboundMapping.mailgun(fields: sender.merging(["message-headers": text]) { a, _ in a })
            outcome.append("mailgun mapped")
        } catch {
            outcome.append("mailgun \(error.reason.rawValue)")
        }
        do {
            _ = try InboundMapping.sendgrid(fields: sender.merging(["envelope": text, "text": "Hi"]) { a, _ in a })
            outcome.append("sendgrid mapped")
        } catch {
            outcome.append("sendgrid \(error.reason.rawValue)")
        }
        if let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) {
            try roundTrip(JSONValue.from(parsed))
            outcome.append("json read back")
        }
        return outcome.joined(separator: ", ")
    }

    /// Writes `value` with `JSON.serialized()`, reads it back with Foundation's parser and compares.
    static func roundTrip(_ value: JSON) throws(FuzzFailure) {
        let written = value.serialized()
        guard
            let again = try? JSONSerialization.jsonObject(with: Data(written.utf8), options: [.fragmentsAllowed])
        else { throw FuzzFailure(.json, "JSON.serialized() wrote \(written.utf8.count) bytes that do not parse") }
        if let difference = JSONValue.difference(value, JSONValue.from(again)) {
            throw FuzzFailure(.json, "JSON.serialized() does not read back the same: \(difference)")
        }
    }
}

/// Foundation's parsed JSON as Frontdesk's `JSON`, and a comparison that says where two values differ.
enum JSONValue {
    static func from(_ object: Any) -> JSON {
        switch object {
        case is NSNull: return .null
        case let text as String: return .string(text)
        case let number as NSNumber:
            // The Objective-C type code tells a parsed true/false ("c") from an integer or a double.
            switch String(cString: number.objCType) {
            case "c", "B": return .bool(number.boolValue)
            case "d", "f": return .double(number.doubleValue)
            default:
                let double = number.doubleValue
                if let int = Int(exactly: double) ?? Int(number.stringValue) { return .int(int) }
                return .double(double)
            }
        case let array as [Any]: return .array(array.map(from))
        case let object as [String: Any]:
            // Sorted keys: a dictionary's order differs between runs.
            return .object(object.keys.sorted().map { ($0, from(object[$0] ?? NSNull())) })
        default: return .string("\(type(of: object))")
        }
    }

    /// Nil when `a` and `b` hold the same JSON; otherwise the path where they differ (never the values).
    static func difference(_ a: JSON, _ b: JSON, path: String = "$") -> String? {
        switch (a, b) {
        case (.null, .null): return nil
        case (.bool(let x), .bool(let y)): return x == y ? nil : "\(path): booleans differ"
        case (.string(let x), .string(let y)):
            return x.unicodeScalars.elementsEqual(y.unicodeScalars) ? nil : "\(path): strings differ"
        case (.array(let x), .array(let y)):
            guard x.count == y.count else { return "\(path): \(x.count) elements became \(y.count)" }
            for (i, (p, q)) in zip(x, y).enumerated() {
                if let d = difference(p, q, path: "\(path)[\(i)]") { return d }
            }
            return nil
        case (.object(let x), .object(let y)):
            guard x.map(\.0) == y.map(\.0) else { return "\(path): keys differ" }
            for ((key, p), (_, q)) in zip(x, y) {
                if let d = difference(p, q, path: "\(path).\(key.utf8.count)-byte key") { return d }
            }
            return nil
        default:
            // Numbers: the writer keeps integers exactly and doubles to four significant digits, which then read
            // back as the value written (an integer-valued double may come back as an integer).
            if let x = number(a), let y = number(b) {
                let written = Double(a.serialized()) ?? .nan
                return written == y || x == y ? nil : "\(path): number \(a.serialized()) read back as \(y)"
            }
            return "\(path): \(kind(a)) became \(kind(b))"
        }
    }

    static func number(_ value: JSON) -> Double? {
        switch value {
        case .int(let n): return Double(n)
        case .double(let d): return d
        default: return nil
        }
    }

    static func kind(_ value: JSON) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
