// A patch after a read (a read-modify-write), inside workerd on the real servers through
// Hyperdrive bindings. Such a patch is recorded by the fields it names alone (the core checks
// each of them; the rest was valid when stored): its UPDATE sets only those columns and the
// index keys that move. Observably nothing may differ from sending the whole merged document:
// the stored document, `_version`, index order, a query in the same mutation (which first
// completes the write with the whole document), subscriptions, errors naming the bad field,
// the 1 MiB limit of the merged document, and conflicts with a writer outside the store.
import { defineSchema, defineTable, v } from "@lunora/hyperdrive/schema";
import { openStoreDriver, type StoreDriver } from "./store-scenarios";
import { errorOf, until } from "./scenario-helpers";

export async function partialPatchScenario(driver: StoreDriver, env: any, table: string): Promise<unknown> {
  const d = openStoreDriver(driver, env);
  const q = (name: string) => (d.engine === "postgres" ? `"${name}"` : `\`${name}\``);
  const ph = d.engine === "postgres" ? "$1" : "?";
  const schema = defineSchema({
    [table]: defineTable({
      name: v.string(),
      n: v.int64(),
      score: v.number(),
      note: v.optional(v.string()),
      body: v.optional(v.string()),
      tags: v.array(v.string()),
    })
      .index("by_score", ["score"])
      .global(),
  });
  // blindPatches off: a lone patch reads first too, so every patch here is a read-modify-write.
  const db = d.open(schema, { maxRetries: 8, retryBaseDelayMs: 1, blindPatches: false });
  const rawRow = async (id: string) => (await d.raw(`SELECT * FROM ${q(table)} WHERE ${q("_id")} = ${ph}`, [id]))[0];
  const out: Record<string, unknown> = {};
  try {
    await db.migrate();
    const [a, b] = await db.mutation(async (w: any) => [
      await w.insert(table, { name: "a", n: 1n, score: 1, note: "first", tags: ["x"] }),
      await w.insert(table, { name: "b", n: 2n, score: 2, tags: [] }),
    ]);
    const versionA = Number((await rawRow(a))._version);

    // 1. A read-modify-write.
    await db.mutation(async (w: any) => {
      const doc = await w.get(a);
      await w.patch(a, { n: doc.n + 1n });
    });
    out.rmw = {
      doc: await db.query((r: any) => r.get(a)).then((d: any) => ({ name: d.name, n: String(d.n), score: d.score, note: d.note, tags: d.tags })),
      versionStep: Number((await rawRow(a))._version) - versionA,
    };

    // 2. Inside one mutation: a query after the patch sees the merged document, by a filter on a
    // field it did not name and over the index key it moved; a second patch of the same document
    // adds to the first; removing an optional field.
    out.sameMutation = await db.mutation(async (w: any) => {
      const doc = await w.get(a);
      await w.patch(a, { score: 10, note: undefined });
      const byFilter = await w.query(table).fullTableScan().filter((f: any) => f.eq(f.field("name"), "a")).collect();
      const byIndex = await w.query(table).withIndex("by_score", (r: any) => r.gte("score", 5)).collect();
      await w.patch(a, { name: "a2" });
      const own = await w.get(a);
      return {
        read: doc.score,
        byFilter: byFilter.map((d: any) => [d.score, "note" in d]),
        byIndex: byIndex.map((d: any) => d._id === a),
        own: [own.name, own.score, "note" in own, String(own.n)],
      };
    });
    const stored = await db.query((r: any) => r.get(a));
    out.stored = [stored.name, stored.score, "note" in stored, String(stored.n), stored.tags];
    out.orderByScore = (await db.query((r: any) => r.query(table).withIndex("by_score").collect())).map((d: any) => d.name);

    // 3. A live query over an index range re-runs when a read-modify-write moves a document into it.
    const seen: unknown[] = [];
    const stop = db.subscribe(
      (r: any) => r.query(table).withIndex("by_score", (x: any) => x.gte("score", 20)).collect(),
      (docs: any[]) => seen.push(docs.map((d) => d.name)),
    );
    await until(() => seen.length >= 1);
    await db.mutation(async (w: any) => {
      const doc = await w.get(b);
      await w.patch(b, { score: doc.score + 20 });
    });
    await until(() => seen.length >= 2);
    stop();
    out.subscription = seen;

    // 4. Bad input: the error names the field as the whole document's check does; nothing is written.
    const before = await rawRow(b);
    out.badValue = await errorOf(() => db.mutation(async (w: any) => (await w.get(b), w.patch(b, { score: "high" }))));
    out.unknownField = await errorOf(() => db.mutation(async (w: any) => (await w.get(b), w.patch(b, { nope: 1 }))));
    out.requiredRemoved = await errorOf(() => db.mutation(async (w: any) => (await w.get(b), w.patch(b, { name: undefined }))));
    // The merged document over 1 MiB (each string alone is within it).
    await db.mutation(async (w: any) => (await w.get(b), w.patch(b, { body: "x".repeat(700_000) })));
    out.tooLarge = await errorOf(() => db.mutation(async (w: any) => (await w.get(b), w.patch(b, { note: "y".repeat(400_000) }))));
    // A document whose bound is over the limit but whose size is not: the patch lands.
    out.largeButFits = await errorOf(() => db.mutation(async (w: any) => (await w.get(b), w.patch(b, { note: "small" }))));
    const after = await rawRow(b);
    out.unchangedByErrors = after.note === "small" && after.score === before.score && Number(after._version) === Number(before._version) + 2;

    // 5. A writer outside the store changes the row between the read and the write: the
    // `_version` guard fails, the mutation re-runs on the new row, and no increment is lost.
    let runs = 0;
    await db.mutation(async (w: any) => {
      runs += 1;
      const doc = await w.get(a);
      if (runs === 1) {
        await d.raw(`UPDATE ${q(table)} SET ${q("n")} = ${q("n")} + 100, ${q("_version")} = ${q("_version")} + 1 WHERE ${q("_id")} = ${ph}`, [a]);
      }
      await w.patch(a, { n: doc.n + 1n });
    });
    out.conflict = { runs, n: String((await db.query((r: any) => r.get(a))).n) };
    return out;
  } finally {
    await d.close();
  }
}
