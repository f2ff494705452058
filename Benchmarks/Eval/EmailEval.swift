import Foundation
import FrontdeskCore
import FrontdeskEvaluation
import FrontdeskText

/// Accuracy and speed of email extraction over Tests/Fixtures/corpus/email (see CorpusEvaluation).
enum EmailEval {
    static func run(_ arguments: [String]) {
        var override: String? = nil
        if let i = arguments.firstIndex(of: "--corpus"), i + 1 < arguments.count { override = arguments[i + 1] }
        let verbose = arguments.contains("--misses")
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        guard let dir = CorpusEvaluation.locate(override: override, start: cwd),
            let corpus = try? CorpusEvaluation(directory: dir)
        else {
            print("email evaluation: corpus not found (use --corpus DIR)")
            return
        }
        if arguments.contains("--show-misses") {
            for m in corpus.replyMissDetails() {
                print("==== \(m.label)\n---- got:\n\(m.got)\n---- expected:\n\(m.expected)")
            }
            exit(0)
        }
        if arguments.contains("--show-product-misses") {
            let misses = corpus.productMissDetails()
            for m in misses { print("==== \(m.label)\n---- got:\n\(m.got)\n---- expected:\n\(m.expected)") }
            print("\(misses.count) reply record(s) missed by the product's text")
            exit(0)
        }
        if arguments.contains("--show-signature-misses") {
            let misses = corpus.signatureMissDetails()
            for m in misses { print("==== \(m.label)\n---- got:\n\(m.got)\n---- expected:\n\(m.expected)") }
            print("\(misses.count) signature record(s) missed")
            exit(0)
        }
        if arguments.contains("--show-constraint-misses") {
            let misses = corpus.constraintMissDetails()
            for m in misses { print("==== \(m.label)\n---- got:\n\(m.got)") }
            print("\(misses.count) constraint record(s) missed")
            exit(0)
        }
        if arguments.contains("--synthetic-only") {
            // For profiling the worst cases: each synthetic input ten times.
            var sink = 0
            for (_, text) in syntheticInputs() {
                for _ in 0..<10 { sink &+= EmailExtractor.extract(text: text, html: nil, headers: []).reply.utf8.count }
            }
            print("synthetic inputs done (\(sink))")
            exit(0)
        }
        if arguments.contains("--micro") {
            // Fixed cost per message: tiny inputs of each shape, 100,000 times each.
            let shapes = [
                ("one line", "Please cancel my membership."),
                (
                    "reply + quote",
                    "Yes please.\n\nOn Mon, 6 Jan 2025 at 9:00, Ann <ann@example.com> wrote:\n> Shall I cancel?\n"
                ),
                (
                    "reply + outlook",
                    "Yes.\n\nFrom: Ann <ann@example.com>\nSent: Monday\nTo: b@c.d\nSubject: Re: x\n\nold"
                ),
                (
                    "30 lines of prose",
                    String(
                        repeating: "I would like to know when my next payment is due, and whether the plan renews.\n",
                        count: 30) + "\nThanks,\nAnn"
                ),
            ]
            var count = 100_000
            if let i = arguments.firstIndex(of: "--micro"), i + 1 < arguments.count, let n = Int(arguments[i + 1]) {
                count = n
            }
            var only: Int? = nil
            if let i = arguments.firstIndex(of: "--shape"), i + 1 < arguments.count { only = Int(arguments[i + 1]) }
            for (k, (name, text)) in shapes.enumerated() where only == nil || only == k {
                var sink = 0
                let t0 = cpuNanoseconds()
                for _ in 0..<count {
                    sink &+= EmailExtractor.extract(text: text, html: nil, headers: []).reply.utf8.count
                }
                let us = Double(cpuNanoseconds() - t0) / 1e3 / Double(count)
                print(String(format: "%@: %.2f µs (%d)", name, us, sink))
            }
            exit(0)
        }
        if arguments.contains("--extract-loop") {
            // For profiling: the corpus extraction alone, 100 rounds, then exit (no intent evaluation).
            var sink = 0
            let inputs = corpus.inputs
            var rounds = 100
            if let i = arguments.firstIndex(of: "--rounds"), i + 1 < arguments.count, let n = Int(arguments[i + 1]) {
                rounds = n
            }
            for _ in 0..<rounds {
                for input in inputs {
                    sink &+= CorpusEvaluation.extract(raw: input.raw, format: input.format).reply.utf8.count
                }
            }
            print("extract loop done (\(sink))")
            exit(0)
        }
        if let i = arguments.firstIndex(of: "--layers"), i + 1 < arguments.count {
            // One plain-text body from a file, its layers printed (for working on a miss).
            guard let text = try? String(contentsOfFile: arguments[i + 1], encoding: .utf8) else {
                print("cannot read \(arguments[i + 1])")
                exit(1)
            }
            let e = EmailExtractor.extract(text: text, html: nil, headers: [])
            print("kind: \(e.kind)")
            for (name, value) in [
                ("reply", e.reply), ("reply without signature", e.replyWithoutSignature), ("signature", e.signature),
                ("unquoted", e.unquoted), ("quoted", e.quoted),
            ] {
                print("---- \(name):\n\(value)")
            }
            exit(0)
        }
        if let i = arguments.firstIndex(of: "--one"), i + 1 < arguments.count, let k = Int(arguments[i + 1]) {
            // One corpus input extracted 1,000 times (for profiling a slow one found by --slowest).
            let input = corpus.inputs[k]
            var sink = 0
            let t0 = cpuNanoseconds()
            for _ in 0..<1000 {
                sink &+= CorpusEvaluation.extract(raw: input.raw, format: input.format).reply.utf8.count
            }
            print(String(format: "input %d: %.2f µs (%d)", k, Double(cpuNanoseconds() - t0) / 1e3 / 1000, sink))
            exit(0)
        }
        if let i = arguments.firstIndex(of: "--slowest") {
            // Where extraction time goes: the inputs that cost most over 20 rounds, with their share of the total.
            let n = i + 1 < arguments.count ? Int(arguments[i + 1]) ?? 20 : 20
            let inputs = corpus.inputs
            var cost = [UInt64](repeating: 0, count: inputs.count)
            var sink = 0
            for _ in 0..<20 {
                for (k, input) in inputs.enumerated() {
                    let t0 = cpuNanoseconds()
                    sink &+= CorpusEvaluation.extract(raw: input.raw, format: input.format).reply.utf8.count
                    cost[k] += cpuNanoseconds() - t0
                }
            }
            let total = Double(cost.reduce(0, +))
            var running = 0.0
            for k in cost.indices.sorted(by: { cost[$0] > cost[$1] }).prefix(n) {
                running += Double(cost[k])
                let us = Double(cost[k]) / 20 / 1e3
                let head = inputs[k].raw.prefix(50).replacingOccurrences(of: "\n", with: "⏎")
                print(
                    String(
                        format: "%4d %@ %7d B %8.1f µs  %4.1f%% (cum %4.1f%%)  %@", k, inputs[k].format,
                        inputs[k].raw.utf8.count, us, Double(cost[k]) / total * 100, running / total * 100, head))
            }
            print("mean \(String(format: "%.1f", total / 20 / 1e3 / Double(inputs.count))) µs (\(sink % 2))")
            exit(0)
        }
        if let i = arguments.firstIndex(of: "--dump"), i + 1 < arguments.count {
            // Every layer of every input, for checking that a speed change altered no output (diff two dumps).
            var out = ""
            for (k, input) in corpus.inputs.enumerated() {
                let a: Analysis
                switch input.format {
                case "eml": a = Analysis(raw: input.raw)
                case "html": a = Analysis(text: "", html: input.raw, headers: [])
                default: a = Analysis(text: input.raw, html: nil, headers: [])
                }
                let e = a.extraction
                out +=
                    "#### \(k) \(e.kind.rawValue) from=\(e.from ?? "-") subject=\(e.subject ?? "-") id=\(e.messageID ?? "-")\n"
                for (name, v) in [
                    ("reply", e.reply), ("without", e.replyWithoutSignature), ("signature", e.signature),
                    ("quoted", e.quoted), ("unquoted", e.unquoted), ("interleaved", a.interleaved),
                    ("interleavedReply", a.interleavedReply),
                ] {
                    out += "-- \(name)\n\(v)\n"
                }
                if let d = a.forward {
                    out +=
                        "-- forward depth=\(d.depth) name=\(d.fromName ?? "-") addr=\(d.fromAddress ?? "-") raw=\(d.fromRaw ?? "-") date=\(d.date ?? "-") subject=\(d.subject ?? "-") to=\(d.toRaw ?? "-") cc=\(d.ccRaw ?? "-") replyTo=\(d.replyToRaw ?? "-")\n"
                    out +=
                        "-- note\n\(d.note)\n-- body\n\(d.body)\n-- embedded\n\(d.embeddedBlock)\n-- bottom\n\(d.textBottom)\n"
                }
                if let f = e.forwarded {
                    out +=
                        "-- forwarded \(f.fromName ?? "-") \(f.fromAddress ?? "-") \(f.subject ?? "-") \(f.date ?? "-")\n\(f.body)\n"
                }
            }
            for (label, text) in syntheticInputs() {
                let e = EmailExtractor.extract(text: text, html: nil, headers: [])
                out += "#### \(label) \(e.reply.utf8.count) \(e.quoted.utf8.count) \(e.signature.utf8.count)\n"
            }
            _ = FileManager.default.createFile(atPath: arguments[i + 1], contents: Data(out.utf8))
            print("wrote \(arguments[i + 1])")
            exit(0)
        }
        if arguments.contains("--speed-only") {
            speed(corpus)
            return
        }
        print("== Email extraction over \(dir.path) (\(corpus.recordCount) records)")
        let replies = corpus.evaluateReplies()
        // Two scores a record: the layer its library returns (its own semantics), and the text the product
        // classifies (the reply without signature, trimmed), each against the record's expected reply and compare.
        print("reply records matched (own semantics/compare; product = the text the product classifies):")
        func row(_ name: String, _ s: CorpusEvaluation.Score, _ p: CorpusEvaluation.Score) -> String {
            "  \(pad(name, 34)) \(s.passed)/\(s.total)  \(pct(s.rate))   product \(p.passed)/\(p.total)  \(pct(p.rate))"
        }
        for (source, s) in replies.bySource.sorted(by: { $0.key < $1.key }) {
            print(row(source, s, replies.productBySource[source] ?? .init(name: source)))
        }
        print(row("OVERALL", replies.overall, replies.product) + "  (target ≥ 90%)")
        let wc = replies.withConfig
        print("  of which records with a source-specific config: \(wc.passed)/\(wc.total) (counted in overall)")
        let (fields, records) = corpus.evaluateForwards()
        print(
            "forward fields right: \(fields.passed)/\(fields.total)  \(pct(fields.rate))  (target ≥ 95%); records fully right: \(records.passed)/\(records.total)"
        )
        let constraints = corpus.evaluateConstraints()
        print(
            "constraint records passed: \(constraints.passed)/\(constraints.total)  \(pct(constraints.rate))  (target 100%)"
        )
        let signatures = corpus.evaluateSignatures()
        print("signature records right: \(signatures.passed)/\(signatures.total)  \(pct(signatures.rate))")
        if verbose {
            for m in replies.overall.misses { print("  reply miss: \(m)") }
            for m in records.misses { print("  forward miss: \(m)") }
            for m in constraints.misses { print("  constraint miss: \(m)") }
            for m in signatures.misses { print("  signature miss: \(m)") }
        }
        speed(corpus)
    }

