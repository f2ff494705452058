// The hot path, measured: a whole message through the pipeline (classify, one SQLite transaction,
// plugin, template, outbox row), on a temporary WAL database with the demo data.
// Run: swift run -c release PipelineBench [messages]

try PipelineBench.run()
