import Dispatch
import SalesopsCore
import SalesopsLoad

/// Runs the warehouse writes on a second core while the first parses, resolves and groups.
///
/// Rows are handed over in batches through a bounded queue (at most `depth` batches in flight), so
/// memory stays flat however large the input. The SQLite connection is used by the writer thread
/// only between ``drain()`` calls: the caller drains before it touches the database itself.
final class WriteQueue {
    enum Item {
        /// A leg as stored: only what `call_legs` keeps, so the raw record is not copied across threads.
        case leg(CallLegFacts, source: String, unmatched: String?, identity: Int64)
        case call(Call, source: String, loader: CallLegLoader)
        case reject(Reject, source: String)
    }

    private let legs: CallLegWriter
    private let calls: CallWriter
    private let rejects: RejectWriter
    private let markForRegroup: (String) throws -> Void
    private let batchSize: Int
    private let slots: DispatchSemaphore
    private let writer = DispatchQueue(label: "salesops.warehouse-writer")
    private var batch: [Item] = []
    /// Set by the writer thread; read after a drain.
    private var failure: Error?
    /// Time the producer waited for a free slot (the writer was behind), and the writer's busy time.
    private(set) var producerWaitNanos: UInt64 = 0
    private(set) var writerBusyNanos: UInt64 = 0

    init(legs: CallLegWriter, calls: CallWriter, rejects: RejectWriter, markForRegroup: @escaping (String) throws -> Void,
         batchSize: Int = 2048, depth: Int = 4) {
        self.legs = legs
        self.calls = calls
        self.rejects = rejects
        self.markForRegroup = markForRegroup
        self.batchSize = batchSize
        slots = DispatchSemaphore(value: depth)
        batch.reserveCapacity(batchSize)
    }

    func add(_ item: Item) {
        batch.append(item)
        if batch.count >= batchSize { submit() }
    }

    private func submit() {
        guard !batch.isEmpty else { return }
        let items = batch
        batch = []
        batch.reserveCapacity(batchSize)
        let t0 = DispatchTime.now().uptimeNanoseconds
        slots.wait()
        producerWaitNanos += DispatchTime.now().uptimeNanoseconds - t0
        writer.async { [self] in
            defer { slots.signal() }
            guard failure == nil else { return }
            let t0 = DispatchTime.now().uptimeNanoseconds
            defer { writerBusyNanos += DispatchTime.now().uptimeNanoseconds - t0 }
            do {
                for item in items { try write(item) }
            } catch {
                failure = error
            }
        }
    }

    private func write(_ item: Item) throws {
        switch item {
        case let .leg(facts, source, unmatched, identity):
            try legs.write(facts, source: source, unmatched: unmatched, identity: identity)
        case let .call(call, source, loader):
            if try calls.insertNew(call, source: source) { loader.callsWritten += 1 } else { try markForRegroup(call.callID) }
        case let .reject(reject, source):
            try rejects.write(reject, source: source)
        }
    }

    /// Waits until everything handed over is written; rethrows the first write failure.
    func drain() throws {
        submit()
        writer.sync {}
        if let failure { throw failure }
    }
}
