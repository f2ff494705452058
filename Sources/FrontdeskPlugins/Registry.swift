/// The built-in plugins, in one explicit list (like swift-argument-parser's `subcommands:`).
public enum BuiltinPlugins {
    public static let all: [any Plugin] = [
        MembershipPlugin(),
        PaymentPlugin(),
        CancelPlugin(),
        InvoicesPlugin(),
        HelpPlugin(),
        HandoffPlugin(),
        RequestsPlugin(),
        ProfilePlugin(),
        LifecyclePlugin(),
        PlanPlugin(),
        SmalltalkPlugin(),
        CompliancePlugin(),
        RemindersPlugin(),
        FallbackPlugin(),
    ]
}
