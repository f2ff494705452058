import Foundation
import FrontdeskCore
import FrontdeskPlugins
import FrontdeskStore

/// One answer inside a reply: a template and its values (rendered when the reply is sent) and its links.
struct Part {
    var template: String
    var values: [String: String] = [:]
    var links: [IssuedLink] = []
    var intent: IntentID
    var confidence: Double
    /// Said to the staff member who wrote, never to the client they act for (a role refusal, "which client?").
    var forStaff = false
}

/// A numbered choice waiting for its answer (the pending payload of `core:choice`).
struct Choice: PendingPayload, Equatable {
    /// The intent behind each number, in order.
    var options: [IntentID]
    /// What the client wrote, handed to the chosen plugin (staff see it in a handoff).
    var text: String
}

extension Pipeline {
    /// Templates the dialogue renders itself.
    public static let dialogueTemplates = [
        "core/choose", "core/option", "core/option_cancel", "core/option_pause", "core/option_appointment",
        "core/option_optout",
        "core/pending_reminder", "core/list_or", "core/sms_more", "core/sms_shortened", "core/more",
    ]

    /// What a client may mean when a destructive request was not explicit: each option is the first of its
    /// intents that an enabled plugin owns; options nobody owns are left out. Pausing comes last so the numbers
    /// of the others do not move when a business turns it on.
    static let choices: [(intents: [IntentID], label: String)] = [
        (["membership.cancel"], "core/option_cancel"),
        (["appointment.request", "handoff"], "core/option_appointment"),
        (["optout"], "core/option_optout"),
        (["membership.pause"], "core/option_pause"),
    ]
    static let consentIntents: Set<IntentID> = ["optout", "optin"]
    /// How long a numbered choice waits for its answer.
    static let choiceMinutes = 30.0
    /// A reason prompt takes any text as the reason unless it is a request the classifier is this sure of.
    static let reasonThreshold = 0.8

    /// After SMS keywords: an email's unsubscribe words, the answer to a pending question, then the message's
    /// requests (the email's subject when its body holds none).
    func converse(_ t: inout Turn, _ c: any UnitOfWork) throws -> PipelineOutcome {
        let (business, client) = (t.business.id, t.sender.client)
        let policy = GuardPolicy { try self.guardValues(businessID: business, client: client, c) }
        let text = requestText(t.text, channel: t.message.channel, subject: t.message.subject)
        if t.message.channel == .email, let consent = reader.emailConsent(text) {
            let decision = Decision(intent: consent, confidence: 1, text: text, decidedBy: .keyword)
            return try answer([decision], keeping: nil, &t, c)
        }
        if let pending = pendingAction(t.conversation) {
            if pending.expiresAt <= t.now {
                try clearPending(&t, c)
                if pending.step == "confirm", [.no, .yes(detail: "")].contains(bare(reader.confirmation(text))) {
                    return try reply(
                        &t, template: "core/expired", values: [:], intent: "confirmation", confidence: 1, c)
                }
                // A code for a change that no longer waits goes to its plugin, which says it has expired (its code
                // row has, too), rather than being read as a new message.
                if pending.step == "code", let code = Self.code(in: text) {
                    return try resume(pending, answer: .text(code), &t, c)
                }
            } else if let outcome = try continuing(pending, text: text, policy: policy, &t, c) {
                return outcome
            }
        }
        if let outcome = try noticeReply(text: text, &t, c) { return outcome }
        let requests = try understand(text, channel: t.message.channel, policy: policy, guesses: t.guesses)
        return try answer(requests, keeping: nil, &t, c)
    }

    private func bare(_ reading: Reader.Confirmation) -> Reader.Confirmation {
        if case .yes = reading { return .yes(detail: "") }
        return reading
    }

    /// The answer to a pending question, or nil when the message is something else, handled as new.
    private func continuing(
        _ pending: PendingAction, text: String, policy: GuardPolicy, _ t: inout Turn, _ c: any UnitOfWork
    ) throws -> PipelineOutcome? {
        switch (pending.plugin, pending.step) {
        case ("core", "choice"): return try chosen(pending, text: text, &t, c)
        case ("core", "verify_contact"), ("core", "verify_code"): return try verifying(pending, text: text, &t, c)
        case ("core", "more"): return try more(pending, text: text, &t, c)
        case (_, "confirm"): return try confirming(pending, text: text, policy: policy, &t, c)
        case (_, "offer"):
            // A save offer shown with a cancellation: its word ("PAUSE") takes it; YES and NO answer as ever.
            if catalog.lexicon.acceptsOffer(text) { return try resume(pending, answer: .acceptOffer, &t, c) }
            return try confirming(pending, text: text, policy: policy, &t, c)
        case (_, "code"): return try coded(pending, text: text, policy: policy, &t, c)
        case (_, "contact"):
            // Asked for a new email or phone: a message holding one answers; anything else is new.
            return Address.found(in: text).isEmpty ? nil : try resume(pending, answer: .text(text), &t, c)
        case (_, "reason"): return try reasoning(pending, text: text, &t, c)
        case (_, "choice"): return try picking(pending, text: text, &t, c)
        default: return nil
        }
    }

