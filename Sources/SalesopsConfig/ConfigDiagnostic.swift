import SalesopsCore

/// One configuration problem, located by file, line and key path.
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// Dotted key path (`reps[2].extensions`).
    public var keyPath: String
    public var message: String

    public init(file: String, line: Int, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        "\(file):\(line): \(keyPath.isEmpty ? "" : "\(keyPath): ")\(message)"
    }
}

/// Thrown when configuration has problems; carries all of them.
public struct ConfigErrors: Error, CustomStringConvertible {
    public var diagnostics: [ConfigDiagnostic]
    public var description: String {
        "configuration has \(diagnostics.count) problem(s):\n" + diagnostics.map { "  \($0)" }.joined(separator: "\n")
    }
}
