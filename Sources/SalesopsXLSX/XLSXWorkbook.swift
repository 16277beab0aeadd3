import CXLSXWriter
import Foundation

/// A failure writing a workbook.
public struct XLSXError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A cell style; equal styles share one workbook format.
public struct CellStyle: Hashable, Sendable {
    public var bold = false
    public var numberFormat: String?
    /// Background colour as 0xRRGGBB.
    public var background: UInt32?
    public var fontColor: UInt32?
    public var wrap = false
    public var border = false

    public init(bold: Bool = false, numberFormat: String? = nil, background: UInt32? = nil, fontColor: UInt32? = nil,
                wrap: Bool = false, border: Bool = false) {
        self.bold = bold
        self.numberFormat = numberFormat
        self.background = background
        self.fontColor = fontColor
        self.wrap = wrap
        self.border = border
    }
}

/// Comparison for a conditional format on numbers.
public enum CellCriterion: Sendable {
    case lessThan(Double)
    case greaterThanOrEqual(Double)
    case between(Double, Double)
}

/// An XLSX workbook written through libxlsxwriter. No C type leaves this wrapper; call ``close()``.
public final class XLSXWorkbook {
    private var workbook: UnsafeMutablePointer<lxw_workbook>?
    private var formats: [CellStyle: UnsafeMutablePointer<lxw_format>] = [:]
    /// libxlsxwriter's folder for its temporary part files, kept alive until the workbook is closed.
    private var tmpdir: UnsafeMutablePointer<CChar>?
    public let path: String
    /// What libxlsxwriter refused while the sheets were written (a failed cell write is no reason to
    /// ship a workbook that silently lacks it): ``close()`` throws when there is any. The first few
    /// are kept for the message.
    private(set) var problems: [String] = []
    private(set) var problemCount = 0
    /// Cells whose text was longer than a cell holds (32,767 characters): written cut, with a marker.
    public private(set) var truncatedCells = 0
    /// Numbers that were not finite (an overflowed sum): written as blank cells, never as `INF`/`NaN`.
    public private(set) var nonFiniteCells = 0

    /// Creates the workbook at `path`. `constantMemory` streams rows to disk (rows must be written in
    /// order); `created` fixes the document date so that re-runs produce the same content. The
    /// temporary part files go to `temporaryFolder` (give the output's own folder, so that a full
    /// `TMPDIR` cannot cut them; default: the folder of `path`).
    public init(path: String, constantMemory: Bool = false, created: Date, title: String = "", company: String = "",
                temporaryFolder: String? = nil) throws {
        self.path = path
        let folder = temporaryFolder ?? (path.range(of: "/", options: .backwards).map { String(path[..<$0.lowerBound]) } ?? ".")
        tmpdir = strdup(folder.isEmpty ? "/" : folder)
        var options = lxw_workbook_options(constant_memory: constantMemory ? 1 : 0, tmpdir: tmpdir, use_zip64: 0)
        guard let wb = workbook_new_opt(path, &options) else {
            free(tmpdir)
            tmpdir = nil
            throw XLSXError(message: "cannot create workbook \(path)")
        }
        workbook = wb
        title.withCString { t in
            company.withCString { c in
                var props = lxw_doc_properties()
                props.title = UnsafeMutablePointer(mutating: t)
                props.company = UnsafeMutablePointer(mutating: c)
                props.created = time_t(created.timeIntervalSince1970)
                _ = workbook_set_properties(wb, &props)
            }
        }
    }

    deinit {
        if workbook != nil { _ = try? close() }
        free(tmpdir)
    }

    /// Records a libxlsxwriter error of a write at a cell (the first few are kept for the message).
    func note(_ rc: lxw_error, _ what: String) {
        guard rc != LXW_NO_ERROR else { return }
        problemCount += 1
        if problems.count < 5 { problems.append("\(what): \(String(cString: lxw_strerror(rc)))") }
    }

    /// Text as a cell can hold it: at most 32,767 characters (UTF-16 code units, as Excel counts),
    /// else cut with a visible marker saying how much is missing.
    func cellText(_ text: String) -> String {
        let limit = 32_767
        let total = text.utf16.count
        guard total > limit else { return text }
        truncatedCells += 1
        var marker = ""
        var kept = limit
        for _ in 0..<3 {   // the marker names how much is cut, which depends on the marker's own length
            marker = " … [cut: \(total - kept) more characters are in the warehouse]"
            kept = limit - marker.utf16.count
        }
        return String(decoding: Array(text.utf16.prefix(kept)), as: UTF16.self) + marker
    }

    /// Counts a number that cannot be written (not finite).
    func noteNonFinite() { nonFiniteCells += 1 }

