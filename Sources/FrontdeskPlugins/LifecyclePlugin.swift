import Foundation
import FrontdeskBilling
import FrontdeskCore
import FrontdeskStore

/// `membership.pause`, `membership.resume`, `membership.reactivate`: the membership's lifecycle by message, each
/// change named with its dates and billing and carried out only after an explicit YES, through the billing
/// provider. Policy is the business's (`plugin.json` settings): whether pausing is allowed (otherwise staff are
/// asked), its shortest and longest length, pauses per year, a fee note, how billing behaves (skip or shift), and
/// whether a cancelled client may rejoin on a link or through staff.
public struct LifecyclePlugin: Plugin {
    public let id = "lifecycle"
    public static let rejoinAction = "membership.rejoin"
    public init() {}

    public func handle(_ request: PluginRequest, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        let memberships = try context.billing.subscriptions(clientID: client.id, in: context.scope)
        switch request.intent {
        case "membership.pause": return try pause(request, memberships, context)
        case "membership.resume": return try resume(request, memberships, context)
        default: return try reactivate(request, memberships, client: client, context)
        }
    }

    // MARK: Pause

    private func pause(_ request: PluginRequest, _ all: [Membership], _ context: PluginContext) throws -> PluginReply {
        let live = all.filter { $0.status != .cancelled }
        guard !live.isEmpty else { return PluginReply(template: "lifecycle/pause_none") }
        guard let m = MembershipPick.pick(live, text: request.text) else { return which(live, "pause", context) }
        guard context.settings.bool("pause_allowed") else { return try RequestsPlugin.forward(request, in: context) }
        if let pause = m.pause {
            return PluginReply(
                template: "lifecycle/pause_already",
                values: [
                    "plan": m.planName, "from": context.date(pause.startsAt), "until": context.date(pause.resumesAt),
                ])
        }
        guard m.status == .active else { return try unavailable(m, "lifecycle/pause_unavailable", context) }
        let billing = PauseBilling(rawValue: context.settings.string("pause_billing") ?? "") ?? .shift
        guard context.billing.pauseBillings.contains(billing) else {
            return try RequestsPlugin.forward(request, in: context)
        }
        let (shortest, longest) = limits(context)
        let calendar = context.scope.calendar
        let example = exampleDate(context)
        guard
            let dates = PauseDates.parse(request.text, lexicon: context.lexicon).resolve(
                now: context.now, calendar: calendar, defaultDays: min(max(30, shortest), longest)),
            dates.starts < calendar.date(byAdding: .day, value: 366, to: context.now) ?? context.now
        else { return PluginReply(template: "lifecycle/pause_dates", values: ["example": example]) }
        let days = PauseDates.days(from: dates.starts, to: dates.resumes, calendar: calendar)
        var values = [
            "plan": m.planName, "from": context.date(dates.starts), "until": context.date(dates.resumes),
            "days": String(days), "min": String(shortest), "max": String(longest), "example": example,
        ]
        guard days >= shortest else { return PluginReply(template: "lifecycle/pause_too_short", values: values) }
        guard days <= longest else { return PluginReply(template: "lifecycle/pause_too_long", values: values) }
        let perYear = context.settings.int("pauses_per_year", default: 2)
        let since = calendar.date(byAdding: .year, value: -1, to: context.now) ?? context.now
        let count = try context.billing.pauseCount(membershipID: m.id, since: since, in: context.scope)
        guard count < perYear else {
            values["count"] = String(count)
            return PluginReply(template: "lifecycle/pause_limit", values: values)
        }
        let request = PauseRequest(startsAt: dates.starts, resumesAt: dates.resumes, billing: billing)
        let preview: PausePreview
        do { preview = try context.billing.previewPause(m, request, in: context.scope) } catch let error as BillingError
        {
            return try refusal(error, m, context)
        }
        values["billing"] = try billingText(preview, m, context)
        let note = context.settings.string("pause_fee_note") ?? ""
        values["fee"] = note.isEmpty ? "" : " " + note
        let ttl = context.settings.int("ttl_minutes", default: 30)
        values["minutes"] = String(ttl)
        let change = PendingChange(
            kind: "pause", membership: m.id, startsAt: dates.starts, resumesAt: dates.resumes, billing: billing.rawValue
        )
        return PluginReply(
            template: "lifecycle/pause_confirm", values: values, pending: change.pending(id, context, minutes: ttl))
    }

