import Fluent
import SQLKit

struct CreateAttachments: AsyncMigration {
    var name: String { "CreateAttachments" }

    func prepare(on database: any Database) async throws {
        try await database.schema(Attachment.schema)
            .id()
            .field("owner_type", .string, .required)
            .field("owner_id", .uuid, .required)
            .field("region_id", .uuid, .required, .references(Region.schema, "id"))
            .field("case_id", .uuid)
            .field("referral_id", .uuid)
            .field("file_name", .string)
            .field("kind", .string)
            .field("size", .int64, .required)
            .field("chunk_count", .int, .required)
            .field("metadata_removed", .string, .required)
            .field("sensitive", .bool, .required)
            .field("status", .string, .required)
            .field("uploaded_by_id", .uuid, .required)
            .field("uploaded_at", .datetime, .required)
            .field("deleted_by_id", .uuid)
            .field("deleted_at", .datetime)
            .field("delete_reason", .string)
            .create()
        let sql = database as! any SQLDatabase
        // A record's list is one query on its owner; a young person's (subject access, retention) goes through
        // their referrals and cases.
        try await sql.create(index: "attachments_owner").on(Attachment.schema).column("owner_id").column("status").run()
        try await sql.create(index: "attachments_case").on(Attachment.schema).column("case_id").run()
        try await sql.create(index: "attachments_referral").on(Attachment.schema).column("referral_id").run()
        // The timer's look for uploads left part-way.
        try await sql.create(index: "attachments_status").on(Attachment.schema).column("status").column("uploaded_at").run()
        try await database.schema(AttachmentChunk.schema)
            .id()
            .field("attachment_id", .uuid, .required, .references(Attachment.schema, "id", onDelete: .cascade))
            .field("seq", .int, .required)
            .field("key_id", .string, .required)
            .field("data", .data, .required)
            .unique(on: "attachment_id", "seq")
            .create()
        try await sql.create(index: "attachment_chunks_key").on(AttachmentChunk.schema).column("key_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AttachmentChunk.schema).delete()
        try await database.schema(Attachment.schema).delete()
    }
}
