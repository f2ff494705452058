/// The words learned from the examples, with typo correction by edit distance.
///
/// Correction uses symmetric deletes (the SymSpell idea): every word and its one- and two-letter deletions
/// are indexed by hash, so a query looks up its own deletions instead of comparing with every word.
/// Candidates are confirmed with the optimal-string-alignment distance (insert, delete, substitute, swap).
struct Vocabulary: Sendable {
    private var words: [[UInt8]] = []
    private var hashes: [UInt64] = []
    private var frequency: [Int] = []
    private var ids: [UInt64: Int32] = [:]
    /// Sorted (delete-variant hash, word id) pairs.
    private var deleteKeys: [UInt64] = []
    private var deleteIDs: [Int32] = []
    /// One bit per (hash mod 2^20) of the delete keys: most query variants are rejected without a search.
    private var filter = [UInt64](repeating: 0, count: 1 << 14)

    var isEmpty: Bool { words.isEmpty }

    init(_ counts: [String: Int]) {
        var pairs: [(UInt64, Int32)] = []
        for (word, count) in counts.sorted(by: { $0.key < $1.key }) {
            let bytes = Array(word.utf8)
            let id = Int32(words.count)
            let hash = fnv(bytes)
            guard ids[hash] == nil else { continue }
            ids[hash] = id
            words.append(bytes)
            hashes.append(hash)
            frequency.append(count)
            // Only plain lower-case words take part in correction (not numbers like "0pm").
            guard bytes.count >= 3, bytes.allSatisfy({ $0 >= ASCII.smallA && $0 <= ASCII.smallZ }) else { continue }
            var variants: Set<UInt64> = [hash]
            Vocabulary.deletions(bytes, depth: bytes.count >= 5 ? 2 : 1) { variants.insert($0) }
            for v in variants { pairs.append((v, id)) }
        }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        deleteKeys = pairs.map(\.0)
        for key in deleteKeys {
            let bit = Int(truncatingIfNeeded: key & 0xF_FFFF)
            filter[bit >> 6] |= 1 << UInt64(bit & 63)
        }
        deleteIDs = pairs.map(\.1)
    }

    @inline(__always)
    func contains(_ hash: UInt64) -> Bool { ids[hash] != nil }

    /// The closest known word: 4 letters only by swapping two neighbours ("crad"), 5–8 letters within 1 edit,
    /// longer within 2. Short words are where a real word of another language is most often one edit away
    /// ("come" / "como"). A changed first letter counts half an edit more (people rarely mistype it); ties go
    /// to the commoner word.
    func correct(_ bytes: [UInt8]) -> (bytes: [UInt8], hash: UInt64)? {
        let n = bytes.count
        guard n >= 4, n <= 24, bytes.allSatisfy({ $0 >= ASCII.smallA && $0 <= ASCII.smallZ }) else { return nil }
        let maxDistance = n >= 9 ? 2 : 1
        var best: Int32 = -1
        var bestDistance = Int.max
        var checked: [Int32] = []
        func consider(_ variant: UInt64) {
            let bit = Int(truncatingIfNeeded: variant & 0xF_FFFF)
            guard filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { return }
            var i = lowerBound(variant)
            while i < deleteKeys.count, deleteKeys[i] == variant {
                let id = deleteIDs[i]
                i += 1
                if checked.contains(id) { continue }
                checked.append(id)
                let word = words[Int(id)]
                guard abs(word.count - n) <= maxDistance else { continue }
                if n == 4, word.count != 4 || word.sorted() != bytes.sorted() { continue }
                let raw = Vocabulary.distance(bytes, word, limit: maxDistance)
                guard raw <= maxDistance else { continue }
                let d = 2 * raw + (word.first == bytes.first ? 0 : 1)
                if d < bestDistance || (d == bestDistance && frequency[Int(id)] > frequency[Int(best)]) {
                    best = id
                    bestDistance = d
                }
            }
        }
        consider(fnv(bytes))
        Vocabulary.deletions(bytes, depth: maxDistance) { consider($0) }
        guard best >= 0 else { return nil }
        return (words[Int(best)], hashes[Int(best)])
    }

    private func lowerBound(_ key: UInt64) -> Int {
        var lo = 0
        var hi = deleteKeys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if deleteKeys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Calls `visit` with the hash of every string made by deleting 1…depth bytes (duplicates possible).
    /// Hashes are computed by skipping positions, so nothing is allocated.
    static func deletions(_ bytes: [UInt8], depth: Int, _ visit: (UInt64) -> Void) {
        let n = bytes.count
        bytes.withUnsafeBufferPointer { b in
            for i in 0..<n {
                var h: UInt64 = FNV1a.offsetBasis
                for k in 0..<n where k != i { h = (h ^ UInt64(b[k])) &* FNV1a.prime }
                visit(h)
                guard depth >= 2, n >= 3 else { continue }
                for j in (i + 1)..<n {
                    var h2: UInt64 = FNV1a.offsetBasis
                    for k in 0..<n where k != i && k != j { h2 = (h2 ^ UInt64(b[k])) &* FNV1a.prime }
                    visit(h2)
                }
            }
        }
    }

    /// Optimal string alignment distance, stopping early above `limit`.
    static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        let n = a.count
        let m = b.count
        if n == 0 { return m }
        if m == 0 { return n }
        var previous2 = [Int](repeating: 0, count: m + 1)
        var previous = Array(0...m)
        var current = [Int](repeating: 0, count: m + 1)
        for i in 1...n {
            current[0] = i
            var rowMin = current[0]
            for j in 1...m {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { v = min(v, previous2[j - 2] + 1) }
                current[j] = v
                rowMin = min(rowMin, v)
            }
            if rowMin > limit { return limit + 1 }
            swap(&previous2, &previous)
            swap(&previous, &current)
        }
        return previous[m]
    }
}
