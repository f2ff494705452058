import Foundation

/// A thread that runs `body` after `firstDelay` seconds, then every `interval` seconds, until stopped (a run in
/// progress completes). Used by `serve` for retention and for the reminders.
final class PeriodicTask: @unchecked Sendable {
    // @unchecked: `stopping` and `threadDone` are guarded by `condition`; `body` is called from the thread only.
    private let name: String
    private let firstDelay: TimeInterval
    private let interval: TimeInterval
    private let body: @Sendable () -> Void
    private let condition = NSCondition()
    private var stopping = false
    private var threadDone = true

    init(name: String, firstDelay: TimeInterval, interval: TimeInterval, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.firstDelay = firstDelay
        self.interval = interval
        self.body = body
    }

    func start() {
        condition.lock()
        defer { condition.unlock() }
        guard threadDone else { return }
        threadDone = false
        stopping = false
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    /// Stops the thread and waits for it.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !threadDone { condition.wait() }
        condition.unlock()
    }

    /// Waits until `deadline` or a stop; true when stopping.
    private func sleep(until deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !stopping, condition.wait(until: deadline) {}
        return stopping
    }

    private func loop() {
        var next = Date().addingTimeInterval(firstDelay)
        while !sleep(until: next) {
            body()
            next = Date().addingTimeInterval(interval)
        }
        condition.lock()
        threadDone = true
        condition.broadcast()
        condition.unlock()
    }
}
