/// The family of data a source yields.
public enum SourceKind: String, Sendable, CaseIterable {
    case telephony
    case mail
    case crm
    /// Time at work from an access-control (turnstile, door) log.
    case worktime

    /// Extractor types a source of this kind may name.
    public var types: [String] {
        switch self {
        case .telephony: return ["asterisk_cdr", "freepbx_cdr", "mapped_csv", "bitrix24_rest"]
        case .mail: return ["mbox", "eml"]
        case .crm: return ["bitrix24_rest", "bitrix24_csv", "mapped_csv"]
        case .worktime: return ["mapped_csv"]
        }
    }
}

/// The Bitrix24 REST methods whose saved responses a `bitrix24_rest` source may read.
public enum BitrixMethods {
    public static let all = ["crm.lead.list", "crm.deal.list", "crm.stagehistory.list", "crm.activity.list",
                             "crm.status.list", "user.get", "tasks.task.list", "timeman.status", "calendar.event.get"]
    /// The method of Bitrix24's own telephony (a `telephony` source).
    public static let telephony = ["voximplant.statistic.get"]
}

/// Character encoding of a text input.
public enum TextEncodingName: String, Sendable, CaseIterable {
    /// UTF-8 when the bytes are valid UTF-8, else windows-1251.
    case auto
    case utf8 = "utf-8"
    case windows1251 = "windows-1251"
    case koi8r = "koi8-r"
}

/// CSV dialect of a mapped source.
public struct CSVFormat: Sendable, Equatable {
    public var delimiter: UInt8
    public var encoding: TextEncodingName
    /// Whether the first row holds column names.
    public var header: Bool
    /// Timestamp pattern with `yyyy`, `MM`, `dd`, `HH`, `mm`, `ss` (`dd.MM.yyyy HH:mm:ss`).
    public var dateFormat: String

    public init(delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncodingName = .auto, header: Bool = true,
                dateFormat: String = "yyyy-MM-dd HH:mm:ss") {
        self.delimiter = delimiter
        self.encoding = encoding
        self.header = header
        self.dateFormat = dateFormat
    }
}

/// One input source of a pipeline.
public struct SourceConfig: Sendable, Equatable {
    /// Unique name of the source, used in the warehouse's accounting.
    public var name: String
    public var kind: SourceKind
    /// Extractor type: `asterisk_cdr`, `freepbx_cdr`, `mapped_csv` (telephony); `mbox`, `eml` (mail);
    /// `bitrix24_rest`, `bitrix24_csv` (crm).
    public var type: String
    /// Glob relative to the project folder (`input/telephony/asterisk/*.csv`).
    public var path: String
    /// Time zone of timestamps without an offset; the company's when nil.
    public var timeZone: String?
    public var format: CSVFormat
    /// Field name → column name (header) or 1-based column number, for `mapped_csv`.
    public var columns: [String: String]
    /// Field name → (source value → canonical value), for `mapped_csv`.
    public var values: [String: [String: String]]
    /// The REST method a `bitrix24_rest` dump came from (`crm.deal.list`, …).
    public var method: String?
    /// What a `bitrix24_csv` UI export holds: `deals` or `leads`.
    public var entity: String?
    /// What the source must deliver for a night to count as complete (`expect`).
    public var expect = SourceExpectation()
    /// Bitrix24 telephony: keep the calls an integrated PBX registered (`external_calls: keep`), when
    /// the pipeline does not read that PBX's own log; by default they are filtered.
    public var keepExternalCalls = false

    public init(name: String, kind: SourceKind = .telephony, type: String, path: String, timeZone: String? = nil,
                format: CSVFormat = CSVFormat(), columns: [String: String] = [:],
                values: [String: [String: String]] = [:], method: String? = nil, entity: String? = nil) {
        self.name = name
        self.kind = kind
        self.type = type
        self.path = path
        self.timeZone = timeZone
        self.format = format
        self.columns = columns
        self.values = values
        self.method = method
        self.entity = entity
    }
}