    /// "Billing: … the charge of Dec 5 is skipped; your next charge is Jan 5." / "… moves to the resume date".
    private func billingText(_ p: PausePreview, _ m: Membership, _ context: PluginContext) throws -> String {
        let next = context.date(p.nextBillingAt)
        let amount = context.money(m.priceMinor, m.currency)
        switch p.request.billing {
        case .skip:
            guard !p.skippedBillingDates.isEmpty else {
                return try context.render("lifecycle/billing_skip_none", ["next": next, "amount": amount])
            }
            let dates = p.skippedBillingDates.map { context.date($0) }
            let skipped =
                dates.count == 1
                ? dates[0]
                : try context.render(
                    "lifecycle/list_and",
                    ["list": dates.dropLast().joined(separator: ", "), "last": dates[dates.count - 1]])
            return try context.render(
                dates.count == 1 ? "lifecycle/billing_skip" : "lifecycle/billing_skip_many",
                ["skipped": skipped, "next": next, "amount": amount])
        case .shift:
            return try context.render("lifecycle/billing_shift", ["next": next, "amount": amount])
        }
    }

    /// A resume date to show in examples: a month from today, within the business's limits.
    private func exampleDate(_ context: PluginContext) -> String {
        let (shortest, longest) = limits(context)
        let days = min(max(30, shortest), longest)
        return context.date(context.scope.calendar.date(byAdding: .day, value: days, to: context.now))
    }

    private func limits(_ context: PluginContext) -> (shortest: Int, longest: Int) {
        let shortest = context.settings.int("pause_min_days", default: 7)
        return (shortest, max(shortest, context.settings.int("pause_max_days", default: 90)))
    }

    // MARK: Resume

    private func resume(_ request: PluginRequest, _ all: [Membership], _ context: PluginContext) throws
        -> PluginReply
    {
        let paused = all.filter { $0.status == .paused || ($0.pause != nil && $0.status != .cancelled) }
        guard !paused.isEmpty else {
            guard let m = all.first(where: { $0.status != .cancelled }) else {
                return PluginReply(template: "lifecycle/resume_none")
            }
            return try unavailable(m, "lifecycle/resume_not_paused", context)
        }
        guard let m = MembershipPick.pick(paused, text: request.text) else { return which(paused, "resume", context) }
        let next = try context.billing.previewResume(m, fallback: fallback(context), in: context.scope)
        let ttl = context.settings.int("ttl_minutes", default: 30)
        var values = try resumeValues(m, next: next, context)
        values["minutes"] = String(ttl)
        return PluginReply(
            template: m.status == .paused ? "lifecycle/resume_confirm" : "lifecycle/unschedule_confirm",
            values: values, pending: PendingChange(kind: "resume", membership: m.id).pending(id, context, minutes: ttl))
    }

    private func resumeValues(_ m: Membership, next: Date, _ context: PluginContext) throws -> [String: String] {
        [
            "plan": m.planName, "next": context.date(next), "amount": context.money(m.priceMinor, m.currency),
            "from": context.date(m.pause?.startsAt), "until": context.date(m.pause?.resumesAt),
        ]
    }

    /// The business's billing for a pause set without one (by staff, before pauses were kept).
    private func fallback(_ context: PluginContext) -> PauseBilling {
        PauseBilling(rawValue: context.settings.string("pause_billing") ?? "") ?? .shift
    }

    // MARK: Reactivate and rejoin

