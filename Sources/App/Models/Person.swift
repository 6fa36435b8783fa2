import Domain
import Fluent
import Foundation

/// A young person, who may be referred many times and to more than one region. Folded names and the date of
/// birth are kept as indexed keys so that matching a new referral never scans every person.
final class Person: Model, @unchecked Sendable {
    static let schema = "people"

    @ID(key: .id) var id: UUID?
    @Field(key: "first_name") var firstName: String
    @Field(key: "last_name") var lastName: String
    @Field(key: "folded_first") var foldedFirst: String
    @Field(key: "folded_last") var foldedLast: String
    @Field(key: "surname_key") var surnameKey: String
    /// `YYYY-MM-DD`: sorts and compares as text on both databases.
    @Field(key: "date_of_birth") var dateOfBirth: String
    @Field(key: "gender") var gender: String
    @OptionalField(key: "ethnicity") var ethnicity: String?
    @Field(key: "home_local_authority") var homeLocalAuthority: String
    /// Sealed by `FieldCipher`: contact details are as sensitive as the notes.
    @OptionalField(key: "contact_details") var contactDetails: String?
    @Parent(key: "first_region_id") var firstRegion: Region
    @OptionalField(key: "merged_into_id") var mergedIntoID: UUID?
    /// A legal hold stops retention from anonymising this person (litigation, an inquiry, a safeguarding review).
    @Field(key: "legal_hold") var legalHold: Bool
    @OptionalField(key: "anonymised_at") var anonymisedAt: Date?
    /// Safe times and numbers to reach the young person: sealed, shown wherever contact is made.
    @OptionalField(key: "safe_contact") var safeContact: String?
    @Field(key: "do_not_text") var doNotText: Bool
    /// The young person's phone may be read or held by the people exploiting them.
    @Field(key: "phone_may_be_controlled") var phoneMayBeControlled: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Children(for: \.$person) var aliases: [PersonAlias]

    init() {}

    /// A new person with their matching keys (folded names, Soundex of the surname) worked out.
    static func make(firstName: String, lastName: String, dateOfBirth: CivilDate, gender: String, ethnicity: String?,
                     homeLocalAuthority: String, regionID: UUID) -> Person {
        let person = Person()
        person.id = UUID()
        person.firstName = firstName
        person.lastName = lastName
        person.foldedFirst = NameFolding.fold(firstName)
        person.foldedLast = NameFolding.fold(lastName)
        person.surnameKey = Soundex.key(lastName)
        person.dateOfBirth = dateOfBirth.description
        person.gender = gender
        person.ethnicity = ethnicity
        person.homeLocalAuthority = homeLocalAuthority
        person.$firstRegion.id = regionID
        person.legalHold = false
        person.doNotText = false
        person.phoneMayBeControlled = false
        return person
    }
}

final class PersonAlias: Model, @unchecked Sendable {
    static let schema = "person_aliases"

    @ID(key: .id) var id: UUID?
    @Parent(key: "person_id") var person: Person
    @Field(key: "name") var name: String
    @Field(key: "folded") var folded: String

    init() {}

    init(personID: UUID, name: String, folded: String) {
        self.$person.id = personID
        self.name = name
        self.folded = folded
    }
}
