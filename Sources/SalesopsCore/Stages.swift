/// Receives what an extractor produces from one file: records, rejects and intentional drops.
public protocol CallLegSink: AnyObject {
    /// A well-formed leg.
    func accept(_ leg: CallLeg) throws
    /// A row that could not be read; the run goes on.
    func reject(_ reject: Reject)
    /// A row dropped on purpose, counted by reason.
    func filter(reason: String, at position: SourcePosition)
}

/// Streams the call legs of one input file into a sink.
public protocol CallLegExtractor {
    /// Reads the file at `path` (shown to users as `displayPath`) and returns the number of data rows
    /// read; every row read is accepted, rejected or filtered exactly once.
    func extract(path: String, displayPath: String, into sink: CallLegSink) throws -> Int
}
