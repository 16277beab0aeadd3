/// A failure that stops a run or a command: configuration, usage or I/O.
///
/// Bad input rows are not errors of this kind: they become ``Reject`` values and the run goes on.
public struct SalesopsError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a stable machine-readable code.
    public enum Code: String, Sendable {
        case usage, config, input, output, locked, database, report, `internal`
    }

    public var code: Code
    /// A message that tells the user how to fix the problem.
    public var message: String
    /// Where in an input or configuration file, if known.
    public var position: SourcePosition?
    /// The underlying error, if any.
    public var cause: String?

    public init(_ code: Code, _ message: String, position: SourcePosition? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.position = position
        self.cause = cause
    }

    public var description: String {
        var text = position.map { "\($0): " } ?? ""
        text += message
        if let cause { text += " (\(cause))" }
        return text
    }

    /// The process exit code documented in the README for this kind of failure.
    public var exitCode: Int32 {
        switch code {
        case .usage, .config: return 64       // EX_USAGE
        case .input: return 66                // EX_NOINPUT
        case .output, .report: return 73      // EX_CANTCREAT
        case .locked: return 75               // EX_TEMPFAIL
        case .database: return 74             // EX_IOERR
        case .internal: return 70             // EX_SOFTWARE
        }
    }
}

/// One input row that could not be turned into a record, with its position and reason.
public struct Reject: Sendable, Equatable {
    public var position: SourcePosition
    public var reason: String
    /// The raw row text (decoded leniently), for the `rejects` table.
    public var raw: String

    public init(position: SourcePosition, reason: String, raw: String) {
        self.position = position
        self.reason = reason
        self.raw = raw
    }
}
