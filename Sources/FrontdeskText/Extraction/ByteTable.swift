#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fixed set of short byte strings (header words, tag names, phrases) looked up by their bytes: no String is
/// made and no SipHash runs. Open addressing over FNV-1a, at most a quarter full. Each distinct key gets an id,
/// its position in `keys`, so callers keep what a key means in arrays beside the table.
package struct ByteTable: Sendable {
    private(set) var keys: [[UInt8]] = []
    private var slots: [Int32] = Array(repeating: -1, count: 16)
    private var mask = 15

    init() {}

    package init(_ words: some Sequence<String>) {
        for w in words { insert(Array(w.utf8)) }
    }

    /// The id of `key`, adding it when new.
    @discardableResult
    mutating func insert(_ key: [UInt8]) -> Int {
        if let id = key.withUnsafeBufferPointer({ id(of: $0) }) { return id }
        keys.append(key)
        if keys.count * 4 > slots.count {
            slots = Array(repeating: -1, count: slots.count * 2)
            mask = slots.count - 1
            for (id, k) in keys.enumerated() { place(k, id) }
        } else {
            place(key, keys.count - 1)
        }
        return keys.count - 1
    }

    private mutating func place(_ key: [UInt8], _ id: Int) {
        var h = key.withUnsafeBufferPointer { Self.hash($0) } & mask
        while slots[h] >= 0 { h = (h + 1) & mask }
        slots[h] = Int32(id)
    }

    @inline(__always) static func hash(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = FNV1a.offsetBasis
        for x in b { h = (h ^ UInt64(x)) &* FNV1a.prime }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The id of the key equal to `b`, or nil.
    func id(of b: UnsafeBufferPointer<UInt8>) -> Int? {
        var h = Self.hash(b) & mask
        while true {
            let s = Int(slots[h])
            if s < 0 { return nil }
            let k = keys[s]
            if k.count == b.count,
                b.count == 0 || k.withUnsafeBufferPointer({ memcmp($0.baseAddress!, b.baseAddress!, b.count) == 0 })
            {
                return s
            }
            h = (h + 1) & mask
        }
    }

    func id(of s: String) -> Int? {
        var copy = s
        return copy.withUTF8 { id(of: $0) }
    }

    func contains(_ s: String) -> Bool { id(of: s) != nil }
}
