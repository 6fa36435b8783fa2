import Crypto
import Domain
import Fluent
import Vapor

/// Stores what a partner sent: routed to a region, sealed, with its call-back clock started, and audited with
/// the sender's address. Nothing here looks at the young people already held, so the answer is the same whoever
/// the referral is about (the form cannot be used to learn whether a young person is known).
enum PartnerReferralIntake {
    /// The reference of what was stored; the same form sent again (its `submissionKey` already stored) stores
    /// nothing and answers the first reference.
    static func receive(_ content: PartnerReferralContent, path: PartnerReferralPath, areas: FrontDoorAreas,
                        submissionKey: String?, req: Request) async throws -> String {
        // The key is the form's and what it holds: the same form sent again is the first referral; sent again with a
        // correction, it is a referral of its own (the triager sees both).
        let json = try JSONEncoder.sorted.encode(content)
        let submissionKey = submissionKey.map { $0 + "." + Hex.lowercase(Array(SHA256.hash(data: json)).prefix(12)) + "." + path.rawValue }
        if let key = submissionKey, let first = try await PartnerReferral.query(on: req.db).filter(\.$submissionKey == key).first() {
            return first.ref
        }
        let settings = try req.application.settings
        let routing = PartnerReferralRouting.route(homeLocalAuthority: content.homeLocalAuthority,
                                                   whereNow: content.whereNowArea) { areas.holders[$0]?.regionCode }
        let holder: FrontDoorAreas.Holder? = switch routing {
        case .region: (content.homeLocalAuthority.flatMap { areas.holders[$0] }) ?? content.whereNowArea.flatMap { areas.holders[$0] }
        case .nationalTriage: nil
        }
        let listed = try await PartnerDomain.query(on: req.db).all().map(\.domain)
        let now = req.now
        let referral = PartnerReferral()
        referral.id = UUID()
        referral.ref = newReference()
        referral.regionID = holder?.regionID
        referral.path = path
        referral.routedBy = switch routing {
        case let .region(_, basis): basis.rawValue
        case .nationalTriage: "national_triage"
        }
        referral.receivedAt = now
        referral.submissionKey = submissionKey
        let minutes = path == .urgent ? settings.partnerUrgentCallBackMinutes : settings.partnerFullCallBackHours * 60
        referral.callBackDue = now.addingTimeInterval(Double(minutes) * 60)
        referral.status = .awaitingTriage
        referral.content = try req.application.cipher.seal(String(decoding: json, as: UTF8.self))
        referral.emailDomain = try content.referrerEmail.flatMap(PartnerDomainTrust.domain).map(req.application.cipher.seal)
        referral.listedDomain = content.referrerEmail.flatMap { PartnerDomainTrust.listedDomain(of: $0, listed: listed) }
        var entry = req.auditEntry(.partnerReferralReceived, objectType: .partnerReferral, objectID: referral.id!.uuidString,
                                   region: holder?.regionCode ?? "",
                                   detail: "\(path.rawValue); routed by \(referral.routedBy); "
                                       + (referral.listedDomain.map { "email in listed domain \($0)" } ?? "email not in a listed partner domain"))
        entry.actor = "partner form"
        let received = entry
        do {
            try await req.write { db in
                try await referral.create(on: db)
                try await Audit.append(received, on: db, at: now)
            }
        } catch {
            // The same form sent twice at once: the other request stored it.
            if let key = submissionKey, let first = try await PartnerReferral.query(on: req.db).filter(\.$submissionKey == key).first() {
                return first.ref
            }
            throw error
        }
        return referral.ref
    }

    /// `PR-` and eight characters of 40 random bits (RFC 4648 base32), in two groups to read out on the phone.
    static func newReference() -> String {
        var generator = SystemRandomNumberGenerator()
        let letters = Base32.encode((0..<5).map { _ in UInt8.random(in: 0...255, using: &generator) })
        return "PR-" + letters.prefix(4) + "-" + letters.suffix(4)
    }

    /// What was sent, opened for the triager; nil once emptied.
    static func content(of referral: PartnerReferral, cipher: FieldCipher) throws -> PartnerReferralContent? {
        guard let sealed = referral.content else { return nil }
        return try JSONDecoder().decode(PartnerReferralContent.self, from: Data(try cipher.open(sealed).utf8))
    }
}

extension JSONEncoder {
    /// Keys in order, so that the same content always encodes the same.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