    private func reactivate(
        _ request: PluginRequest, _ all: [Membership], client: Client, _ context: PluginContext
    ) throws -> PluginReply {
        let ending = all.filter { $0.status == .pendingCancel }
        if !ending.isEmpty {
            guard let m = MembershipPick.pick(ending, text: request.text) else {
                return which(ending, "keep", context)
            }
            let ttl = context.settings.int("ttl_minutes", default: 30)
            return PluginReply(
                template: "lifecycle/reactivate_confirm",
                values: [
                    "plan": m.planName, "date": context.date(m.cancelAt), "next": context.date(m.currentPeriodEnd),
                    "amount": context.money(m.priceMinor, m.currency), "minutes": String(ttl),
                ],
                pending: PendingChange(kind: "reactivate", membership: m.id).pending(id, context, minutes: ttl))
        }
        // "Reactivate" said of a paused membership means resuming it.
        if all.contains(where: { $0.status == .paused }) { return try resume(request, all, context) }
        if let live = all.first(where: { $0.status != .cancelled }) {
            return try unavailable(live, "lifecycle/reactivate_active", context)
        }
        guard let cancelled = MembershipPick.pick(all, text: request.text) ?? all.last else {
            return PluginReply(template: "lifecycle/resume_none")
        }
        guard context.settings.string("rejoin") == "link" else {
            return try RequestsPlugin.forward(request, in: context)
        }
        let ttl = context.settings.int("ttl_minutes", default: 30)
        let link = try context.links.issue(
            context.store, businessID: context.business.id, clientID: client.id, action: Self.rejoinAction,
            resource: "membership:\(cancelled.id)", ttlMinutes: ttl, now: context.now)
        return PluginReply(
            template: "lifecycle/rejoin_link",
            values: [
                "plan": cancelled.planName, "price": context.money(cancelled.priceMinor, cancelled.currency),
                "interval": try context.intervalText(cancelled.interval), "url": link.url, "minutes": String(ttl),
            ],
            links: [link], auditAction: "link.issued", auditAfter: Self.rejoinAction)
    }

    // MARK: The answer

    public func resume(_ pending: PendingAction, answer: Answer, in context: PluginContext) throws -> PluginReply {
        let client = try context.requireClient()
        guard let (change, m) = try context.pendingChange(pending) else {
            return PluginReply(template: "core/nothing_pending")
        }
        guard case .yes = answer else {
            return PluginReply(template: "lifecycle/kept", values: ["plan": m.planName])
        }
        do {
            switch change.kind {
            case "pause":
                guard let starts = change.startsAt, let resumes = change.resumesAt,
                    let billing = change.billing.flatMap(PauseBilling.init(rawValue:))
                else { return PluginReply(template: "core/nothing_pending") }
                let request = PauseRequest(startsAt: max(starts, context.now), resumesAt: resumes, billing: billing)
                let paused = try context.billing.pause(
                    membershipID: m.id, clientID: client.id, request, in: context.scope)
                return PluginReply(
                    template: "lifecycle/pause_done",
                    values: [
                        "plan": m.planName, "from": context.date(request.startsAt),
                        "until": context.date(request.resumesAt), "next": context.date(paused.nextBillingAt),
                    ],
                    auditAction: "membership.pause", auditBefore: m.status.rawValue,
                    auditAfter: "\(paused.status.rawValue) \(UTC.format(starts))..\(UTC.format(resumes)) \(billing)")
            case "resume":
                let resumed = try context.billing.resume(
                    membershipID: m.id, clientID: client.id, fallback: fallback(context), in: context.scope)
                return PluginReply(
                    template: m.status == .paused ? "lifecycle/resume_done" : "lifecycle/unschedule_done",
                    values: try resumeValues(m, next: resumed.nextBillingAt ?? context.now, context),
                    auditAction: "membership.resume", auditBefore: m.status.rawValue,
                    auditAfter: resumed.status.rawValue)
            default:
                let kept = try context.billing.reactivate(membershipID: m.id, clientID: client.id, in: context.scope)
                return PluginReply(
                    template: "lifecycle/reactivate_done",
                    values: [
                        "plan": m.planName, "next": context.date(kept.nextBillingAt),
                        "amount": context.money(kept.priceMinor, kept.currency),
                    ],
                    auditAction: "membership.reactivate", auditBefore: m.status.rawValue,
                    auditAfter: kept.status.rawValue)
            }
        } catch let error as BillingError {
            return try refusal(error, m, context)
        }
    }

    public func remind(_ pending: PendingAction, in context: PluginContext) throws -> PluginReply? {
        guard let (change, m) = try context.pendingChange(pending) else { return nil }
        return PluginReply(
            template: "lifecycle/remind_\(change.kind)",
            values: [
                "plan": m.planName, "from": context.date(change.startsAt), "until": context.date(change.resumesAt),
                "date": context.date(m.cancelAt),
            ])
    }

    // MARK: The rejoin page

