/// A small argument reader: `--flag VALUE`, `--switch`, positionals; unknown options are usage errors.
struct Arguments {
    private(set) var values: [String: String] = [:]
    private(set) var switches: Set<String> = []
    private(set) var positionals: [String] = []

    init(_ args: [String], options: Set<String>, switches allowed: Set<String>) throws {
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--" {
                positionals.append(contentsOf: args[(i + 1)...])
                break
            }
            if a.hasPrefix("--") {
                var name = String(a.dropFirst(2))
                var inline: String?
                if let eq = name.firstIndex(of: "=") {
                    inline = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
                if allowed.contains(name), inline == nil {
                    switches.insert(name)
                } else if options.contains(name) {
                    if let inline {
                        values[name] = inline
                    } else {
                        guard i + 1 < args.count else { throw CLIError.usage("--\(name) needs a value") }
                        i += 1
                        values[name] = args[i]
                    }
                } else {
                    throw CLIError.usage("unknown option --\(name)")
                }
            } else if a.hasPrefix("-"), a.count > 1, a != "-" {
                throw CLIError.usage("unknown option \(a)")
            } else {
                positionals.append(a)
            }
            i += 1
        }
    }

    subscript(_ name: String) -> String? { values[name] }
    func has(_ name: String) -> Bool { switches.contains(name) }

    func required(_ name: String) throws -> String {
        guard let v = values[name], !v.isEmpty else { throw CLIError.usage("--\(name) is required") }
        return v
    }
}
