import NIOCore
import Vapor

extension Request {
    /// The caller's address for audit and rate limits. Vapor's `peerAddress` believes any `X-Forwarded-For`;
    /// we use the socket's address, and the forwarded one only when the socket is a configured proxy
    /// (ASVS v5.0.0-4.1.3).
    var clientAddress: String {
        let socket = remoteAddress?.ipAddress ?? "unknown"
        // Without settings no proxy is trusted: the socket's own address is the one recorded.
        let trustedProxies = (try? application.settings.trustedProxies) ?? []
        guard trustedProxies.contains(socket),
              let forwarded = headers.first(name: "X-Forwarded-For") else { return socket }
        // The right-most address not itself a trusted proxy is the one our proxy saw.
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return hops.reversed().first { !trustedProxies.contains($0) } ?? socket
    }

    /// True when the browser reached us over TLS: directly, or through a trusted proxy that says so.
    var arrivedOverTLS: Bool {
        get throws {
            let settings = try application.settings
            if settings.usesTLS { return true }
            let socket = remoteAddress?.ipAddress ?? ""
            return settings.trustedProxies.contains(socket)
                && headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
        }
    }
}
