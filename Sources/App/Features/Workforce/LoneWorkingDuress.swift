import Fluent
import Vapor

/// The duress word: a lone worker's silent alarm (SPEC §2.10).
extension LoneWorkingController {
    /// A duress word is folded (case and surrounding spaces) before it is hashed and when it is typed.
    static func fold(_ word: String) -> String { word.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }

    /// The worker chooses a duress word: typed as the check-out note, it checks out like any other and raises a
    /// silent alarm to the region's managers and the national leads (SPEC §2.10).
    func setDuressWord(req: Request) async throws -> Response {
        struct Form: Content { var duressWord: String? }
        let user = try req.requireUser()
        let word = try Self.fold(req.content.decode(Form.self).duressWord ?? "")
        guard (4...40).contains(word.count) else {
            var errors = FieldErrors()
            errors.add("duressWord", "Choose a duress word of 4 to 40 characters, one you would not write otherwise")
            return try await render(req, errors: errors).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let hash = try PasswordHasher(cost: req.application.settings.bcryptCost).hash(word)
        let entry = req.auditEntry(.loneWorkingDuressWordSet, objectType: .user, objectID: user.id.uuidString)
        let now = req.now
        try await req.write { db in
            try await User.query(on: db).filter(\.$id == user.id).set(\.$duressWordHash, to: hash).update()
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.loneWorking.path + "?duress-word-set=1")
    }

    /// A manager has acted on a duress alarm (called the worker, the police): it leaves the banner, kept in the audit log.
    func acknowledgeDuress(req: Request) async throws -> Response {
        let visit = try await regionVisit(req)
        let user = try req.requireUser()
        // Not their own alarm: to the worker it is a check-out like any other.
        guard visit.duressAt != nil, visit.duressAcknowledgedAt == nil, visit.$caseworker.id != user.id else { throw Abort(.conflict) }
        guard let person = try await User.find(user.id, on: req.db) else { throw Abort(.unauthorized) }
        let cipher = try req.application.cipher, address = req.clientAddress
        return try await change(req, visit, .loneWorkingDuressAcknowledged) { db, now in
            try await AlertBook.acknowledgeAll(.duress, subject: visit.id!, by: person, address: address, now: now, cipher: cipher, on: db)
            try await LoneWorkingVisit.query(on: db).filter(\.$id == visit.id!).set(\.$duressAcknowledgedAt, to: now)
                .set(\.$duressAcknowledgedByID, to: user.id).update()
        }
    }
}
