import Foundation
import Yams

/// Walks one YAML mapping strictly: typed getters record located problems, and ``finish()`` reports
/// every key that no getter asked for as unknown.
final class YAMLReader {
    let file: String
    let path: String
    let line: Int
    private let entries: [(key: String, keyLine: Int, value: Node)]
    /// Key → its first entry: lookups stay constant-time for mappings with many keys (a name table).
    private let index: [String: Int]
    private var used: Set<String> = []
    let sink: DiagnosticSink

    init?(_ node: Node, file: String, path: String, sink: DiagnosticSink) {
        self.file = file
        self.path = path
        self.sink = sink
        self.line = node.mark?.line ?? 1
        guard case let .mapping(mapping) = node else {
            sink.add(file: file, line: node.mark?.line ?? 1, path: path, "expected a mapping of keys")
            return nil
        }
        var entries: [(String, Int, Node)] = []
        var index: [String: Int] = [:]
        for (key, value) in mapping {
            let name = key.string ?? ""
            if index[name] != nil {
                sink.add(file: file, line: key.mark?.line ?? 1, path: Self.join(path, name), "duplicate key")
            } else {
                index[name] = entries.count
            }
            entries.append((name, key.mark?.line ?? 1, value))
        }
        self.entries = entries.map { (key: $0.0, keyLine: $0.1, value: $0.2) }
        self.index = index
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func keyPath(_ key: String) -> String { Self.join(path, key) }

    func node(_ key: String) -> Node? {
        used.insert(key)
        return index[key].map { entries[$0].value }
    }

    func lineOf(_ key: String) -> Int {
        index[key].map { entries[$0].keyLine } ?? line
    }

    func problem(_ key: String, _ message: String) {
        sink.add(file: file, line: lineOf(key), path: keyPath(key), message)
    }

    func has(_ key: String) -> Bool { index[key] != nil }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let node = node(key) else {
            if required { sink.add(file: file, line: line, path: keyPath(key), "required key is missing") }
            return nil
        }
        guard case let .scalar(scalar) = node else {
            problem(key, "expected a text value")
            return nil
        }
        if required && scalar.string.isEmpty { problem(key, "must not be empty") }
        return scalar.string
    }

    func int(_ key: String, range: ClosedRange<Int>) -> Int? {
        guard let text = string(key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            problem(key, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
            return nil
        }
        return value
    }

    func number(_ key: String) -> Double? {
        guard let text = string(key) else { return nil }
        guard let value = Double(text), value >= 0 else {
            problem(key, "expected a non-negative number, got '\(text)'")
            return nil
        }
        return value
    }

    func strings(_ key: String) -> [String] {
        guard let node = node(key) else { return [] }
        switch node {
        case let .sequence(seq):
            var out: [String] = []
            for (i, item) in seq.enumerated() {
                if case let .scalar(s) = item { out.append(s.string) } else {
                    sink.add(file: file, line: item.mark?.line ?? line, path: "\(keyPath(key))[\(i)]",
                             "expected a text value")
                }
            }
            return out
        case let .scalar(s) where s.string.isEmpty:
            return []
        default:
            problem(key, "expected a list")
            return []
        }
    }

    func mapping(_ key: String) -> YAMLReader? {
        guard let node = node(key) else { return nil }
        return YAMLReader(node, file: file, path: keyPath(key), sink: sink)
    }

    func sequence(_ key: String) -> [(Node, String)] {
        guard let node = node(key) else { return [] }
        guard case let .sequence(seq) = node else {
            problem(key, "expected a list")
            return []
        }
        return seq.enumerated().map { ($0.element, "\(keyPath(key))[\($0.offset)]") }
    }

    /// All keys of this mapping, marking them as used (for maps keyed by user names).
    func allKeys() -> [String] {
        for entry in entries { used.insert(entry.key) }
        return entries.map(\.key)
    }

    /// Reports every key not asked for.
    func finish() {
        for entry in entries where !used.contains(entry.key) {
            sink.add(file: file, line: entry.keyLine, path: keyPath(entry.key), "unknown key")
        }
    }
}

/// Collects diagnostics from all readers of one load.
final class DiagnosticSink {
    var diagnostics: [ConfigDiagnostic] = []

    func add(file: String, line: Int, path: String, _ message: String) {
        diagnostics.append(ConfigDiagnostic(file: file, line: line, keyPath: path, message: message))
    }

    /// Parses a YAML file into a node, recording a located syntax error on failure.
    func compose(_ text: String, file: String) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            switch error {
            case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
                add(file: file, line: mark.line, path: "", "YAML syntax error: \(problem)")
            default:
                add(file: file, line: 1, path: "", "YAML error: \(error)")
            }
        } catch {
            add(file: file, line: 1, path: "", "YAML error: \(error)")
        }
        return nil
    }
}
