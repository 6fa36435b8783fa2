import Fluent
import Foundation

/// A team and its area (SPEC §3). Regions are tenants: every record of casework belongs to one.
final class Region: Model, @unchecked Sendable {
    static let schema = "regions"

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Children(for: \.$region) var localAuthorities: [LocalAuthority]

    init() {}

    init(id: UUID? = nil, code: String, name: String) {
        self.id = id
        self.code = code
        self.name = name
    }
}

/// A local authority inside a region. A code not in any region's list is "outside every region".
final class LocalAuthority: Model, @unchecked Sendable {
    static let schema = "local_authorities"

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Parent(key: "region_id") var region: Region

    init() {}

    init(id: UUID? = nil, code: String, name: String, regionID: UUID) {
        self.id = id
        self.code = code
        self.name = name
        self.$region.id = regionID
    }
}

/// One code of a code list (SPEC §5): the code is the contract, the label is what people read.
final class CodeListItem: Model, @unchecked Sendable {
    static let schema = "code_list_items"

    @ID(key: .id) var id: UUID?
    @Field(key: "list") var list: String
    @Field(key: "code") var code: String
    @Field(key: "label") var label: String
    @Field(key: "position") var position: Int

    init() {}

    init(id: UUID? = nil, list: String, code: String, label: String, position: Int) {
        self.id = id
        self.list = list
        self.code = code
        self.label = label
        self.position = position
    }
}
