import CoreFoundation
import Foundation

/// Turns bytes in a MIME charset into a String; unknown charsets and invalid bytes fall back to Latin-1.
public enum Charset {
    /// Decodes `bytes` labelled with `name` (an IANA charset name such as "utf-8" or "windows-1252").
    public static func decode<C: Collection>(_ bytes: C, charset name: String?) -> String where C.Element == UInt8 {
        let label = (name ?? "utf-8").trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")).lowercased()
        switch label {
        case "", "utf-8", "utf8", "us-ascii", "ascii", "unicode-1-1-utf-8":
            // RFC 6532 mail is UTF-8; invalid sequences usually mean mislabelled Latin-1.
            if let s = validUTF8(bytes) { return s }
            return latin1(bytes)
        case "iso-8859-1", "latin1", "latin-1", "iso8859-1", "iso_8859-1":
            return latin1(bytes)
        default:
            if let encoding = encoding(for: label), let s = String(bytes: Array(bytes), encoding: encoding) {
                return s
            }
            if let s = validUTF8(bytes) { return s }
            return latin1(bytes)
        }
    }

    static func validUTF8<C: Collection>(_ bytes: C) -> String? where C.Element == UInt8 {
        var ascii = true
        for b in bytes where b >= 0x80 {
            ascii = false
            break
        }
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    static func latin1<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        // Latin-1 bytes are the first 256 code points: one or two UTF-8 bytes each.
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes {
            if b < 0x80 {
                out.append(b)
            } else {
                out.append(0xC0 | (b >> 6))
                out.append(0x80 | (b & 0x3F))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Foundation's encoding for an IANA name, through CoreFoundation's registry (present on Linux too).
    static func encoding(for label: String) -> String.Encoding? {
        let aliases: [String: String] = [
            "cp1252": "windows-1252", "cp1251": "windows-1251", "cp1250": "windows-1250", "ks_c_5601-1987": "euc-kr",
            "gb_2312-80": "gb2312", "x-gbk": "gbk", "utf-7": "utf-7", "latin2": "iso-8859-2", "latin9": "iso-8859-15",
        ]
        let name = aliases[label] ?? label
        guard
            let cfName = name.withCString({
                CFStringCreateWithCString(nil, $0, CFStringBuiltInEncodings.UTF8.rawValue)
            })
        else { return nil }
        let cf = CFStringConvertIANACharSetNameToEncoding(cfName)
        if cf == kCFStringEncodingInvalidId { return nil }
        return String.Encoding(rawValue: CFStringConvertEncodingToNSStringEncoding(cf))
    }
}
