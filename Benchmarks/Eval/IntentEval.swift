enum IntentEval { static func run(_ arguments: [String]) { print("intent evaluation: not yet") } }