    /// Only an explicit yes or no answers a confirmation. "ok" or "👍" gets the question again, briefly; a
    /// question or a new request is answered and the confirmation keeps waiting (until it expires), with a
    /// one-line reminder. A question about the pending action itself ("what happens if I cancel?") gets the
    /// question again, which names the action and its effect.
    private func confirming(
        _ pending: PendingAction, text: String, policy: GuardPolicy, _ t: inout Turn, _ c: any UnitOfWork
    ) throws -> PipelineOutcome {
        switch reader.confirmation(text) {
        case .yes(let detail): return try resume(pending, answer: .yes(detail: detail), &t, c)
        case .no: return try resume(pending, answer: .no, &t, c)
        case .acknowledgement: return try answer([], keeping: pending, &t, c)
        case .other:
            let waiting = catalog.manifest(pending.plugin)?.intents.first?.id
            let understood = try understand(text, channel: t.message.channel, policy: policy, guesses: t.guesses)
            let requests = understood.filter { d in
                !Self.notRequests.contains(d.intent) && !(d.intent == .clarify && d.guarded == waiting)
            }
            return try answer(requests, keeping: pending, &t, c)
        }
    }

    /// A plugin waiting for a one-time code it sent (a new contact being proved): six digits go to the plugin, a no
    /// word calls the change off, and anything else is answered while the code keeps waiting, with a reminder.
    private func coded(
        _ pending: PendingAction, text: String, policy: GuardPolicy, _ t: inout Turn, _ c: any UnitOfWork
    ) throws -> PipelineOutcome {
        if let code = Self.code(in: text) { return try resume(pending, answer: .text(code), &t, c) }
        switch reader.confirmation(text) {
        case .no: return try resume(pending, answer: .no, &t, c)
        case .yes, .acknowledgement: return try answer([], keeping: pending, &t, c)
        case .other:
            let requests = try understand(text, channel: t.message.channel, policy: policy).filter {
                !Self.notRequests.contains($0.intent)
            }
            return try answer(requests, keeping: pending, &t, c)
        }
    }

    /// A reason prompt stores what the client writes, never a yes, a no or an acknowledgement ("ok fine yes");
    /// a question or a clear new request is handled as new instead.
    private func reasoning(_ pending: PendingAction, text: String, _ t: inout Turn, _ c: any UnitOfWork) throws
        -> PipelineOutcome?
    {
        switch reader.confirmation(text) {
        case .yes(let detail) where !detail.isEmpty: return try resume(pending, answer: .text(detail), &t, c)
        case .yes, .no, .acknowledgement: return try resume(pending, answer: .no, &t, c)
        case .other:
            if reader.asks(text) { return nil }
            let guess =
                t.guesses?.classify(text, channel: t.message.channel)
                ?? classifier.classify(text, channel: t.message.channel)
            if !Self.notRequests.contains(guess.intent), guess.confidence >= Self.reasonThreshold { return nil }
            return try resume(pending, answer: .text(text), &t, c)
        }
    }

    /// A plugin's own numbered choice (`plan:choice`): "2" or "the second one" goes to the plugin as the number, a
    /// no word declines; anything else is a new message.
    private func picking(_ pending: PendingAction, text: String, _ t: inout Turn, _ c: any UnitOfWork) throws
        -> PipelineOutcome?
    {
        if let n = reader.choice(text) { return try resume(pending, answer: .text(String(n)), &t, c) }
        if case .no = reader.confirmation(text) { return try resume(pending, answer: .no, &t, c) }
        return nil
    }

    /// "2" (or "two", "the second one") picks an option; anything else is a new message.
    private func chosen(_ pending: PendingAction, text: String, _ t: inout Turn, _ c: any UnitOfWork) throws
        -> PipelineOutcome?
    {
        try clearPending(&t, c)
        guard let choice = Choice.decode(pending.payload), let n = reader.choice(text),
            choice.options.indices.contains(n - 1)
        else { return nil }
        let decision = Decision(intent: choice.options[n - 1], confidence: 1, text: choice.text, decidedBy: .keyword)
        return try answer([decision], keeping: nil, &t, c)
    }

