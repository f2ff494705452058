import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A shared allowance of bytes (body memory, or spool disk) across every connection: a request reserves what
/// it is about to hold and gives it back when it completes, so the total never passes `limit`.
final class ByteBudget: @unchecked Sendable {
    let limit: Int
    private let lock = NSLock()
    // Guarded by `lock`.
    private var used = 0
    private var highest = 0

    init(limit: Int) { self.limit = max(0, limit) }

    /// Takes `count` bytes if they fit under the limit.
    func reserve(_ count: Int) -> Bool {
        guard count > 0 else { return true }
        lock.lock()
        defer { lock.unlock() }
        guard used + count <= limit else { return false }
        used += count
        highest = max(highest, used)
        return true
    }

    func release(_ count: Int) {
        guard count > 0 else { return }
        lock.lock()
        used -= count
        lock.unlock()
    }

    var inUse: Int { lock.withLock { used } }
    var peak: Int { lock.withLock { highest } }
}

/// A request body kept on disk: created with mkstemp (mode 0600) in the spool directory and unlinked at once,
/// so only the open descriptor names it; the space is freed when it is closed, even after a crash.
final class SpoolFile {
    private var fd: Int32
    private(set) var length = 0

    /// Why a spool file could not be made or written (the errno text, never the body).
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(directory: String) throws(Failure) {
        var template = Array((directory + "/frontdesk-body-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard made >= 0 else { throw Failure(description: "cannot create a file in \(directory): \(Self.errnoText())") }
        fd = made
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // mkstemp already creates the file 0600; fchmod states it against any unusual umask handling.
        _ = fchmod(fd, 0o600)
        guard unlink(path) == 0 else {
            let reason = Self.errnoText()
            close(fd)
            throw Failure(description: "cannot unlink \(path): \(reason)")
        }
    }

    deinit { closeFile() }

    /// Appends `count` bytes.
    func append(_ bytes: UnsafeRawPointer, count: Int) throws(Failure) {
        var offset = 0
        while offset < count {
            let written = write(fd, bytes + offset, count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw Failure(description: "cannot write the spool file: \(Self.errnoText())") }
            offset += written
        }
        length += count
    }

    /// Calls `body` with consecutive pieces of the file (at most `chunkSize` bytes each) until it returns false.
    func forEachChunk(chunkSize: Int = 64 * 1024, _ body: (UnsafeRawBufferPointer) -> Bool) throws(Failure) {
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var offset = 0
        while offset < length {
            let count = buffer.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress, min(chunkSize, length - offset), off_t(offset))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw Failure(description: "cannot read the spool file: \(Self.errnoText())") }
            offset += count
            let more = buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
            if !more { return }
        }
    }

    func closeFile() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
