/// Money amounts as exports write them: `1005000.00`, `1 005 000,00` (spaces or no-break spaces
/// between thousands, a decimal comma). An amount is finite and within ±10^15 (a quadrillion in any
/// currency): `NaN`, `Infinity`, `1e309` are located rejects, never values that would corrupt a
/// workbook or overflow a sum to infinity.
public enum Amount {
    /// The largest magnitude accepted.
    public static let limit = 1e15

    /// The amount in `text`, or the reason it is not one (for a located reject).
    public static func parse(_ text: String) -> Result<Double, AmountError> {
        let cleaned = text.filter { $0 != " " && $0 != "\u{A0}" && $0 != "\u{202F}" }.replacingOccurrences(of: ",", with: ".")
        guard let value = Double(cleaned) else { return .failure(AmountError(reason: "not a number: '\(text)'")) }
        guard value.isFinite else { return .failure(AmountError(reason: "not a finite number: '\(text)'")) }
        guard abs(value) <= limit else { return .failure(AmountError(reason: "out of range (more than 10^15): '\(text)'")) }
        return .success(value)
    }
}

/// Why a text is not an amount.
public struct AmountError: Error, Equatable, Sendable {
    public var reason: String
}