    /// Adds a worksheet (name ≤ 31 characters, no `[]:*?/\`).
    public func addSheet(_ name: String) throws -> XLSXSheet {
        guard let wb = workbook, let ws = workbook_add_worksheet(wb, name) else {
            throw XLSXError(message: "cannot add worksheet '\(name)'")
        }
        return XLSXSheet(ws, workbook: self)
    }

    func format(_ style: CellStyle?) -> UnsafeMutablePointer<lxw_format>? {
        guard let style, let wb = workbook else { return nil }
        if let existing = formats[style] { return existing }
        let f = workbook_add_format(wb)!
        if style.bold { format_set_bold(f) }
        if let nf = style.numberFormat { format_set_num_format(f, nf) }
        if let bg = style.background { format_set_bg_color(f, bg) }
        if let fc = style.fontColor { format_set_font_color(f, fc) }
        if style.wrap { format_set_text_wrap(f) }
        if style.border { format_set_border(f, UInt8(LXW_BORDER_THIN.rawValue)) }
        formats[style] = f
        return f
    }

    public enum ChartKind {
        case line, bar, column

        var lxw: UInt8 {
            switch self {
            case .line: return UInt8(LXW_CHART_LINE.rawValue)
            case .bar: return UInt8(LXW_CHART_BAR.rawValue)
            case .column: return UInt8(LXW_CHART_COLUMN.rawValue)
            }
        }
    }

    /// A chart over ranges of a sheet: one series per (name, categories, values) with ranges
    /// written as `Sheet!$A$2:$A$10`.
    /// `reverseCategories`: the first category on top of a bar chart (or right of a column chart).
    public func addChart(_ kind: ChartKind, title: String, series: [(name: String, categories: String, values: String)],
                         xTitle: String = "", yTitle: String = "", categoryFormat: String? = nil,
                         reverseCategories: Bool = false) -> XLSXChart? {
        guard let wb = workbook, let chart = workbook_add_chart(wb, kind.lxw) else { return nil }
        for s in series {
            let added = chart_add_series(chart, s.categories, s.values)
            // A name starting with `=` would be read as a cell reference: a zero-width space keeps it text.
            chart_series_set_name(added, s.name.hasPrefix("=") ? "\u{200B}" + s.name : s.name)
        }
        chart_title_set_name(chart, title)
        if !xTitle.isEmpty { chart_axis_set_name(chart.pointee.x_axis, xTitle) }
        if let categoryFormat { chart_axis_set_num_format(chart.pointee.x_axis, categoryFormat) }
        if !yTitle.isEmpty { chart_axis_set_name(chart.pointee.y_axis, yTitle) }
        if reverseCategories { chart_axis_set_reverse(chart.pointee.x_axis) }
        return XLSXChart(chart)
    }

    /// Writes and closes the file, then checks that it is whole (``XLSXPackageCheck``). Throws when
    /// any write or the close failed or the file is not whole: the caller must not use the file then.
    public func close() throws {
        guard let wb = workbook else { return }
        workbook = nil
        let rc = workbook_close(wb)
        free(tmpdir)
        tmpdir = nil
        guard rc == LXW_NO_ERROR else {
            throw XLSXError(message: "cannot write \(path): \(String(cString: lxw_strerror(rc)))")
        }
        if problemCount > 0 {
            throw XLSXError(message: "cannot write \(path): \(problemCount) cell writes failed (\(problems.joined(separator: "; ")))")
        }
        try XLSXPackageCheck.verify(path: path)
    }
}

/// A chart to insert into a sheet.
public final class XLSXChart {
    let chart: UnsafeMutablePointer<lxw_chart>
    init(_ chart: UnsafeMutablePointer<lxw_chart>) { self.chart = chart }
}

/// One worksheet. Rows and columns are 0-based.
public final class XLSXSheet {
    private let sheet: UnsafeMutablePointer<lxw_worksheet>
    private unowned let workbook: XLSXWorkbook

    init(_ sheet: UnsafeMutablePointer<lxw_worksheet>, workbook: XLSXWorkbook) {
        self.sheet = sheet
        self.workbook = workbook
    }

