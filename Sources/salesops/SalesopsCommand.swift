import ArgumentParser
import Foundation
import Logging
import SalesopsConfig
import SalesopsCore
import SalesopsPipeline

@main
struct Salesops: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "salesops",
        abstract: "Nightly sales ETL: PBX call logs into a SQLite warehouse and XLSX reports.",
        discussion: """
            Exit codes: 0 ok (rejected rows do not fail a run); 64 usage or configuration error; \
            65 the run was loaded but a source delivered no data or less than its `expect:` (NO DATA lines); \
            66 report found no warehouse; 70 internal error; 73 a report or the output folder cannot be \
            written; 74 warehouse (SQLite) error; 75 a run holds the lock (try again later).
            """,
        version: SalesopsVersion.text,
        subcommands: [RunCommand.self, ValidateCommand.self, ReportCommand.self, StatusCommand.self])
}

/// Options every command shares.
struct ProjectOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Project folder holding config/, pipelines/ and input/; outputs go to DIR/output/.", valueName: "DIR"))
    var project: String = "."

    @Option(name: .long, help: ArgumentHelp("Pipeline file, relative to the project folder.", valueName: "FILE"))
    var pipeline: String = "pipelines/nightly.yml"

    @Flag(name: .shortAndLong, help: "Log every step (debug level: each file's fingerprint and plan, each phase) on stderr. Without it a terminal shows a progress line and warnings, a log file gets one info line per file and phase.")
    var verbose = false

    var projectURL: URL { URL(fileURLWithPath: project).standardizedFileURL }

    var pipelineURL: URL {
        pipeline.hasPrefix("/") ? URL(fileURLWithPath: pipeline) : projectURL.appendingPathComponent(pipeline)
    }

    func validate() throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: projectURL.path, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("project folder '\(project)' does not exist")
        }
    }

    /// The terminal's progress line: only when stderr is a terminal and -v is not given.
    var progress: ProgressLine? { verbose ? nil : ProgressLine.forTerminal() }

    /// Logs on stderr: debug with -v; on a terminal warnings and errors (the progress line shows the
    /// rest); otherwise (cron, systemd) info. A log line first clears the progress line.
    func makeLogger(progress: ProgressLine? = nil) -> Logger {
        LoggingSystem.bootstrap { label in
            ClearingLogHandler(inner: StreamLogHandler.standardError(label: label), progress: progress)
        }
        var logger = Logger(label: "salesops")
        logger.logLevel = verbose ? .debug : isatty(2) == 1 ? .warning : .info
        return logger
    }

    /// Loads config/ and the pipeline; every problem of both is printed on stderr (the same for every
    /// command) and the exit code is 64.
    func loadConfiguration() throws -> (ProjectConfig, PipelineConfig) {
        do {
            return try ConfigLoader.load(projectDir: projectURL, pipelineFile: pipelineURL, pipelineName: pipeline)
        } catch let error as ConfigErrors {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(64)
        }
    }
}

/// The as-of option shared by run and report.
struct AsOfOption: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp("Report date YYYY-MM-DD (default: the last completed day in the company time zone).", valueName: "DATE"))
    var asOf: String?

    func validate() throws {
        if let asOf, CivilTime.days(fromDateString: asOf) == nil {
            throw ValidationError("--as-of must be a date as YYYY-MM-DD, got '\(asOf)'")
        }
    }

    /// The as-of day number: the given date, else yesterday in `timeZone`.
    func day(timeZone: String) -> Int {
        if let asOf, let day = CivilTime.days(fromDateString: asOf) { return day }
        let clock = ZoneClock(identifier: timeZone)!
        return clock.localDay(ofUTC: Int64(Date().timeIntervalSince1970)) - 1
    }
}

/// Prints a failure and maps it to its documented exit code.
func failureExitCode(for error: Error, logger: Logger) -> ExitCode {
    if let error = error as? SalesopsError {
        logger.error("\(error.description)")
        return ExitCode(error.exitCode)
    }
    logger.error("\(String(describing: error))")
    return ExitCode(70)
}

/// Writes through stderr's handler after clearing the progress line, so that the two never mix.
struct ClearingLogHandler: LogHandler {
    var inner: StreamLogHandler
    let progress: ProgressLine?

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        progress?.clear()
        inner.log(event: event)
    }
}
