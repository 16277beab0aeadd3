import Foundation
import SalesopsConfig
import SalesopsCore

/// Configuration loading as the commands use it.
enum ConfigFacade {
    struct Failure: Error, CustomStringConvertible {
        var diagnostics: [ConfigDiagnostic]
        var description: String {
            "configuration has \(diagnostics.count) problem(s):\n" + diagnostics.map { "  \($0)" }.joined(separator: "\n")
        }
    }

    static func loadProject(at url: URL) throws -> ProjectConfig {
        do { return try ConfigLoader.loadProject(at: url) } catch let e as ConfigErrors { throw Failure(diagnostics: e.diagnostics) }
    }

    static func loadPipeline(at url: URL, displayName: String) throws -> PipelineConfig {
        do { return try ConfigLoader.loadPipeline(at: url, displayName: displayName) } catch let e as ConfigErrors {
            throw Failure(diagnostics: e.diagnostics)
        }
    }
}