    /// Answers requests in one reply, in the order asked, except that a destructive one or a choice (one at
    /// most) comes last: the others are answered, then it asks. `keeping` is a confirmation that still waits:
    /// it is not cleared, and unless a new question replaced it the reply ends with a one-line reminder. `opening`
    /// parts come first (the line that says an address was just verified).
    func answer(
        _ decisions: [Decision], keeping: PendingAction?, opening: [Part] = [], _ t: inout Turn, _ c: any UnitOfWork
    ) throws -> PipelineOutcome {
        if keeping == nil, t.conversation.pendingAction != nil { try clearPending(&t, c) }
        let asks = { (d: Decision) in
            d.intent == .clarify || self.catalog.lexicon.explicit[d.intent] != nil || self.confirms(d.intent)
        }
        var ordered = decisions.filter { !asks($0) }
        if let question = decisions.first(where: asks) { ordered.append(question) }
        // On SMS a consent change stands alone: after an opt-out its confirmation is the only message (CTIA). By
        // email the rest of what the client wrote is still answered.
        if t.message.channel == .sms, let consent = decisions.first(where: { Self.consentIntents.contains($0.intent) })
        {
            ordered = [consent]
        }
        var parts: [Part] = opening
        for d in ordered {
            parts.append(d.intent == .clarify ? try clarify(d, &t, c) : try perform(d, &t, c))
        }
        if let keeping, pendingAction(t.conversation) == keeping {
            parts.append(try remindPart(keeping, &t, c))
        }
        return try send(parts, &t, c)
    }

    /// Whether the intent's plugin asks for its own YES (`"confirm": "plugin"`): like a destructive request, it is
    /// answered last, one per message.
    func confirms(_ intent: IntentID) -> Bool {
        catalog.owner(of: intent)?.intents.first { $0.id == intent }?.confirm == .plugin
    }

    /// "Do you want to: 1) cancel your membership, 2) cancel or move an appointment, 3) stop texts? Reply 1, 2
    /// or 3", with only what this business has enabled; the answer is read by `chosen`.
    func clarify(_ d: Decision, _ t: inout Turn, _ c: any UnitOfWork) throws -> Part {
        let owned = Set(try enabledManifests(t.business.id, c).flatMap { $0.intents.map(\.id) })
        var options: [IntentID] = []
        var labels: [String] = []
        for choice in Self.choices {
            guard let intent = choice.intents.first(where: owned.contains) else { continue }
            options.append(intent)
            let label = try render(t, Part(template: choice.label, intent: intent, confidence: 1))
            let numbered = Part(
                template: "core/option", values: ["number": String(options.count), "label": label], intent: intent,
                confidence: 1)
            labels.append(try render(t, numbered))
        }
        guard options.count > 1 else {
            return try perform(
                Decision(intent: .unknown, confidence: d.confidence, text: d.text, decidedBy: .classifier), &t, c)
        }
        let numbers = options.indices.map { String($0 + 1) }
        let last = try render(
            t,
            Part(
                template: "core/list_or",
                values: ["list": numbers.dropLast().joined(separator: ", "), "last": numbers[numbers.count - 1]],
                intent: .clarify, confidence: 1))
        let pending = PendingAction(
            action: "core:choice", payload: Choice(options: options, text: d.text).payload,
            expiresAt: t.now.addingTimeInterval(Self.choiceMinutes * 60))
        try effects(&t, PluginReply(template: "", pending: pending), c)
        return Part(
            template: "core/choose", values: ["options": labels.joined(separator: ", "), "numbers": last],
            intent: .clarify, confidence: d.confidence)
    }

    /// The pending question again, in one line (the plugin's `remind`, or a generic line).
    func remindPart(_ pending: PendingAction, _ t: inout Turn, _ c: any UnitOfWork) throws -> Part {
        let generic = PluginReply(template: "core/pending_reminder")
        var reply = generic
        if let manifest = catalog.manifest(pending.plugin) {
            let context = try makeContext(t, manifest: manifest, enabled: try enabledManifests(t.business.id, c), c)
            reply = invoke(manifest.id, c) { plugin in try plugin.remind(pending, in: context) ?? generic }
        }
        return Part(template: reply.template, values: reply.values, intent: "confirmation", confidence: 1)
    }

    /// One reply made of the parts (silent ones left out), queued once; the outcome carries every intent and link.
    func send(_ parts: [Part], _ t: inout Turn, _ c: any UnitOfWork) throws -> PipelineOutcome {
        let first = parts.first ?? Part(template: "", intent: .unknown, confidence: 0)
        let spoken = parts.filter { !$0.template.isEmpty }
        guard let main = spoken.last else {
            try c.updateMessageIntent(id: t.messageID, intent: first.intent, confidence: first.confidence)
            return silent(t, reason: "no_reply", intent: first.intent, confidence: first.confidence)
        }
        let before = try spoken.dropLast().map { try render(t, $0) }
        var outcome = try reply(
            &t, template: main.template, values: main.values, intent: first.intent, confidence: first.confidence,
            before: before, c)
        outcome.links = parts.flatMap(\.links)
        outcome.intents = parts.map(\.intent)
        outcome.state = Self.state(pendingAction(t.conversation))
        return outcome
    }

    /// One part as text for this turn's channel and locale (a broken template becomes the apology).
    func render(_ t: Turn, _ part: Part) throws -> String {
        let values = baseValues(t).merging(part.values) { _, new in new }
        do {
            return try catalog.templates.render(part.template, channel: t.message.channel, locale: t.locale, values)
        } catch {
            log.error("template_failed", ["template": part.template])
            return try catalog.templates.render("core/error", channel: t.message.channel, locale: t.locale, values)
        }
    }
}
