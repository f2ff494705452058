import FrontdeskCore
import FrontdeskEngine
import FrontdeskPlugins
import FrontdeskTesting
import Testing

@Suite("Plugin registry")
struct RegistryTests {
    @Test func everyManifestHasExactlyOnePluginTypeAndBack() throws {
        let catalog = try Catalog.load(root: TestBot.root)
        let registered = BuiltinPlugins.all.map(\.id)
        #expect(Set(registered).count == registered.count, "a plugin is registered twice")
        #expect(Set(registered) == Set(catalog.manifests.map(\.id)))
    }

    @Test func settingsFallBackToManifestDefaults() throws {
        let catalog = try Catalog.load(root: TestBot.root)
        let cancel = try #require(catalog.manifest("cancel"))
        let defaults = PluginSettings(manifest: cancel, values: [:])
        #expect(defaults.bool("allowed") == false)  // as the seed portals do
        #expect(defaults.string("mode") == "period_end")
        #expect(defaults.string("confirm") == "reply")
        #expect(defaults.int("ttl_minutes", default: 0) == 30)
        let overridden = PluginSettings(manifest: cancel, values: ["allowed": .bool(true)])
        #expect(overridden.bool("allowed"))
    }

    @Test func pendingActionsNameTheirPluginAndStep() {
        let p = PendingAction(action: "cancel:confirm", payload: "7", expiresAt: .distantFuture)
        #expect(p.plugin == "cancel")
        #expect(p.step == "confirm")
    }
}

@Suite("Catalog fits the code")
struct CatalogFitTests {
    @Test func theShippedCatalogHasNoFaults() throws {
        let catalog = try Catalog.load(root: TestBot.root)
        #expect(Pipeline.validate(catalog).isEmpty)
    }

    @Test func aManifestWithoutAPluginTypeIsNamed() throws {
        let catalog = try Catalog.load(root: TestBot.root)
        let faults = Pipeline.validate(catalog, plugins: BuiltinPlugins.all.filter { $0.id != "invoices" })
        #expect(
            faults.map(\.description) == [
                "plugins/invoices/plugin.json:1: no plugin type is registered for invoices (BuiltinPlugins.all)"
            ])
    }
}
