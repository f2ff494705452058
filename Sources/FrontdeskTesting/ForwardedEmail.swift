/// A staff member's forward of a client's email as the raw RFC 5322 text a provider receives (Gmail's forward
/// layout), with the receiving server's `Authentication-Results` for the staff member's domain on top.
public struct ForwardedEmail: Sendable {
    public var staff: String
    public var note: String
    /// The forwarded message's `From:` as the client's mail client wrote it (`Alice Johnson <alice@example.com>`).
    public var clientFrom: String
    public var clientSubject: String
    public var clientBody: String
    public var messageID: String
    /// Who received it (`mxa.mailgun.org` counts by default) and its DMARC, DKIM and SPF result.
    public var authservID = "mxa.mailgun.org"
    public var result = "pass"

    public init(
        staff: String, note: String, clientFrom: String, clientSubject: String = "My membership", clientBody: String,
        messageID: String
    ) {
        self.staff = staff
        self.note = note
        self.clientFrom = clientFrom
        self.clientSubject = clientSubject
        self.clientBody = clientBody
        self.messageID = messageID
    }

    public var raw: String {
        let domain = staff.split(separator: "@").last.map(String.init) ?? "example.com"
        return [
            "Authentication-Results: \(authservID); dkim=\(result) header.d=\(domain); spf=\(result) "
                + "smtp.mailfrom=\(domain); dmarc=\(result) header.from=\(domain)",
            "From: \(staff)", "To: desk@maple-studio.example", "Subject: Fwd: \(clientSubject)",
            "Message-ID: <\(messageID)>", "Date: Mon, 23 Nov 2026 10:00:00 -0500",
            "Content-Type: text/plain; charset=utf-8", "", note, "", "---------- Forwarded message ---------",
            "From: \(clientFrom)", "Date: Mon, Nov 23, 2026 at 9:12 AM", "Subject: \(clientSubject)",
            "To: \(staff)", "", clientBody, "",
        ].joined(separator: "\r\n")
    }
}
