/// Receives what an extractor produces from one file: records, rejects and intentional drops.
public protocol CallLegSink: AnyObject {
    /// A well-formed leg.
    func accept(_ leg: CallLeg) throws
    /// A well-formed leg as the bytes its extractor read (by default made a ``CallLeg``).
    func accept(bytes leg: CallLegBytes) throws
    /// A row that could not be read; the run goes on.
    func reject(_ reject: Reject)
    /// A row dropped on purpose, counted by reason.
    func filter(reason: String, at position: SourcePosition)
}

extension CallLegSink {
    public func accept(bytes leg: CallLegBytes) throws { try accept(CallLeg(leg)) }
}

/// Where to continue reading a file that an appending writer (Asterisk's Master.csv) has grown.
public struct ResumePoint: Sendable, Equatable {
    /// Byte offset of the first unread line.
    public var offset: Int64
    /// Its 1-based line number.
    public var line: Int

    public init(offset: Int64, line: Int) {
        self.offset = offset
        self.line = line
    }
}

/// What reading one file did.
public struct ExtractResult: Sendable, Equatable {
    /// Data rows read (header rows excluded); each was accepted, rejected or filtered exactly once.
    public var rows: Int
    /// Where a later read of the grown file may continue (after the last complete line).
    public var resume: ResumePoint
    /// Findings about the whole file worth a human's look (a time zone that does not fit, say).
    public var warnings: [String]

    public init(rows: Int, resume: ResumePoint, warnings: [String] = []) {
        self.rows = rows
        self.resume = resume
        self.warnings = warnings
    }
}

/// Streams the call legs of one input file into a sink.
public protocol CallLegExtractor {
    /// Whether the format can be read from the middle (no header row): append-only files then
    /// resume where the last run stopped.
    var supportsResume: Bool { get }

    /// Reads the file at `path` (shown to users as `displayPath`), from `resume` when given.
    func extract(path: String, displayPath: String, resume: ResumePoint?, into sink: CallLegSink) throws -> ExtractResult
}

extension CallLegExtractor {
    public var supportsResume: Bool { false }

    /// Reads the whole file and returns the number of data rows read.
    public func extract(path: String, displayPath: String, into sink: CallLegSink) throws -> Int {
        try extract(path: path, displayPath: displayPath, resume: nil, into: sink).rows
    }
}
