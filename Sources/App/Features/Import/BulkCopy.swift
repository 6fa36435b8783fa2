import Fluent
import Foundation
import NIOCore
import FluentPostgresDriver

/// On PostgreSQL a bulk insert's rows are streamed with `COPY … FROM STDIN` in its text format: one line per
/// row, the values separated by tabs. The server parses one short statement per table and part instead of a
/// statement of thousands of bound values per 500 rows.
extension BulkInsert {
    /// Sends at most this many bytes per message, so that a large part is never held twice in memory.
    private static let copyChunkBytes = 1 << 20

    func copy(_ rows: [[BulkValue]], on postgres: any PostgresDatabase, logger: Logger) async throws {
        try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    var buffer = ByteBuffer()
                    buffer.reserveCapacity(Self.copyChunkBytes + 4096)
                    var dates = CopyDates()
                    for row in rows {
                        for (index, value) in row.enumerated() {
                            if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                            value.writeCopyText(into: &buffer, dates: &dates)
                        }
                        buffer.writeInteger(UInt8(ascii: "\n"))
                        if buffer.readableBytes >= Self.copyChunkBytes {
                            try await writer.write(buffer)
                            buffer.clear()
                        }
                    }
                    if buffer.readableBytes > 0 { try await writer.write(buffer) }
                }
            }
        }.get()
    }
}

extension BulkValue {
    /// The value as `COPY`'s text format reads it: `\N` for NULL; text with backslash, tab, line feed and
    /// carriage return escaped; `t` or `f`; a time in UTC to the microsecond.
    func writeCopyText(into buffer: inout ByteBuffer, dates: inout CopyDates) {
        switch self {
        case let .uuid(value):
            if let value { buffer.writeString(Self.text(of: value)) } else { buffer.writeStaticString("\\N") }
        case let .text(value): Self.writeEscaped(value, into: &buffer)
        case let .integer(value):
            if let value { buffer.writeString(String(value)) } else { buffer.writeStaticString("\\N") }
        case let .bool(value):
            if let value { buffer.writeInteger(UInt8(ascii: value ? "t" : "f")) } else { buffer.writeStaticString("\\N") }
        case let .date(value):
            if let value { buffer.writeString(dates.text(of: value)) } else { buffer.writeStaticString("\\N") }
        }
    }

    private static func writeEscaped(_ text: String?, into buffer: inout ByteBuffer) {
        guard let text else {
            buffer.writeStaticString("\\N")
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }
}

/// Times written for `COPY`, remembered: every row of an import has the same creation time.
struct CopyDates {
    private var last: (date: Date, text: String)?

    /// `2026-11-29 18:00:00.123456+00`: rounded to the microsecond, as PostgreSQL keeps a `timestamptz`.
    mutating func text(of date: Date) -> String {
        if let last, last.date == date { return last.text }
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.toNearestOrEven))
        let (seconds, fraction) = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        let wholeSeconds = fraction < 0 ? seconds - 1 : seconds
        let micros = fraction < 0 ? fraction + 1_000_000 : fraction
        var time = time_t(wholeSeconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let digits = String(micros)
        let year = String(parts.tm_year + 1900)
        let text = String(repeating: "0", count: max(0, 4 - year.count)) + year + "-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))."
            + String(repeating: "0", count: 6 - digits.count) + digits + "+00"
        last = (date, text)
        return text
    }
}
