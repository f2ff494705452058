import Foundation
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting
import Testing

@testable import FrontdeskSQLite

@Suite("Upgrading to 010_client_language")
struct ClientLanguageUpgradeTests {
    @Test func clientsOfAnEarlierReleaseKeepEverythingAndHaveNoLanguageYet() throws {
        let path = try OldDatabase.copy("release-003_link_actions.sqlite")
        let columns = try OldDatabase.columns(path)
        #expect(columns["clients"]?.contains("language") == false)
        let before = try OldDatabase.snapshot(path)
        let store = try SQLiteStore(path: path)
        #expect(try store.integrityProblems().isEmpty)
        #expect(try OldDatabase.columns(path)["clients"]?.contains("language") == true)
        // Every client row is kept as it was; the new column is empty until a client writes.
        #expect(try OldDatabase.snapshot(path, columns: columns)["clients"] == before["clients"])
        let clients = try store.read { try $0.clients(businessID: 1) }
        #expect(clients.count == before["clients"]?.count)
        #expect(clients.allSatisfy { $0.language == nil })
        let alice = try #require(clients.first)
        try store.write { try $0.setClientLanguage(clientID: alice.id, language: "fr") }
        #expect(try store.read { try $0.client(id: alice.id)?.language } == "fr")
        // A code that is not a locale's form is refused by the table, and nothing changes.
        #expect(throws: StoreError.self) {
            try store.write { try $0.setClientLanguage(clientID: alice.id, language: "fr'; DROP") }
        }
        #expect(try store.read { try $0.client(id: alice.id)?.language } == "fr")
        try store.write { try $0.setClientLanguage(clientID: alice.id, language: nil) }
        #expect(try store.read { try $0.client(id: alice.id)?.language } == nil)
    }
}
