/// Per-source counts of one run: rows read = loaded + filtered + rejected.
public struct SourceStats: Sendable, Equatable {
    public var source: String
    public var filesRead = 0
    public var filesSkipped = 0
    public var rowsRead = 0
    public var rowsLoaded = 0
    public var rowsRejected = 0
    /// Rows dropped on purpose, by reason.
    public var filtered: [String: Int] = [:]
    /// Files the source's glob matched (read, skipped as already loaded, or unreadable).
    public var filesMatched = 0
    /// What the source failed to deliver (no file, an unreadable file, too few rows, silent too long):
    /// `no_data` findings, each one line for the run summary and Data quality.
    public var noData: [String] = []

    public init(source: String) { self.source = source }

    public var rowsFiltered: Int { filtered.values.reduce(0, +) }

    /// Whether the accounting invariant holds.
    public var balances: Bool { rowsRead == rowsLoaded + rowsFiltered + rowsRejected }
}
