import ArgumentParser
import Foundation
import Logging
import SalesopsConfig
import SalesopsCore
import SalesopsLoad
import SalesopsPipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the nightly job: load new input files into the warehouse and write the reports.",
        discussion: """
            Files already loaded (same path and SHA-256) are skipped, so running a night twice changes no \
            row. What was loaded stays when an input file is moved, truncated, rotated, compressed or \
            deleted (gzip-compressed rotated logs are read as the log they hold); only --forget drops it. Bad rows go to the `rejects` table with file, line and reason; the run still succeeds. \
            The load is one transaction: a killed run leaves the warehouse as it was.
            """)

    @OptionGroup var options: ProjectOptions
    @OptionGroup var asOfOption: AsOfOption

    @Flag(name: .customLong("no-report"), help: "Load the warehouse only; write no reports.")
    var noReport = false

    @Flag(name: .customLong("dry-run"), help: "Do the whole run, print its summary, then roll it back: the warehouse is left as it was and no report is written.")
    var dryRun = false

    @Option(name: .customLong("forget"), help: ArgumentHelp("""
        Drop the calls and mail loaded from FILE (path relative to the project) and read it again if it \
        is still there. Facts are otherwise never removed: a moved, truncated, rotated or deleted input \
        keeps what was loaded from it. Repeatable.
        """, valueName: "FILE"))
    var forget: [String] = []

    @Flag(name: .customLong("allow-empty"), help: "A source that matches no file, or reads fewer new rows than its `expect:` asks, is not a no-data finding (exit 0, not 65).")
    var allowEmpty = false

    func run() throws {
        let progress = options.progress
        let logger = options.makeLogger(progress: progress)
        let (config, pipeline) = try options.loadConfiguration()
        let asOf = asOfOption.day(timeZone: config.company.timeZone)
        var runner = PipelineRunner(projectDir: options.projectURL, config: config, pipeline: pipeline, asOf: asOf,
                                    logger: logger)
        runner.allowEmpty = allowEmpty
        runner.progress = progress
        let outcome: RunOutcome
        do {
            outcome = try runner.run(writeReports: !noReport && !dryRun, dryRun: dryRun, forget: forget)
        } catch {
            throw failureExitCode(for: error, logger: logger)
        }
        outcome.print(asOf: asOf, warehouse: runner.warehouseName)
        if outcome.stats.contains(where: { !$0.noData.isEmpty }) {
            logger.error("a source delivered less than expected: the run is loaded, but its data is incomplete (exit 65)")
            throw ExitCode(65)
        }
    }
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the configuration and read every input file without loading anything.",
        discussion: "Prints every configuration problem with file, line and key path, then per source the rows that would be loaded, filtered and rejected. Exits 64 when the configuration has problems.")

    @OptionGroup var options: ProjectOptions

    func run() throws {
        let logger = options.makeLogger()
        let (config, pipeline) = try options.loadConfiguration()
        let runner = PipelineRunner(projectDir: options.projectURL, config: config, pipeline: pipeline, asOf: 0,
                                    logger: logger)
        do {
            let warehouse = try runner.describeWarehouse()
            let stats = try runner.dryExtract()
            print("configuration ok: \(config.reps.count) reps, \(pipeline.sources.count) sources")
            print("  \(warehouse)")
            for s in stats {
                print("  \(s.source): \(s.filesRead) files, \(s.rowsRead) rows: \(s.rowsLoaded) would load, \(s.rowsFiltered) filtered, \(s.rowsRejected) rejected")
                for finding in s.noData { print("  NO DATA  \(s.source): \(finding)") }
            }
        } catch {
            throw failureExitCode(for: error, logger: logger)
        }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the XLSX reports for an as-of date from the warehouse, loading nothing.",
        discussion: "Writes output/reports/<as-of>/department.xlsx (through a temporary file renamed into place).")

    @OptionGroup var options: ProjectOptions
    @OptionGroup var asOfOption: AsOfOption

    func run() throws {
        let logger = options.makeLogger()
        let (config, pipeline) = try options.loadConfiguration()
        let asOf = asOfOption.day(timeZone: config.company.timeZone)
        let runner = PipelineRunner(projectDir: options.projectURL, config: config, pipeline: pipeline, asOf: asOf,
                                    logger: logger)
        do {
            let path = try runner.report(asOf: asOf)
            print("report written: \(path)")
        } catch {
            throw failureExitCode(for: error, logger: logger)
        }
    }
}

extension RunOutcome {
    /// The one-screen run summary on stdout.
    func print(asOf: Int, warehouse: String) {
        Swift.print("salesops run \(runID) as of \(CivilTime.dateString(days: asOf))")
        func cell(_ text: String, _ width: Int, left: Bool = false) -> String {
            let pad = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + pad : pad + text
        }
        let width = max(22, stats.map(\.source.count).max() ?? 0)
        Swift.print("  " + cell("source", width, left: true) + cell("files", 7) + cell("skipped", 9) + cell("read", 10)
                    + cell("loaded", 10) + cell("filtered", 10) + cell("rejected", 10))
        for s in stats {
            Swift.print("  " + cell(s.source, width, left: true) + cell("\(s.filesRead)", 7) + cell("\(s.filesSkipped)", 9)
                        + cell("\(s.rowsRead)", 10) + cell("\(s.rowsLoaded)", 10) + cell("\(s.rowsFiltered)", 10)
                        + cell("\(s.rowsRejected)", 10))
        }
        for s in stats {
            for finding in s.noData { Swift.print("  NO DATA  \(s.source): \(finding)") }
        }
        Swift.print("  calls (re)built: \(callsWritten)" + (emailsWritten > 0 ? ", new emails: \(emailsWritten)" : ""))
        let h = headline
        Swift.print("  \(CivilTime.dateString(days: asOf)): calls out \(h.callsOut), in \(h.callsIn), effective \(h.effective)"
                    + " (norm \(Int(h.effectiveNorm.rounded()))), missed \(h.missed) (\(h.missedWithoutCallback) not called back in time)"
                    + ", emails out \(h.emailsOut), proposals \(h.proposals)")
        Swift.print("  alerts: \(h.alerts) (\(h.highAlerts) high)")
        if dryRun {
            Swift.print("  dry run: nothing was kept (the warehouse is as it was; no report was written)")
            return
        }
        Swift.print("  warehouse: \(warehouse)")
        if let reportPath { Swift.print("  report: \(reportPath)") }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the recent runs and how fresh each source's data is, from the warehouse.",
        discussion: "Reads etl_runs and etl_sources (loading nothing, waiting for no run): when each run started, its as-of date, how it ended, how long it took and its per-source counts; then per source the time of its newest fact and the last as-of day on which it delivered new rows.")

    @OptionGroup var options: ProjectOptions

    @Option(name: .long, help: ArgumentHelp("How many recent runs to show.", valueName: "N"))
    var last = 5

    func run() throws {
        let logger = options.makeLogger()
        let (config, pipeline) = try options.loadConfiguration()
        let runner = PipelineRunner(projectDir: options.projectURL, config: config, pipeline: pipeline, asOf: 0, logger: logger)
        do {
            print(try runner.statusReport(last: last))
        } catch {
            throw failureExitCode(for: error, logger: logger)
        }
    }
}
