import Testing
@testable import FrontdeskText

@Test func FrontdeskTextLoads() { #expect(Bool(true)) }
