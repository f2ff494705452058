import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskHTTP
import FrontdeskPlugins
import FrontdeskStore
import FrontdeskText

/// The one builder that wires Frontdesk, used by every command and by the tests.
public final class App: Sendable {
    public let config: AppConfig
    public let store: any Store
    public let catalog: Catalog
    public let classifier: any IntentClassifier
    public let pipeline: Pipeline
    public let clock: any Clock
    public let log: Logger

    /// `classifier` overrides the one learned from the catalog's examples (tests share one trained model).
    public init(
        config: AppConfig, clock: any Clock = SystemClock(), log: Logger? = nil,
        classifier: (any IntentClassifier)? = nil
    ) throws {
        self.config = config
        self.clock = clock
        let log = log ?? Logger.standardError(minimum: config.logLevel)
        self.log = log
        catalog = try Catalog.load(root: config.root)
        let faults = Pipeline.validate(catalog)
        if !faults.isEmpty { throw Diagnostics(faults) }
        store = try StoreOpening.open(config.dbPath, options: config.storeOptions)
        let examples = catalog.examples
        self.classifier = classifier ?? LazyClassifier { ExampleClassifier(examples: examples) }
        pipeline = Pipeline(
            store: store, catalog: catalog, classifier: self.classifier, clock: clock,
            links: LinkIssuer(baseURL: config.baseURL),
            log: log, threshold: config.threshold)
    }

    /// Checks the plugin name against the catalog and returns its manifest.
    public func manifest(_ plugin: String) throws -> PluginManifest {
        guard let m = catalog.manifest(plugin) else {
            throw CLIError.failure(
                "unknown plugin \(plugin) (known: \(catalog.manifests.map(\.id).joined(separator: ", ")))")
        }
        return m
    }

    public func business(_ slug: String) throws -> Business {
        guard let b = try store.read({ try $0.business(slug: slug) }) else {
            throw CLIError.failure(
                "unknown business \(slug)" + (slug == Demo.slug ? " (run `frontdesk demo` first)" : ""))
        }
        return b
    }
}

/// A command-line failure: usage errors exit 2, others 1; the message is one line.
public enum CLIError: Error, CustomStringConvertible {
    case usage(String)
    case failure(String)

    public var description: String {
        switch self {
        case .usage(let m), .failure(let m): return m
        }
    }
}

/// Trains the wrapped classifier on first use, so commands that never classify (demo, plugins, check)
/// start without paying for it.
final class LazyClassifier: IntentClassifier, @unchecked Sendable {
    private let lock = NSLock()
    private var model: (any IntentClassifier)?
    private let make: @Sendable () -> any IntentClassifier

    init(_ make: @escaping @Sendable () -> any IntentClassifier) { self.make = make }

    func classify(_ text: String, channel: Channel) -> Classification {
        let m = lock.withLock {
            if let model { return model }
            let built = make()
            model = built
            return built
        }
        return m.classify(text, channel: channel)
    }
}
