/// One parsed CSV record, valid only inside the ``CSVReader/forEachRecord(_:)`` callback that receives it.
///
/// Fields are byte slices of the reader's buffer; make a `String` only of the fields you keep.
public struct CSVRecord {
    /// 1-based physical line on which the record starts.
    public let line: Int
    /// Byte offset of the record's first byte in the file.
    public let offset: Int64
    /// The record ends the file without a line end: maybe a line the writer has not finished. A reader
    /// that would reject it holds it instead (it is read again once the file grows).
    public var isUnterminated = false
    /// The record opened a quoted field that never closed (within the reader's limits or before the
    /// end of the file): it holds no fields, only its first line as `raw`. Reading went on at the next
    /// line, so one stray quote costs one row, not the rest of the file.
    public var isBroken: Bool { brokenReason != nil }
    /// Why the record could not be read (a stray quote, a line over the reader's length limit), for
    /// its located reject; nil for a record with fields.
    public var brokenReason: String?

    /// The reject reason for a record whose quote never closes.
    public static let unterminatedQuote = "unterminated quote: this line opens a quoted field that never closes; reading goes on at the next line"
    @usableFromInline let storage: UnsafeBufferPointer<UInt8>
    @usableFromInline let ends: UnsafeBufferPointer<Int>
    let rawBytes: UnsafeBufferPointer<UInt8>

    /// Number of fields in the record.
    public var count: Int { ends.count }

    /// The bytes of field `index` (0-based), without quotes and with doubled quotes undone.
    @inlinable
    public func bytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeBufferPointer(rebasing: storage[start..<ends[index]])
    }

    /// Field `index` as a string decoded as UTF-8, invalid bytes repaired with U+FFFD.
    public func string(_ index: Int) -> String {
        String(decoding: bytes(index), as: UTF8.self)
    }

    /// Whether field `index` is empty.
    @inlinable
    public func isEmpty(_ index: Int) -> Bool { bytes(index).isEmpty }

    /// The record's raw bytes as they stood in the file, line terminators removed.
    public var raw: UnsafeBufferPointer<UInt8> { rawBytes }
}