/// What a source is expected to deliver (`expect:` in the pipeline file). A source that delivers less
/// is a `no_data` finding: a silent PBX export must not look like a team that made no calls.
public struct SourceExpectation: Sendable, Equatable {
    /// Files the glob must match (`min_files`, default 1; 0 allows an empty source).
    public var minFiles = 1
    /// Rows the run must read from new or grown files of the source (`min_new_rows`, default 0).
    public var minNewRows = 0
    /// Business days the source may go without delivering new rows (`max_silent_business_days`;
    /// nil: no limit). Counted from the as-of day of the last run that read rows from it.
    public var maxSilentBusinessDays: Int?

    public init(minFiles: Int = 1, minNewRows: Int = 0, maxSilentBusinessDays: Int? = nil) {
        self.minFiles = minFiles
        self.minNewRows = minNewRows
        self.maxSilentBusinessDays = maxSilentBusinessDays
    }
}

/// Who may read the warehouse, the reports and the folders a run creates: `private` (the owner only,
/// 0600/0700, the default: the warehouse holds clients' phone numbers and mail addresses), `group`
/// (0640/0750) or `world` (0644/0755).
public enum OutputPermissions: String, Sendable, CaseIterable {
    case `private`, group, world

    /// The process umask that gives these modes.
    public var umask: UInt32 {
        switch self {
        case .private: return 0o077
        case .group: return 0o027
        case .world: return 0o022
        }
    }
}

/// A pipeline file (`pipelines/*.yml`).
public struct PipelineConfig: Sendable, Equatable {
    public var name: String
    public var sources: [SourceConfig]
    /// Warehouse path relative to the project folder.
    public var warehousePath: String
    /// Reports folder relative to the project folder.
    public var reportsPath: String
    /// Who may read what a run writes (`sinks.permissions`).
    public var permissions = OutputPermissions.private
    /// A PostgreSQL warehouse (`sinks.warehouse: postgresql://…`) instead of the SQLite file at
    /// ``warehousePath``.
    public var postgres: PostgresSink?

    public init(name: String, sources: [SourceConfig], warehousePath: String = "output/warehouse.sqlite",
                reportsPath: String = "output/reports") {
        self.name = name
        self.sources = sources
        self.warehousePath = warehousePath
        self.reportsPath = reportsPath
    }
}

/// A warehouse in a PostgreSQL database: a connection URL without a password (libpq reads it from
/// `PGPASSWORD`, `~/.pgpass` or a `PGSERVICE` entry) and the schema holding the relations.
public struct PostgresSink: Sendable, Equatable {
    public var url: String
    public var schema: String

    public init(url: String, schema: String = "salesops") {
        self.url = url
        self.schema = schema
    }

    /// Whether a configured warehouse names a PostgreSQL database rather than a SQLite path.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// What is wrong with a connection URL for a pipeline file, nil when nothing: a password, which
    /// must not sit in a file that is committed and copied around.
    public static func problem(url: String) -> String? {
        let rest = url.drop { $0 != "/" }.dropFirst(2)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") {
            return "the URL holds a password: remove it; salesops connects with the password from PGPASSWORD, ~/.pgpass or a PGSERVICE entry"
        }
        let query = url.drop { $0 != "?" }.dropFirst()
        if query.split(separator: "&").contains(where: { $0.lowercased().hasPrefix("password=") }) {
            return "the URL holds a password parameter: remove it; salesops connects with the password from PGPASSWORD, ~/.pgpass or a PGSERVICE entry"
        }
        return nil
    }

    /// Whether `name` can be a schema name written without quotes: lower-case letters, digits and
    /// underscores, not starting with a digit, at most 63 bytes (PostgreSQL's identifier length).
    public static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63, !(0x30...0x39).contains(first) else { return false }
        return name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }
}
