import Foundation

/// What may be stored about a card after the gateway has it: never the number or the CVC.
public struct TokenizedCard: Sendable, Equatable {
    public var brand: String
    public var last4: String
    public var expMonth: Int
    public var expYear: Int
    /// The processor's reference for charging the card later.
    public var processorToken: String

    public init(brand: String, last4: String, expMonth: Int, expYear: Int, processorToken: String) {
        self.brand = brand
        self.last4 = last4
        self.expMonth = expMonth
        self.expYear = expYear
        self.processorToken = processorToken
    }
}

/// Why a card or charge was refused (the page says it in the client's words, from templates).
public struct PaymentGatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case invalidNumber = "invalid_number"
        case invalidExpiry = "invalid_expiry"
        case invalidCVC = "invalid_cvc"
        case declined
        case unsupported
    }

    public var reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    public var description: String { "payment refused: \(reason.rawValue)" }
}

/// A card processor as the built-in ledger needs it. Implementations must not keep or log the number.
public protocol PaymentGateway: Sendable {
    /// Only test numbers work (the card page says so).
    var isTestMode: Bool { get }
    /// Exchanges card details for a storable token.
    func tokenize(number: String, expMonth: Int, expYear: Int, cvc: String) throws(PaymentGatewayError) -> TokenizedCard
    /// Charges a stored card; returns the processor's charge id.
    func charge(amountMinor: Int, currency: String, processorToken: String) throws(PaymentGatewayError) -> String
}

/// The embedded default gateway: accepts only well-known public test card numbers (Stripe's published
/// list), so a demo or staging deployment can never take a real card.
public struct TestCardGateway: PaymentGateway {
    /// Test number → brand. `4000000000000002` is the published "generic decline" card.
    public static let testCards: [String: String] = [
        "4242424242424242": "Visa", "4000056655665556": "Visa", "5555555555554444": "Mastercard",
        "2223003122003222": "Mastercard", "5200828282828210": "Mastercard", "378282246310005": "Amex",
        "371449635398431": "Amex", "6011111111111117": "Discover", "3056930009020004": "Diners Club",
        "3566002020360505": "JCB",
    ]
    public static let declinedCard = "4000000000000002"

    public init() {}

    public var isTestMode: Bool { true }

    public func tokenize(number: String, expMonth: Int, expYear: Int, cvc: String) throws(PaymentGatewayError)
        -> TokenizedCard
    {
        if number == Self.declinedCard { throw PaymentGatewayError(.declined) }
        guard let brand = Self.testCards[number] else { throw PaymentGatewayError(.unsupported) }
        let expectedCVC = brand == "Amex" ? 4 : 3
        guard cvc.count == expectedCVC else { throw PaymentGatewayError(.invalidCVC) }
        // Like Stripe's fixed test tokens (`tok_visa`): a test card's token grants nothing anywhere else.
        let slug = brand.lowercased().filter { $0.isLetter }
        return TokenizedCard(
            brand: brand, last4: String(number.suffix(4)), expMonth: expMonth, expYear: expYear,
            processorToken: "tok_test_\(slug)_\(number.suffix(4))")
    }

    public func charge(amountMinor: Int, currency: String, processorToken: String) throws(PaymentGatewayError)
        -> String
    {
        guard processorToken.hasPrefix("tok_test_") || processorToken.hasPrefix("tok_demo") else {
            throw PaymentGatewayError(.declined)
        }
        guard amountMinor > 0 else { throw PaymentGatewayError(.declined) }
        return "ch_test_\(processorToken.suffix(8))_\(amountMinor)"
    }
}
