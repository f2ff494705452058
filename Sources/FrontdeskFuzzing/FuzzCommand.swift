import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `frontdesk-fuzz`: runs libFuzzer on one target (in the build of `scripts/fuzz.sh`), writes seeds, or replays
/// inputs through a target in any build.
public enum FuzzCommand {
    static let usage = """
        usage: frontdesk-fuzz --target=TARGET [libFuzzer flags] [CORPUS_DIR...]   (fuzz build: scripts/fuzz.sh)
               frontdesk-fuzz seeds TARGET DIR       write the target's seed inputs, made from Tests/Fixtures
               frontdesk-fuzz replay TARGET PATH...  run files (or every file of directories) through the target
        targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))
        """

    public static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let flag = arguments.first(where: { $0.hasPrefix("--target=") }) {
            exit(fuzz(String(flag.dropFirst("--target=".count))))
        }
        switch arguments.first {
        case "seeds" where arguments.count == 3:
            guard let target = FuzzTarget(rawValue: arguments[1]) else { fail("unknown target \(arguments[1])") }
            do {
                let count = try FuzzSeeds.write(target, to: URL(fileURLWithPath: arguments[2]))
                print("wrote \(count) seeds for \(target.rawValue) to \(arguments[2])")
            } catch {
                fail("cannot write seeds: \(error)")
            }
        case "replay" where arguments.count >= 3:
            guard let target = FuzzTarget(rawValue: arguments[1]) else { fail("unknown target \(arguments[1])") }
            exit(replay(target, paths: Array(arguments.dropFirst(2))))
        case "--help", "-h":
            print(usage)
        default:
            fail(usage, code: 2)
        }
    }

    /// Runs every file of `paths` (directories: their files) through `target`; 1 when any check fails.
    static func replay(_ target: FuzzTarget, paths: [String]) -> Int32 {
        var status: Int32 = 0
        for path in paths {
            let files = inputFiles(path)
            if files.isEmpty { fail("no input files at \(path)") }
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { fail("cannot read \(file)") }
                do {
                    print("\(file): \(try target.run(Array(data)))")
                } catch {
                    print("\(file): FAILED \(error.message)")
                    status = 1
                }
            }
        }
        return status
    }

    static func inputFiles(_ path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted().map { path + "/" + $0 }
    }

    static func fail(_ message: String, code: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data(("frontdesk-fuzz: " + message + "\n").utf8))
        exit(code)
    }

    // MARK: libFuzzer

    #if FUZZING
        /// The target libFuzzer drives; set once before the driver starts.
        nonisolated(unsafe) static var selected: FuzzTarget = .mime

        /// Hands the process to libFuzzer. SwiftPM links its own `main`, so libFuzzer's is not used: the driver is
        /// called from here, with `-max_len` set to the target's unless given. A failed check aborts, which
        /// libFuzzer records as a crash with its input.
        static func fuzz(_ name: String) -> Int32 {
            guard let target = FuzzTarget(rawValue: name) else { fail("unknown target \(name)\n\(usage)", code: 2) }
            selected = target
            var arguments = CommandLine.arguments
            if !arguments.contains(where: { $0.hasPrefix("-max_len=") }) {
                arguments.append("-max_len=\(target.maxLength)")
            }
            // libFuzzer keeps argv for the whole run (and re-runs it for -jobs): copies that are never freed.
            var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            var argc = Int32(arguments.count)
            return argv.withUnsafeMutableBufferPointer { buffer in
                var base = buffer.baseAddress!
                return runFuzzerDriver(&argc, &base, fuzzOneInput)
            }
        }
    #else
        static func fuzz(_ name: String) -> Int32 {
            fail("this build has no libFuzzer; run  bash scripts/fuzz.sh \(name)")
        }
    #endif
}

#if FUZZING
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    /// libFuzzer's entry point (its archive refers to it); runs the selected target on one input.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        do {
            _ = try FuzzCommand.selected.run(input)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            abort()
        }
        return 0
    }
#endif
