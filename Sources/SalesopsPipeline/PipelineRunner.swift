import Foundation
import Logging
import SalesopsCore
import SalesopsExtract
import SalesopsLoad
import SalesopsTransform

/// Receives legs from an extractor, resolves identities and writes them (or only counts, when validating).
public final class CallLegLoader: CallLegSink {
    let resolver: CallLegResolver
    let writer: CallLegWriter?
    let rejects: RejectWriter?
    let source: String
    public var stats: SourceStats
    var rejectSamples: [Reject] = []
    private var failure: Error?

    public init(source: String, resolver: CallLegResolver, writer: CallLegWriter?, rejects: RejectWriter?, stats: SourceStats) {
        self.source = source
        self.resolver = resolver
        self.writer = writer
        self.rejects = rejects
        self.stats = stats
    }

    public func accept(_ leg: CallLeg) throws {
        let resolved = resolver.resolve(leg)
        try writer?.write(leg, facts: resolved.facts, unmatched: resolved.unmatched.first)
        stats.rowsLoaded += 1
    }

    public func reject(_ reject: Reject) {
        stats.rowsRejected += 1
        if rejectSamples.count < 20 { rejectSamples.append(reject) }
        do { try rejects?.write(reject, source: source) } catch { failure = failure ?? error }
    }

    public func filter(reason: String, at position: SourcePosition) {
        stats.filtered[reason, default: 0] += 1
    }

    func checkFailure() throws { if let failure { throw failure } }
}

/// What a run did, for the run summary.
public struct RunOutcome {
    public var runID: Int64
    public var stats: [SourceStats]
    public var callsWritten: Int
    public var headline = DayHeadline()
    public var reportPath: String?
}

/// Wires Extract → Transform → Load for every source of the pipeline inside one transaction, then
/// derives calls, missed calls and rep_daily in the warehouse, then writes the reports.
public struct PipelineRunner {
    public let projectDir: URL
    public let config: ProjectConfig
    public let pipeline: PipelineConfig
    public let asOf: Int
    public let logger: Logger

    public init(projectDir: URL, config: ProjectConfig, pipeline: PipelineConfig, asOf: Int, logger: Logger) {
        self.projectDir = projectDir
        self.config = config
        self.pipeline = pipeline
        self.asOf = asOf
        self.logger = logger
    }

