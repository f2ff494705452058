import Testing
@testable import FrontdeskApp

@Test func FrontdeskAppLoads() { #expect(Bool(true)) }
