import Foundation
import FrontdeskCore
import FrontdeskStore

// The built-in ledger's rows (issue 16): pauses, scheduled plan changes, payment attempts.

extension Connection {
    public func membership(id: Int, clientID: Int) throws -> Membership? {
        try memberships(clientID: clientID).first { $0.id == id }
    }

    public func updateMembershipBilling(
        id: Int, expected: MembershipStatus, to s: MembershipBillingState, services: [IncludedService]?
    ) throws -> Bool {
        let changed = try execute(
            """
            UPDATE memberships SET status = ?, plan_id = ?, current_period_end = ?, next_billing_at = ?, cancel_at = ?,
              cancelled_at = ?, cancel_reason = ?, pause_starts_at = ?, pause_resumes_at = ?, pause_billing = ?,
              scheduled_plan_id = ?, scheduled_plan_at = ?
            WHERE id = ? AND status = ?
            """, s.status.rawValue, s.planID, s.currentPeriodEnd, s.nextBillingAt, s.cancelAt, s.cancelledAt,
            s.cancelReason, s.pause?.startsAt, s.pause?.resumesAt, s.pause?.billing.rawValue,
            s.scheduledChange?.planID, s.scheduledChange?.effectiveAt, id, expected.rawValue)
        guard changed == 1 else { return false }
        if let services {
            try execute("DELETE FROM membership_services WHERE membership_id = ?", id)
            for service in services {
                try execute(
                    "INSERT INTO membership_services (membership_id, service, remaining) VALUES (?, ?, ?)", id,
                    service.service, service.quantity)
            }
        }
        return true
    }

    public func recordPause(membershipID: Int, pause: MembershipPause, now: Date) throws {
        try execute(
            """
            INSERT INTO membership_pauses (membership_id, starts_at, resumes_at, billing, created_at)
            VALUES (?, ?, ?, ?, ?)
            """, membershipID, pause.startsAt, pause.resumesAt, pause.billing.rawValue, now)
    }

    public func endPause(membershipID: Int, at: Date) throws {
        try execute(
            "UPDATE membership_pauses SET ended_at = ? WHERE membership_id = ? AND ended_at IS NULL", at, membershipID)
    }

    public func pauseCount(membershipID: Int, since: Date) throws -> Int {
        try queryOne(
            "SELECT COUNT(*) AS n FROM membership_pauses WHERE membership_id = ? AND starts_at >= ?", membershipID,
            since)?.int("n") ?? 0
    }

    public func recordPaymentAttempt(invoiceID: Int, status: Invoice.Status, error: String?) throws {
        try execute(
            "UPDATE invoices SET status = ?, attempt_count = attempt_count + 1, last_payment_error = ? WHERE id = ?",
            status.rawValue, error, invoiceID)
    }

    public func nextInvoiceNumber(businessID: Int, prefix: String) throws -> String {
        // Numbers are text ("INV-1042"), so the highest is found by value, not by sort order.
        let numbers = try query(
            "SELECT number FROM invoices WHERE business_id = ? AND substr(number, 1, ?) = ?", businessID,
            prefix.count, prefix
        ).compactMap { $0.string("number").flatMap { Int($0.dropFirst(prefix.count)) } }
        return prefix + String((numbers.max() ?? 1000) + 1)
    }

    public func paymentMethod(id: Int, clientID: Int) throws -> PaymentMethod? {
        try queryOne("SELECT * FROM payment_methods WHERE id = ? AND client_id = ?", id, clientID).map {
            PaymentMethod(
                id: $0.int("id") ?? 0, brand: $0.string("brand") ?? "", last4: $0.string("last4") ?? "",
                expMonth: $0.int("exp_month") ?? 0, expYear: $0.int("exp_year") ?? 0, isDefault: $0.bool("is_default"))
        }
    }

    public func processorToken(paymentMethodID: Int, clientID: Int) throws -> String? {
        try queryOne(
            "SELECT processor_token FROM payment_methods WHERE id = ? AND client_id = ?", paymentMethodID, clientID)?
            .string("processor_token")
    }
}
