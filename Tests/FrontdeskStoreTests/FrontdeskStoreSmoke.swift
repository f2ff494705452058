import Testing
@testable import FrontdeskStore

@Test func FrontdeskStoreLoads() { #expect(Bool(true)) }
