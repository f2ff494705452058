import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskFuzzing

/// The fuzz targets without the fuzzer: every input the fuzzer ever broke the code with is replayed, and the seeds
/// show that each target reaches the code it is meant to exercise.
@Suite struct FuzzTargetTests {
    /// Inputs kept under Tests/Fixtures/fuzz/<target>/ (each a crash or failed check found by fuzzing, since fixed).
    @Test(arguments: FuzzTarget.allCases)
    func regressionInputsRunClean(_ target: FuzzTarget) throws {
        for file in FuzzCommand.inputFiles(FuzzSeeds.regressionDirectory(target).path) {
            let data = try #require(FileManager.default.contents(atPath: file))
            do { _ = try target.run(Array(data)) } catch { Issue.record("\(file): \(error)") }
        }
    }

    /// Every seed passes its target's checks.
    @Test(arguments: FuzzTarget.allCases)
    func seedsRunClean(_ target: FuzzTarget) throws {
        let seeds = try FuzzSeeds.seeds(target)
        #expect(!seeds.isEmpty)
        for seed in seeds {
            do { _ = try target.run(seed.input) } catch { Issue.record("\(seed.name): \(error)") }
        }
    }

    @Test func webhookSeedsReachTheMappingOnlyWhenSigned() throws {
        let outcomes = try Dictionary(
            uniqueKeysWithValues: FuzzSeeds.seeds(.webhooks).map { ($0.name, try FuzzTarget.webhooks.run($0.input)) })
        // Signed: authenticated, mapped to a message, and routed to the pipeline, whose store has no business.
        #expect(outcomes["twilio-form-signed"] == "twilio signed form → 404")
        #expect(outcomes["twilio-json-twilio_json_body_sdk_tests.json-signed"] == "twilio signed JSON → 400")
        #expect(outcomes["mailgun-signed"] == "mailgun signed form → 404")
        #expect(outcomes["sendgrid_raw_data.form-signed"] == "sendgrid signed form → 404")
        #expect(outcomes["postmark_inbound_postmark-gem_spec.json-signed"] == "postmark signed JSON → 404")
        for (name, outcome) in outcomes where name.hasSuffix("-unsigned") {
            #expect(outcome.hasSuffix("→ 403"), "\(name): \(outcome)")
        }
    }

    @Test func formSeedsRoundTripThroughTheServer() throws {
        let seeds = try Dictionary(uniqueKeysWithValues: FuzzSeeds.seeds(.form).map { ($0.name, $0.input) })
        let twilio = try FuzzSeeds.twilioParams().count
        #expect(try FuzzTarget.form.run(#require(seeds["twilio-fields"])) == "\(twilio) fields round trip")
        #expect(try FuzzTarget.form.run(#require(seeds["twilio-fields-spooled"])) == "\(twilio) fields round trip")
        #expect(try FuzzTarget.form.run(#require(seeds["twilio-body"])) == "decoded \(twilio) fields")
    }

    @Test func multipartSeedsRoundTripThroughTheServer() throws {
        let seeds = try Dictionary(uniqueKeysWithValues: FuzzSeeds.seeds(.multipart).map { ($0.name, $0.input) })
        let fields = try #require(FuzzSeeds.sendgridForms().first { $0.name == "sendgrid_raw_data.form" }).fields.count
        #expect(
            try FuzzTarget.multipart.run(#require(seeds["sendgrid_raw_data.form-crlf"])) == "decoded \(fields) fields")
        #expect(
            try FuzzTarget.multipart.run(#require(seeds["sendgrid_raw_data.form-fields-spooled"]))
                == "\(fields) fields round trip")
    }

    @Test func jsonAndMIMESeedsMapToMessages() throws {
        let json = try FuzzSeeds.seeds(.json).map { try FuzzTarget.json.run($0.input) }
        #expect(json.filter { $0.hasPrefix("postmark mapped email") }.count == 2)
        #expect(json.allSatisfy { $0.hasSuffix("json read back") })
        let mime = try FuzzSeeds.seeds(.mime).map { try FuzzTarget.mime.run($0.input) }
        #expect(mime.contains { $0.hasPrefix("mapped") })
        let kinds = Set(try FuzzSeeds.seeds(.extract).map { try FuzzTarget.extract.run($0.input) })
        #expect(kinds == ["reply", "forward", "auto_reply"] || kinds == ["reply", "forward"])
    }

    /// The JSON check finds a writer that loses or changes what it was given.
    @Test func jsonComparisonFindsDifferences() {
        #expect(JSONValue.difference(.string("a\u{1}b"), .string("ab")) == "$: strings differ")
        #expect(JSONValue.difference(.array([1, 2]), .array([1])) == "$: 2 elements became 1")
        #expect(JSONValue.difference(.object([("a", 1)]), .object([("b", 1)])) == "$: keys differ")
        #expect(JSONValue.difference(.double(1.23456), .double(1.235)) == nil)
        #expect(JSONValue.difference(.double(1.5), .string("1.5")) == "$: a number became a string")
    }
}
