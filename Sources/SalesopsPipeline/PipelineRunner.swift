import Foundation
import Logging
import SalesopsCore
import SalesopsExtract
import SalesopsLoad
import SalesopsPostgres
import SalesopsSQLite
import SalesopsTransform

/// What reading a source needs of its loader: the extractor it owns, its accounting, and a way to wait
/// for the writer thread.
protocol SourceLoader: AnyObject {
    var stats: SourceStats { get set }
    var rejectSamples: [Reject] { get set }
    /// Whether the source's format can be read on from where a grown file was left.
    var supportsResume: Bool { get }
    /// Reads one file into the loader.
    func read(path: String, displayPath: String, resume: ResumePoint?) throws -> ExtractResult
    /// Waits until everything handed to the writer is in the database.
    func drain() throws
    /// Ends the source (emits what is still open) and waits for the writer.
    func finish() throws
    /// Called every 16,384 records accepted (the progress line).
    var tick: (() -> Void)? { get set }
}

/// Where a loader puts what it accepts: calls grouped while streaming, with their legs, handed to
/// the writer thread; a call whose id is already there is regrouped at the end.
struct CallStore {
    let queue: WriteQueue
    let grouper: StreamingCallGrouper
    let runID: Int64
}

/// Receives legs from an extractor, resolves identities and stores them (or only counts, when validating).
public final class CallLegLoader: CallLegSink, SourceLoader {
    let extractor: CallLegExtractor
    let resolver: CallLegResolver
    let store: CallStore?
    let source: String
    let times: PlausibleTimes
    public var stats: SourceStats
    var rejectSamples: [Reject] = []
    var tick: (() -> Void)?

    init(source: String, extractor: CallLegExtractor, resolver: CallLegResolver, store: CallStore?, times: PlausibleTimes) {
        self.source = source
        self.extractor = extractor
        self.resolver = resolver
        self.store = store
        self.times = times
        self.stats = SourceStats(source: source)
    }

    var supportsResume: Bool { extractor.supportsResume }

    func read(path: String, displayPath: String, resume: ResumePoint?) throws -> ExtractResult {
        try extractor.extract(path: path, displayPath: displayPath, resume: resume, into: self)
    }

    public func accept(_ leg: CallLeg) throws { try leg.withBytes { try accept(bytes: $0) } }

    public func accept(bytes leg: CallLegBytes) throws {
        guard times.contains(epoch: leg.start) else {
            let text = CallLegBytes.text
            return reject(Reject(position: leg.position, reason: times.problem("the start time", epoch: leg.start) ?? "",
                                 raw: "uniqueid \(text(leg.uniqueID)), src \(text(leg.src)), dst \(text(leg.dst))"))
        }
        // An implausible answer time needs no repair here: no fact reads the answer time.
        var facts = resolver.resolve(leg).facts
        if let store {
            facts.runID = store.runID
            guard store.grouper.add(facts, emit: enqueue(call:legs:)) else {
                return filter(reason: "duplicate row", at: leg.position)
            }
            if facts.unmatched != nil { store.queue.add(.unmatched(facts)) }
        }
        stats.rowsLoaded += 1
        if stats.rowsLoaded & 0x3FFF == 0 { tick?() }
    }

    private func enqueue(call: Call, legs: [CallLegFacts]) {
        store?.queue.add(.call(call, legs: legs, source: source))
    }

    func finish() throws {
        guard let store else { return }
        store.grouper.finish(enqueue(call:legs:))
        try store.queue.drain()
    }

    func drain() throws { try store?.queue.drain() }

    public func reject(_ reject: Reject) {
        stats.rowsRejected += 1
        if rejectSamples.count < 20 { rejectSamples.append(reject) }
        store?.queue.add(.reject(reject, source: source))
    }

    public func filter(reason: String, at position: SourcePosition) {
        stats.filtered[reason, default: 0] += 1
    }
}

/// What the loaders of whole-file sources (mail, CRM) share: accounting, rejects handed to the
/// writer, and waiting for it. Such files are read whole, never resumed.
class FileSourceLoader {
    let queue: WriteQueue?
    let source: String
    /// The window every timestamp of the source must fall in.
    let times: PlausibleTimes
    var stats: SourceStats
    var rejectSamples: [Reject] = []
    var tick: (() -> Void)?

