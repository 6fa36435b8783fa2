import Foundation
import Logging

/// One JSON object per line on standard error, for log collectors: time, level, label, message and metadata
/// (the request id among it). Messages never carry personal data: requests are logged by route pattern, and
/// errors by reference (ASVS v5.0.0-16.2.1, 16.2.5).
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        guard let line = line(for: event) else { return }
        FileHandle.standardError.write(line)
    }

    /// One log line: a JSON object and a newline.
    func line(for event: LogEvent) -> Data? {
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { fields[key] = "\(value)" }
        fields["time"] = Self.timestamp()
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = event.message.description
        guard var data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return nil
        }
        data.append(0x0A)
        return data
    }

    static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
