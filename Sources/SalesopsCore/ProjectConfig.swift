/// Report caption language.
public enum ReportLanguage: String, Sendable, CaseIterable {
    case ru, en
}

/// Company-wide settings (`config/*.yml`, section `company`).
public struct CompanySettings: Sendable, Equatable {
    public var name: String
    /// IANA time zone in which periods are cut (`Europe/Moscow`).
    public var timeZone: String
    /// Default phone country for normalisation; `RU` is supported.
    public var phoneCountry: String
    /// Company mail domains (lower case).
    public var mailDomains: [String]
    /// Working weekdays, ISO numbers 1 = Monday … 7 = Sunday.
    public var businessDays: Set<Int>
    /// Holidays as day numbers since 1970-01-01.
    public var holidays: Set<Int>
    /// Working days that fall on a weekend (transferred working days), as day numbers.
    public var extraWorkingDays: Set<Int>
    public var reportLanguage: ReportLanguage
    /// Numbers of at most this many digits are internal extensions.
    public var maxExtensionDigits: Int
    /// Company numbers that belong to no rep (queues, IVR, main DIDs), as written in the CDRs.
    public var companyNumbers: [String]
    /// The dates every input timestamp must fall in (`plausible_dates`).
    public var plausibleTimes = PlausibleTimes()
    /// The working hours of every rep unless a team or the rep has their own (`workday`).
    public var workday = Workday()

    public init(name: String = "", timeZone: String = "Europe/Moscow", phoneCountry: String = "RU",
                mailDomains: [String] = [], businessDays: Set<Int> = [1, 2, 3, 4, 5], holidays: Set<Int> = [],
                extraWorkingDays: Set<Int> = [], reportLanguage: ReportLanguage = .ru, maxExtensionDigits: Int = 4,
                companyNumbers: [String] = []) {
        self.name = name
        self.timeZone = timeZone
        self.phoneCountry = phoneCountry
        self.mailDomains = mailDomains
        self.businessDays = businessDays
        self.holidays = holidays
        self.extraWorkingDays = extraWorkingDays
        self.reportLanguage = reportLanguage
        self.maxExtensionDigits = maxExtensionDigits
        self.companyNumbers = companyNumbers
    }

    /// Whether a day number is a business day: a working weekday that is not a holiday, or a
    /// transferred working day.
    public func isBusinessDay(_ day: Int) -> Bool {
        if extraWorkingDays.contains(day) { return true }
        return businessDays.contains(CivilTime.isoWeekday(days: day)) && !holidays.contains(day)
    }
}

/// One member of the sales team (`config/*.yml`, section `reps`).
public struct Rep: Sendable, Equatable {
    public var id: String
    public var name: String
    public var team: String
    /// PBX extensions (`101`) and SIP peer names.
    public var extensions: [String]
    /// Direct inbound numbers owned by the rep, as written in the CDRs or in any phone format.
    public var dids: [String]
    public var emails: [String]
    public var crmUserIDs: [String]
    public var crmNames: [String]
    /// First and last active day (day numbers), inclusive; nil = open.
    public var activeFrom: Int?
    public var activeTo: Int?
    /// Access-control badge ids (as the turnstile export names the person).
    public var badges: [String] = []
    /// The rep's own working hours, over the team's and the company's.
    public var workday: Workday?

    public init(id: String, name: String, team: String, extensions: [String] = [], dids: [String] = [],
                emails: [String] = [], crmUserIDs: [String] = [], crmNames: [String] = [],
                activeFrom: Int? = nil, activeTo: Int? = nil) {
        self.id = id
        self.name = name
        self.team = team
        self.extensions = extensions
        self.dids = dids
        self.emails = emails
        self.crmUserIDs = crmUserIDs
        self.crmNames = crmNames
        self.activeFrom = activeFrom
        self.activeTo = activeTo
    }
}

