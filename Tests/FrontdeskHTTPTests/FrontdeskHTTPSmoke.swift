import Testing
@testable import FrontdeskHTTP

@Test func FrontdeskHTTPLoads() { #expect(Bool(true)) }
