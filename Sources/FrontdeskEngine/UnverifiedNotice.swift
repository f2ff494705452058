import FrontdeskCore
import FrontdeskPlugins

extension Pipeline {
    /// How far the pipeline may trust who wrote: an SMS number is the carrier's word; an email's From only what the
    /// receiving side's SPF/DKIM/DMARC verdicts make of it (`AuthVerdict.trust`).
    static func senderTrust(_ message: InboundMessage) -> AuthVerdict.Trust {
        message.channel == .sms ? .verified : message.verdict.trust
    }
}

/// The staff notice for an email nobody could verify (no SPF, DKIM or DMARC verdict at all): who it claims to be
/// from and what it says, with nothing in it that acts. Web addresses and domains in the sender's words are broken
/// up (`example[.]com`, `https[:]//`) so a mail client does not turn them into links a busy member of staff might
/// follow; the notice carries no link of its own.
enum UnverifiedNotice {
    static let template = "core/unverified_notice"

    static func notice(_ t: Pipeline.Turn) -> StaffNotice {
        let subject = t.message.subject?.trimmedWhitespace() ?? ""
        return StaffNotice(
            template: template,
            values: [
                "from": t.from, "subject": inert(subject.isEmpty ? "(none)" : String(subject.prefix(200))),
                "text": inert(String(t.text.prefix(1000))),
            ])
    }

    /// The notice's subject (`core/unverified_subject`), in the business's language like the notice.
    static func subject(_ t: Pipeline.Turn) -> StaffNotice {
        StaffNotice(template: "core/unverified_subject", values: ["from": t.from])
    }

    /// The text with every `.` between a letter or digit and a letter written `[.]`, and every `://` written
    /// `[:]//`: what mail clients recognise as a web address or a domain no longer is one. Prices (`3.50`) and
    /// sentence ends (`done. Thanks`) are left alone.
    static func inert(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for (i, ch) in chars.enumerated() {
            let before = i > 0 ? chars[i - 1] : " "
            let after = i + 1 < chars.count ? chars[i + 1] : " "
            if ch == ".", before.isLetter || before.isNumber, after.isLetter {
                out += "[.]"
            } else if ch == ":", after == "/", i + 2 < chars.count, chars[i + 2] == "/" {
                out += "[:]"
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
