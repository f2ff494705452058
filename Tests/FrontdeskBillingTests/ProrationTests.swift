import Foundation
import Testing

@testable import FrontdeskBilling

@Suite("Proration arithmetic")
struct ProrationTests {
    @Test func halfAPeriodLeftChargesHalfTheDifference() {
        let start = Date(timeIntervalSince1970: 0)
        let end = start.addingTimeInterval(30 * 86_400)
        let half = start.addingTimeInterval(15 * 86_400)
        #expect(BillingCalendar.proration(from: 3900, to: 14900, periodStart: start, periodEnd: end, at: half) == 5500)
    }
}

@Suite("The test card gateway")
struct TestCardGatewayTests {
    @Test func acceptsOnlyTestCards() throws {
        let gateway = TestCardGateway()
        #expect(
            try gateway.tokenize(number: "4242424242424242", expMonth: 1, expYear: 2030, cvc: "123").last4 == "4242")
        #expect(throws: PaymentGatewayError(.unsupported)) {
            try gateway.tokenize(number: "4111111111111111", expMonth: 1, expYear: 2030, cvc: "123")
        }
        #expect(throws: PaymentGatewayError(.declined)) {
            try gateway.tokenize(number: TestCardGateway.declinedCard, expMonth: 1, expYear: 2030, cvc: "123")
        }
        #expect(throws: PaymentGatewayError(.invalidCVC)) {
            try gateway.tokenize(number: "378282246310005", expMonth: 1, expYear: 2030, cvc: "123")
        }
    }
}