    static func speed(_ corpus: CorpusEvaluation) {
        let inputs = corpus.inputs
        var sink = 0
        // Warm up (lazy tables, allocator).
        for input in inputs { sink &+= CorpusEvaluation.extract(raw: input.raw, format: input.format).reply.utf8.count }
        let rounds = 20
        // Times are this thread's CPU time: the machine is shared, and wall time would count other processes' turns.
        // Each round is timed whole (a clock read per message would add its own cost). On a shared host even CPU
        // time grows when a neighbour shares the core or its caches, and only ever grows: the fastest round is the
        // least disturbed figure, printed with the median and the slowest.
        var roundSeconds: [Double] = []
        for _ in 0..<rounds {
            let start = cpuNanoseconds()
            for input in inputs {
                sink &+= CorpusEvaluation.extract(raw: input.raw, format: input.format).reply.utf8.count
            }
            roundSeconds.append(Double(cpuNanoseconds() - start) / 1e9)
        }
        roundSeconds.sort()
        let n = Double(inputs.count)
        let median = n / roundSeconds[rounds / 2]
        print(
            String(
                format:
                    "extraction throughput: %.0f messages/s of CPU time on one core, fastest of %d rounds of %d messages (median %.0f, slowest %.0f; target ≥ 60,000)",
                n / roundSeconds[0], rounds, inputs.count, median, n / roundSeconds[rounds - 1]))
        // The slowest input: each input's own cost is its fastest of 5 runs (a single run can be pre-empted).
        var slowest = 0.0
        var slowestIndex = 0
        for (k, input) in inputs.enumerated() {
            var best = Double.infinity
            for _ in 0..<5 {
                let t0 = cpuNanoseconds()
                sink &+= CorpusEvaluation.extract(raw: input.raw, format: input.format).reply.utf8.count
                best = min(best, Double(cpuNanoseconds() - t0) / 1e6)
            }
            if best > slowest {
                slowest = best
                slowestIndex = k
            }
        }
        print(String(format: "slowest corpus input: %.3f ms (%d bytes)", slowest, inputs[slowestIndex].raw.utf8.count))
        for (label, text) in syntheticInputs() {
            let t0 = cpuNanoseconds()
            let e = EmailExtractor.extract(text: text, html: nil, headers: [])
            let dt = Double(cpuNanoseconds() - t0) / 1e6
            sink &+= e.reply.count
            print(String(format: "%@ (%d bytes): %.2f ms (target ≤ 50 ms)", label, text.utf8.count, dt))
        }
        if sink == 42 { print("") }
    }

