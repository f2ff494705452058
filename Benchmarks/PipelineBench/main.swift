// The hot path, measured: whole messages through the pipeline (classify, the SQLite transaction with group
// commit, plugin, template, outbox row) from many threads at once, durable (synchronous=FULL), on one core, on a
// temporary WAL database with the demo data and 20,000 extra clients.
// Run: taskset -c 0 .build/release/PipelineBench [messages] [--threads N] [--clients N]
//      [--synchronous full|normal] [--classify RUNS] [--db PATH (an existing database, kept)]
//      [--demo-mix (the 22 demo clients, limits lifted: the mix before issue 20)]

do {
    try PipelineBench.run()
} catch {
    print("PipelineBench: \(error)")
}
