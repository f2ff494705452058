import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A numeric IPv4 or IPv6 address. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what a dual-stack
/// socket reports for an IPv4 peer) is taken as the IPv4 address it carries.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, network order.
    public let bytes: [UInt8]

    /// Parses `192.0.2.1`, `2001:db8::1`, `[2001:db8::1]`; nil for anything else (names, ports, garbage).
    public init?(_ text: some StringProtocol) {
        var text = String(text).trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            let raw = withUnsafeBytes(of: v6) { Array($0) }
            let mapped = raw.prefix(10).allSatisfy { $0 == 0 } && raw[10] == 0xFF && raw[11] == 0xFF
            bytes = mapped ? Array(raw.suffix(4)) : raw
        } else {
            return nil
        }
    }

    public var isIPv4: Bool { bytes.count == 4 }

    /// The canonical numeric form (`inet_ntop`).
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        guard ok else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed (`FRONTDESK_TRUSTED_PROXIES`): addresses and CIDR
/// ranges, IPv4 or IPv6. Anyone else's `X-Forwarded-For` is ignored, because anyone can send the header.
public struct TrustedProxies: Sendable, Equatable {
    /// One address or range: the first `prefixLength` bits of `network`.
    public struct Range: Sendable, Equatable {
        public let network: [UInt8]
        public let prefixLength: Int

        func contains(_ address: IPAddress) -> Bool {
            guard address.bytes.count == network.count else { return false }
            var remaining = prefixLength
            for (index, byte) in network.enumerated() where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if (address.bytes[index] & mask) != (byte & mask) { return false }
                remaining -= bits
            }
            return true
        }
    }

    /// Why a proxy list could not be read.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let entry: String
        public var description: String {
            "\"\(entry)\" is not an IP address or CIDR range (e.g. 10.0.0.1, 10.0.0.0/8, fd00::/8)"
        }
    }

    public let ranges: [Range]

    /// No proxy is trusted: every request's client is the socket's peer.
    public static let none = TrustedProxies(ranges: [])

    init(ranges: [Range]) { self.ranges = ranges }

    /// Parses a comma-separated list such as `127.0.0.1, 10.0.0.0/8, ::1`; empty entries are skipped.
    public init(parsing list: String) throws(ParseError) {
        var ranges: [Range] = []
        for entry in list.split(separator: ",") {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let address = IPAddress(parts[0]) else { throw ParseError(entry: trimmed) }
            let width = address.bytes.count * 8
            var prefix = width
            if parts.count == 2 {
                guard let bits = Int(parts[1]), (0...width).contains(bits), !parts[1].contains("+") else {
                    throw ParseError(entry: trimmed)
                }
                prefix = bits
            }
            ranges.append(Range(network: address.bytes, prefixLength: prefix))
        }
        self.ranges = ranges
    }

    public var isEmpty: Bool { ranges.isEmpty }

    /// Whether `address` (numeric) is one of the trusted proxies.
    public func contains(_ address: String) -> Bool {
        guard !ranges.isEmpty, let parsed = IPAddress(address) else { return false }
        return ranges.contains { $0.contains(parsed) }
    }

    /// The client of a request that arrived from `peer` carrying `forwardedFor` (every `X-Forwarded-For`
    /// header value, in arrival order). Unless the peer is trusted, the peer is the client. Otherwise the
    /// list is walked from the right (each proxy appends the address it received from) and the first address
    /// that is not a trusted proxy is the client: entries left of it were written by the client itself and
    /// prove nothing. An entry that is not an address stops the walk at the trusted hop that passed it on.
    public func client(peer: String, forwardedFor: [String]) -> String {
        guard contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        var client = peer
        for hop in hops.reversed() {
            guard let address = IPAddress(Self.strippingPort(hop)) else { return client }
            client = address.description
            if !ranges.contains(where: { $0.contains(address) }) { return client }
        }
        return client
    }

    /// `192.0.2.1:4711` → `192.0.2.1`, `[2001:db8::1]:4711` → `2001:db8::1`; anything else unchanged.
    static func strippingPort(_ hop: String) -> String {
        if hop.hasPrefix("["), let close = hop.firstIndex(of: "]") {
            return String(hop[hop.index(after: hop.startIndex)..<close])
        }
        let colons = hop.filter { $0 == ":" }.count
        if colons == 1, let colon = hop.firstIndex(of: ":") { return String(hop[..<colon]) }
        return hop
    }
}