/// A `rep_daily` metric that can have a norm (SPEC "Norms"). The raw value is the metric's name in
/// the config, in `rep_period.metric` and in the captions.
public enum NormMetric: String, Sendable, CaseIterable {
    case workMins = "work_mins"
    case fieldMins = "field_mins"
    case callsOut = "calls_out"
    case callsIn = "calls_in"
    case callsEffective = "calls_effective"
    case talkMins = "talk_mins"
    case meetings
    case meetingMins = "meeting_mins"
    case proposals
    case emailsOut = "emails_out"
    case chats
    case leadsNew = "leads_new"
    case dealsWon = "deals_won"
    case revenueWon = "revenue_won"
    case paymentsAmount = "payments_amount"
}

extension NormMetric {
    /// How the reports format the metric: `count`, `decimal` or `money`.
    public var unit: String {
        switch self {
        case .talkMins: return "decimal"
        case .revenueWon, .paymentsAmount: return "money"
        default: return "count"
        }
    }
}

/// The period a norm is set for: per business day, per week or per month.
public enum NormPeriod: String, Sendable, CaseIterable {
    case day, week, month
}

/// One norm: a target for a metric per business day, week or month.
public struct NormValue: Sendable, Equatable {
    public var per: NormPeriod
    public var value: Double

    public init(per: NormPeriod, value: Double) {
        self.per = per
        self.value = value
    }
}

/// Norms: a department default, team overrides and rep overrides (`config/*.yml`, section `norms`).
/// A more specific level overrides a metric's norm whatever period either is set for.
public struct Norms: Sendable, Equatable {
    public var department: [NormMetric: NormValue]
    public var teams: [String: [NormMetric: NormValue]]
    public var reps: [String: [NormMetric: NormValue]]

    public init(department: [NormMetric: NormValue] = [:], teams: [String: [NormMetric: NormValue]] = [:],
                reps: [String: [NormMetric: NormValue]] = [:]) {
        self.department = department
        self.teams = teams
        self.reps = reps
    }

    /// The norm that applies to a rep: the rep override, else the team's, else the department's.
    public func norm(_ metric: NormMetric, for rep: Rep) -> NormValue? {
        reps[rep.id]?[metric] ?? teams[rep.team]?[metric] ?? department[metric]
    }
}

/// Why a rep does not work on some days: vacation, sick leave, training… (`absences` in config or a CSV).
public struct Absence: Sendable, Equatable {
    public var rep: String
    /// First and last absent day, inclusive, as days since 1970-01-01.
    public var from: Int
    public var to: Int
    public var kind: String
    /// Where it was written: `config/team.yml` line 40, `config/absences.csv` line 3.
    public var file: String
    public var line: Int

    public init(rep: String, from: Int, to: Int, kind: String, file: String = "", line: Int = 0) {
        self.rep = rep
        self.from = from
        self.to = to
        self.kind = kind
        self.file = file
        self.line = line
    }
}

/// Thresholds of the metric definitions (`config/*.yml`, section `thresholds`).
public struct Thresholds: Sendable, Equatable {
    /// A call is effective when its talk time is strictly longer than this.
    public var effectiveCallSecs: Int
    /// A missed call needs a callback within this many minutes (inclusive).
    public var callbackWindowMins: Int
    /// Decline alert when the recent average is this many percent below the earlier one.
    public var declineAlertPct: Int
    /// Lead response SLA in minutes.
    public var leadSLAMins: Int
    /// An open deal with no contact in any channel for more than this many days is untouched.
    public var dealTouchDays: Int

    public init(effectiveCallSecs: Int = 30, callbackWindowMins: Int = 60, declineAlertPct: Int = 30,
                leadSLAMins: Int = 15, dealTouchDays: Int = 7) {
        self.effectiveCallSecs = effectiveCallSecs
        self.callbackWindowMins = callbackWindowMins
        self.declineAlertPct = declineAlertPct
        self.leadSLAMins = leadSLAMins
        self.dealTouchDays = dealTouchDays
    }
}

/// How mail is judged (`config/*.yml`, section `mail`).
public struct MailSettings: Sendable, Equatable {
    /// An outbound mail with an attachment is a proposal when an attachment's file name or the subject
    /// contains one of these (case-insensitive).
    public var proposalPatterns: [String]

