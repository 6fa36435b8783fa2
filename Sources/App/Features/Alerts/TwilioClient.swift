import Crypto
import Foundation
import Vapor

/// Twilio's REST API (2010-04-01): a text message is a form POST to `Messages.json`, a call one to `Calls.json`,
/// with HTTP basic authentication by the account SID and auth token. Twilio answers 201 and the new resource's
/// `sid`, or an error with a numeric `code`.
struct TwilioClient: PhoneSending {
    let settings: TwilioSettings
    let client: any Client

    /// Twilio's codes that mean this number will never take this message; anything else may pass on a retry.
    static let permanentCodes: Set<Int> = [21211, 21214, 21217, 21408, 21610, 21612, 21614]

    func sendSMS(to number: String, body: String, statusCallback: String) async throws -> String {
        try await create("Messages.json", ["To": number, "From": settings.from, "Body": body, "StatusCallback": statusCallback])
    }

    func call(to number: String, twiml: String, statusCallback: String) async throws -> String {
        try await create("Calls.json", ["To": number, "From": settings.from, "Twiml": twiml, "StatusCallback": statusCallback])
    }

    private func create(_ resource: String, _ form: [String: String]) async throws -> String {
        let uri = URI(string: "\(settings.apiURL)/2010-04-01/Accounts/\(settings.accountSID)/\(resource)")
        var headers = HTTPHeaders()
        let credentials = Data("\(settings.accountSID):\(settings.authToken)".utf8).base64EncodedString()
        headers.add(name: .authorization, value: "Basic \(credentials)")
        headers.add(name: .contentType, value: "application/x-www-form-urlencoded")
        headers.add(name: .accept, value: "application/json")
        let body = Self.formEncode(form.sorted { $0.key < $1.key })
        let response: ClientResponse
        do {
            response = try await client.post(uri, headers: headers) { request in
                request.body = ByteBuffer(string: body)
                request.timeout = .seconds(20)
            }
        } catch {
            throw AlertSendError(reason: "Could not reach Twilio: \(error)", isPermanent: false)
        }
        struct Created: Decodable { let sid: String }
        struct Refused: Decodable { let code: Int?; let message: String? }
        if response.status == .created || response.status == .ok, let created = try? response.content.decode(Created.self) {
            return created.sid
        }
        let refused = try? response.content.decode(Refused.self)
        let retryAfter = response.headers.first(name: "Retry-After").flatMap(TimeInterval.init)
        let code = refused?.code ?? 0
        throw AlertSendError(reason: "Twilio answered \(response.status.code)\(code == 0 ? "" : " (error \(code))"): \((refused?.message ?? "").prefix(200))",
                             isPermanent: Self.permanentCodes.contains(code), retryAfter: retryAfter)
    }

    /// `application/x-www-form-urlencoded`: everything but unreserved characters percent-encoded.
    static func formEncode(_ pairs: [(key: String, value: String)]) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        return pairs.map { "\(encode($0.key))=\(encode($0.value))" }.joined(separator: "&")
    }

    /// What a call says, in TwiML: the words, twice, inside a `Gather` that posts the key pressed back to us.
    static func twiml(spoken: String, gatherURL: String) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        return "<Response><Gather numDigits=\"1\" action=\"\(escape(gatherURL))\" method=\"POST\"><Say>\(escape(spoken))</Say>"
            + "<Pause length=\"1\"/><Say>\(escape(spoken))</Say></Gather><Say>No key was pressed. Goodbye.</Say></Response>"
    }
}

/// Twilio signs every webhook: `X-Twilio-Signature` is the base64 HMAC-SHA1, keyed by the auth token, of the full
/// URL Twilio called followed by each POST parameter's name and value, sorted by name.
enum TwilioSignature {
    static func expected(url: String, parameters: [(String, String)], authToken: String) -> String {
        let sorted = parameters.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
        let data = url + sorted.map { $0.0 + $0.1 }.joined()
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(data.utf8), using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }

    static func isValid(_ signature: String?, url: String, parameters: [(String, String)], authToken: String) -> Bool {
        guard let signature else { return false }
        return SecretToken.constantTimeEquals(signature, expected(url: url, parameters: parameters, authToken: authToken))
    }

    /// The pairs of a form body in order, repeated names kept (Vapor's decoder would fold them).
    static func parameters(ofForm body: String) -> [(String, String)] {
        body.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}