    init(source: String, queue: WriteQueue?, times: PlausibleTimes) {
        self.source = source
        self.queue = queue
        self.times = times
        stats = SourceStats(source: source)
    }

    var supportsResume: Bool { false }

    func reject(_ reject: Reject) {
        stats.rowsRejected += 1
        if rejectSamples.count < 20 { rejectSamples.append(reject) }
        queue?.add(.reject(reject, source: source))
    }

    func filter(reason: String, at position: SourcePosition) {
        stats.filtered[reason, default: 0] += 1
    }

    func drain() throws { try queue?.drain() }
    func finish() throws { try queue?.drain() }
}

/// Receives messages from a mailbox extractor, resolves them against the roster and stores them.
final class MailLoader: FileSourceLoader, MailSink, SourceLoader {
    let extractor: MailExtractor
    let resolver: EmailResolver
    /// New messages written (first sightings); counted by the writer thread, read after a drain.
    var emailsWritten = 0

    init(source: String, extractor: MailExtractor, resolver: EmailResolver, queue: WriteQueue?, times: PlausibleTimes) {
        self.extractor = extractor
        self.resolver = resolver
        super.init(source: source, queue: queue, times: times)
    }

    func read(path: String, displayPath: String, resume: ResumePoint?) throws -> ExtractResult {
        try extractor.extract(path: path, displayPath: displayPath, into: self)
    }

    func accept(_ message: MailRecord) throws {
        if let reason = times.problem("the date", epoch: message.sentAt) {
            return reject(Reject(position: message.position, reason: reason, raw: "message at byte \(message.offset)"))
        }
        queue?.add(.email(resolver.resolve(message), loader: self))
        stats.rowsLoaded += 1
        if stats.rowsLoaded & 0x3FFF == 0 { tick?() }
    }
}

/// The CRM display names read so far in a run that stores nothing (`validate`).
final class NameCollector {
    var names: CRMNames
    init(names: CRMNames) { self.names = names }
}

/// Receives CRM records from a dump extractor, maps their users to reps and stores them.
final class CRMLoader: FileSourceLoader, CRMSink, SourceLoader {
    let extractor: CRMExtractor
    let resolver: CRMResolver
    let collector: NameCollector?

    init(source: String, extractor: CRMExtractor, resolver: CRMResolver, queue: WriteQueue?, times: PlausibleTimes,
         collector: NameCollector? = nil) {
        self.extractor = extractor
        self.resolver = resolver
        self.collector = collector
        super.init(source: source, queue: queue, times: times)
    }

    func read(path: String, displayPath: String, resume: ResumePoint?) throws -> ExtractResult {
        try extractor.extract(path: path, displayPath: displayPath, into: self)
    }

    func accept(_ original: CRMRecord) throws {
        let record: CRMRecord
        switch times.screen(original) {
        case let .success(screened): record = screened
        case let .failure(error): return reject(Reject(position: original.position, reason: error.reason, raw: original.summary))
        }
        switch record {
        case let .status(s): collector?.names.add(s)
        case let .user(u): collector?.names.users[CRMNames.key(u.name)] = u.id
        default: break
        }
        queue?.add(.crm(record, repID: resolver.rep(of: record), contacts: resolver.normalizedContacts(of: record),
                        source: source))
        stats.rowsLoaded += 1
        if stats.rowsLoaded & 0x3FFF == 0 { tick?() }
    }
}

/// What a run did, for the run summary.
public struct RunOutcome {
    public var runID: Int64
    public var stats: [SourceStats]
    public var callsWritten: Int
    /// Messages new to the warehouse (a Message-ID not seen before).
    public var emailsWritten = 0
    public var headline = DayHeadline()
    public var reportPath: String?
    /// A `--dry-run`: everything was computed and rolled back.
    public var dryRun = false
}

/// Wires Extract → Transform → Load for every source of the pipeline inside one transaction, then
/// derives calls, missed calls and rep_daily in the warehouse, then writes the reports.
public struct PipelineRunner {
    public let projectDir: URL
    public let config: ProjectConfig
    public let pipeline: PipelineConfig
    public let asOf: Int
    public let logger: Logger
    /// `--allow-empty`: a source that matches no file or reads fewer rows than expected is no finding.
    public var allowEmpty = false
    /// The terminal's progress line, when stderr is one.
    public var progress: ProgressLine?

