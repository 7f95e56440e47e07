// The demo's Lunora schema. `orderProjections` is a `.global()` table: the reactive store
// keeps it as a real table in the same Postgres as the legacy `orders` table (which Lunora
// does not own and cannot watch).
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";

export const schema = defineSchema({
  orderProjections: defineTable({
    orderId: v.string(),
    org: v.string(),
    customer: v.string(),
    total: v.number(),
    syncedAt: v.number(),
    note: v.optional(v.string()),
  })
    .index("by_org", ["org", "orderId"])
    .index("by_order", ["orderId"])
    .global(),
});
export type Schema = typeof schema;
