import CPSL

/// Organizational domains (RFC 7489 §3.2) from the Public Suffix List, as libpsl reads it.
///
/// The Organizational Domain is the public suffix plus one label: `mail.example.co.uk` → `example.co.uk`. DMARC's
/// relaxed alignment (RFC 7489 §3.1.1, §3.1.2) asks only that two domains share it. A plain suffix test would let a
/// signature for `com` or `co.uk` vouch for every domain under it; the list knows where registrations happen.
public enum Domains {
    /// The organizational domain of `domain` (lower-cased, trailing dot ignored), or nil when it has none: a public
    /// suffix itself (`com`, `co.uk`), an IP address, an empty or malformed name, or no suffix list on the system.
    public static func organizationalDomain(of domain: String) -> String? {
        var name = Substring(domain)
        while name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty, name.utf8.count <= 253, !name.hasPrefix("."), !name.contains(".."),
            !name.contains(where: { $0 == " " || $0 == "@" || $0 == "[" || $0 == "]" || $0 == ":" || $0 == "\0" }),
            !name.split(separator: ".").allSatisfy({ $0.allSatisfy(\.isNumber) }),  // 192.0.2.1 is no domain
            let context = SuffixList.shared.context
        else { return nil }
        // libpsl wants UTF-8 lower-case NFKC (or ASCII punycode): its own helper normalises, through libidn2.
        var lowered: UnsafeMutablePointer<CChar>?
        guard psl_str_to_utf8lower(String(name), "utf-8", nil, &lowered) == PSL_SUCCESS, let lowered else {
            return nil
        }
        defer { psl_free_string(lowered) }
        // The result points into `lowered` (the shortest registrable suffix of it), so it is copied before the free.
        guard let registrable = psl_registrable_domain(context, lowered) else { return nil }
        return String(cString: registrable)
    }

    /// DMARC relaxed alignment: both domains have an organizational domain, and it is the same one.
    public static func aligned(_ a: String, _ b: String) -> Bool {
        guard let left = organizationalDomain(of: a), let right = organizationalDomain(of: b) else { return false }
        return left == right
    }
}

/// The suffix list, loaded once for the life of the process and never changed after.
///
/// `@unchecked Sendable`: the context is written only by libpsl while loading, in `init`; afterwards libpsl's lookups
/// only read it (they take a `const psl_ctx_t *`), so sharing it between threads needs no lock. It is never freed.
private final class SuffixList: @unchecked Sendable {
    static let shared = SuffixList()

    let context: OpaquePointer?

    private init() {
        // psl_latest(NULL) picks the newest of the data built into libpsl and Debian's list
        // (/usr/share/publicsuffix, package publicsuffix); the built-in data alone is the fallback.
        context = psl_latest(nil) ?? psl_builtin()
    }
}
