import Foundation

/// What a pending question remembers, kept in the conversation as JSON text (`pending_payload`).
protocol PendingPayload: Codable {}

extension PendingPayload {
    var payload: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self) }

    static func decode(_ payload: String) -> Self? {
        try? JSONDecoder().decode(Self.self, from: Data(payload.utf8))
    }
}
