import FrontdeskDomains
import Testing

@Suite struct OrganizationalDomainTests {
    @Test(arguments: [
        ("example.com", "example.com"), ("mail.example.com", "example.com"), ("a.b.c.example.com", "example.com"),
        ("mail.example.co.uk", "example.co.uk"), ("other.co.uk", "other.co.uk"), ("EXAMPLE.COM.", "example.com"),
        ("bücher.de", "bücher.de"), ("user.github.io", "user.github.io"),  // a private suffix on the list
    ])
    func registrableDomains(_ domain: String, _ expected: String) {
        #expect(Domains.organizationalDomain(of: domain) == expected)
    }

    @Test(arguments: ["com", "co.uk", "github.io", "", ".", "localhost", "192.0.2.1", "a..example.com", "a b.com"])
    func namesWithoutAnOrganizationalDomain(_ domain: String) {
        #expect(Domains.organizationalDomain(of: domain) == nil)
    }

    @Test func relaxedAlignmentComparesOrganizationalDomains() {
        #expect(Domains.aligned("mail.example.co.uk", "example.co.uk"))
        #expect(Domains.aligned("bounces.example.com", "news.example.com"))
        #expect(!Domains.aligned("other.co.uk", "example.co.uk"))
        // A public suffix vouches for nobody: `{@com : pass}` must not align with example.com.
        #expect(!Domains.aligned("com", "example.com"))
        #expect(!Domains.aligned("co.uk", "example.co.uk"))
        #expect(!Domains.aligned("example.com", "com"))
        // Suffix tests get this wrong: notexample.com ends with "example.com" but is someone else.
        #expect(!Domains.aligned("notexample.com", "example.com"))
        #expect(!Domains.aligned("alice.github.io", "mallory.github.io"))
    }
}
