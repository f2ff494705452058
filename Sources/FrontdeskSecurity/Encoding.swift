import Foundation

/// Hex, base64 and base64url text forms of bytes.
public enum Encoding {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes from hex (either case), or nil when the text is not an even run of hex digits.
    public static func fromHex(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Standard base64 (RFC 4648 §4) with padding.
    public static func base64(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Bytes from standard base64 (padding optional), or nil when it is not base64.
    public static func fromBase64(_ text: String) -> [UInt8]? {
        var s = text
        let remainder = s.utf8.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { s += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: s).map { [UInt8]($0) }
    }

    /// URL- and filename-safe base64 (RFC 4648 §5) without padding.
    public static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        var out = Array(base64(bytes).utf8)
        while out.last == UInt8(ascii: "=") { out.removeLast() }
        for i in out.indices {
            if out[i] == UInt8(ascii: "+") {
                out[i] = UInt8(ascii: "-")
            } else if out[i] == UInt8(ascii: "/") {
                out[i] = UInt8(ascii: "_")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes from base64url (padding optional), or nil when it is not base64url.
    public static func fromBase64URL(_ text: String) -> [UInt8]? {
        var chars = Array(text.utf8)
        for i in chars.indices {
            switch chars[i] {
            case UInt8(ascii: "+"), UInt8(ascii: "/"): return nil
            case UInt8(ascii: "-"): chars[i] = UInt8(ascii: "+")
            case UInt8(ascii: "_"): chars[i] = UInt8(ascii: "/")
            default: break
            }
        }
        return fromBase64(String(decoding: chars, as: UTF8.self))
    }
}
