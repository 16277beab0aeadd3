import CZlib
import Glibc

/// Checks that a written workbook is whole before it is renamed into place: the zip's central
/// directory is there and lists the parts every workbook has, each part inflates to its recorded size
/// and CRC-32, and each XML part ends with the closing tag of its root element. libxlsxwriter writes
/// each part to a temporary file first and does not notice when that write is cut short (a full
/// disk): the zip is then valid, but a part inside it is not. Streams every part (bounded memory).
public enum XLSXPackageCheck {
    /// The parts without which Excel, LibreOffice and openpyxl refuse a workbook.
    static let requiredParts = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"]

    /// Throws an ``XLSXError`` naming the first problem found in the workbook at `path`.
    public static func verify(path: String) throws {
        let file = try PackageFile(path: path)
        defer { file.close() }
        let entries = try file.centralDirectory()
        let names = Set(entries.map(\.name))
        for part in requiredParts where !names.contains(part) {
            throw XLSXError(message: "\(path) is incomplete: the part \(part) is missing")
        }
        for entry in entries { try file.check(entry) }
    }
}

/// One part listed in a zip's central directory.
struct ZipEntry {
    var name: String
    var method: UInt16
    var crc: UInt32
    var compressedSize: Int
    var size: Int
    var localHeaderOffset: Int
}

/// A workbook file opened for the check, read with `pread`.
private final class PackageFile {
    let path: String
    let fd: Int32
    let length: Int

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw XLSXError(message: "cannot reopen \(path) to check it: \(String(cString: strerror(errno)))") }
        var info = stat()
        fstat(fd, &info)
        length = Int(info.st_size)
    }

    func close() { Glibc.close(fd) }

    func fail(_ what: String) -> XLSXError { XLSXError(message: "\(path) is damaged: \(what)") }

    func read(at offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset + count <= length else { throw fail("a record points outside the file") }
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            guard n > 0 else { throw fail("cannot read byte \(offset + done)") }
            done += n
        }
        return bytes
    }

    func centralDirectory() throws -> [ZipEntry] {
        // The end-of-central-directory record: 22 bytes plus a comment of at most 65,535 bytes.
        let tailLength = min(length, 22 + 65_535)
        let tail = try read(at: length - tailLength, count: tailLength)
        guard tailLength >= 22, let eocd = stride(from: tailLength - 22, through: 0, by: -1).first(where: {
            tail.u32($0) == 0x0605_4B50
        }) else { throw fail("no zip end record (the file was cut short)") }
        let count = Int(tail.u16(eocd + 10))
        let size = Int(tail.u32(eocd + 12))
        let offset = Int(tail.u32(eocd + 16))
        let directory = try read(at: offset, count: size)
        var entries: [ZipEntry] = []
        var at = 0
        for _ in 0..<count {
            guard at + 46 <= directory.count, directory.u32(at) == 0x0201_4B50 else { throw fail("a broken central directory") }
            let nameLength = Int(directory.u16(at + 28))
            let extra = Int(directory.u16(at + 30)) + Int(directory.u16(at + 32))
            guard at + 46 + nameLength <= directory.count else { throw fail("a broken central directory") }
            let name = String(decoding: directory[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            entries.append(ZipEntry(name: name, method: directory.u16(at + 10), crc: directory.u32(at + 16),
                                    compressedSize: Int(directory.u32(at + 20)), size: Int(directory.u32(at + 24)),
                                    localHeaderOffset: Int(directory.u32(at + 42))))
            at += 46 + nameLength + extra
        }
        return entries
    }

    /// Inflates one part, checking its size, CRC-32 and, for XML, that its root element is closed.
    func check(_ entry: ZipEntry) throws {
        let header = try read(at: entry.localHeaderOffset, count: 30)
        guard header.u32(0) == 0x0403_4B50 else { throw fail("no local header for \(entry.name)") }
        let dataStart = entry.localHeaderOffset + 30 + Int(header.u16(26)) + Int(header.u16(28))
        var crc = crc32(0, nil, 0)
        var produced = 0
        var head: [UInt8] = []
        var tail: [UInt8] = []
        func take(_ bytes: UnsafeBufferPointer<UInt8>) {
            crc = crc32(crc, bytes.baseAddress, UInt32(bytes.count))
            produced += bytes.count
            if head.count < 512 { head.append(contentsOf: bytes.prefix(512 - head.count)) }
            tail.append(contentsOf: bytes.suffix(512))
            if tail.count > 512 { tail.removeFirst(tail.count - 512) }
        }
        switch entry.method {
        case 0:
            var offset = 0
            while offset < entry.compressedSize {
                let chunk = try read(at: dataStart + offset, count: min(1 << 16, entry.compressedSize - offset))
                chunk.withUnsafeBufferPointer(take)
                offset += chunk.count
            }
        case 8:
            try inflate(entry, from: dataStart, into: take)
        default:
            throw fail("\(entry.name) uses compression method \(entry.method)")
        }
        guard produced == entry.size, crc == UInt(entry.crc) else { throw fail("\(entry.name) does not match its size or checksum") }
        if entry.name.hasSuffix(".xml") || entry.name.hasSuffix(".rels") {
            guard XMLPartEnd.isClosed(head: head, tail: tail) else {
                throw fail("the part \(entry.name) was cut short (its root element is not closed)")
            }
        }
    }

    private func inflate(_ entry: ZipEntry, from start: Int, into take: (UnsafeBufferPointer<UInt8>) -> Void) throws {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw fail("cannot start inflating \(entry.name)")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: 1 << 16)
        var offset = 0
        var status = Z_OK
        while status != Z_STREAM_END {
            guard offset < entry.compressedSize else { throw fail("\(entry.name) ends before its data does") }
            var input = try read(at: start + offset, count: min(1 << 16, entry.compressedSize - offset))
            offset += input.count
            try input.withUnsafeMutableBufferPointer { inBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = UInt32(inBuf.count)
                repeat {
                    try output.withUnsafeMutableBufferPointer { outBuf in
                        stream.next_out = outBuf.baseAddress
                        stream.avail_out = UInt32(outBuf.count)
                        status = CZlib.inflate(&stream, Z_NO_FLUSH)
                        guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                            throw fail("\(entry.name) does not inflate")
                        }
                        take(UnsafeBufferPointer(rebasing: outBuf[0..<(outBuf.count - Int(stream.avail_out))]))
                    }
                } while stream.avail_out == 0 && status != Z_STREAM_END
            }
        }
    }
}

