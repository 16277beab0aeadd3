import Foundation
import SalesopsCore
import SalesopsCSV
import Yams

/// Loads and validates `config/*.yml` and a pipeline file strictly: every problem is collected with
/// its file, line and key path, and a load with any problem throws ``ConfigErrors`` holding them all.
public enum ConfigLoader {
    /// Canonical fields a `mapped_csv` CRM source (deals) maps to columns.
    public static let mappedDealFields = ["id", "title", "pipeline", "stage", "amount", "currency", "responsible",
                                          "created_at", "closed_at", "lead_id"]
    /// Canonical fields a `mapped_csv` CRM source of payments maps to columns.
    public static let mappedPaymentFields = ["id", "deal_id", "paid_at", "amount", "currency", "responsible"]
    /// Canonical fields a `mapped_csv` telephony source maps to columns.
    public static let mappedCallFields = ["call_id", "started_at", "src", "dst", "duration", "billsec",
                                          "disposition", "direction", "answered_by", "did", "sequence"]
    /// Canonical fields a `mapped_csv` worktime source (access-control log) maps to columns.
    public static let mappedAccessFields = ["person", "at", "date", "time", "direction", "door"]

    /// Loads every `*.yml`/`*.yaml` file of `config/` under `projectDir` and merges their sections.
    public static func loadProject(at projectDir: URL) throws -> ProjectConfig {
        let sink = DiagnosticSink()
        let config = readProject(at: projectDir, sink: sink)
        if !sink.diagnostics.isEmpty { throw ConfigErrors(diagnostics: sink.diagnostics) }
        return config
    }

    /// Loads `config/` and a pipeline file together; throws ``ConfigErrors`` with every problem of both.
    public static func load(projectDir: URL, pipelineFile: URL, pipelineName: String) throws
        -> (ProjectConfig, PipelineConfig) {
        let sink = DiagnosticSink()
        let config = readProject(at: projectDir, sink: sink)
        let pipeline = readPipeline(at: pipelineFile, displayName: pipelineName, sink: sink)
        guard sink.diagnostics.isEmpty, let pipeline else { throw ConfigErrors(diagnostics: sink.diagnostics) }
        return (config, pipeline)
    }

    /// Validates project and pipeline together, returning every problem found (empty = valid).
    public static func validate(projectDir: URL, pipelineFile: URL, pipelineName: String) -> [ConfigDiagnostic] {
        do {
            _ = try load(projectDir: projectDir, pipelineFile: pipelineFile, pipelineName: pipelineName)
            return []
        } catch {
            return (error as? ConfigErrors)?.diagnostics ?? []
        }
    }

    // MARK: - Project

    static func readProject(at projectDir: URL, sink: DiagnosticSink) -> ProjectConfig {
        let dir = projectDir.appendingPathComponent("config")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
            .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
        var config = ProjectConfig()
        var repOrigins: [RepOrigin] = []
        var seen: [String: String] = [:]
        if names.isEmpty {
            sink.add(file: "config", line: 0, path: "",
                     "no configuration files (*.yml) in \(dir.path): is this the project folder? Give it with --project DIR")
        }
        for name in names {
            let display = "config/\(name)"
            guard let text = readText(dir.appendingPathComponent(name), display: display, sink: sink),
                  let root = sink.compose(text, file: display) else { continue }
            guard let top = YAMLReader(root, file: display, path: "", sink: sink) else { continue }
            for section in ["company", "reps", "norms", "absences", "absence_files", "thresholds", "mail", "funnels", "teams",
                            "worktime"]
            where top.has(section) {
                if let other = seen[section] {
                    top.problem(section, "section already defined in \(other)")
                }
                seen[section] = display
            }
            if let company = top.mapping("company") { config.company = readCompany(company) }
            if top.has("reps") { (config.reps, repOrigins) = readReps(top, sink: sink) }
            if let norms = top.mapping("norms") { config.norms = readNorms(norms) }
            if top.has("absences") { config.absences += readAbsences(top, sink: sink) }
            if top.has("absence_files") { config.absences += readAbsenceFiles(top, projectDir: projectDir, sink: sink) }
            if let thresholds = top.mapping("thresholds") { config.thresholds = readThresholds(thresholds) }
            if let mail = top.mapping("mail") { config.mail = readMail(mail) }
            if top.has("funnels") { config.funnels = readFunnels(top, sink: sink) }
            if let teams = top.mapping("teams") { config.teamWorkdays = readTeams(teams) }
            if let worktime = top.mapping("worktime") { config.worktime = readWorktime(worktime) }
            top.finish()
        }
        if seen["company"] == nil && !names.isEmpty {
            sink.add(file: "config", line: 0, path: "company", "required section is missing")
        }
        crossCheck(config, origins: repOrigins, teamFile: seen["reps"] ?? "config", sink: sink)
        return config
    }

