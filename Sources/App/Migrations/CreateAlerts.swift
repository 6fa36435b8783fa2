import Fluent
import SQLKit

/// Alerts, their outbox and the on-call rota (SPEC §2.10); each person's numbers, address and channels.
struct CreateAlerts: AsyncMigration {
    var name: String { "CreateAlerts" }

    func prepare(on database: any Database) async throws {
        try await database.schema(Alert.schema)
            .id()
            .field("kind", .string, .required)
            .field("reference", .string, .required)
            .field("region_id", .uuid, .references(Region.schema, "id"))
            .field("subject_id", .uuid, .required)
            .field("episode", .string, .required)
            .field("worker_id", .uuid)
            .field("raised_at", .datetime, .required)
            .field("step", .int, .required)
            .field("next_step_at", .datetime)
            .field("acknowledged_at", .datetime)
            .field("acknowledged_by_id", .uuid)
            .field("acknowledged_via", .string)
            .field("resolved_at", .datetime)
            .unique(on: "kind", "subject_id", "episode")
            .unique(on: "reference")
            .create()
        try await database.schema(AlertMessageRecord.schema)
            .id()
            .field("alert_id", .uuid, .references(Alert.schema, "id"))
            .field("user_id", .uuid)
            .field("region_id", .uuid)
            .field("channel", .string, .required)
            .field("address", .string, .required)
            .field("body", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claimed_until", .datetime)
            .field("provider_id", .string)
            .field("delivery_status", .string)
            .field("last_error", .string)
            .field("ack_token_hash", .string)
            .field("ack_expires_at", .datetime)
            .field("ack_used_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .create()
        try await database.schema(OnCallShiftRecord.schema)
            .id()
            .field("region_id", .uuid, .required, .references(Region.schema, "id"))
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("role", .string, .required)
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("created_by_id", .uuid, .required)
            .create()
        // Each reply or key press Twilio sends is acted on once: a replayed (or retried) webhook finds its id here.
        try await database.schema("alert_webhook_receipts")
            .field("provider_id", .string, .identifier(auto: false))
            .field("received_at", .datetime, .required)
            .create()
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in ["alert_phone", "alert_email", "alert_channels", "alert_phone_pending", "alert_phone_code"] {
            try await database.schema(User.schema).field(.string(column), .string).update()
        }
        try await database.schema(User.schema).field("alert_phone_code_expires", .datetime).update()
        try await database.schema(User.schema).field("alert_phone_code_attempts", .int).update()
        let sql = database as! any SQLDatabase
        // The timer asks, every few seconds, for steps due and messages due: both answered from an index.
        try await sql.create(index: "alerts_due").on(Alert.schema).column("next_step_at").run()
        try await sql.create(index: "alerts_open").on(Alert.schema).column("region_id").column("acknowledged_at").column("resolved_at").run()
        try await sql.create(index: "alert_messages_due").on(AlertMessageRecord.schema).column("status").column("next_attempt_at").run()
        try await sql.create(index: "alert_messages_alert").on(AlertMessageRecord.schema).column("alert_id").run()
        try await sql.create(index: "alert_messages_provider").on(AlertMessageRecord.schema).column("provider_id").run()
        try await sql.create(index: "alert_messages_ack").on(AlertMessageRecord.schema).column("ack_token_hash").run()
        try await sql.create(index: "alert_messages_region").on(AlertMessageRecord.schema).column("region_id").column("created_at").run()
        try await sql.create(index: "on_call_shifts_cover").on(OnCallShiftRecord.schema).column("region_id").column("ends_at").run()
    }

    func revert(on database: any Database) async throws {
        for column in ["alert_phone_code_attempts", "alert_phone_code_expires", "alert_phone_code", "alert_phone_pending",
                       "alert_channels", "alert_email", "alert_phone"] {
            try await database.schema(User.schema).deleteField(.string(column)).update()
        }
        try await database.schema("alert_webhook_receipts").delete()
        try await database.schema(OnCallShiftRecord.schema).delete()
        try await database.schema(AlertMessageRecord.schema).delete()
        try await database.schema(Alert.schema).delete()
    }
}
