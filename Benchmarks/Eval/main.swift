// Accuracy and speed of the understanding layer over Tests/Fixtures/corpus/email and the intent dev set.
// Run: swift run -c release Eval [--corpus DIR]
let arguments = Array(CommandLine.arguments.dropFirst())
EmailEval.run(arguments)
IntentEval.run(arguments)
