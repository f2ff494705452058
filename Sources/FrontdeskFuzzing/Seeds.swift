import Foundation
import FrontdeskText

/// Starting inputs for each target, made from the real emails and provider payloads under `Tests/Fixtures`, in the
/// target's input format (see each target). libFuzzer mutates these rather than starting from nothing.
public enum FuzzSeeds {
    /// `Tests/Fixtures` of this checkout.
    public static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Tests/Fixtures").standardizedFileURL

    /// Regression inputs: every crash or failed check found, kept so `swift test` replays it.
    public static func regressionDirectory(_ target: FuzzTarget) -> URL {
        fixtures.appendingPathComponent("fuzz/\(target.rawValue)")
    }

    /// Named seed inputs for `target`.
    public static func seeds(_ target: FuzzTarget) throws -> [(name: String, input: [UInt8])] {
        switch target {
        case .mime: return try mime()
        case .extract: return try extract()
        case .form: return try form()
        case .multipart: return try multipart()
        case .json: return try json()
        case .webhooks: return try webhooks()
        }
    }

    /// Writes the seeds into `directory` (created if missing); returns how many.
    public static func write(_ target: FuzzTarget, to directory: URL) throws -> Int {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let seeds = try seeds(target)
        for seed in seeds {
            try Data(seed.input).write(to: directory.appendingPathComponent(seed.name))
        }
        return seeds.count
    }

    // MARK: Per target

    static func mime() throws -> [(name: String, input: [UInt8])] {
        var seeds: [(name: String, input: [UInt8])] = []
        for (k, record) in try corpus().enumerated() {
            let message =
                record.format == "eml"
                ? record.raw
                : "From: Ann <ann@example.com>\r\nTo: desk@example.test\r\nSubject: Re: hello\r\n"
                    + (record.format == "html" ? "Content-Type: text/html; charset=utf-8\r\n" : "") + "\r\n"
                    + record.raw
            seeds.append((name: "corpus-\(k)", input: Array(message.utf8)))
        }
        for (name, fields) in try sendgridForms() {
            if let email = fields.first(where: { $0.name == "email" }) {
                seeds.append((name: name, input: Array(email.value.utf8)))
            }
        }
        return seeds
    }

    static func extract() throws -> [(name: String, input: [UInt8])] {
        try corpus().enumerated().map { k, record in
            let fields =
                record.format == "html" ? ["", record.raw, "Ann <ann@example.com>", "Re: hello"] : [record.raw]
            return (name: "corpus-\(k)", input: FuzzInput.join(fields))
        }
    }

    static func form() throws -> [(name: String, input: [UInt8])] {
        var seeds: [(name: String, input: [UInt8])] = []
        let twilio = try twilioParams()
        let mailgun = try mailgunFields()
        for (name, pairs) in [("twilio", twilio), ("mailgun", mailgun)] {
            let fields = pairs.flatMap { [$0.name, $0.value] }
            // Round trip (odd), in memory and spooled.
            seeds.append((name: "\(name)-fields", input: [1] + FuzzInput.join(fields)))
            seeds.append((name: "\(name)-fields-spooled", input: [3] + FuzzInput.join(fields)))
            // Raw (even): the body a provider sends.
            let body = pairs.map { "\(escaped($0.name))=\(escaped($0.value))" }.joined(separator: "&")
            seeds.append((name: "\(name)-body", input: [0] + Array(body.utf8)))
            seeds.append((name: "\(name)-body-spooled", input: [2] + Array(body.utf8)))
        }
        return seeds
    }

    static func multipart() throws -> [(name: String, input: [UInt8])] {
        var seeds: [(name: String, input: [UInt8])] = []
        for file in sendgridFormFiles {
            let text = try String(contentsOf: webhooks(file), encoding: .utf8)
            // The samples use LF; real requests use CRLF. Both are seeds.
            for (suffix, body) in [("lf", text), ("crlf", text.replacingOccurrences(of: "\n", with: "\r\n"))] {
                seeds.append((name: "\(file)-\(suffix)", input: [0] + FuzzInput.join(["xYzZY", body])))
                seeds.append((name: "\(file)-\(suffix)-spooled", input: [2] + FuzzInput.join(["xYzZY", body])))
            }
        }
        for (name, fields) in try sendgridForms() {
            let triples = fields.flatMap { [$0.name, "", $0.value] }
            seeds.append((name: "\(name)-fields", input: [1] + FuzzInput.join(triples)))
            seeds.append((name: "\(name)-fields-spooled", input: [3] + FuzzInput.join(triples)))
        }
        return seeds
    }

