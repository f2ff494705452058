import Foundation

/// Sends SMS through Twilio's Messages REST API (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`).
public struct TwilioRESTSender: MessageSender {
    public let accountSID: String
    let authToken: String
    /// `https://api.twilio.com` in production; tests point it at a local fake.
    public let baseURL: String
    var poster = FormPoster()

    /// The Account SID must be alphanumeric (it becomes part of the URL path).
    public init(
        accountSID: String, authToken: String, baseURL: String = "https://api.twilio.com",
        timeout: TimeInterval = 20
    ) throws {
        guard !accountSID.isEmpty,
            accountSID.unicodeScalars.allSatisfy({
                $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0)
            })
        else {
            throw SendError(kind: .configuration, retryable: false, message: "Twilio Account SID is not alphanumeric")
        }
        guard !authToken.isEmpty else {
            throw SendError(kind: .configuration, retryable: false, message: "Twilio auth token is empty")
        }
        self.accountSID = accountSID
        self.authToken = authToken
        self.baseURL = FormPoster.trimmed(baseURL)
        poster.timeout = timeout
    }

    /// Reads `FRONTDESK_TWILIO_ACCOUNT_SID` and `FRONTDESK_TWILIO_AUTH_TOKEN`; nil unless both are set.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws
        -> TwilioRESTSender?
    {
        guard let sid = env["FRONTDESK_TWILIO_ACCOUNT_SID"], !sid.isEmpty,
            let token = env["FRONTDESK_TWILIO_AUTH_TOKEN"], !token.isEmpty
        else { return nil }
        return try TwilioRESTSender(accountSID: sid, authToken: token)
    }

    public var messagesURL: String { baseURL + "/2010-04-01/Accounts/" + accountSID + "/Messages.json" }

    public func send(_ message: OutgoingMessage) throws -> SendResult {
        guard message.channel == .sms else { throw SendError.invalid("Twilio sends SMS only") }
        for (field, value) in [("To", message.to), ("From", message.from)] {
            guard !value.isEmpty, value.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 }) else {
                throw SendError.invalid("\(field) is not a plain phone number or sender id")
            }
        }
        let response = try poster.post(
            url: messagesURL, username: accountSID, password: authToken,
            fields: [("To", message.to), ("From", message.from), ("Body", message.body)])
        // Twilio's error body is {"code": 21211, "message": …}; only the numeric code is kept (the message can
        // quote the number).
        let code = FormPoster.jsonField("code", in: response.body) as? Int
        if let failure = FormPoster.failure(response, provider: "Twilio", detail: code.map { "error \($0)" })
        {
            throw failure
        }
        return SendResult(providerMessageID: FormPoster.jsonField("sid", in: response.body) as? String)
    }
}
