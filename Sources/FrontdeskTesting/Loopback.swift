#if canImport(Glibc)
    import Glibc
#endif

/// A TCP connection to a server on 127.0.0.1 (tests and the fuzz harness talk to the real HTTP server this way).
public enum Loopback {
    /// Why no connection was made, with the errno.
    public enum Failure: Error, Equatable {
        case socket(Int32)
        case connect(Int32)
    }

    /// A connected socket to `port` whose reads time out after `timeoutSeconds`; the caller closes it.
    public static func connect(port: UInt16, timeoutSeconds: Int) throws(Failure) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .socket(errno) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else {
            let code = errno
            close(fd)
            throw .connect(code)
        }
        return fd
    }
}
