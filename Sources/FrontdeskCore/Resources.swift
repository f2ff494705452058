import Foundation

/// Finds the folder that holds `plugins/` and `prompts/`.
///
/// Order: `FRONTDESK_HOME`, the working directory, then the folders above the executable
/// (`.build/debug/frontdesk` lives three levels under the checkout).
public enum ResourceRoot {
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        var candidates: [URL] = []
        if let home = environment["FRONTDESK_HOME"], !home.isEmpty { candidates.append(URL(fileURLWithPath: home)) }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir)
            dir = dir.deletingLastPathComponent()
        }
        return candidates.first { isRoot($0) }
    }

    public static func isRoot(_ url: URL) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: url.appendingPathComponent("plugins").path)
            && fm.fileExists(atPath: url.appendingPathComponent("prompts").path)
    }

    /// The checkout a source file lives in (tests use `#filePath`).
    public static func fromSource(_ filePath: String) -> URL {
        var dir = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if isRoot(dir) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }
}
