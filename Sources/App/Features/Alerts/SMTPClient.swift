import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Sends one email per connection over SMTP (RFC 5321): EHLO, STARTTLS (RFC 3207) or implicit TLS, AUTH PLAIN or
/// LOGIN (RFC 4954), MAIL, RCPT, DATA, QUIT. One connection a message is slow for a newsletter and right for a
/// few alerts an hour: nothing to keep alive, nothing to share between instances.
struct SMTPClient: EmailSending {
    let settings: SMTPSettings
    let group: any EventLoopGroup
    /// A reply slower than this is a server that has gone away: the message is tried again later.
    var timeout: TimeAmount = .seconds(30)

    func send(to address: String, subject: String, text: String) async throws -> String {
        // An address is one SMTP argument: a line break or bracket in it would be a second command.
        guard !address.contains(where: { $0.isNewline || "<> ".contains($0) }), address.contains("@") else {
            throw AlertSendError(reason: "Not an email address", isPermanent: true)
        }
        let messageID = "<\(UUID().uuidString.lowercased())@\(settings.fromAddress.split(separator: "@").last ?? "reachable")>"
        let data = SMTPMessage(from: settings.from, to: address, subject: subject, text: text, messageID: messageID).data
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.converse(to: address, data: data) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(self.timeout.nanoseconds))
                throw AlertSendError(reason: "The SMTP server did not answer within \(self.timeout.nanoseconds / 1_000_000_000) seconds", isPermanent: false)
            }
            try await group.next()
            group.cancelAll()
        }
        return messageID
    }

    private func converse(to address: String, data: String) async throws {
        let tls = try makeTLSContext()
        let (lines, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
        // A name is checked against the certificate and sent as SNI; an address may not be sent as SNI.
        let host: String? = Self.isAddress(settings.host) ? nil : settings.host
        let implicitTLS = settings.security == .tls
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if implicitTLS, let tls {
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: host))
                        }
                        try channel.pipeline.syncOperations.addHandler(SMTPLineHandler(continuation: continuation))
                    }
                }
                .connect(host: settings.host, port: settings.port).get()
        } catch {
            throw AlertSendError(reason: "Could not reach the SMTP server \(settings.host):\(settings.port): \(error)", isPermanent: false)
        }
        continuation.onTermination = { _ in channel.close(promise: nil) }
        defer { channel.close(promise: nil) }
        var session = SMTPSession(channel: channel, lines: lines.makeAsyncIterator())
        try await session.expect(220)
        let ehloName = "reachable.local"
        var features = try await session.command("EHLO \(ehloName)", expect: 250)
        if settings.security == .starttls {
            guard features.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }), let tls else {
                throw AlertSendError(reason: "The SMTP server does not offer STARTTLS", isPermanent: false)
            }
            _ = try await session.command("STARTTLS", expect: 220)
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: host), position: .first)
            }.get()
            features = try await session.command("EHLO \(ehloName)", expect: 250)
        }
        if let username = settings.username, let password = settings.password {
            let mechanisms = features.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased().split(separator: " ") ?? []
            if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
                let credentials = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
                _ = try await session.command("AUTH PLAIN \(credentials)", expect: 235, secret: true)
            } else {
                _ = try await session.command("AUTH LOGIN", expect: 334)
                _ = try await session.command(Data(username.utf8).base64EncodedString(), expect: 334, secret: true)
                _ = try await session.command(Data(password.utf8).base64EncodedString(), expect: 235, secret: true)
            }
        }
        _ = try await session.command("MAIL FROM:<\(settings.fromAddress)>", expect: 250)
        _ = try await session.command("RCPT TO:<\(address)>", expect: 250, 251)
        _ = try await session.command("DATA", expect: 354)
        _ = try await session.command(data + "\r\n.", expect: 250)
        _ = try? await session.command("QUIT", expect: 221)
    }

    static func isAddress(_ host: String) -> Bool {
        host.contains(":") || (!host.isEmpty && host.allSatisfy { $0.isNumber || $0 == "." })
    }

    private func makeTLSContext() throws -> NIOSSLContext? {
        guard settings.security != .none else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let caFile = settings.caFile {
            configuration.additionalTrustRoots = [.file(caFile)]
        }
        return try NIOSSLContext(configuration: configuration)
    }
}

