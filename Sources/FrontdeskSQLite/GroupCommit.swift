import CSQLite
import Foundation
import FrontdeskStore

#if canImport(Glibc)
    import Glibc
#endif

/// The store's one writer, committing queued writes together (group commit).
///
/// A caller queues its work and waits. Whichever caller finds the writer free leads: it takes everything queued so
/// far (up to `maxBatch`), runs it in one transaction with each caller's work in a savepoint of its own, commits
/// once and wakes the callers whose work was in it; then it hands the lead to the first caller still waiting. With
/// `synchronous=FULL` every commit waits for the disk, so one commit for many messages is what keeps acknowledged
/// messages durable at a high rate. A write alone runs at once on its caller's thread, with no savepoint.
///
/// A caller's work that throws rolls back its own savepoint and its caller gets the error; the others go on. When
/// SQLite ends the whole transaction itself (disk full, I/O error: see `Connection.isAutocommit`) or the commit
/// fails, every caller whose work ran in it gets that error (nothing of theirs was written), and work not yet run
/// goes on in a new transaction. No caller returns before its work is committed or has failed.
final class GroupCommit: @unchecked Sendable {
    typealias Work = (Connection) throws -> Void

    /// One caller's work. Its fields are written by the leader before it wakes the caller, under `mutex`.
    private final class Job {
        /// Dropped once done: the caller's closure must not outlive its call (`withoutActuallyEscaping`).
        var work: Work?
        var error: (any Error)?
        var finished = false
        /// Set on a waiting job to make its caller the next leader.
        var leads = false
        /// Created when the caller has to wait (a write that finds the writer free never sleeps).
        var wakeUp: DispatchSemaphore?

        init(_ work: @escaping Work) { self.work = work }
    }

    private let connection: Connection
    /// The connection's lock, also taken by maintenance outside transactions (scrubbing the WAL).
    private let connectionLock: NSRecursiveLock
    let maxBatch: Int

    private let mutex = NSLock()
    // Guarded by `mutex`.
    private var queue: [Job] = []
    private var leading = false
    private var leaderThread: pthread_t?
    private var transactionCount = 0
    private var writeCount = 0

    init(connection: Connection, lock: NSRecursiveLock, maxBatch: Int) {
        self.connection = connection
        connectionLock = lock
        self.maxBatch = max(1, maxBatch)
    }

    /// Writes waiting for a leader to take them (tests wait for a group to form).
    var queued: Int { mutex.withLock { queue.count } }

    /// Transactions committed or tried, and writes run in them, since start.
    var statistics: (transactions: Int, writes: Int) { mutex.withLock { (transactionCount, writeCount) } }

    /// Runs `work` in a transaction (possibly shared) and returns once it is committed; rethrows its error, or the
    /// error that stopped its transaction.
    func run(_ work: Work) throws {
        try withoutActuallyEscaping(work) { work in
            let job = Job(work)
            mutex.lock()
            if let leaderThread, pthread_equal(leaderThread, pthread_self()) != 0 {
                mutex.unlock()
                throw StoreError(.failure, "a write cannot begin inside another write")
            }
            queue.append(job)
            if leading {
                let wakeUp = DispatchSemaphore(value: 0)
                job.wakeUp = wakeUp
                mutex.unlock()
                wakeUp.wait()
                mutex.lock()
                let finished = job.finished
                mutex.unlock()
                if !finished { lead(until: job) }
            } else {
                leading = true
                mutex.unlock()
                lead(until: job)
            }
            if let error = job.error { throw error }
        }
    }

    /// Runs batches until `own` is done, then passes the lead on (or leaves the writer free).
    private func lead(until own: Job) {
        while true {
            mutex.lock()
            leaderThread = pthread_self()
            let batch = Array(queue.prefix(maxBatch))
            queue.removeFirst(batch.count)
            mutex.unlock()

            let transactions = execute(batch)

            mutex.lock()
            leaderThread = nil
            transactionCount += transactions
            writeCount += batch.count
            for job in batch {
                job.work = nil
                job.finished = true
                if job !== own { job.wakeUp?.signal() }
            }
            if own.finished {
                if let next = queue.first {
                    next.leads = true
                    next.wakeUp?.signal()
                } else {
                    leading = false
                }
                mutex.unlock()
                return
            }
            mutex.unlock()
        }
    }

    /// Runs the jobs in as few transactions as SQLite allows (usually one); returns how many it began.
    private func execute(_ batch: [Job]) -> Int {
        connectionLock.lock()
        defer { connectionLock.unlock() }
        var rest = batch[...]
        var transactions = 0
        while !rest.isEmpty {
            transactions += 1
            rest = transaction(rest)
        }
        return transactions
    }

    /// One transaction over the jobs; returns those it did not get to run (when SQLite ended it early).
    private func transaction(_ jobs: ArraySlice<Job>) -> ArraySlice<Job> {
        let c = connection
        do {
            try c.execute("BEGIN IMMEDIATE")
            c.config?.beginTransaction(c)
        } catch {
            // Busy past the timeout (an outside writer held the database), or the file is unusable.
            for job in jobs { job.error = error }
            return []
        }
        // Alone, a job needs no savepoint: the transaction is its own.
        let savepoints = jobs.count > 1
        var ran: [Job] = []
        var index = jobs.startIndex
        while index < jobs.endIndex {
            let job = jobs[index]
            index += 1
            ran.append(job)
            do {
                if savepoints { try c.execute("SAVEPOINT fd_write") }
                do {
                    try job.work?(c)
                    if savepoints { try c.execute("RELEASE fd_write") }
                } catch {
                    job.error = error
                    if savepoints { c.rollback(to: "fd_write") }
                }
            } catch {
                job.error = error
            }
            if c.isAutocommit {
                // SQLite rolled the whole transaction back: nothing of the jobs that ran is written.
                let cause = job.error ?? StoreError(.failure, "the transaction ended before its commit")
                fail(ran, cause)
                return jobs[index...]
            }
            if !savepoints, job.error != nil {
                rollback()
                return []
            }
        }
        do {
            try c.execute("COMMIT")
        } catch {
            if !c.isAutocommit { rollback() }
            c.config?.clear()
            fail(ran, error)
        }
        return []
    }

    private func rollback() {
        connection.config?.clear()
        _ = try? connection.execute("ROLLBACK")
    }

    /// Every job that ran gets `error`: its writes were undone with the transaction.
    private func fail(_ jobs: [Job], _ error: any Error) {
        connection.config?.clear()
        for job in jobs where job.error == nil { job.error = error }
    }
}
