import Testing
@testable import FrontdeskPlugins

@Test func FrontdeskPluginsLoads() { #expect(Bool(true)) }
