import SalesopsCore

/// The one table of extractor types that `pipelines/*.yml` may name, keyed by `type`.
public enum ExtractorRegistry {
    /// Builds the extractor for a source, with timestamps without offset read in `clock`'s zone.
    public static func makeCallLegExtractor(for source: SourceConfig, clock: ZoneClock) throws -> CallLegExtractor {
        switch source.type {
        case "asterisk_cdr": return AsteriskCDRExtractor(sourceName: source.name, clock: clock)
        case "freepbx_cdr": return FreePBXCDRExtractor(sourceName: source.name, clock: clock)
        case "mapped_csv": return MappedCSVExtractor(source: source, clock: clock)
        case "bitrix24_rest":
            return BitrixTelephonyExtractor(sourceName: source.name, clock: clock, keepExternalCalls: source.keepExternalCalls)
        default: throw SalesopsError(.config, "unknown extractor type '\(source.type)' for source '\(source.name)'")
        }
    }

    /// Builds the extractor for a mail source.
    public static func makeMailExtractor(for source: SourceConfig) throws -> MailExtractor {
        guard let format = MailboxExtractor.Format(rawValue: source.type) else {
            throw SalesopsError(.config, "unknown mail extractor type '\(source.type)' for source '\(source.name)'")
        }
        return MailboxExtractor(sourceName: source.name, format: format)
    }

    /// Builds the extractor for a CRM source, with timestamps without offset read in `clock`'s zone and
    /// display names mapped to ids with `names`.
    /// Recurring calendar events are expanded up to `horizon` (a day number).
    public static func makeCRMExtractor(for source: SourceConfig, clock: ZoneClock, names: CRMNames,
                                        horizon: Int = CivilTime.daysFromCivil(year: 2099, month: 12, day: 31)) throws -> CRMExtractor {
        if source.kind == .worktime {
            guard source.type == "mapped_csv" else {
                throw SalesopsError(.config, "unknown worktime extractor type '\(source.type)' for source '\(source.name)'")
            }
            return AccessLogExtractor(source: source, clock: clock)
        }
        switch source.type {
        case "bitrix24_csv":
            guard let entity = source.entity.flatMap(BitrixCSVExtractor.Entity.init(rawValue:)) else {
                throw SalesopsError(.config, "source '\(source.name)' needs the entity its export holds (deals or leads)")
            }
            return BitrixCSVExtractor(entity: entity, clock: clock, names: names)
        case "mapped_csv":
            return MappedCRMExtractor(source: source, clock: clock)
        case "bitrix24_rest":
            guard let method = source.method else {
                throw SalesopsError(.config, "source '\(source.name)' needs the Bitrix24 method its dumps came from")
            }
            return BitrixRESTExtractor(method: method, clock: clock, horizon: horizon)
        default:
            throw SalesopsError(.config, "unknown CRM extractor type '\(source.type)' for source '\(source.name)'")
        }
    }
}
