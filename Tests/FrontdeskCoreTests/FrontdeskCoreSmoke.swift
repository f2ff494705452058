import Testing
@testable import FrontdeskCore

@Test func FrontdeskCoreLoads() { #expect(Bool(true)) }
