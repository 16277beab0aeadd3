import Glibc
import SalesopsIO

/// Where strict JSON parsing failed: 1-based line and column of the offending byte.
public struct JSONSyntaxError: Error, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String
    public var description: String { "line \(line), column \(column): \(message)" }

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
}

/// Reads strict JSON (RFC 8259) from a file in fixed-size chunks, value by value, with line numbers.
/// Memory is bounded by the largest value the caller asks to materialise: arrays and objects can be
/// walked member by member (``forEachElement(_:)``, ``forEachMember(_:)``).
public final class JSONStreamReader {
    public let path: String
    private let stream: InputByteStream
    private var buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var start = 0
    private var end = 0
    private var eof = false
    public private(set) var line = 1
    private var lineStart: Int64 = 0
    private var consumed: Int64 = 0   // file offset of buffer[0]
    /// Bytes consumed so far (the file's size once the last value was read).
    public var offset: Int64 { consumed + Int64(start) }
    /// Nesting allowed before the input is refused (a guard against pathological files).
    public var maxDepth = 512

    public init(path: String, chunkSize: Int = 1 << 20) throws {
        self.path = path
        do { stream = try InputByteStream(path: path) } catch let error as InputStreamError {
            throw JSONSyntaxError(line: 0, column: 0, message: error.message)
        }
        capacity = chunkSize
        buffer = .allocate(capacity: chunkSize)
    }

    deinit {
        buffer.deallocate()
        stream.close()
    }

    // MARK: - Bytes

    private func refill() throws -> Bool {
        if eof { return false }
        consumed += Int64(start)
        if start < end { memmove(buffer, buffer + start, end - start) }
        end -= start
        start = 0
        let n: Int
        do { n = try stream.read(into: buffer + end, count: capacity - end) } catch let error as InputStreamError {
            throw fail(error.message)
        }
        if n == 0 { eof = true; return end > 0 }
        end += n
        return true
    }

    @inline(__always)
    private func peek() throws -> UInt8? {
        if start == end, try !refill() { return nil }
        return start < end ? buffer[start] : nil
    }

    @inline(__always)
    private func advance() {
        if buffer[start] == 0x0A {
            line += 1
            lineStart = consumed + Int64(start) + 1
        }
        start += 1
    }

    private func column() -> Int { Int(consumed + Int64(start) - lineStart) + 1 }

    /// A syntax error at the current position.
    public func fail(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(line: line, column: column(), message: message)
    }