    public static let defaultProposalPatterns = ["КП", "коммерческое предложение", "предложение", "proposal",
                                                 "quotation", "offer"]

    public init(proposalPatterns: [String] = MailSettings.defaultProposalPatterns) {
        self.proposalPatterns = proposalPatterns
    }
}

/// One stage of a CRM pipeline's funnel (`funnels[].stages[]`), in funnel order.
public struct FunnelStage: Sendable, Equatable {
    public var id: String
    /// The stage's display name (as UI exports write it), when it differs from the id.
    public var name: String?
    /// Every deal must pass through it before a later stage.
    public var required: Bool
    /// A final stage: won or lost; nil for a stage in progress.
    public var final: CRMSemantic?
    /// How long a deal may stay here before it is stuck; nil for no limit.
    public var maxDays: Int?

    public init(id: String, name: String? = nil, required: Bool = false, final: CRMSemantic? = nil, maxDays: Int? = nil) {
        self.id = id
        self.name = name
        self.required = required
        self.final = final
        self.maxDays = maxDays
    }
}

/// The funnel of one CRM pipeline (`config/*.yml`, section `funnels`).
public struct Funnel: Sendable, Equatable {
    /// The CRM pipeline id (Bitrix24 `CATEGORY_ID`; `"0"` is the general pipeline).
    public var pipeline: String
    public var name: String
    public var stages: [FunnelStage]

    public init(pipeline: String, name: String, stages: [FunnelStage]) {
        self.pipeline = pipeline
        self.name = name
        self.stages = stages
    }
}

/// Working hours of a day (`workday: {start: "09:00", end: "18:00"}`), in seconds after local midnight.
public struct Workday: Sendable, Equatable {
    public var start: Int
    public var end: Int

    public init(start: Int = 9 * 3600, end: Int = 18 * 3600) {
        self.start = start
        self.end = end
    }
}

/// How calendar events are told apart (`worktime:`): fragments of an event's name (or location),
/// compared case-insensitively, ё as е.
public struct WorktimeSettings: Sendable, Equatable {
    /// Vacation, sick leave: the rep's day is an absence (no norm, no activity alert), not field time.
    public var absencePatterns = ["отпуск", "больничный", "vacation", "sick leave", "day off", "отгул"]
    /// Business trips: field time.
    public var tripPatterns = ["командировка", "business trip"]
    /// Marketing events (exhibitions, conferences): field time.
    public var marketingPatterns = ["выставка", "конференция", "форум", "семинар", "exhibition", "conference", "trade show"]
    /// Locations inside the office (meeting rooms): a meeting there is not field time. Bitrix24 writes
    /// a booked room as `calendar_<id>` or `ECMR_<id>`.
    public var officeLocations = ["офис", "office", "переговорн", "calendar_", "ecmr_"]

    public init() {}
}

/// Everything under `config/`.
public struct ProjectConfig: Sendable, Equatable {
    public var company: CompanySettings
    public var reps: [Rep]
    public var norms: Norms
    public var absences: [Absence]
    public var thresholds: Thresholds
    public var mail: MailSettings
    public var funnels: [Funnel]
    /// Working hours of a team (`teams: {<team>: {workday: …}}`), over the company's.
    public var teamWorkdays: [String: Workday] = [:]
    public var worktime = WorktimeSettings()

    /// The working hours that apply to a rep and where they are set (`rep`, `team`, `company`).
    public func workday(for rep: Rep) -> (Workday, scope: String) {
        if let own = rep.workday { return (own, "rep") }
        if let team = teamWorkdays[rep.team] { return (team, "team") }
        return (company.workday, "company")
    }

    public init(company: CompanySettings = CompanySettings(), reps: [Rep] = [], norms: Norms = Norms(),
                absences: [Absence] = [], thresholds: Thresholds = Thresholds(), mail: MailSettings = MailSettings(),
                funnels: [Funnel] = []) {
        self.company = company
        self.reps = reps
        self.norms = norms
        self.absences = absences
        self.thresholds = thresholds
        self.mail = mail
        self.funnels = funnels
    }
}