/// One SMTP conversation: a command, then its reply (one line, or several joined by `250-`).
private struct SMTPSession {
    let channel: any Channel
    var lines: AsyncThrowingStream<String, any Error>.AsyncIterator

    /// The server's greeting.
    mutating func expect(_ code: Int) async throws {
        _ = try await reply([code], after: "connecting")
    }

    /// Sends a command and reads its reply; `secret` keeps credentials out of any error message.
    mutating func command(_ text: String, expect codes: Int..., secret: Bool = false) async throws -> [String] {
        try await channel.writeAndFlush(ByteBuffer(string: text + "\r\n")).get()
        return try await reply(codes, after: secret ? String(text.prefix(10)) + "…" : String(text.prefix(40)))
    }

    /// A 4xx is worth trying again; a 5xx is not for this message, unless it refused our credentials (a setting
    /// to mend, after which the message should still go).
    private mutating func reply(_ codes: [Int], after command: String) async throws -> [String] {
        var texts: [String] = []
        while true {
            guard let line = try await lines.next() else {
                throw AlertSendError(reason: "The SMTP server closed the connection after \(command)", isPermanent: false)
            }
            texts.append(String(line.dropFirst(4)))
            if line.count > 3, line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
            let code = Int(line.prefix(3)) ?? 0
            guard codes.contains(code) else {
                throw AlertSendError(reason: "The SMTP server answered \(command) with \(line.prefix(200))",
                                     isPermanent: (500...599).contains(code) && !command.hasPrefix("AUTH"))
            }
            return texts
        }
    }
}

/// Splits what the server sends into lines for the conversation above.
private final class SMTPLineHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private let continuation: AsyncThrowingStream<String, any Error>.Continuation
    private var pending: [UInt8] = []

    init(continuation: AsyncThrowingStream<String, any Error>.Continuation) { self.continuation = continuation }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = Array(pending[..<end])
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            pending.removeSubrange(...end)
            continuation.yield(String(decoding: line, as: UTF8.self))
        }
        // A server that never ends a line is not an SMTP server.
        if pending.count > 64 * 1024 { continuation.finish(throwing: AlertSendError(reason: "An SMTP reply too long", isPermanent: false)) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish(throwing: AlertSendError(reason: "SMTP connection failed: \(error)", isPermanent: false))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
    }
}

/// The message as sent after DATA: headers and a plain-text body, lines ended with CRLF and dot-stuffed.
struct SMTPMessage {
    let from: String
    let to: String
    let subject: String
    let text: String
    let messageID: String
    var date = Date()

    var data: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let headers = [
            "From: \(Self.header(from))", "To: <\(to)>", "Subject: \(Self.header(subject))",
            "Date: \(formatter.string(from: date))", "Message-ID: \(messageID)", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64",
            // An alert is not a newsletter: no auto-replies back to it.
            "Auto-Submitted: auto-generated",
        ]
        // Base64 keeps every line short and every byte safe whatever the text holds; 76 characters a line.
        let encoded = Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8).base64EncodedString()
        var body: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            body.append(String(encoded[index..<end]))
            index = end
        }
        // Base64 lines never start with a dot, so no dot-stuffing is needed for the body.
        return (headers + [""] + body).joined(separator: "\r\n")
    }

    /// A header value: ASCII as is (line breaks removed, so nothing typed can add a header), anything else as an
    /// RFC 2047 encoded word.
    static func header(_ value: String) -> String {
        let flat = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard flat.unicodeScalars.contains(where: { !$0.isASCII }) else { return flat }
        return "=?utf-8?B?\(Data(flat.utf8).base64EncodedString())?="
    }
}
