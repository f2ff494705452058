// Accuracy and speed of the understanding layer over Tests/Fixtures/corpus/email and the intent dev set.
// Run: swift run -c release Eval [--corpus DIR]; swift run -c release Eval --batch FILE scores a blind batch only;
// --language FILE... measures how the language of each line is told.
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--language") {
    LanguageEval.run(arguments)
} else if arguments.contains("--batch") {
    BatchEval.run(arguments)
} else {
    EmailEval.run(arguments)
    IntentEval.run(arguments)
}
