import Foundation

/// Canonical forms of the addresses clients write from.
public enum Address {
    /// E.164 form of a phone number (`+15551234567`), or nil when it cannot be one.
    /// Numbers without a country code are taken as North American (`defaultCountryCode`).
    public static func phone(_ raw: String, defaultCountryCode: String = "1") -> String? {
        var digits = ""
        var sawPlus = false
        if raw.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII (every provider's numbers): byte by byte, as the characters below read it.
            var bytes: [UInt8] = []
            for b in raw.utf8 {
                if b == UInt8(ascii: "+"), bytes.isEmpty, !sawPlus {
                    sawPlus = true
                } else if b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
                    bytes.append(b)
                } else if b == UInt8(ascii: " ") || b == UInt8(ascii: "-") || b == UInt8(ascii: "(")
                    || b == UInt8(ascii: ")") || b == UInt8(ascii: ".")
                {
                    continue
                } else {
                    return nil
                }
            }
            digits = String(decoding: bytes, as: UTF8.self)
        } else {
            for ch in raw {
                if ch == "+", digits.isEmpty, !sawPlus {
                    sawPlus = true
                } else if ch.isASCII, ch.isNumber {
                    digits.append(ch)
                } else if " -().".contains(ch) {
                    continue
                } else {
                    return nil
                }
            }
        }
        if !sawPlus {
            if digits.count == 10 {
                digits = defaultCountryCode + digits
            } else if digits.hasPrefix("00") {
                digits.removeFirst(2)
            }
        }
        guard (8...15).contains(digits.count), digits.first != "0" else { return nil }
        return "+" + digits
    }

    /// Lower-cased bare email address from `Name <a@b>` or `a@b`, or nil when it is not one.
    public static func email(_ raw: String) -> String? {
        var s = Substring(raw)
        if let open = s.lastIndex(of: "<"), let close = s[open...].firstIndex(of: ">") {
            s = s[s.index(after: open)..<close]
        }
        let trimmed = s.trimmedWhitespace().lowercased()
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !trimmed.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" || $0 == "," })
        else { return nil }
        return trimmed
    }

    /// The canonical form of an address on a channel.
    public static func normalize(_ raw: String, channel: Channel) -> String? {
        switch channel {
        case .sms: return phone(raw)
        case .email: return email(raw)
        }
    }
}
