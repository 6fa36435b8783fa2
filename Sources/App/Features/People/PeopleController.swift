import Domain
import Fluent
import Vapor

/// A young person's page (every referral and case in the user's scope, aliases, repeat history) and the
/// manager's merge of two records of the same person (SPEC §2.2): never automatic, always audited.
struct PeopleController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .person(nil), access: .roles(ReferralsController.readers), use: show)
        routes.on(.GET, .personMerge(nil), access: .roles([.manager]), use: showMerge)
        routes.on(.POST, .personMerge(nil), access: .roles([.manager]), use: merge)
        routes.on(.POST, .personLegalHold(nil), access: .roles([.manager]), use: legalHold)
    }

    /// A manager puts a legal hold on a person (or lifts it): retention leaves them alone while it stands.
    func legalHold(req: Request) async throws -> Response {
        struct Form: Content { var hold: String? }
        let scope = try req.scope
        let person = try await scope.findPerson(req.parameters.get("personID", as: UUID.self), req: req)
        let hold = try req.content.decode(Form.self).hold == "on"
        let personID = try person.requireID()
        let entry = req.auditEntry(hold ? "person.legal_hold_set" : "person.legal_hold_lifted", objectType: "person",
                                   objectID: personID.uuidString)
        let now = req.now
        try await req.write { db in
            try await Person.query(on: db).filter(\.$id == personID).set(\.$legalHold, to: hold).update()
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.person(personID).path)
    }

    func show(req: Request) async throws -> View {
        let scope = try req.scope
        let person = try await scope.findPerson(req.parameters.get("personID", as: UUID.self), req: req)
        let page = try await PersonPage.make(req: req, person: person, scope: scope)
        try await req.audit("person.viewed", objectType: "person", objectID: person.id!.uuidString)
        return try await req.view.render("people/show", page)
    }

    func showMerge(req: Request) async throws -> View {
        let scope = try req.scope
        let keep = try await scope.findPerson(req.parameters.get("personID", as: UUID.self), req: req)
        let other = try await scope.findPerson(req.query[UUID.self, at: "with"], req: req)
        let page = try await MergePage.make(req: req, keep: keep, other: other, scope: scope)
        return try await req.view.render("people/merge", page)
    }

    func merge(req: Request) async throws -> Response {
        struct Form: Content { var other: UUID? }
        let scope = try req.scope
        let keep = try await scope.findPerson(req.parameters.get("personID", as: UUID.self), req: req)
        let other = try await scope.findPerson(try req.content.decode(Form.self).other, req: req)
        let keepID = try keep.requireID(), otherID = try other.requireID()
        guard keepID != otherID, keep.mergedIntoID == nil, other.mergedIntoID == nil else { throw Abort(.badRequest) }
        let now = req.now
        let cipher = req.application.cipher
        let template = req.auditEntry("person.merged", objectType: "person", objectID: keepID.uuidString)
        try await req.write { db in
            let referrals = try await Referral.query(on: db).filter(\.$person.$id == otherID).count()
            let cases = try await SupportCase.query(on: db).filter(\.$person.$id == otherID).count()
            try await Referral.query(on: db).filter(\.$person.$id == otherID).set(\.$person.$id, to: keepID).update()
            try await SupportCase.query(on: db).filter(\.$person.$id == otherID).set(\.$person.$id, to: keepID).update()
            try await PersonAlias.query(on: db).filter(\.$person.$id == otherID).set(\.$person.$id, to: keepID).update()
            try await InformationShare.query(on: db).filter(\.$person.$id == otherID).set(\.$person.$id, to: keepID).update()
            try await SubjectAccessRequest.query(on: db).filter(\.$person.$id == otherID).set(\.$person.$id, to: keepID).update()
            // What the two records say about reaching the young person is kept, both where both say something; a
            // legal hold on either holds the one that remains.
            try await Person.query(on: db).filter(\.$id == keepID)
                .set(\.$contactDetails, to: try Self.combined(keep.contactDetails, other.contactDetails, cipher: cipher))
                .set(\.$safeContact, to: try Self.combined(keep.safeContact, other.safeContact, cipher: cipher))
                .set(\.$legalHold, to: keep.legalHold || other.legalHold)
                .set(\.$doNotText, to: keep.doNotText || other.doNotText)
                .set(\.$phoneMayBeControlled, to: keep.phoneMayBeControlled || other.phoneMayBeControlled).update()
            // The other record's name stays findable as an alias of the person it turned out to be.
            let otherName = "\(other.firstName) \(other.lastName)"
            let folded = NameFolding.fold(otherName)
            if folded != NameFolding.fold("\(keep.firstName) \(keep.lastName)"),
               try await PersonAlias.query(on: db).filter(\.$person.$id == keepID).filter(\.$folded == folded).count() == 0 {
                try await PersonAlias(personID: keepID, name: otherName, folded: folded).create(on: db)
            }
            // The merged-away row keeps no identifiers: it only points at the person it turned out to be, and
            // retention (which anonymises that person) never needs to find it.
            try await Person.query(on: db).filter(\.$id == otherID).set(\.$mergedIntoID, to: keepID)
                .set(\.$firstName, to: Retention.anonymisedName).set(\.$lastName, to: Retention.anonymisedName)
                .set(\.$foldedFirst, to: "").set(\.$foldedLast, to: "").set(\.$surnameKey, to: "").set(\.$dateOfBirth, to: "")
                .set(\.$contactDetails, to: nil).set(\.$safeContact, to: nil).set(\.$legalHold, to: false).update()
            try await ReferralImport.markRepeats(personIDs: [keepID], on: db)
            var entry = template
            entry.detail = "merged person \(otherID.uuidString) into this one: \(referrals) referrals and \(cases) cases moved"
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.person(keepID).path + "?merged=1")
    }

    /// Two sealed texts as one: either alone, or both on lines of their own.
    static func combined(_ kept: String?, _ other: String?, cipher: FieldCipher) throws -> String? {
        guard let other else { return kept }
        guard let kept else { return other }
        let keptText = try cipher.open(kept), otherText = try cipher.open(other)
        return keptText == otherText ? kept : try cipher.seal(keptText + "\n" + otherText)
    }
}