    static func json() throws -> [(name: String, input: [UInt8])] {
        var seeds: [(name: String, input: [UInt8])] = []
        for file in jsonFiles {
            seeds.append((name: file, input: Array(try Data(contentsOf: webhooks(file)))))
        }
        // Mailgun's message-headers: a JSON array of [name, value] pairs.
        let headers = try mailgunFields().map { [$0.name, $0.value] }
        let encoded = try JSONSerialization.data(withJSONObject: headers)
        seeds.append((name: "mailgun-message-headers", input: Array(encoded)))
        for (name, fields) in try sendgridForms() {
            if let envelope = fields.first(where: { $0.name == "envelope" }) {
                seeds.append((name: "\(name)-envelope", input: Array(envelope.value.utf8)))
            }
        }
        return seeds
    }

    static func webhooks() throws -> [(name: String, input: [UInt8])] {
        var seeds: [(name: String, input: [UInt8])] = []
        func add(_ name: String, _ selector: UInt8, _ rest: [UInt8]) {
            // Signed (bit 2), and the same unsigned.
            seeds.append((name: "\(name)-signed", input: [selector | 4] + rest))
            seeds.append((name: "\(name)-unsigned", input: [selector] + rest))
        }
        let twilio = try twilioParams().flatMap { [$0.name, $0.value] }
        add("twilio-form", 0, FuzzInput.join([""] + twilio))
        for file in ["twilio_json_body_sdk_tests.json", "twilio_json_body_docs_security_example.json"] {
            add("twilio-json-\(file)", 16, Array(try Data(contentsOf: webhooks(file))))
        }
        add("mailgun", 1, FuzzInput.join([""] + (try mailgunFields()).flatMap { [$0.name, $0.value] }))
        for (name, fields) in try sendgridForms() {
            add(name, 2, FuzzInput.join(["Basic c2VuZGdyaWQ6d3Jvbmc="] + fields.flatMap { [$0.name, $0.value] }))
        }
        for file in jsonFiles where file.hasPrefix("postmark") {
            add(file, 3, Array(try Data(contentsOf: webhooks(file))))
        }
        return seeds
    }

    // MARK: Fixtures

    struct Record: Decodable {
        var raw: String
        var inputFormat: String?

        var format: String { inputFormat ?? "text" }

        enum CodingKeys: String, CodingKey {
            case raw
            case inputFormat = "input_format"
        }
    }

    /// Every record of the four email corpora.
    static func corpus() throws -> [Record] {
        var records: [Record] = []
        for file in ["reply_corpus", "forward_corpus", "reply_constraints", "signature_corpus"] {
            let url = fixtures.appendingPathComponent("corpus/email/\(file).jsonl")
            for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
                records.append(try JSONDecoder().decode(Record.self, from: Data(line.utf8)))
            }
        }
        return records
    }

    static let sendgridFormFiles = [
        "sendgrid_default_data.form", "sendgrid_raw_data.form", "sendgrid_raw_data_with_attachments.form",
    ]
    static let jsonFiles = [
        "postmark_inbound_docs_example_RECONSTRUCTED.json", "postmark_inbound_postmark-gem_spec.json",
        "twilio_json_body_docs_security_example.json", "twilio_json_body_sdk_tests.json",
        "twilio_incoming_message_params_doc_table.json", "vectors.json",
    ]

    static func webhooks(_ file: String) -> URL { fixtures.appendingPathComponent("corpus/webhooks/\(file)") }

    /// The SendGrid samples' fields (parsed with the MIME parser; they are multipart/form-data with boundary xYzZY).
    static func sendgridForms() throws -> [(name: String, fields: [(name: String, value: String)])] {
        try sendgridFormFiles.map { file in
            let body = try Data(contentsOf: webhooks(file))
            let parts = MIMEParser.parseMultipart(body: body, boundary: "xYzZY")
            return (name: file, fields: parts.map { (name: $0.name ?? "", value: $0.text) })
        }
    }

    /// Twilio's documented webhook parameters with their example values.
    static func twilioParams() throws -> [(name: String, value: String)] {
        let data = try Data(contentsOf: webhooks("twilio_incoming_message_params_doc_table.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return object.keys.sorted().filter { !$0.hasPrefix("_") }.map { (name: $0, value: "\(object[$0] ?? "")") }
    }

    /// Mailgun's documented route POST, one `key: value` a line.
    static func mailgunFields() throws -> [(name: String, value: String)] {
        let text = try String(contentsOf: webhooks("mailgun_store_notify_doc_sample.txt"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (name: String(line[..<colon]), value: String(line[line.index(after: colon)...].drop { $0 == " " }))
        }
    }

    static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