    /// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID).
    static func cpuNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// 1 MB threads: quoted history, and a body with no quote at all (worst case for the scan).
    static func syntheticInputs() -> [(String, String)] {
        var quoted = "Sounds good, see you then.\n\nOn Mon, Jan 6, 2025 at 9:00 AM Ann <ann@example.com> wrote:\n"
        while quoted.utf8.count < 1_000_000 {
            quoted += "> > On Sunday someone wrote: this is an old line of the thread, quoted again.\n"
        }
        var plain = ""
        while plain.utf8.count < 1_000_000 {
            plain += "From: a line that looks like a header\nJust text: with a colon wrote:\n\n"
        }
        var html = "<div>Yes</div><div class=\"gmail_quote\">"
        while html.utf8.count < 1_000_000 { html += "<blockquote><p>old &amp; older</p>" }
        // Worst cases for the checks that look ahead: lines that almost make attributions (dates, addresses, colons),
        // and replies interleaved with short quotes (every block starts a new scan).
        var nearAttribution = ""
        while nearAttribution.utf8.count < 1_000_000 {
            nearAttribution +=
                "On 12 Jan 2020 at 10:00 ann@example.com said\nFrom: 3 <b@c.d>\n2011/4/7 Nathan <x@y.z>\n"
        }
        var interleaved = "Top.\n\nOn Mon, 6 Jan 2025 at 9:00, Ann <ann@example.com> wrote:\n"
        while interleaved.utf8.count < 1_000_000 { interleaved += "> quoted 12:00\n\nmy answer 1\n\n" }
        return [
            ("synthetic 1 MB quoted thread", quoted), ("synthetic 1 MB unquoted body", plain),
            ("synthetic 1 MB HTML (as text)", html), ("synthetic 1 MB near-attribution lines", nearAttribution),
            ("synthetic 1 MB interleaved quotes", interleaved),
        ]
    }

    static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }
    static func pct(_ r: Double) -> String { String(format: "%.1f%%", r * 100) }
}