    public var warehousePath: String { resolve(pipeline.warehousePath) }
    public var reportsPath: String { resolve(pipeline.reportsPath) }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : projectDir.appendingPathComponent(path).path
    }

    func clock(for source: SourceConfig) -> ZoneClock {
        ZoneClock(identifier: source.timeZone ?? config.company.timeZone)!
    }

    /// Reads every source without loading anything: the counts `salesops validate` prints.
    public func dryExtract() throws -> [SourceStats] {
        let resolver = CallLegResolver(config: config)
        return try extractAll(ledger: nil) {
            CallLegLoader(source: $0.name, resolver: resolver, writer: nil, rejects: nil, stats: SourceStats(source: $0.name))
        }
    }

    /// Reads every source into the sinks `makeSink` builds. With a ledger, files already loaded are
    /// skipped, grown append-only files are read on from where the last run stopped, and every file
    /// read is recorded; without one (validate), every file is read whole.
    func extractAll(ledger: FileLedger?, makeSink: (SourceConfig) throws -> CallLegLoader) throws -> [SourceStats] {
        var all: [SourceStats] = []
        for source in pipeline.sources {
            let extractor = try ExtractorRegistry.makeCallLegExtractor(for: source, clock: clock(for: source))
            let sink = try makeSink(source)
            let paths = InputFiles.match(glob: source.path, in: projectDir)
            if paths.isEmpty {
                logger.warning("no input files match", metadata: ["source": "\(source.name)", "path": "\(source.path)"])
            }
            for path in paths {
                let display = InputFiles.displayPath(path, in: projectDir)
                let previous = try ledger?.lastVersion(path: display)
                let file = try InputFiles.fingerprint(path: path, projectDir: projectDir,
                                                      prefixLength: previous?.resume?.offset)
                let plan = try ledger?.plan(file, source: source.name, previous: previous, canResume: extractor.supportsResume) ?? .readWhole
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
                let result: ExtractResult
                do {
                    result = try extractor.extract(path: path, displayPath: display, resume: resume, into: sink)
                } catch let error as SalesopsError {
                    throw error
                } catch {
                    throw SalesopsError(.input, "cannot read \(display)", cause: String(describing: error))
                }
                try sink.checkFailure()
                sink.stats.rowsRead += result.rows
                sink.stats.filesRead += 1
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
            guard sink.stats.balances else {
                throw SalesopsError(.internal, "accounting does not balance for source \(source.name)")
            }
            all.append(sink.stats)
        }
        return all
    }

    /// The nightly job. Everything up to the reports is one transaction.
    /// Rolls a dry run's transaction back while keeping what it computed.
    struct DryRunRollback: Error { var outcome: RunOutcome }

    /// The nightly job. With `dryRun`, everything is computed inside the transaction, then rolled back:
    /// the warehouse keeps no trace of the run and no report is written.
    public func run(writeReports reports: Bool = true, dryRun: Bool = false) throws -> RunOutcome {
        let outputDir = URL(fileURLWithPath: warehousePath).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: outputDir, withIntermediateDirectories: true)
        } catch {
            throw SalesopsError(.output, "cannot create \(outputDir.path)", cause: error.localizedDescription)
        }
        let lock = try RunLock(path: outputDir.appendingPathComponent(".salesops.lock").path)
        defer { lock.release() }
        let warehouse: Warehouse
        do { warehouse = try Warehouse(path: warehousePath) } catch {
            throw SalesopsError(.database, "cannot open the warehouse \(warehousePath)", cause: String(describing: error))
        }
        defer { warehouse.close() }
        let startedAt = CivilTime.utcString(epoch: Int64(Date().timeIntervalSince1970))
        let asOfText = CivilTime.dateString(days: asOf)
        let resolver = CallLegResolver(config: config)
        let grouper = CallGrouper(effectiveCallSecs: config.thresholds.effectiveCallSecs,
                                  clock: ZoneClock(identifier: config.company.timeZone)!)
        var outcome: RunOutcome
        do {
            outcome = try warehouse.run {
                let runID = try warehouse.beginRun(pipeline: pipeline.name, asOf: asOfText, startedAt: startedAt)
                let full = try warehouse.refreshReference(config: config, calendar: (asOf - 400)...(asOf + 31))
                if full { logger.info("settings changed: rebuilding every derived row") }
                let legs = try warehouse.makeLegWriter(runID: runID)
                let rejects = try warehouse.makeRejectWriter(runID: runID)
                defer { legs.close(); rejects.close() }
                let stats = try extractAll(ledger: WarehouseLedger(warehouse: warehouse, runID: runID)) {
                    CallLegLoader(source: $0.name, resolver: resolver, writer: legs, rejects: rejects,
                                  stats: SourceStats(source: $0.name))
                }
                let calls = try warehouse.regroupCalls(runID: runID, full: full) { grouper.group($0) }
                if let earliest = try warehouse.db.scalar("SELECT MIN(local_date) FROM calls")?.string,
                   let day = CivilTime.days(fromDateString: earliest), day < asOf - 400 {
                    try warehouse.refreshReference(config: config, calendar: day...(asOf + 31))
                }
                try warehouse.rebuildMissedCalls(runID: runID, full: full, windowMins: config.thresholds.callbackWindowMins)
                try warehouse.rebuildRepDaily()
                try warehouse.finishRun(runID, stats: stats, kind: "telephony", status: "ok",
                                        finishedAt: CivilTime.utcString(epoch: Int64(Date().timeIntervalSince1970)))
                let outcome = RunOutcome(runID: runID, stats: stats, callsWritten: calls,
                                         headline: try warehouse.dayHeadline(localDate: asOfText))
                if dryRun { throw DryRunRollback(outcome: outcome) }
                return outcome
            }
        } catch let rollback as DryRunRollback {
            logger.info("dry run: rolled back, no report written")
            return rollback.outcome
        } catch {
            try? warehouse.recordFailedRun(pipeline: pipeline.name, asOf: asOfText, startedAt: startedAt,
                                           finishedAt: CivilTime.utcString(epoch: Int64(Date().timeIntervalSince1970)),
                                           message: String(describing: error))
            if error is SalesopsError { throw error }
            throw SalesopsError(.database, "the run failed and was rolled back", cause: String(describing: error))
        }
        if reports { outcome.reportPath = try writeReports(asOf: asOf) }
        return outcome
    }

    /// Writes `department.xlsx` for the as-of date and returns its path.
    public func writeReports(asOf: Int) throws -> String {
        let folder = URL(fileURLWithPath: reportsPath).appendingPathComponent(CivilTime.dateString(days: asOf))
        let path = folder.appendingPathComponent("department.xlsx").path
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try ReportFacade.department(warehousePath: warehousePath, asOf: asOf, company: config.company, path: path)
        } catch let error as SalesopsError {
            throw error
        } catch {
            throw SalesopsError(.report, "cannot write \(path)", cause: String(describing: error))
        }
        return path
    }
}