    public func linkPage(_ link: LinkRequest, in context: PluginContext) throws -> LinkPage {
        let client = try context.requireClient()
        let m = try context.linkedMembership(link, clientID: client.id)
        guard context.settings.string("rejoin") == "link" else { return try context.page("lifecycle/page_rejoin_off") }
        guard m.status == .cancelled else { return try notCancelledPage(m, context) }
        let preview = try context.billing.previewRejoin(m, in: context.scope)
        var values = try rejoinValues(preview, client, context)
        values["card"] = try context.cardText(preview.card)
        if context.unusable(preview.card) { return try context.cardFirstPage("lifecycle/page_rejoin_card", values) }
        return try context.confirmationPage("lifecycle/page_rejoin", values, button: "lifecycle/page_rejoin_button")
    }

    public func submitLink(_ link: LinkRequest, form: [String: String], in context: PluginContext) throws
        -> LinkOutcome
    {
        let client = try context.requireClient()
        let m = try context.linkedMembership(link, clientID: client.id)
        guard context.settings.string("rejoin") == "link" else {
            return LinkOutcome(page: try context.page("lifecycle/page_rejoin_off"), spendsLink: false)
        }
        guard m.status == .cancelled else { return LinkOutcome(page: try notCancelledPage(m, context)) }
        let preview = try context.billing.previewRejoin(m, in: context.scope)
        // Asked from the page when the card cannot be charged: on to the card page, this link unused for after.
        if form["next"] == "card" || context.unusable(preview.card),
            let update = try context.followOn(
                PaymentPlugin.action, resource: "client:\(client.id)", clientID: client.id)
        {
            return LinkOutcome(page: LinkPage(status: 303, title: "", redirect: update.path), spendsLink: false)
        }
        var values = try rejoinValues(preview, client, context)
        switch try context.billing.rejoin(membershipID: m.id, clientID: client.id, in: context.scope) {
        case .joined(let joined, let invoice):
            values["card"] = try context.cardText(joined.paymentMethod)
            values["number"] = invoice.number
            values["next"] = context.date(joined.nextBillingAt)
            return LinkOutcome(
                page: try context.page("lifecycle/page_rejoined", values), auditAction: "membership.rejoin",
                auditBefore: "membership:\(m.id)", auditAfter: "membership:\(joined.id)")
        case .declined(let decline):
            values["reason"] = try context.declineText(decline, card: preview.card)
            return LinkOutcome(
                page: try context.page("lifecycle/page_rejoin_declined", values, status: 402), spendsLink: false)
        }
    }

    private func rejoinValues(_ p: RejoinPreview, _ client: Client, _ context: PluginContext) throws
        -> [String: String]
    {
        [
            "name": client.firstName, "plan": p.plan.name, "price": context.money(p.plan.priceMinor, p.plan.currency),
            "interval": try context.intervalText(p.plan.interval),
            "amount": context.money(p.amountMinor, p.plan.currency),
            "next": context.date(p.periodEnd),
        ]
    }

    private func notCancelledPage(_ m: Membership, _ context: PluginContext) throws -> LinkPage {
        try context.page(
            "lifecycle/page_rejoin_not_cancelled",
            ["plan": m.planName, "status": try context.render("membership/status_\(m.status.rawValue)", [:])])
    }

    // MARK: Shared

    /// "Which membership? You have Unlimited Yoga, Massage Club. Write e.g. "pause Massage Club until Jan 15"."
    private func which(_ candidates: [Membership], _ verb: String, _ context: PluginContext) -> PluginReply {
        PluginReply(
            template: "lifecycle/which_\(verb)",
            values: ["plans": candidates.map(\.planName).joined(separator: ", "), "example": candidates[0].planName])
    }

    /// "Gym Basic is payment overdue, so …": the status in words.
    private func unavailable(_ m: Membership, _ template: String, _ context: PluginContext) throws -> PluginReply {
        PluginReply(
            template: template,
            values: [
                "plan": m.planName, "status": try context.render("membership/status_\(m.status.rawValue)", [:]),
                "date": context.date(m.cancelAt),
            ])
    }

    /// What the billing provider refused, in words (the membership changed since the question, say).
    private func refusal(_ error: BillingError, _ m: Membership, _ context: PluginContext) throws -> PluginReply {
        switch error.code {
        case .invalidDates:
            return PluginReply(template: "lifecycle/pause_dates", values: ["example": exampleDate(context)])
        case .unsupported, .conflict, .notFound: return PluginReply(template: "core/error")
        default: return try unavailable(m, "lifecycle/changed", context)
        }
    }
}