    /// Writes text as text: a value that begins with `=`, `+`, `-` or `@` is never a formula.
    /// Text longer than a cell holds is cut with a visible marker (``XLSXWorkbook/truncatedCells``).
    public func write(_ row: Int, _ col: Int, _ text: String, _ style: CellStyle? = nil) {
        let rc = worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(col), workbook.cellText(text), workbook.format(style))
        workbook.note(rc, "text at row \(row + 1), column \(col + 1)")
    }

    /// A number that is not finite (`inf`, `nan`) is never written (it would corrupt the file): the
    /// cell stays blank and is counted in ``XLSXWorkbook/nonFiniteCells``.
    public func write(_ row: Int, _ col: Int, _ number: Double, _ style: CellStyle? = nil) {
        guard number.isFinite else {
            workbook.noteNonFinite()
            writeBlank(row, col, style)
            return
        }
        let rc = worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(col), number, workbook.format(style))
        workbook.note(rc, "number at row \(row + 1), column \(col + 1)")
    }

    public func write(_ row: Int, _ col: Int, _ number: Int, _ style: CellStyle? = nil) {
        write(row, col, Double(number), style)
    }

    public func writeBlank(_ row: Int, _ col: Int, _ style: CellStyle? = nil) {
        let rc = worksheet_write_blank(sheet, lxw_row_t(row), lxw_col_t(col), workbook.format(style))
        workbook.note(rc, "blank at row \(row + 1), column \(col + 1)")
    }

    /// Writes an Excel date-time; give the style a date number format.
    public func writeDate(_ row: Int, _ col: Int, year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0,
                          second: Int = 0, _ style: CellStyle? = nil) {
        var dt = lxw_datetime(year: Int32(year), month: Int32(month), day: Int32(day), hour: Int32(hour),
                              min: Int32(minute), sec: Double(second))
        let rc = worksheet_write_datetime(sheet, lxw_row_t(row), lxw_col_t(col), &dt, workbook.format(style))
        workbook.note(rc, "date at row \(row + 1), column \(col + 1)")
    }

    public func freeze(rows: Int, cols: Int = 0) {
        worksheet_freeze_panes(sheet, lxw_row_t(rows), lxw_col_t(cols))
    }

    public func autofilter(firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int) {
        worksheet_autofilter(sheet, lxw_row_t(firstRow), lxw_col_t(firstCol), lxw_row_t(lastRow), lxw_col_t(lastCol))
    }

    public func setColumn(_ first: Int, _ last: Int, width: Double) {
        worksheet_set_column(sheet, lxw_col_t(first), lxw_col_t(last), width, nil)
    }

    /// Colours cells of a range whose number meets `criterion`.
    public func conditional(firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int, _ criterion: CellCriterion,
                            style: CellStyle) {
        var cf = lxw_conditional_format()
        cf.type = UInt8(LXW_CONDITIONAL_TYPE_CELL.rawValue)
        switch criterion {
        case let .lessThan(v):
            cf.criteria = UInt8(LXW_CONDITIONAL_CRITERIA_LESS_THAN.rawValue)
            cf.value = v
        case let .greaterThanOrEqual(v):
            cf.criteria = UInt8(LXW_CONDITIONAL_CRITERIA_GREATER_THAN_OR_EQUAL_TO.rawValue)
            cf.value = v
        case let .between(a, b):
            cf.criteria = UInt8(LXW_CONDITIONAL_CRITERIA_BETWEEN.rawValue)
            cf.min_value = a
            cf.max_value = b
        }
        cf.format = workbook.format(style)
        worksheet_conditional_format_range(sheet, lxw_row_t(firstRow), lxw_col_t(firstCol), lxw_row_t(lastRow),
                                           lxw_col_t(lastCol), &cf)
    }

    /// Prints landscape, all columns on one page width.
    public func printLandscapeFitWidth() {
        worksheet_set_landscape(sheet)
        worksheet_fit_to_pages(sheet, 1, 0)
    }

    /// The printed page: A4 landscape, all columns on one page width, the rows `0...headerRow` repeated
    /// on every page, and a footer with `footer` on the left and "page N of M" on the right.
    public func printOnA4(headerRow: Int, footer: String, pageCaption: (page: String, of: String)) {
        worksheet_set_paper(sheet, 9)   // A4
        printLandscapeFitWidth()
        workbook.note(worksheet_repeat_rows(sheet, 0, lxw_row_t(headerRow)), "repeated header rows")
        // '&' starts a code in a header or footer: a literal one is written '&&'.
        let text = footer.replacingOccurrences(of: "&", with: "&&")
        workbook.note(worksheet_set_footer(sheet, "&L\(text)&R\(pageCaption.page) &P \(pageCaption.of) &N"), "page footer")
    }

    /// Inserts a chart at a cell, scaled from the default 480 × 288 pixels.
    public func insert(_ chart: XLSXChart, row: Int, col: Int, xScale: Double = 1, yScale: Double = 1) {
        var options = lxw_chart_options()
        options.x_scale = xScale
        options.y_scale = yScale
        worksheet_insert_chart_opt(sheet, lxw_row_t(row), lxw_col_t(col), chart.chart, &options)
    }

    /// Sets a row's height in points.
    public func setRowHeight(_ row: Int, _ height: Double) {
        worksheet_set_row(sheet, lxw_row_t(row), height, nil)
    }
}