    static func readCompany(_ r: YAMLReader) -> CompanySettings {
        var c = CompanySettings()
        c.name = r.string("name") ?? ""
        if let tz = r.string("time_zone", required: true) {
            if TimeZone(identifier: tz) == nil { r.problem("time_zone", "unknown time zone '\(tz)' (use an IANA name such as Europe/Moscow)") }
            c.timeZone = tz
        }
        if let country = r.string("phone_country") {
            if country != "RU" { r.problem("phone_country", "only RU phone numbering is supported, got '\(country)'") }
            c.phoneCountry = country
        }
        c.mailDomains = r.strings("mail_domains").map { $0.lowercased() }
        if r.has("business_days") {
            var days = Set<Int>()
            let names = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7]
            for day in r.strings("business_days") {
                if let n = names[day.lowercased()] { days.insert(n) } else {
                    r.problem("business_days", "unknown weekday '\(day)' (use mon, tue, wed, thu, fri, sat, sun)")
                }
            }
            c.businessDays = days
        }
        c.holidays = dates(r, "holidays")
        c.extraWorkingDays = dates(r, "extra_working_days")
        if let lang = r.string("report_language") {
            if let value = ReportLanguage(rawValue: lang) { c.reportLanguage = value } else {
                r.problem("report_language", "expected ru or en, got '\(lang)'")
            }
        }
        c.maxExtensionDigits = r.int("max_extension_digits", range: 2...6) ?? 4
        if let workday = readWorkday(r) { c.workday = workday }
        c.companyNumbers = r.strings("company_numbers")
        if let window = r.mapping("plausible_dates") {
            var times = PlausibleTimes()
            for (key, keyPath) in [("from", \PlausibleTimes.firstDay), ("to", \PlausibleTimes.lastDay)] {
                guard let text = window.string(key) else { continue }
                if let day = CivilTime.days(fromDateString: text) { times[keyPath: keyPath] = day } else {
                    window.problem(key, "expected a date as YYYY-MM-DD, got '\(text)'")
                }
            }
            if times.firstDay > times.lastDay { window.problem("to", "must not be before from") }
            window.finish()
            c.plausibleTimes = times
        }
        r.finish()
        return c
    }

    static func dates(_ r: YAMLReader, _ key: String) -> Set<Int> {
        var out = Set<Int>()
        for text in r.strings(key) {
            if let day = CivilTime.days(fromDateString: text) { out.insert(day) } else {
                r.problem(key, "expected dates as YYYY-MM-DD, got '\(text)'")
            }
        }
        return out
    }

    /// Where a rep's keys were written, so that identity clashes found across reps are located.
    struct RepOrigin {
        var file: String
        var path: String
        var line: Int
        var keyLines: [String: Int]

        func at(_ key: String) -> (line: Int, path: String) { (keyLines[key] ?? line, "\(path).\(key)") }
        var text: String { "\(file):\(line)" }
    }

    static func readReps(_ top: YAMLReader, sink: DiagnosticSink) -> ([Rep], [RepOrigin]) {
        var reps: [Rep] = []
        var origins: [RepOrigin] = []
        for (node, path) in top.sequence("reps") {
            guard let r = YAMLReader(node, file: top.file, path: path, sink: sink) else { continue }
            let keys = ["id", "extensions", "dids", "emails", "crm_user_ids", "crm_names", "name", "badges"]
            origins.append(RepOrigin(file: top.file, path: path, line: r.line,
                                     keyLines: Dictionary(uniqueKeysWithValues: keys.map { ($0, r.lineOf($0)) })))
            var rep = Rep(id: r.string("id", required: true) ?? "", name: r.string("name", required: true) ?? "",
                          team: r.string("team") ?? "")
            rep.extensions = r.strings("extensions")
            rep.dids = r.strings("dids")
            rep.emails = r.strings("emails").map { $0.lowercased() }
            rep.crmUserIDs = r.strings("crm_user_ids")
            rep.crmNames = r.strings("crm_names")
            rep.badges = r.strings("badges")
            rep.workday = readWorkday(r)
            for key in ["active_from", "active_to"] {
                guard let text = r.string(key) else { continue }
                guard let day = CivilTime.days(fromDateString: text) else {
                    r.problem(key, "expected a date as YYYY-MM-DD, got '\(text)'")
                    continue
                }
                if key == "active_from" { rep.activeFrom = day } else { rep.activeTo = day }
            }
            r.finish()
            reps.append(rep)
        }
        return (reps, origins)
    }

    /// Reads one level of norms: `per_day`, `per_week`, `per_month` mappings of metric → value, and
    /// (as before) bare metric keys, which are per business day. A metric set for two periods at one
    /// level is a problem: which one is meant?
    static func readNormLevel(_ r: YAMLReader, keys: [String]? = nil) -> [NormMetric: NormValue] {
        var out: [NormMetric: NormValue] = [:]
        let known = NormMetric.allCases.map(\.rawValue).joined(separator: ", ")
        func add(_ reader: YAMLReader, _ key: String, per: NormPeriod, bare: Bool = false) {
            guard let metric = NormMetric(rawValue: key) else {
                reader.problem(key, "unknown metric (known: \(known)\(bare ? "; or per_day, per_week, per_month" : ""))")
                return
            }
            guard let value = reader.number(key) else { return }
            if let other = out[metric], other.per != per {
                reader.problem(key, "\(key) already has a norm per \(other.per.rawValue) at this level: set it once")
            }
            out[metric] = NormValue(per: per, value: value)
        }
        for key in keys ?? r.allKeys() {
            if let period = NormPeriod.allCases.first(where: { "per_\($0.rawValue)" == key }) {
                guard let m = r.mapping(key) else { continue }
                for metric in m.allKeys() { add(m, metric, per: period) }
            } else {
                add(r, key, per: .day, bare: true)
            }
        }
        return out
    }

    static func readNorms(_ r: YAMLReader) -> Norms {
        var norms = Norms()
        // The department's norms: only under per_day, per_week, per_month (beside teams and reps).
        norms.department = readNormLevel(r, keys: NormPeriod.allCases.map { "per_\($0.rawValue)" }.filter(r.has))
        let groups: [(String, WritableKeyPath<Norms, [String: [NormMetric: NormValue]]>)] = [("teams", \.teams), ("reps", \.reps)]
        for (key, target) in groups {
            guard let group = r.mapping(key) else { continue }
            var values: [String: [NormMetric: NormValue]] = [:]
            for name in group.allKeys() {
                if let m = YAMLReader(group.node(name)!, file: r.file, path: group.keyPath(name), sink: r.sink) {
                    values[name] = readNormLevel(m)
                }
            }
            norms[keyPath: target] = values
        }
        r.finish()
        return norms
    }

    /// `absences:` entries `{rep, from, to, kind}` (kind: vacation, sick, training or any word).
    static func readAbsences(_ top: YAMLReader, sink: DiagnosticSink) -> [Absence] {
        var out: [Absence] = []
        for (node, path) in top.sequence("absences") {
            guard let r = YAMLReader(node, file: top.file, path: path, sink: sink) else { continue }
            let rep = r.string("rep", required: true) ?? ""
            var days: [Int] = []
            for key in ["from", "to"] {
                guard let text = r.string(key, required: true) else { continue }
                if let day = CivilTime.days(fromDateString: text) { days.append(day) } else {
                    r.problem(key, "expected a date as YYYY-MM-DD, got '\(text)'")
                }
            }
            let kind = r.string("kind") ?? "absence"
            r.finish()
            guard days.count == 2 else { continue }
            if days[1] < days[0] { r.problem("to", "the absence ends before it starts"); continue }
            out.append(Absence(rep: rep, from: days[0], to: days[1], kind: kind, file: top.file, line: r.line))
        }
        return out
    }

    /// `absence_files:` CSV files (relative to the project folder) with a header `rep,from,to,kind`.
    /// Every bad line is a located problem; nothing is skipped silently.
    static func readAbsenceFiles(_ top: YAMLReader, projectDir: URL, sink: DiagnosticSink) -> [Absence] {
        var out: [Absence] = []
        for name in top.strings("absence_files") {
            let display = name
            let url = name.hasPrefix("/") ? URL(fileURLWithPath: name) : projectDir.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                top.problem("absence_files", "no such file: \(display)")
                continue
            }
            do {
                let reader = try CSVReader(path: url.path)
                defer { reader.close() }
                var columns: [String: Int] = [:]
                try reader.forEachRecord { record in
                    let fields = (0..<record.count).map { record.string($0).trimmingCharacters(in: .whitespaces) }
                    if columns.isEmpty {
                        for (i, f) in fields.enumerated() { columns[f.lowercased()] = i }
                        let missing = ["rep", "from", "to"].filter { columns[$0] == nil }
                        if !missing.isEmpty {
                            sink.add(file: display, line: record.line, path: "",
                                     "the header must name rep, from, to (and kind); missing: \(missing.joined(separator: ", "))")
                            columns = ["": -1]
                        }
                        return
                    }
                    guard columns[""] == nil, !(fields.count == 1 && fields[0].isEmpty) else { return }
                    func field(_ name: String) -> String { columns[name].flatMap { $0 < fields.count ? fields[$0] : nil } ?? "" }
                    guard !field("rep").isEmpty else {
                        sink.add(file: display, line: record.line, path: "rep", "empty rep id")
                        return
                    }
                    guard let from = CivilTime.days(fromDateString: field("from")),
                          let to = CivilTime.days(fromDateString: field("to")) else {
                        sink.add(file: display, line: record.line, path: "from",
                                 "expected dates as YYYY-MM-DD, got '\(field("from"))' and '\(field("to"))'")
                        return
                    }
                    guard to >= from else {
                        sink.add(file: display, line: record.line, path: "to", "the absence ends before it starts")
                        return
                    }
                    out.append(Absence(rep: field("rep"), from: from, to: to,
                                       kind: field("kind").isEmpty ? "absence" : field("kind"),
                                       file: display, line: record.line))
                }
            } catch {
                top.problem("absence_files", "cannot read \(display): \(error)")
            }
        }
        return out
    }

    /// `workday: {start: "09:00", end: "18:00"}` under `r`, if given; a located problem when the times
    /// are not HH:MM or the end is not after the start.
    static func readWorkday(_ r: YAMLReader) -> Workday? {
        guard let w = r.mapping("workday") else { return nil }
        var day = Workday()
        for key in ["start", "end"] {
            guard let text = w.string(key, required: true) else { continue }
            let parts = text.split(separator: ":")
            guard parts.count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h),
                  (0...59).contains(m) else {
                w.problem(key, "expected a time as HH:MM, got '\(text)'")
                continue
            }
            if key == "start" { day.start = h * 3600 + m * 60 } else { day.end = h * 3600 + m * 60 }
        }
        if day.end <= day.start { w.problem("end", "must be after start") }
        w.finish()
        return day
    }

    /// `teams: {<team>: {workday: …}}`.
    static func readTeams(_ r: YAMLReader) -> [String: Workday] {
        var out: [String: Workday] = [:]
        for name in r.allKeys() {
            guard let team = YAMLReader(r.node(name)!, file: r.file, path: r.keyPath(name), sink: r.sink) else { continue }
            if let workday = readWorkday(team) { out[name] = workday }
            team.finish()
        }
        r.finish()
        return out
    }

    static func readWorktime(_ r: YAMLReader) -> WorktimeSettings {
        var w = WorktimeSettings()
        let lists: [(String, WritableKeyPath<WorktimeSettings, [String]>)] = [
            ("absence_patterns", \.absencePatterns), ("trip_patterns", \.tripPatterns),
            ("marketing_patterns", \.marketingPatterns), ("office_locations", \.officeLocations)]
        for (key, path) in lists where r.has(key) {
            let values = r.strings(key).filter { !$0.trimmingSpaces.isEmpty }
            if values.isEmpty && !r.strings(key).isEmpty { r.problem(key, "expected non-empty patterns") }
            w[keyPath: path] = values
        }
        r.finish()
        return w
    }

    static func readThresholds(_ r: YAMLReader) -> Thresholds {
        var t = Thresholds()
        t.effectiveCallSecs = r.int("effective_call_secs", range: 0...3600) ?? t.effectiveCallSecs
        t.callbackWindowMins = r.int("callback_window_mins", range: 1...10_080) ?? t.callbackWindowMins
        t.declineAlertPct = r.int("decline_alert_pct", range: 1...100) ?? t.declineAlertPct
        t.leadSLAMins = r.int("lead_sla_mins", range: 1...10_080) ?? t.leadSLAMins
        t.dealTouchDays = r.int("deal_touch_days", range: 1...365) ?? t.dealTouchDays
        r.finish()
        return t
    }

    static func readMail(_ r: YAMLReader) -> MailSettings {
        var m = MailSettings()
        if r.has("proposal_patterns") {
            m.proposalPatterns = r.strings("proposal_patterns").filter { !$0.isEmpty }
            if m.proposalPatterns.isEmpty { r.problem("proposal_patterns", "expected at least one pattern") }
        }
        r.finish()
        return m
    }

    static func readFunnels(_ top: YAMLReader, sink: DiagnosticSink) -> [Funnel] {
        var funnels: [Funnel] = []
        for (node, path) in top.sequence("funnels") {
            guard let f = YAMLReader(node, file: top.file, path: path, sink: sink) else { continue }
            var funnel = Funnel(pipeline: f.string("pipeline") ?? "0", name: f.string("name") ?? "", stages: [])
            for (stageNode, stagePath) in f.sequence("stages") {
                guard let st = YAMLReader(stageNode, file: top.file, path: stagePath, sink: sink) else { continue }
                var stage = FunnelStage(id: st.string("id", required: true) ?? "", name: st.string("name"))
                if let required = st.string("required") {
                    switch required.lowercased() {
                    case "true", "yes": stage.required = true
                    case "false", "no": stage.required = false
                    default: st.problem("required", "expected true or false")
                    }
                }
                if let final = st.string("final") {
                    switch final {
                    case "won": stage.final = .won
                    case "lost": stage.final = .lost
                    default: st.problem("final", "expected won or lost, got '\(final)'")
                    }
                }
                stage.maxDays = st.int("max_days", range: 1...3650)
                if stage.final != nil && (stage.required || stage.maxDays != nil) {
                    st.problem("final", "a final stage is neither required nor limited in days")
                }
                st.finish()
                funnel.stages.append(stage)
            }
            if funnel.stages.isEmpty { f.problem("stages", "a funnel needs its stages in order") }
            if Set(funnel.stages.map(\.id)).count != funnel.stages.count { f.problem("stages", "a stage is listed twice") }
            if funnels.contains(where: { $0.pipeline == funnel.pipeline }) {
                f.problem("pipeline", "pipeline '\(funnel.pipeline)' already has a funnel")
            }
            f.finish()
            funnels.append(funnel)
        }
        return funnels
    }

    /// Identities that would silently move records between reps: the same rep id, extension, DID (in
    /// any format), mail address (any case), CRM user id or CRM display name (folded as UI exports are
    /// matched) on two reps, or a rep's extension or DID that is also a company number. Each problem is
    /// located at the second rep's key and names the first.
    static func crossCheck(_ config: ProjectConfig, origins: [RepOrigin], teamFile: String, sink: DiagnosticSink) {
        let phones = PhoneNormalizer(maxExtensionDigits: config.company.maxExtensionDigits)
        func phoneKey(_ raw: String) -> String {
            switch phones.normalize(raw) {
            case let .e164(text), let .extension(text), let .local(text): return text
            case .unknown: return raw.trimmingSpaces
            }
        }
        let companyNumbers = Dictionary(config.company.companyNumbers.map { (phoneKey($0), $0) }, uniquingKeysWith: { a, _ in a })
        var owners: [String: [String: (rep: String, origin: RepOrigin?)]] = [:]
        for (index, rep) in config.reps.enumerated() {
            let origin = index < origins.count ? origins[index] : nil
            func problem(_ key: String, _ message: String) {
                let place = origin?.at(key) ?? (line: 0, path: "reps")
                sink.add(file: origin?.file ?? teamFile, line: place.line, path: place.path, message)
            }
            func claim(_ kind: String, _ key: String, _ identity: String, _ shown: String) {
                guard !identity.isEmpty else { return }
                if let first = owners[kind]?[identity], first.rep != rep.id {
                    let place = first.origin.map { " (\($0.text))" } ?? ""
                    problem(key, "\(shown) also belongs to rep '\(first.rep)'\(place): its records would go to one of them at random")
                } else if owners[kind]?[identity] == nil {
                    owners[kind, default: [:]][identity] = (rep.id, origin)
                }
            }
            if let first = owners["id"]?[rep.id] {
                problem("id", "rep id '\(rep.id)' is used twice (first at \(first.origin?.text ?? teamFile))")
            } else {
                owners["id", default: [:]][rep.id] = (rep.id, origin)
            }
            for (key, numbers) in [("extensions", rep.extensions), ("dids", rep.dids)] {
                for number in numbers {
                    let identity = phoneKey(number)
                    let shown = identity == number ? "number '\(number)'" : "number '\(number)' (\(identity))"
                    claim("number", key, identity, shown)
                    if let company = companyNumbers[identity] {
                        problem(key, "\(shown) is also a company number ('\(company)' in company.company_numbers): "
                                + "calls to the company line would be credited to this rep")
                    }
                }
            }
            for email in rep.emails { claim("email", "emails", email.lowercased(), "mail address '\(email)'") }
            for id in rep.crmUserIDs { claim("crm_user", "crm_user_ids", id.trimmingSpaces, "CRM user id '\(id)'") }
            for name in rep.crmNames { claim("crm_name", "crm_names", CRMNames.key(name), "CRM name '\(name)'") }
            claim("crm_name", "name", CRMNames.key(rep.name), "the name '\(rep.name)' (as a CRM display name)")
            for badge in rep.badges { claim("badge", "badges", CRMNames.key(badge), "badge '\(badge)'") }
        }
        let ids = Set(config.reps.map(\.id))
        for rep in config.norms.reps.keys.sorted() where !ids.contains(rep) {
            sink.add(file: teamFile, line: 0, path: "norms.reps.\(rep)", "no rep has this id")
        }
        let teams = Set(config.reps.map(\.team))
        for team in config.norms.teams.keys.sorted() where !teams.contains(team) {
            sink.add(file: teamFile, line: 0, path: "norms.teams.\(team)", "no rep is in this team")
        }
        for team in config.teamWorkdays.keys.sorted() where !teams.contains(team) {
            sink.add(file: teamFile, line: 0, path: "teams.\(team)", "no rep is in this team")
        }
        for absence in config.absences where !ids.contains(absence.rep) {
            sink.add(file: absence.file, line: absence.line, path: "absences.rep", "no rep has the id '\(absence.rep)'")
        }
    }

    // MARK: - Pipeline

    static func readPipeline(at file: URL, displayName: String, sink: DiagnosticSink) -> PipelineConfig? {
        guard let text = readText(file, display: displayName, sink: sink),
              let root = sink.compose(text, file: displayName),
              let r = YAMLReader(root, file: displayName, path: "", sink: sink) else { return nil }
        var pipeline = PipelineConfig(name: r.string("name") ?? file.deletingPathExtension().lastPathComponent,
                                      sources: [])
        var names = Set<String>()
        for (node, path) in r.sequence("sources") {
            guard let s = YAMLReader(node, file: displayName, path: path, sink: sink),
                  let source = readSource(s) else { continue }
            if !names.insert(source.name).inserted { s.problem("name", "source name '\(source.name)' is used twice") }
            pipeline.sources.append(source)
        }
        if !r.has("sources") { sink.add(file: displayName, line: 1, path: "sources", "required key is missing") }
        if let sinks = r.mapping("sinks") {
            let warehouse = sinks.string("warehouse")
            if let url = warehouse, PostgresSink.isURL(url) {
                if let problem = PostgresSink.problem(url: url) { sinks.problem("warehouse", problem) }
                let schema = sinks.string("schema") ?? "salesops"
                if !PostgresSink.isPlainIdentifier(schema) {
                    sinks.problem("schema", "'\(schema)' is not a plain schema name (lower-case letters, digits and _, at most 63)")
                }
                pipeline.postgres = PostgresSink(url: url, schema: schema)
            } else {
                pipeline.warehousePath = warehouse ?? pipeline.warehousePath
                if sinks.string("schema") != nil { sinks.problem("schema", "a schema is for a PostgreSQL warehouse (postgresql://…)") }
            }
            pipeline.reportsPath = sinks.string("reports") ?? pipeline.reportsPath
            let allowed = flag(sinks, "allow_outside")
            for key in ["warehouse", "reports"] where !allowed {
                if let path = sinks.string(key), !PostgresSink.isURL(path), leavesProject(path) { outside(sinks, key, path) }
            }
            if let text = sinks.string("permissions") {
                if let p = OutputPermissions(rawValue: text) { pipeline.permissions = p } else {
                    sinks.problem("permissions", "expected \(OutputPermissions.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
                }
            }
            sinks.finish()
        }
        r.finish()
        return pipeline
    }

    /// Whether a configured path points outside the project folder: absolute, or climbing out with `..`.
    static func leavesProject(_ path: String) -> Bool {
        if path.hasPrefix("/") || path.hasPrefix("~") { return true }
        var depth = 0
        for part in path.split(separator: "/") {
            if part == ".." { depth -= 1 } else if part != "." { depth += 1 }
            if depth < 0 { return true }
        }
        return false
    }

    /// A path outside the project is allowed only when the pipeline says so at that level.
    static func outside(_ r: YAMLReader, _ key: String, _ path: String) {
        r.problem(key, "'\(path)' is outside the project folder; add `allow_outside: true` here if that is meant")
    }

    static func flag(_ r: YAMLReader, _ key: String) -> Bool {
        guard let text = r.string(key) else { return false }
        switch text.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            r.problem(key, "expected true or false, got '\(text)'")
            return false
        }
    }

    static func readSource(_ s: YAMLReader) -> SourceConfig? {
        let name = s.string("name", required: true) ?? ""
        var kind = SourceKind.telephony
        if let text = s.string("kind", required: true) {
            if let k = SourceKind(rawValue: text) { kind = k } else {
                s.problem("kind", "unknown source kind '\(text)' (known: \(SourceKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        let type = s.string("type", required: true) ?? ""
        // An unknown kind is the one problem: which types it would take cannot be said.
        if !type.isEmpty && !kind.types.contains(type) && SourceKind(rawValue: s.string("kind") ?? "") != nil {
            s.problem("type", "unknown \(kind.rawValue) extractor type '\(type)' (known: \(kind.types.joined(separator: ", ")))")
        }
        let path = s.string("path", required: true) ?? ""
        if leavesProject(path) && !flag(s, "allow_outside") { outside(s, "path", path) }
        var source = SourceConfig(name: name, kind: kind, type: type, path: path)
        if let tz = s.string("time_zone") {
            if TimeZone(identifier: tz) == nil { s.problem("time_zone", "unknown time zone '\(tz)'") }
            source.timeZone = tz
        }
        if let f = s.mapping("format") {
            if let delimiter = f.string("delimiter") {
                let bytes = Array(delimiter.replacingOccurrences(of: "\\t", with: "\t").utf8)
                if bytes.count == 1 { source.format.delimiter = bytes[0] } else {
                    f.problem("delimiter", "expected one ASCII character, got '\(delimiter)'")
                }
            }
            if let enc = f.string("encoding") {
                if let e = TextEncodingName(rawValue: enc.lowercased()) { source.format.encoding = e } else {
                    f.problem("encoding", "unknown encoding '\(enc)' (known: \(TextEncodingName.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            }
            if let header = f.string("header") {
                switch header.lowercased() {
                case "true", "yes": source.format.header = true
                case "false", "no": source.format.header = false
                default: f.problem("header", "expected true or false")
                }
            }
            if let pattern = f.string("date_format") {
                if !(pattern.contains("yyyy") && pattern.contains("MM") && pattern.contains("dd")) {
                    f.problem("date_format", "pattern must contain yyyy, MM and dd (e.g. dd.MM.yyyy HH:mm:ss)")
                }
                source.format.dateFormat = pattern
            }
            f.finish()
        }
        if let expect = s.mapping("expect") {
            source.expect.minFiles = expect.int("min_files", range: 0...1_000_000) ?? source.expect.minFiles
            source.expect.minNewRows = expect.int("min_new_rows", range: 0...1_000_000_000) ?? source.expect.minNewRows
            source.expect.maxSilentBusinessDays = expect.int("max_silent_business_days", range: 0...365)
            expect.finish()
        }
        if let columns = s.mapping("columns") {
            let known = kind == .worktime ? mappedAccessFields
                : kind == .crm ? (s.string("entity") == "payments" ? mappedPaymentFields : mappedDealFields) : mappedCallFields
            for field in columns.allKeys() {
                if !known.contains(field) {
                    columns.problem(field, "unknown field (known: \(known.joined(separator: ", ")))")
                }
                if let node = columns.node(field), case let .scalar(v) = node { source.columns[field] = v.string } else {
                    columns.problem(field, "expected a column name or number")
                }
            }
        }
        if let values = s.mapping("values") {
            for field in values.allKeys() {
                guard let map = values.mapping(field) else { continue }
                var table: [String: String] = [:]
                for raw in map.allKeys() { table[raw] = map.string(raw) ?? "" }
                source.values[field] = table
            }
        }
        if let entity = s.string("entity", required: type == "bitrix24_csv") {
            let allowed = type == "mapped_csv" ? ["deals", "payments"] : ["deals", "leads"]
            if !allowed.contains(entity) { s.problem("entity", "expected \(allowed.joined(separator: " or ")), got '\(entity)'") }
            source.entity = entity
        }
        if type == "mapped_csv" {
            let required = kind == .telephony ? ["started_at", "src", "dst"]
                : kind == .worktime ? ["person", "direction"]
                : source.entity == "payments" ? ["id", "paid_at", "amount"] : ["id", "stage", "created_at"]
            for field in required where source.columns[field] == nil {
                s.problem("columns", "mapped_csv needs a column for '\(field)'")
            }
            if kind == .worktime && source.columns["at"] == nil && (source.columns["date"] == nil || source.columns["time"] == nil) {
                s.problem("columns", "mapped_csv of an access-control log needs the time: a column 'at', or 'date' and 'time'")
            }
        }
        if let mode = s.string("external_calls") {
            switch mode {
            case "keep": source.keepExternalCalls = true
            case "skip": source.keepExternalCalls = false
            default: s.problem("external_calls", "expected keep or skip, got '\(mode)'")
            }
        }
        if let method = s.string("method", required: type == "bitrix24_rest") {
            let known = kind == .telephony ? BitrixMethods.telephony : BitrixMethods.all
            if !known.contains(method) {
                s.problem("method", "unknown Bitrix24 method '\(method)' (known: \(known.joined(separator: ", ")))")
            }
            source.method = method
        }
        s.finish()
        return source
    }

    static func readText(_ url: URL, display: String, sink: DiagnosticSink) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            sink.add(file: display, line: 0, path: "", "cannot read the file")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            sink.add(file: display, line: 0, path: "", "the file is not valid UTF-8")
            return nil
        }
        return text
    }
}