    /// Skips whitespace; returns the next byte (nil at the end of the file).
    @discardableResult
    public func skipSpace() throws -> UInt8? {
        while let b = try peek() {
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return b }
            advance()
        }
        return nil
    }

    private func expect(_ byte: UInt8, _ what: String) throws {
        guard try skipSpace() == byte else { throw fail("expected \(what)") }
        advance()
    }

    private func literal(_ word: StaticString) throws {
        let p = word.utf8Start
        for i in 0..<word.utf8CodeUnitCount {
            guard try peek() == p[i] else { throw fail("invalid literal") }
            advance()
        }
    }

    // MARK: - Streaming structure

    /// Whether the input has no more values.
    public var atEnd: Bool { get throws { try skipSpace() == nil } }

    /// The first byte of the next value, without consuming it.
    public func nextValueStart() throws -> UInt8? { try skipSpace() }

    /// Walks an array, calling `body` at the start of each element; `body` must consume the element.
    public func forEachElement(_ body: () throws -> Void) throws {
        try expect(UInt8(ascii: "["), "'['")
        if try skipSpace() == UInt8(ascii: "]") { advance(); return }
        while true {
            try body()
            switch try skipSpace() {
            case UInt8(ascii: ","):
                advance()
                if try skipSpace() == UInt8(ascii: "]") { throw fail("trailing comma in array") }
            case UInt8(ascii: "]"):
                advance()
                return
            default:
                throw fail("expected ',' or ']' in array")
            }
        }
    }

    /// Walks an object, calling `body` with each key at the start of its value; `body` must consume the value.
    public func forEachMember(_ body: (String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"), "'{'")
        if try skipSpace() == UInt8(ascii: "}") { advance(); return }
        while true {
            guard try skipSpace() == UInt8(ascii: "\"") else { throw fail("expected a member name in double quotes") }
            let key = try string()
            try expect(UInt8(ascii: ":"), "':' after a member name")
            try body(key)
            switch try skipSpace() {
            case UInt8(ascii: ","):
                advance()
                if try skipSpace() == UInt8(ascii: "}") { throw fail("trailing comma in object") }
            case UInt8(ascii: "}"):
                advance()
                return
            default:
                throw fail("expected ',' or '}' in object")
            }
        }
    }

    // MARK: - Values

    /// Parses the next value whole.
    public func value() throws -> JSONValue { try value(depth: 0) }

    /// Skips the next value.
    public func skipValue() throws { _ = try value(depth: 0) }

    private func value(depth: Int) throws -> JSONValue {
        guard depth < maxDepth else { throw fail("nesting deeper than \(maxDepth)") }
        guard let b = try skipSpace() else { throw fail("unexpected end of file") }
        switch b {
        case UInt8(ascii: "{"):
            var members: [(String, JSONValue)] = []
            try forEachMember { key in members.append((key, try value(depth: depth + 1))) }
            return .object(members)
        case UInt8(ascii: "["):
            var items: [JSONValue] = []
            try forEachElement { items.append(try value(depth: depth + 1)) }
            return .array(items)
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try number())
        default:
            throw fail("unexpected character '\(Unicode.Scalar(b))'")
        }
    }

    private func number() throws -> String {
        var text: [UInt8] = []
        func digits() throws -> Int {
            var n = 0
            while let b = try peek(), b >= 0x30 && b <= 0x39 { text.append(b); advance(); n += 1 }
            return n
        }
        if try peek() == UInt8(ascii: "-") { text.append(UInt8(ascii: "-")); advance() }
        if try peek() == UInt8(ascii: "0") {
            text.append(UInt8(ascii: "0"))
            advance()
            if let b = try peek(), b >= 0x30 && b <= 0x39 { throw fail("leading zero in a number") }
        } else if try digits() == 0 {
            throw fail("expected a digit")
        }
        if try peek() == UInt8(ascii: ".") {
            text.append(UInt8(ascii: "."))
            advance()
            if try digits() == 0 { throw fail("expected a digit after '.'") }
        }
        if let e = try peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            text.append(e)
            advance()
            if let s = try peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { text.append(s); advance() }
            if try digits() == 0 { throw fail("expected a digit in the exponent") }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// A string; the opening quote is the next byte. Escapes are undone; raw control characters and
    /// invalid UTF-8 are errors.
    private func string() throws -> String {
        advance()   // "
        var bytes: [UInt8] = []
        while true {
            guard let b = try peek() else { throw fail("unterminated string") }
            if b == UInt8(ascii: "\"") { advance(); break }
            if b < 0x20 { throw fail("control character in a string") }
            if b == UInt8(ascii: "\\") {
                advance()
                guard let e = try peek() else { throw fail("unterminated string") }
                advance()
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard try peek() == UInt8(ascii: "\\") else { throw fail("unpaired surrogate") }
                        advance()
                        guard try peek() == UInt8(ascii: "u") else { throw fail("unpaired surrogate") }
                        advance()
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("unpaired surrogate")
                    }
                    bytes.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
                default:
                    throw fail("invalid escape '\\\(Unicode.Scalar(e))'")
                }
                continue
            }
            bytes.append(b)
            advance()
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
        return text
    }

    private func hex4() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let b = try peek() else { throw fail("unterminated \\u escape") }
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - 0x41 + 10)
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | d
            advance()
        }
        return v
    }
}