    public init(projectDir: URL, config: ProjectConfig, pipeline: PipelineConfig, asOf: Int, logger: Logger) {
        self.projectDir = projectDir
        self.config = config
        self.pipeline = pipeline
        self.asOf = asOf
        self.logger = logger
    }

    public var warehousePath: String { resolve(pipeline.warehousePath) }
    public var reportsPath: String { resolve(pipeline.reportsPath) }

    /// Sets the process umask from `sinks.permissions` (owner-only by default) before anything is
    /// created; SQLite gives the WAL and shared-memory files the warehouse's own mode.
    func applyPermissions() {
        umask(mode_t(pipeline.permissions.umask))
    }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : projectDir.appendingPathComponent(path).path
    }

    func clock(for source: SourceConfig) -> ZoneClock {
        ZoneClock(identifier: source.timeZone ?? config.company.timeZone)!
    }

    /// Reads every source without loading anything: the counts `salesops validate` prints.
    public func dryExtract() throws -> [SourceStats] {
        // Nothing is stored, so the names a UI export needs are gathered from the dumps read before it.
        let names = NameCollector(names: CRMNames.bitrixDefaults)
        names.names.add(config.funnels)
        return try extractAll(ledger: nil) {
            try makeLoader($0, callStore: nil, queue: nil, names: { names.names }, collector: names)
        }.map(\.stats)
    }

    /// The loader of a source, with its extractor; without a store or queue it only counts. A CRM UI
    /// export maps display names with `names` (what the warehouse knows when the source's turn comes).
    func makeLoader(_ source: SourceConfig, callStore: CallStore?, queue: WriteQueue?,
                    names: () throws -> CRMNames = { CRMNames.bitrixDefaults }, collector: NameCollector? = nil) throws -> SourceLoader {
        switch source.kind {
        case .telephony:
            return CallLegLoader(source: source.name,
                                 extractor: try ExtractorRegistry.makeCallLegExtractor(for: source, clock: clock(for: source)),
                                 resolver: CallLegResolver(config: config), store: callStore, times: config.company.plausibleTimes)
        case .mail:
            return MailLoader(source: source.name, extractor: try ExtractorRegistry.makeMailExtractor(for: source),
                              resolver: EmailResolver(config: config), queue: queue, times: config.company.plausibleTimes)
        case .crm, .worktime:
            // Recurring calendar events are expanded to a month past the as-of date.
            return CRMLoader(source: source.name,
                             extractor: try ExtractorRegistry.makeCRMExtractor(for: source, clock: clock(for: source),
                                                                               names: try names(), horizon: asOf + 31),
                             resolver: CRMResolver(config: config), queue: queue, times: config.company.plausibleTimes,
                             collector: collector)
        }
    }

    /// Reads every source into the loaders `makeLoader` builds. With a ledger, files already loaded
    /// are skipped, grown append-only files are read on from where the last run stopped, and every
    /// file read is recorded; without one (validate), every file is read whole.
    func extractAll(ledger: FileLedger?, makeLoader: (SourceConfig) throws -> SourceLoader) throws -> [SourceLoader] {
        var loaders: [SourceLoader] = []
        for source in pipeline.sources {
            let sink = try makeLoader(source)
            let matches = InputFiles.match(glob: source.path, in: projectDir)
            let paths = matches.files
            for skipped in matches.skipped {
                let display = InputFiles.displayPath(skipped.path, in: projectDir)
                logger.warning("matched path not read", metadata: ["source": "\(source.name)", "file": "\(display)",
                                                                   "reason": "\(skipped.reason)"])
                if let ledger {
                    try ledger.warehouse.recordNote(runID: ledger.runID, source: source.name, file: display,
                                                    message: "not read: \(skipped.reason)")
                }
            }
            if paths.isEmpty {
                logger.warning("no input files match", metadata: ["source": "\(source.name)", "path": "\(source.path)"])
            }
            // Versions of this source's files that a grown, moved or compressed copy may continue.
            let resumable = sink.supportsResume ? try ledger?.warehouse.resumableVersions(source: source.name) ?? [] : []
            sink.stats.filesMatched = paths.count + matches.skipped.count
            progress?.begin(source: source.name, files: paths.count)
            if let progress {
                sink.tick = { [unowned sink] in
                    progress.update(rows: sink.stats.rowsLoaded + sink.stats.rowsFiltered + sink.stats.rowsRejected)
                }
            }
            var files: [(InputFile, Warehouse.FileVersion?)] = []
            // Sizes two matched files share: such files may hold the same content, and the second is
            // then skipped as a copy of the first, which its hash must be known for.
            let stats = Dictionary(paths.compactMap { path in FileStat(path: path).map { (path, $0) } }, uniquingKeysWith: { a, _ in a })
            let sizeCounts = Dictionary(stats.values.map { ($0.size, 1) }, uniquingKeysWith: +)
            for path in paths {
                let display = InputFiles.displayPath(path, in: projectDir)
                let previous = try ledger?.lastVersion(path: display)
                let cuts = sink.supportsResume ? FileLedger.prefixLengths(previous: previous, others: resumable) : []
                do {
                    // A file of a size no loaded version and no other matched file has is read whole
                    // whatever its hash (no version it could be or continue, no copy of it read
                    // before it): it is hashed while it is read.
                    if cuts.isEmpty, let stat = stats[path], sizeCounts[stat.size] == 1,
                       try !(ledger?.warehouse.hasVersion(bytes: stat.size) ?? false),
                       let file = try InputFiles.unhashed(path: path, projectDir: projectDir, stat: stat) {
                        files.append((file, previous))
                        continue
                    }
                    files.append((try InputFiles.fingerprint(path: path, projectDir: projectDir, prefixLengths: cuts,
                                                              known: FileLedger.known(previous)), previous))
                } catch let error as SalesopsError where error.code == .input {
                    // One unreadable file (a damaged .gz, an I/O error) is a finding, not a failed night.
                    try unreadable(display, error.description, source: source.name, sink: sink, ledger: ledger)
                }
            }
            try ledger?.noteRotations(files)
            for (var file, previous) in files {
                let display = file.displayPath
                try sink.drain()   // the ledger uses the database: the writer thread must be idle
                let plan = try ledger?.prepareRead(file, source: source.name, previous: previous, others: resumable,
                                                   canResume: sink.supportsResume) ?? .readWhole
                var resume: ResumePoint?
                switch plan {
                case let .skip(reason):
                    sink.stats.filesSkipped += 1
                    logger.info("file skipped", metadata: ["source": "\(source.name)", "file": "\(display)", "reason": "\(reason)"])
                    continue
                case let .readFrom(point):
                    resume = point
                    logger.info("file grew: reading on", metadata: ["source": "\(source.name)", "file": "\(display)", "line": "\(point.line)"])
                case .readWhole:
                    break
                }
                let before = sink.stats
                progress?.fileBegins(bytes: file.bytes - (resume?.offset ?? 0))
                let hashing = file.hashing == .pending ? InputFiles.BackgroundFingerprint(path: file.path, projectDir: projectDir) : nil
                // Whatever ends the read, the hashing thread is done with the file before the next one.
                defer { _ = try? hashing?.wait() }
                let result: ExtractResult
                do {
                    result = try sink.read(path: file.path, displayPath: display, resume: resume)
                    if let hashing { file = try hashing.wait() }
                } catch let error as SalesopsError where error.code != .input {
                    throw error
                } catch {
                    // The file stopped being readable part way (damaged compressed data, an I/O error):
                    // what was read before stays, counted; the file is not recorded, so a later night
                    // reads it again (the rows already loaded upsert on their keys).
                    try sink.drain()
                    let seen = (sink.stats.rowsLoaded - before.rowsLoaded) + (sink.stats.rowsFiltered - before.rowsFiltered)
                        + (sink.stats.rowsRejected - before.rowsRejected)
                    sink.stats.rowsRead += seen
                    sink.stats.filesRead += 1
                    let reason = (error as? SalesopsError)?.description ?? String(describing: error)
                    try unreadable(display, seen == 0 ? reason : "read stopped after \(seen) rows: \(reason)",
                                   source: source.name, sink: sink, ledger: ledger)
                    continue
                }
                try sink.drain()
                sink.stats.rowsRead += result.rows
                sink.stats.filesRead += 1
                progress?.fileDone(bytes: file.bytes, rows: sink.stats.rowsRead)
                logger.debug("file fingerprint", metadata: [
                    "file": "\(display)", "bytes": "\(file.bytes)", "sha256": "\(file.sha256.prefix(16))",
                    "compressed": "\(file.isCompressed)", "resumed_at_line": "\(resume?.line ?? 0)",
                ])
                try ledger?.record(file, source: source.name, result: result)
                logger.info("file read", metadata: [
                    "source": "\(source.name)", "file": "\(display)", "rows": "\(result.rows)",
                    "loaded": "\(sink.stats.rowsLoaded - before.rowsLoaded)",
                    "filtered": "\(sink.stats.rowsFiltered - before.rowsFiltered)",
                    "rejected": "\(sink.stats.rowsRejected - before.rowsRejected)",
                ])
                for w in result.warnings {
                    logger.warning("check the input", metadata: ["source": "\(source.name)", "file": "\(display)", "finding": "\(w)"])
                }
                for r in sink.rejectSamples { logger.warning("row rejected", metadata: ["at": "\(r.position)", "reason": "\(r.reason)"]) }
                sink.rejectSamples.removeAll()
            }
            try sink.finish()
            progress?.clear()
            if sink.stats.filesMatched < source.expect.minFiles && !allowEmpty {
                let folder = (source.path as NSString).deletingLastPathComponent
                let missing = !FileManager.default.fileExists(atPath: resolve(folder))
                try noData(missing ? "the folder \(folder) does not exist (path \(source.path))"
                           : sink.stats.filesMatched == 0 ? "no file matches \(source.path)"
                           : "\(sink.stats.filesMatched) files match \(source.path), \(source.expect.minFiles) expected",
                           source: source, sink: sink, ledger: ledger)
            }
            if sink.stats.rowsRead < source.expect.minNewRows && !allowEmpty {
                try noData("\(sink.stats.rowsRead) new rows read, at least \(source.expect.minNewRows) expected",
                           source: source, sink: sink, ledger: ledger)
            }
            guard sink.stats.balances else {
                throw SalesopsError(.internal, "accounting does not balance for source \(source.name)")
            }
            loaders.append(sink)
        }
        return loaders
    }

    /// The finding for a source that delivered no new rows for longer than its
    /// `max_silent_business_days`, counted in business days from the as-of day of the last run that
    /// read rows from it (never: from its first run); nil when it is within its limit.
    func silentTooLong(_ source: SourceConfig, delivered: Bool, warehouse: Warehouse) throws -> String? {
        guard let limit = source.expect.maxSilentBusinessDays, !delivered else { return nil }
        let last = try warehouse.db.scalar("""
            SELECT MAX(r.as_of) FROM etl_sources s JOIN etl_runs r ON r.run_id = s.run_id
            WHERE s.source = ? AND s.rows_read > 0 AND r.status != 'failed'
            """, [.text(source.name)])?.string
        let since = try last ?? warehouse.db.scalar("""
            SELECT MIN(r.as_of) FROM etl_sources s JOIN etl_runs r ON r.run_id = s.run_id WHERE s.source = ?
            """, [.text(source.name)])?.string
        guard let since else { return nil }
        let silent = try warehouse.db.scalar("""
            SELECT COUNT(*) FROM calendar WHERE is_business_day = 1 AND local_date > ? AND local_date <= ?
            """, [.text(since), .text(CivilTime.dateString(days: asOf))])?.int ?? 0
        guard silent > limit else { return nil }
        return last == nil ? "no new rows in \(silent) business days since its first run (\(since)), at most \(limit) allowed"
            : "no new rows in \(silent) business days since \(since), at most \(limit) allowed"
    }

    /// Records a `no_data` finding of a source: in its stats (the run summary, the run's status) and,
    /// when loading, as a note for Data quality.
    func noData(_ finding: String, source: SourceConfig, sink: SourceLoader, ledger: FileLedger?) throws {
        sink.stats.noData.append(finding)
        if let ledger {
            try ledger.warehouse.recordNote(runID: ledger.runID, source: source.name, file: source.path, message: "no data: \(finding)")
        }
    }

    /// Records a file that cannot be read: a warning, a note in Data quality and a `no_data` finding.
    func unreadable(_ display: String, _ reason: String, source: String, sink: SourceLoader, ledger: FileLedger?) throws {
        logger.warning("input file not read", metadata: ["source": "\(source)", "file": "\(display)", "reason": "\(reason)"])
        sink.stats.noData.append("\(display) cannot be read: \(reason)")
        if let ledger {
            try ledger.warehouse.recordNote(runID: ledger.runID, source: source, file: display, message: "not read: \(reason)")
        }
    }

    /// Rolls a dry run's transaction back while keeping what it computed.
    struct DryRunRollback: Error { var outcome: RunOutcome }

    /// The nightly job. With `dryRun`, everything is computed inside the transaction, then rolled back:
    /// the warehouse keeps no trace of the run and no report is written.
    ///
    /// `forget` lists input files (as given on the command line: relative to the project or absolute)
    /// whose facts the operator wants dropped and read again (``Warehouse/forgetFile(_:)``).
    public func run(writeReports reports: Bool = true, dryRun: Bool = false, forget: [String] = []) throws -> RunOutcome {
        if let sink = pipeline.postgres { return try run(into: sink, writeReports: reports, dryRun: dryRun, forget: forget) }
        applyPermissions()
        let outputDir = URL(fileURLWithPath: warehousePath).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: outputDir, withIntermediateDirectories: true)
        } catch {
            throw SalesopsError(.output, "cannot create \(outputDir.path)", cause: error.localizedDescription)
        }
        let lock = try RunLock(path: outputDir.appendingPathComponent(".salesops.lock").path)
        defer { lock.release() }
        let existed = FileManager.default.fileExists(atPath: warehousePath)
        let warehouse: Warehouse
        do { warehouse = try Warehouse(path: warehousePath) } catch {
            throw SalesopsError(.database, "cannot open the warehouse \(warehousePath)", cause: String(describing: error))
        }
        defer { warehouse.close() }
        var outcome = try loadRecorded(into: warehouse, dryRun: dryRun, forget: forget) {
            guard !existed else { return }
            // A dry run on a project without a warehouse leaves none behind (the migrations committed one).
            warehouse.close()
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: warehousePath + suffix) }
        }
        if outcome.dryRun { return outcome }
        do { try warehouse.useWAL() } catch {
            // The night is committed; a reader that holds the warehouse open can refuse the switch.
            logger.warning("the warehouse stays in rollback-journal mode until a later night can switch it to WAL",
                           metadata: ["cause": "\(error)"])
        }
        if reports { outcome.reportPath = try writeReports(after: outcome, warehouse: warehouse) }
        return outcome
    }

    /// The run's transaction (``load(into:startedAt:dryRun:forget:)``) on either engine. A dry run comes
    /// back marked as one after `discardDryRun` removed what creating the warehouse left; a run that failed
    /// is recorded in the ledger after its rollback.
    func loadRecorded(into warehouse: Warehouse, dryRun: Bool, forget: [String], discardDryRun: () -> Void) throws -> RunOutcome {
        let startedAt = CivilTime.utcString(epoch: Int64(Date().timeIntervalSince1970))
        do {
            return try load(into: warehouse, startedAt: startedAt, dryRun: dryRun, forget: forget)
        } catch var rollback as DryRunRollback {
            logger.info("dry run: rolled back, no report written")
            discardDryRun()
            rollback.outcome.dryRun = true
            return rollback.outcome
        } catch {
            try? warehouse.recordFailedRun(pipeline: pipeline.name, asOf: CivilTime.dateString(days: asOf), startedAt: startedAt,
                                           finishedAt: CivilTime.utcString(epoch: Int64(Date().timeIntervalSince1970)),
                                           message: String(describing: error))
            if error is SalesopsError { throw error }
            throw SalesopsError(.database, "the run failed and was rolled back", cause: String(describing: error))
        }
    }

    /// Writes the workbooks of a committed run; a failure is the run's last step failing, and the
    /// ledger says so (`report_failed`).
    func writeReports(after outcome: RunOutcome, warehouse: Warehouse) throws -> String {
        do {
            return try writeReports(asOf: asOf, from: warehouse.dialect == .sqlite ? nil : (warehouse.db, warehouse.dialect))
        } catch let error as SalesopsError {
            try? warehouse.markRun(outcome.runID, status: "report_failed", message: error.description)
            throw error
        }
    }

    /// The run's work inside its transaction, on either engine: the run's ledger row, the reference
    /// data, every source read and written, calls regrouped, the models built, the accounting recorded.
    /// A dry run throws ``DryRunRollback`` with what it computed.
    func load(into warehouse: Warehouse, startedAt: String, dryRun: Bool, forget: [String]) throws -> RunOutcome {
        try warehouse.run {
            let asOfText = CivilTime.dateString(days: asOf)
            let grouper = CallGrouper(effectiveCallSecs: config.thresholds.effectiveCallSecs,
                                      clock: ZoneClock(identifier: config.company.timeZone)!)
            let runID = try warehouse.beginRun(pipeline: pipeline.name, asOf: asOfText, startedAt: startedAt)
            let change = try warehouse.refreshReference(config: config, calendar: (asOf - 400)...(asOf + 31))
            let full = change == .regroup
            if change != .none { logger.info("settings changed: rebuilding every derived row") }
            var clock = PhaseClock(logger: logger)
            try warehouse.beginScratch()
            for path in forget {
                let display = InputFiles.displayPath(resolve(path), in: projectDir)
                let entries = try warehouse.forgetFile(display)
                logger.notice("file forgotten: its facts go and it is read again if still matched",
                              metadata: ["file": "\(display)", "ledger_entries": "\(entries)"])
            }
            // A first load into empty tables builds the secondary indexes once, after the load.
            let bulk = try warehouse.hasNoCalls()
            if bulk { try warehouse.dropBulkIndexes() }
            let rejects = try warehouse.makeRejectWriter(runID: runID)
            let calls = try warehouse.makeCallWriter(runID: runID)
            calls.notesClientPhones = !bulk
            let emails = try warehouse.makeEmailWriter(runID: runID)
            let crm = try warehouse.makeCRMWriter(runID: runID, clock: ZoneClock(identifier: config.company.timeZone)!,
                                                  runStarted: Int64(Date().timeIntervalSince1970))
            defer { rejects.close(); calls.close(); emails.close(); crm.close() }
            let queue = WriteQueue(calls: calls, emails: emails, crm: crm, rejects: rejects)
            // Whatever happens, the writer thread is idle before the transaction ends or rolls back.
            defer { try? queue.drain() }
            let loaders = try extractAll(ledger: FileLedger(warehouse: warehouse, runID: runID)) { source in
                try makeLoader(source, callStore: CallStore(queue: queue, grouper: StreamingCallGrouper(grouper: grouper),
                                                            runID: runID), queue: queue,
                               names: { try warehouse.crmNames(funnels: config.funnels) })
            }
            try emails.flushTouchedDates()
            let funnelsChanged = try warehouse.applyCRMStatusSemantics(funnels: config.funnels)
            let ledger = FileLedger(warehouse: warehouse, runID: runID)
            for (loader, source) in zip(loaders, pipeline.sources) {
                if let silence = try silentTooLong(source, delivered: loader.stats.rowsRead > 0, warehouse: warehouse) {
                    try noData(silence, source: source, sink: loader, ledger: ledger)
                }
            }
            let stats = loaders.map(\.stats)
            logger.info("writer thread", metadata: [
                "busy_secs": "\(String(format: "%.2f", Double(queue.writerBusyNanos) / 1e9))",
                "producer_waited_secs": "\(String(format: "%.2f", Double(queue.producerWaitNanos) / 1e9))",
            ])
            clock.done("extract, group and load")
            if bulk {
                try warehouse.createBulkIndexes()
                clock.done("build indexes")
            }
            let regrouped = try warehouse.regroupCalls(full: full, writer: calls) { grouper.group($0) }
            let callsWritten = calls.inserted + regrouped
            let emailsWritten = loaders.compactMap { $0 as? MailLoader }.reduce(0) { $0 + $1.emailsWritten }
            clock.done("regroup calls")
            if let earliest = try warehouse.db.scalar("SELECT MIN(local_date) FROM calls")?.string,
               let day = CivilTime.days(fromDateString: earliest), day < asOf - 400 {
                try warehouse.refreshReference(config: config, calendar: day...(asOf + 31))
            }
            try warehouse.buildModels(asOf: asOf, clock: ZoneClock(identifier: config.company.timeZone)!,
                                      allDates: change != .none || bulk,
                                      crmChanged: funnelsChanged || !forget.isEmpty
                                          || loaders.contains { $0 is CRMLoader && $0.stats.rowsLoaded > 0 })
            for (model, secs) in warehouse.modelSeconds {
                logger.debug("model built", metadata: ["model": "\(model)", "secs": "\(String(format: "%.3f", secs))"])
            }
            clock.done("models")
            let kinds = Dictionary(pipeline.sources.map { ($0.name, $0.kind.rawValue) }, uniquingKeysWith: { a, _ in a })
            try warehouse.finishRun(runID, stats: stats, kinds: kinds,
                                    status: stats.contains { !$0.noData.isEmpty } ? "no_data" : "ok",
                                    finishedAt: CivilTime.utcString(epoch: Int64(Date().timeIntervalSince1970)))
            let outcome = RunOutcome(runID: runID, stats: stats, callsWritten: callsWritten, emailsWritten: emailsWritten,
                                     headline: try warehouse.dayHeadline(localDate: asOfText))
            if dryRun { throw DryRunRollback(outcome: outcome) }
            return outcome
        }
    }

    /// `salesops report`: waits for no one — while a run holds the lock (it will write its own
    /// reports when it has committed) this fails with the lock's exit code (75) — then writes the
    /// reports for the as-of date and returns the workbook's path.
    public func report(asOf: Int) throws -> String {
        if let sink = pipeline.postgres { return try report(from: sink, asOf: asOf) }
        let outputDir = URL(fileURLWithPath: warehousePath).deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: warehousePath) else {
            throw SalesopsError(.input, "no warehouse at \(warehousePath): run `salesops run` first")
        }
        applyPermissions()
        let lock = try RunLock(path: outputDir.appendingPathComponent(".salesops.lock").path, purpose: "report")
        defer { lock.release() }
        do {
            let warehouse = try Warehouse(path: warehousePath)
            defer { warehouse.close() }
            try warehouse.run { try warehouse.prepareReport(asOf: asOf, clock: ZoneClock(identifier: config.company.timeZone)!) }
        } catch let error as SQLiteError {
            throw SalesopsError(.database, "cannot read the warehouse \(warehousePath) to prepare the report", cause: error.description)
        }
        return try writeReports(asOf: asOf)
    }

    /// Writes `department.xlsx` for the as-of date and returns its path (the caller holds the lock).
    /// The workbooks read the SQLite warehouse, or the given connection's.
    public func writeReports(asOf: Int, from connection: (SQLConnection, SQLDialect)? = nil) throws -> String {
        let folder = URL(fileURLWithPath: reportsPath).appendingPathComponent(CivilTime.dateString(days: asOf))
        let path = folder.appendingPathComponent("department.xlsx").path
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try ReportFacade.department(source: connection.map { .connection($0.0, $0.1) } ?? .sqlite(path: warehousePath),
                                        asOf: asOf, company: config.company, path: path, logger: logger)
        } catch let error as SalesopsError {
            throw error
        } catch let error as SQLiteError {
            // The warehouse, not the workbook, is what failed (corrupt, not a database, locked).
            throw SalesopsError(.database, "cannot read the warehouse \(warehousePath) to write \(path)", cause: error.description)
        } catch let error as PostgresError {
            throw SalesopsError(.database, "cannot read the warehouse \(warehouseName) to write \(path)", cause: error.description)
        } catch {
            throw SalesopsError(.report, "cannot write \(path)", cause: String(describing: error))
        }
        return path
    }
}

/// Logs how long each phase of a run took (info level, one line per phase).
struct PhaseClock {
    let logger: Logger
    var last = DispatchTime.now().uptimeNanoseconds

    init(logger: Logger) { self.logger = logger }

    mutating func done(_ phase: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        logger.info("phase done", metadata: ["phase": "\(phase)", "secs": "\(String(format: "%.2f", Double(now - last) / 1e9))"])
        last = now
    }
}
