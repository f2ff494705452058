/// Addresses as people write them inside a message, and as staff see a client's address: masked.
extension Address {
    /// `alice@example.com` → `a•••@example.com`; `+15550101001` → `•••1001`. Enough for staff to tell which
    /// contact was used, not enough to copy it.
    public static func masked(_ address: String, channel: Channel) -> String {
        switch channel {
        case .email:
            guard let at = address.lastIndex(of: "@"), at > address.startIndex else { return "•••" }
            return String(address[address.startIndex]) + "•••" + address[at...]
        case .sms:
            return "•••" + address.suffix(4)
        }
    }

    /// The email addresses and phone numbers written in a text, canonical, in order, each once: "my email is
    /// Alice@Example.com" and "call 555-010-1001" give `alice@example.com` and `+15550101001`. A phone number is a
    /// run of digits (10 to 15 of them) with the separators people type (`+`, spaces, `-`, `.`, brackets).
    public static func found(in text: String) -> [(address: String, channel: Channel)] {
        var out: [(address: String, channel: Channel)] = []
        func add(_ address: String, _ channel: Channel) {
            if !out.contains(where: { $0.address == address && $0.channel == channel }) {
                out.append((address, channel))
            }
        }
        let separators: Set<Character> = [" ", "\t", "\n", "\r", ",", ";", "<", ">", "(", ")", "[", "]", "\"", "'"]
        for word in text.split(whereSeparator: { separators.contains($0) }) where word.contains("@") {
            let trimmed = word.trimmingScalars { ".:!?".unicodeScalars.contains($0) }
            if let email = email(trimmed) { add(email, .email) }
        }
        var run = ""
        func flush() {
            defer { run = "" }
            let digits = run.filter { $0.isASCII && $0.isNumber }.count
            guard (10...15).contains(digits), let phone = phone(run.trimmingScalars { $0 == " " || $0 == "-" })
            else { return }
            add(phone, .sms)
        }
        for ch in text {
            if ch.isASCII, ch.isNumber || (ch == "+" && run.isEmpty) || (!run.isEmpty && " -().".contains(ch)) {
                run.append(ch)
            } else {
                flush()
            }
        }
        flush()
        return out
    }
}
