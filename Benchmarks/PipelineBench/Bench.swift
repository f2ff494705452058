import Foundation
import FrontdeskCore
import FrontdeskStore
import FrontdeskTesting

enum PipelineBench {
    static func run() throws {
        let count = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 20_000
        let bot = try TestBot()
        // Twenty-two senders at thousands of messages a second: far past the inbound limits, which are lifted here.
        try bot.app.store.write {
            try $0.setRateLimits(businessID: 1, RateLimits(senderPerHour: 0, businessPerMinute: 0))
        }
        let phones = (1...22).map { String(format: "+155501010%02d", $0) }
        let texts = [
            "when is my next billing date?", "what plan am I on", "how many sessions do I have left", "help",
            "what's the weather like", "please send me my invoices", "new card",
        ]
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<count {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try bot.say(texts[i % texts.count], from: phones[i % phones.count], providerID: "bench-\(i)")
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1000)
        }
        let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        latencies.sort()
        func pct(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print(
            "pipeline: \(count) messages in \(String(format: "%.2f", total)) s = \(Int(Double(count) / total)) msg/s (one thread)"
        )
        print(
            String(
                format: "latency µs: p50 %.0f  p90 %.0f  p99 %.0f  max %.0f", pct(0.5), pct(0.9), pct(0.99),
                latencies.last ?? 0))

        let classifier = try TestBot.sharedClassifier()
        let n = 200_000
        let c0 = DispatchTime.now().uptimeNanoseconds
        var sink = 0
        for i in 0..<n { sink &+= classifier.classify(texts[i % texts.count], channel: .sms).intent.count }
        let cs = Double(DispatchTime.now().uptimeNanoseconds - c0) / 1e9
        print("classify: \(Int(Double(n) / cs)) per second (one core) [\(sink % 7)]")
    }
}
