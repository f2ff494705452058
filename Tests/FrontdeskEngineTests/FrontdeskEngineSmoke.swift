import Testing
@testable import FrontdeskEngine

@Test func FrontdeskEngineLoads() { #expect(Bool(true)) }
