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
        /// A call with its legs, encoded (``CallLegsJSON``) on the writer thread, which has time to spare.
        case call(Call, legs: [CallLegFacts], source: String)
        /// A leg with an extension that matched no rep.
        case unmatched(CallLegFacts)
        /// A message (a sighting; the first one of a Message-ID makes the `emails` row).
        case email(EmailFacts, loader: MailLoader)
        /// A CRM record with its rep and its normalised lead contacts.
        case crm(CRMRecord, repID: String?, contacts: [String?], source: String)
        case reject(Reject, source: String)
    }

    private let calls: CallWriter
    private let emails: EmailWriter
    private let crm: CRMWriter
    private let rejects: RejectWriter
    private let batchSize: Int
    private let slots: DispatchSemaphore
    private let writer = DispatchQueue(label: "salesops.warehouse-writer")
    private var batch: [Item] = []
    /// The writer thread's buffer for a call's encoded legs.
    private let encoded = CallLegsJSON.Buffer()
    /// Set by the writer thread; read after a drain.
    private var failure: Error?
    /// Time the producer waited for a free slot (the writer was behind), and the writer's busy time.
    private(set) var producerWaitNanos: UInt64 = 0
    private(set) var writerBusyNanos: UInt64 = 0

    init(calls: CallWriter, emails: EmailWriter, crm: CRMWriter, rejects: RejectWriter, batchSize: Int = 1024, depth: Int = 4) {
        self.calls = calls
        self.emails = emails
        self.crm = crm
        self.rejects = rejects
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
        case let .call(call, legs, source):
            CallLegsJSON.encode(legs, file: call.position.file, source: source, into: encoded)
            try calls.insertNew(call, legs: encoded.bytes, source: source)
        case let .unmatched(leg):
            try calls.recordUnmatched(leg)
        case let .email(facts, loader):
            if try emails.write(facts) { loader.emailsWritten += 1 }
        case let .crm(record, repID, contacts, source):
            try crm.write(record, source: source, repID: repID, normalized: contacts)
        case let .reject(reject, source):
            try rejects.write(reject, source: source)
        }
    }

    /// Waits until everything handed over is written; rethrows the first write failure.
    func drain() throws {
        submit()
        writer.sync {
            guard failure == nil else { return }
            do { try calls.mergeStaged() } catch { failure = error }
        }
        if let failure { throw failure }
    }
}
