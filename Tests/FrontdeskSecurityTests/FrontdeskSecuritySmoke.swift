import Testing
@testable import FrontdeskSecurity

@Test func FrontdeskSecurityLoads() { #expect(Bool(true)) }
