enum EmailEval { static func run(_ arguments: [String]) { print("email evaluation: not yet") } }
