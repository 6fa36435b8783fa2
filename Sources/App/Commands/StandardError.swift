import Foundation

/// Commands keep standard output for data (JSON, links to hand on) and write messages here (SPEC §7).
/// ConsoleKit's `error` goes to standard output, so it is not used for messages.
enum StandardError {
    static func print(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
