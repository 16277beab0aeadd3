/// Where a record came from: the input file and the record's first physical line (or byte offset).
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
    /// Path of the input file as configured (relative to the project folder when possible).
    public var file: String
    /// 1-based physical line on which the record starts.
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}
