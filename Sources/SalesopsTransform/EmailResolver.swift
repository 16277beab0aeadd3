import SalesopsCore

/// Resolves a message against the roster and the company's domains (SPEC "Email"): direction, rep,
/// client address, proposal, thread, and the company addresses that belong to no rep.
public struct EmailResolver: Sendable {
    /// Rep address (lower-cased) → rep id.
    let reps: [String: String]
    /// Company mail domains, lower-cased; their subdomains count too.
    let domains: [String]
    /// Proposal patterns, lower-cased.
    let patterns: [String]
    let clock: ZoneClock

    public init(config: ProjectConfig) {
        var reps: [String: String] = [:]
        for rep in config.reps { for address in rep.emails { reps[address.lowercased()] = rep.id } }
        self.reps = reps
        domains = config.company.mailDomains.map { $0.lowercased() }
        patterns = config.mail.proposalPatterns.map { $0.lowercased() }
        clock = ZoneClock(identifier: config.company.timeZone)!
    }

    /// Whether an address belongs to the company: a rep's, or at a company domain.
    public func isCompany(_ address: String) -> Bool {
        if reps[address] != nil { return true }
        guard let at = address.lastIndex(of: "@") else { return false }
        let domain = address[address.index(after: at)...]
        return domains.contains { domain == $0 || domain.hasSuffix("." + $0) }
    }

    public func resolve(_ m: MailRecord) -> EmailFacts {
        let sender = m.from.address
        let senderIsCompany = isCompany(sender)
        let outside = m.recipients.first { !isCompany($0.address) }
        let direction: CallDirection
        if !senderIsCompany { direction = .inbound } else if outside != nil { direction = .outbound } else { direction = .internal }
        let repID: String?
        switch direction {
        case .outbound, .internal: repID = reps[sender]
        case .inbound: repID = m.recipients.lazy.compactMap { reps[$0.address] }.first
        }
        let client = direction == .outbound ? outside?.address : direction == .inbound ? sender : nil
        var unmatched: [String] = []
        var seen = Set<String>()
        for address in [sender] + m.recipients.map(\.address) where isCompany(address) && reps[address] == nil {
            if seen.insert(address).inserted { unmatched.append(address) }
        }
        let messageID = m.messageID ?? "hash:" + Self.hex(m.contentHash)
        var facts = EmailFacts(
            messageID: messageID, hasMessageID: m.messageID != nil, sentAt: m.sentAt,
            localDate: clock.localDateString(ofUTC: m.sentAt), direction: direction, repID: repID, fromEmail: sender,
            clientEmail: client, subject: m.subject, attachments: m.attachments,
            isProposal: direction == .outbound && isProposal(subject: m.subject, attachments: m.attachments),
            threadID: m.threadRoot ?? messageID, unmatched: unmatched, undecodable: m.undecodable, source: m.source,
            position: m.position, offset: m.offset)
        facts.headersCut = m.headersCut
        seen.removeAll()
        for r in m.recipients where !isCompany(r.address) && seen.insert(r.address).inserted {
            facts.outsideRecipients.append(r.address)
        }
        return facts
    }

    /// An attachment that is a document (not an inline image), and a pattern in a file name or the subject.
    func isProposal(subject: String, attachments: [EmailAttachment]) -> Bool {
        guard !attachments.isEmpty else { return false }
        let texts = [subject.lowercased()] + attachments.map { $0.filename.lowercased() }
        return texts.contains { text in patterns.contains { text.contains($0) } }
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
