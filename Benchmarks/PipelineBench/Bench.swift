import Foundation
import FrontdeskApp
import FrontdeskCore
import FrontdeskSQLite
import FrontdeskStore
import FrontdeskTesting

#if canImport(Glibc)
    import Glibc
#endif

/// The pipeline without HTTP: messages from many senders at once (as webhooks arrive), durable
/// (`synchronous=FULL`), with the business's per-sender limit on. `taskset -c 0` keeps it on one core.
enum PipelineBench {
    struct Options {
        var messages = 20_000
        var threads = 32
        var clients = 20_000
        var synchronous = SQLiteOptions.Synchronous.full
        var classifyRuns = 200_000
        /// An existing database to run on (kept); nil: a temporary one with the demo data.
        var database: String?
        /// The 22 demo clients in turn with every limit lifted (the mix of the benchmark before issue 20, for
        /// comparing instruction counts), instead of extra clients and strangers with the per-sender limit on.
        var demoMix = false

        init(_ args: [String]) throws {
            var i = 0
            func value() throws -> String {
                i += 1
                guard i < args.count else { throw Usage("\(args[i - 1]) needs a value") }
                return args[i]
            }
            while i < args.count {
                switch args[i] {
                case "--threads": threads = try Self.int(value(), "--threads", 1...1024)
                case "--clients": clients = try Self.int(value(), "--clients", 1...Demo.maxExtraClients)
                case "--classify": classifyRuns = try Self.int(value(), "--classify", 0...10_000_000)
                case "--db": database = try value()
                case "--demo-mix": demoMix = true
                case "--synchronous":
                    guard let s = SQLiteOptions.Synchronous(rawValue: try value()) else {
                        throw Usage("--synchronous must be full or normal")
                    }
                    synchronous = s
                case let n where Int(n) != nil: messages = try Self.int(n, "messages", 1...10_000_000)
                default: throw Usage("unknown argument \(args[i])")
                }
                i += 1
            }
        }

        static func int(_ text: String, _ name: String, _ range: ClosedRange<Int>) throws -> Int {
            guard let n = Int(text), range.contains(n) else { throw Usage("\(name) must be in \(range)") }
            return n
        }
    }

    struct Usage: Error, CustomStringConvertible {
        var description: String
        init(_ message: String) { description = message }
    }

    static let texts = [
        "when is my next billing date?", "what plan am I on", "how many sessions do I have left", "help",
        "what's the weather like", "please send me my invoices", "new card",
    ]

    static func run() throws {
        let options = try Options(Array(CommandLine.arguments.dropFirst()))
        let path = options.database ?? NSTemporaryDirectory() + "pipeline-bench-\(getpid()).sqlite"
        defer {
            if options.database == nil { for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) } }
        }
        var config = try AppConfig.load(environment: ["FRONTDESK_HOME": TestBot.root.path])
        config.dbPath = path
        config.storeOptions = StoreOptions(durable: options.synchronous == .full)
        let app = try App(config: config, log: .silent, classifier: try TestBot.sharedClassifier())
        let seeded = Date()
        try Demo.seedClients(app.store, count: options.clients, now: app.clock.now())
        // Thousands of messages a second into one business is far past its default 600 a minute; the limit per
        // sender (60 an hour) stays on, and no sender comes near it.
        let business = try app.business(Demo.slug)
        try app.store.write {
            try $0.setRateLimits(
                businessID: business.id, RateLimits(senderPerHour: options.demoMix ? 0 : nil, businessPerMinute: 0))
        }
        let demoPhones = (1...22).map { String(format: "+155501010%02d", $0) }
        let counts = try app.store.tableCounts()
        print(
            "database: \(path) (\(counts["clients"] ?? 0) clients, \(counts["messages"] ?? 0) messages, "
                + "\(ByteCountFormatter.string(fromByteCount: Int64(fileSize(path)), countStyle: .file)))")
        print(
            String(
                format: "setup: %d extra clients in %.1f s; synchronous=%@, %d threads, CPUs allowed: %@",
                options.clients, Date().timeIntervalSince(seeded), options.synchronous.rawValue, options.threads,
                allowedCPUs()))

        // As `serve` does beside serving: the language detector and the classifier are made before the first message.
        app.pipeline.warmUp()
        let store = app.store as? SQLiteStore
        let run = "\(getpid())-\(Int(Date().timeIntervalSince1970))"
        let before = store?.writeStatistics ?? (transactions: 0, writes: 0)
        let cpuBefore = cpuSeconds()
        let latencies = LatencyLog(capacity: options.messages)
        let next = Counter()
        let start = DispatchTime.now().uptimeNanoseconds
        let group = DispatchGroup()
        for _ in 0..<options.threads {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                while true {
                    let i = next.take()
                    guard i < options.messages else { return }
                    // Four in five from clients (each a different one), one in five from strangers.
                    let from =
                        options.demoMix
                        ? demoPhones[i % demoPhones.count]
                        : i % 5 == 4
                            ? "+1666" + String(1_000_000 + i % 8_999_999)
                            : Demo.extraClientPhone(i % options.clients + 1)
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    do {
                        _ = try app.pipeline.handle(
                            InboundMessage(
                                provider: "bench", providerMessageID: "bench-\(run)-\(i)", channel: .sms, from: from,
                                to: Demo.smsNumber, subject: nil, text: texts[i % texts.count]))
                    } catch {
                        FileHandle.standardError.write(Data("message \(i) failed: \(error)\n".utf8))
                    }
                    latencies.add(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1000)
                }
            }
        }
        group.wait()
        let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpu = cpuSeconds() - cpuBefore
        let sorted = latencies.sorted()
        func pct(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        print(
            String(
                format: "pipeline: %d messages in %.2f s = %.0f msg/s; CPU %.1f µs a message (%.0f msg/s a core)",
                options.messages, total, Double(options.messages) / total, cpu * 1e6 / Double(options.messages),
                Double(options.messages) / max(cpu, 1e-9)))
        print(
            String(
                format: "latency µs: p50 %.0f  p90 %.0f  p99 %.0f  max %.0f", pct(0.5), pct(0.9), pct(0.99),
                sorted.last ?? 0))
        if let after = store?.writeStatistics {
            let commits = after.transactions - before.transactions
            let writes = after.writes - before.writes
            print(
                String(
                    format: "group commit: %d commits for %d writes, %.1f messages a commit (synchronous=%@)", commits,
                    writes, Double(writes) / Double(max(1, commits)), options.synchronous.rawValue))
        }

        guard options.classifyRuns > 0 else { return }
        let classifier = try TestBot.sharedClassifier()
        let c0 = DispatchTime.now().uptimeNanoseconds
        var sink = 0
        for i in 0..<options.classifyRuns {
            sink &+= classifier.classify(texts[i % texts.count], channel: .sms).intent.count
        }
        let cs = Double(DispatchTime.now().uptimeNanoseconds - c0) / 1e9
        print("classify: \(Int(Double(options.classifyRuns) / cs)) per second (one core) [\(sink % 7)]")
    }

    /// The CPUs this process may run on (`taskset -c 0` makes it one), from /proc/self/status.
    static func allowedCPUs() -> String {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
        return line.map { $0.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces) } ?? "?"
    }

    static func fileSize(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// The next message number, across threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take() -> Int {
        lock.withLock {
            defer { value += 1 }
            return value
        }
    }
}

/// Latencies from every thread.
final class LatencyLog: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []

    init(capacity: Int) { values.reserveCapacity(capacity) }

    func add(_ microseconds: Double) { lock.withLock { values.append(microseconds) } }
    func sorted() -> [Double] { lock.withLock { values.sorted() } }
}
