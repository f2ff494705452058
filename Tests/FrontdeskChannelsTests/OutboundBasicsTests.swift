import Testing
@testable import FrontdeskChannels

@Test func redactsUserinfo() {
    #expect(Redact.userinfo(in: "failed smtp://u:p@host:587/x and https://a@b/c") == "failed smtp://host:587/x and https://b/c")
    #expect(Redact.userinfo(in: "no url here") == "no url here")
}