/// Whether an XML part's text ends with its root element closed, judged from its first and last bytes.
enum XMLPartEnd {
    static func isClosed(head: [UInt8], tail: [UInt8]) -> Bool {
        // The root element's name: the first `<` not opening a declaration, comment or doctype.
        var i = 0
        var root: ArraySlice<UInt8>?
        while i < head.count {
            if head[i] == UInt8(ascii: "<"), i + 1 < head.count, head[i + 1] != UInt8(ascii: "?"), head[i + 1] != UInt8(ascii: "!") {
                var j = i + 1
                while j < head.count, !" \t\r\n/>".utf8.contains(head[j]) { j += 1 }
                guard j < head.count else { return false }
                root = head[(i + 1)..<j]
                break
            }
            i += 1
        }
        guard let root, !root.isEmpty else { return false }
        var end = tail.count
        while end > 0, " \t\r\n".utf8.contains(tail[end - 1]) { end -= 1 }
        let text = tail[0..<end]
        let closing = Array("</".utf8) + root + Array(">".utf8)
        if text.count >= closing.count, Array(text.suffix(closing.count)) == closing { return true }
        // A root element that closes itself (`<Relationships .../>`) is the whole document.
        return text.last == UInt8(ascii: ">") && text.dropLast().last == UInt8(ascii: "/") && head.count == tail.count
    }
}

private extension Array where Element == UInt8 {
    func u16(_ at: Int) -> UInt16 { UInt16(self[at]) | UInt16(self[at + 1]) << 8 }
    func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
}
