import Foundation

/// A database's own files read as bytes, the way someone who copied them would: the main file and its WAL.
public struct DatabaseFiles: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The files (by name) whose bytes contain `text` as UTF-8.
    public func holding(_ text: String) -> [String] {
        let needle = Data(text.utf8)
        return ["", "-wal"].compactMap { suffix in
            guard let bytes = FileManager.default.contents(atPath: path + suffix), bytes.range(of: needle) != nil
            else { return nil }
            return path + suffix
        }
    }
}

/// The one-time link tokens in a text: the 43 base64url characters after each `/l/`. Written apart from the
/// product's own scanner (`LinkRedaction`), so a test does not take its word for where tokens are.
public func linkTokens(in text: String) -> [String] {
    let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    return text.components(separatedBy: "/l/").dropFirst().compactMap { piece in
        let token = piece.prefix(43)
        guard token.count == 43, token.allSatisfy(alphabet.contains) else { return nil }
        return String(token)
    }
}

/// A card number's digits in groups of four (`4242 4242 4242 4242`), the way most people type one.
public func groupedByFour(_ digits: String) -> String {
    stride(from: 0, to: digits.count, by: 4).map { String(digits.dropFirst($0).prefix(4)) }.joined(separator: " ")
}
