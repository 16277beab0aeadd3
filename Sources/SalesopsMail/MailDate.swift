import SalesopsCore

/// RFC 5322 dates as mail really carries them: day name optional, 2- or 4-digit years, seconds
/// optional, obsolete zone names (`GMT`, `UT`, `EST`…, `MSK`), comments such as `(MSK)` after the
/// offset; and the asctime dates of mbox `From ` lines.
public enum MailDate {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420,
        "mdt": -360, "pst": -480, "pdt": -420, "msk": 180, "msd": 240, "cet": 60, "cest": 120, "eet": 120, "eest": 180,
    ]

    /// Seconds since the epoch (UTC); nil when no date can be read. A missing zone is taken as UTC.
    public static func parse(_ text: String) -> Int64? {
        // Comments go; commas and extra spaces separate tokens.
        var cleaned = ""
        var depth = 0
        for c in text {
            if c == "(" { depth += 1; continue }
            if c == ")" { depth = max(0, depth - 1); continue }
            if depth == 0 { cleaned.append(c == "," ? " " : c) }
        }
        var tokens = cleaned.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
            .map(String.init)
        var day: Int?, month: Int?, year: Int?, time: (Int, Int, Int)?, zone: Int?
        // Day names go (`Wed,`); asctime (`Mon Jan 06 04:49:45 +0000 2020`) puts the month before the day.
        let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        tokens.removeAll { $0.count >= 3 && $0.allSatisfy(\.isLetter) && dayNames.contains(String($0.prefix(3))) }
        for token in tokens {
            if time == nil, token.contains(":") {
                let parts = token.split(separator: ":").map { Int($0) }
                guard parts.count >= 2, parts.allSatisfy({ $0 != nil }) else { continue }
                time = (parts[0]!, parts[1]!, parts.count > 2 ? parts[2]! : 0)
            } else if month == nil, token.count >= 3, let m = months.firstIndex(of: String(token.prefix(3))),
                      token.allSatisfy(\.isLetter) {
                month = m + 1
            } else if let z = zoneOffset(token), time != nil, zone == nil {
                zone = z
            } else if let n = Int(token), token.allSatisfy(\.isNumber) {
                if day == nil && token.count <= 2 && (1...31).contains(n) && time == nil {
                    day = n
                } else if year == nil {
                    year = token.count == 2 ? (n < 50 ? 2000 + n : 1900 + n) : token.count == 3 ? 1900 + n : n
                }
            }
        }
        guard let d = day, let m = month, let y = year, let t = time, (1900...2200).contains(y),
              (1...CivilTime.daysInMonth(year: y, month: m)).contains(d),
              (0...23).contains(t.0), (0...59).contains(t.1), (0...60).contains(t.2) else { return nil }
        let days = CivilTime.daysFromCivil(year: y, month: m, day: d)
        let local = Int64(days) * 86400 + Int64(t.0 * 3600 + t.1 * 60 + min(t.2, 59))
        return local - Int64((zone ?? 0) * 60)
    }

    /// Minutes east of UTC for `+0300`, `-0500`, `GMT+0300`, a zone name or a military letter.
    static func zoneOffset(_ token: String) -> Int? {
        var t = Substring(token)
        if t.hasPrefix("gmt") && t.count > 3 || t.hasPrefix("utc") && t.count > 3 { t = t.dropFirst(3) }
        if let sign = t.first, sign == "+" || sign == "-" {
            let digits = t.dropFirst().filter { $0 != ":" }
            guard digits.count == 4 || digits.count == 2, let v = Int(digits), digits.allSatisfy(\.isNumber) else { return nil }
            let minutes = digits.count == 4 ? (v / 100) * 60 + v % 100 : v * 60
            return sign == "-" ? -minutes : minutes
        }
        if let z = zones[String(t)] { return z }
        if t.count == 1, let c = t.first, c.isLetter { return 0 }   // military zones: RFC 5322 says treat as unknown
        return nil
    }
}
