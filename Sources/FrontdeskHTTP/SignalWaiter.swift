import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Waits for termination signals without signal handlers: the signals are blocked (so they stay
/// pending) and `sigwait` takes them. Create it before starting the server — threads started
/// afterwards, libmicrohttpd's included, inherit the blocked mask, so the signal can only be
/// delivered to the waiting thread. (A DispatchSource handler was ignored in release builds.)
public struct SignalWaiter: Sendable {
    /// The signals waited for.
    public let signals: [Int32]

    /// Blocks `signals` in the calling thread (and in every thread it starts from now on).
    public init(blocking signals: [Int32] = [SIGTERM, SIGINT]) {
        self.signals = signals
        var set = Self.signalSet(signals)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Blocks the calling thread until one of the signals arrives; returns its number.
    public func wait() -> Int32 {
        var set = Self.signalSet(signals)
        var received: Int32 = 0
        while true {
            let status = sigwait(&set, &received)
            if status == 0 { return received }
            // sigwait only fails for an invalid set (EINVAL); retrying an interrupted call is harmless.
            if status != EINTR { return -1 }
        }
    }

    /// Unblocks the signals in the calling thread again (tests; normally the process just exits).
    public func unblock() {
        var set = Self.signalSet(signals)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    private static func signalSet(_ signals: [Int32]) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        return set
    }
}
