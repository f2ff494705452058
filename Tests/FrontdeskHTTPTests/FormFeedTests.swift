import Foundation
import Testing

@testable import FrontdeskHTTP

/// The form decoder gives the post processor the body in pieces (`ServerCore.parseChunkSize`). libmicrohttpd reports a
/// multipart part as soon as its headers are in, with no bytes when the piece ends just inside its value; the rest of
/// the value then comes with the next piece, at offset 0 again. Found by fuzzing (`Tests/Fixtures/fuzz/multipart/`).
@Suite struct FormFeedTests {
    /// A body whose first piece ends `into` bytes into the value of the part named "text".
    static func body(endingPieceInto into: Int, boundary: String) -> (body: Data, filler: Int) {
        let fillerHead = "--\(boundary)\r\nContent-Disposition: form-data; name=\"filler\"\r\n\r\n"
        let textHead = "\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n"
        let filler = ServerCore.parseChunkSize - fillerHead.utf8.count - textHead.utf8.count - into
        let body =
            fillerHead + String(repeating: "x", count: filler) + textHead + "hello world" + "\r\n--\(boundary)--\r\n"
        return (Data(body.utf8), filler)
    }

    @Test(arguments: [false, true])
    func aValueStartingAtTheEndOfAPieceStaysOneField(spooled: Bool) async throws {
        let fields = Box<[HTTPFormField]>([])
        var router = Router()
        router.post("/form", bodyLimit: .mime, spoolsBody: spooled) { request in
            fields.update { $0 = request.form?.fields ?? [] }
            return .text("ok")
        }
        let server = try startServer(router, configuration: HTTPServerConfiguration(spoolThreshold: 1024))
        defer { server.stop() }
        for into in [1, 2, 5] {
            let (body, filler) = Self.body(endingPieceInto: into, boundary: "AaB03x")
            let response = try await fetch(
                server, "/form", method: "POST", headers: ["Content-Type": "multipart/form-data; boundary=AaB03x"],
                body: body)
            #expect(response.status == 200)
            let got = fields.value
            #expect(got.map(\.name) == ["filler", "text"], "piece ends \(into) bytes into the value")
            #expect(got.first?.data.count == filler)
            #expect(got.last?.value == "hello world")
        }
    }

    /// Two parts of one name, the first empty, are two fields.
    @Test func anEmptyFieldThenOneOfTheSameNameAreTwo() async throws {
        let fields = Box<[HTTPFormField]>([])
        var router = Router()
        router.post("/form", bodyLimit: .mime) { request in
            fields.update { $0 = request.form?.fields ?? [] }
            return .text("ok")
        }
        let server = try startServer(router)
        defer { server.stop() }
        let part = "--AaB03x\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\n"
        let body = part + "\r\n" + part + "desk@example.test\r\n--AaB03x--\r\n"
        let response = try await fetch(
            server, "/form", method: "POST", headers: ["Content-Type": "multipart/form-data; boundary=AaB03x"],
            body: Data(body.utf8))
        #expect(response.status == 200, "\(response.text)")
        #expect(fields.value.map(\.value) == ["", "desk@example.test"])
        let form = try await fetch(
            server, "/form", method: "POST", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Data("to=&to=desk%40example.test".utf8))
        #expect(form.status == 200)
        #expect(fields.value.map(\.value) == ["", "desk@example.test"])
    }
}
