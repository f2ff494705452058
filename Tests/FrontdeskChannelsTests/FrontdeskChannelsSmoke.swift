import Testing
@testable import FrontdeskChannels

@Test func FrontdeskChannelsLoads() { #expect(Bool(true)) }
