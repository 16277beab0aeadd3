import SalesopsCore

/// Maps CRM users to reps (`reps[].crm_user_ids`) and normalises lead contacts (phones to E.164,
/// addresses to lower case) so leads can be matched with calls and mail.
public struct CRMResolver: Sendable {
    let reps: [String: String]
    /// A CRM display name (UI exports name the responsible user) → rep id, from `crm_names` and the rep's name.
    let repsByName: [String: String]
    let normalizer: PhoneNormalizer

    public init(config: ProjectConfig) {
        var reps: [String: String] = [:]
        var byName: [String: String] = [:]
        for rep in config.reps {
            for id in rep.crmUserIDs { reps[id] = rep.id }
            for name in rep.crmNames + [rep.name] { byName[CRMNames.key(name)] = rep.id }
        }
        self.reps = reps
        repsByName = byName
        normalizer = PhoneNormalizer(maxExtensionDigits: config.company.maxExtensionDigits)
    }

    /// The rep a record belongs to (its responsible or assigned CRM user), if the roster knows them.
    public func rep(of record: CRMRecord) -> String? {
        let user: String?
        switch record {
        case let .lead(l): user = l.assignedTo
        case let .deal(d): user = d.assignedTo
        case let .activity(a): user = a.responsible
        case let .task(t): user = t.responsible
        case let .payment(p): user = p.responsible
        case .stageEntry, .status, .user: user = nil
        // Work time is matched to reps in the warehouse (`rep_keys`), so a roster change applies to it.
        case .workday, .calendarEvent, .access: user = nil
        }
        return user.flatMap { reps[$0] ?? repsByName[CRMNames.key($0)] }
    }

    /// A lead's phones (E.164 when they normalise) then addresses (lower case), in the record's order.
    public func normalizedContacts(of record: CRMRecord) -> [String?] {
        guard case let .lead(l) = record else { return [] }
        return l.phones.map { normalizer.normalize($0).e164 }
            + l.emails.map { $0.split(separator: " ").joined().lowercased() }
    }
}
