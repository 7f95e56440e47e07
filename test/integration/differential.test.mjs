// The differential test: seeded random writes and queries (every index shape, filters,
// take/first/unique/collect/iteration, pagination with writes between pages, reads inside
// mutations) run inside workerd on real PostgreSQL and MariaDB, each answer checked against
// the core's brute-force reference model (test/worker/differential-scenarios.ts). Every run
// must agree with the model, and the engines must agree with each other step for step.
//
// Replay one run: GET /store/<driver>/differential-<seed>[-special][-large] on the test Worker.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestWorker, uniqueTable } from "../support/worker.mjs";

const PORTABLE_SEEDS = [1, 2, 3, 4];
const SPECIAL_SEEDS = [5];  // adds NaN, +-Infinity, -0 (Postgres only: MySQL refuses them)
const LARGE_SEEDS = [6, 7];  // 700 documents and pages of 150..650: SQL batches (500) end inside pages
const PG = ["postgres-js-wrapper", "pg-pool"];
const ALL = [...PG, "mysql2-pool"];

let worker;
before(async () => {
  worker = await startTestWorker();
});
after(() => worker?.dispose());

async function runAll(drivers, scenario) {
  return Promise.all(drivers.map((driver) => worker.get(`/store/${driver}/${scenario}?table=${uniqueTable("diff")}`)));
}

function check(drivers, runs, large = false) {
  for (const [i, run] of runs.entries()) {
    assert.ok(run.trace, `${drivers[i]}: ${JSON.stringify(run).slice(0, 2000)}`);
    assert.deepEqual(run.mismatches, [], `${drivers[i]} disagrees with the reference model`);
    const covered = large ? run.counts.rows > 500 : run.counts.queries >= 50 && run.counts.pages >= 20 && run.counts.rows > 100;
    assert.ok(covered, `coverage: ${JSON.stringify(run.counts)}`);
  }
  for (let i = 1; i < runs.length; i++) {
    const first = runs[0].trace.findIndex((line, n) => line !== runs[i].trace[n]);
    assert.equal(first === -1 ? runs[0].trace.length === runs[i].trace.length : false, true,
      `${drivers[0]} and ${drivers[i]} diverge at step ${first}: ${runs[0].trace[first]} <> ${runs[i].trace[first]}`);
  }
}

// The seeds run concurrently (each on its own tables): the suite takes as long as its slowest run.
describe("differential: Postgres, MariaDB and the reference model agree", { concurrency: true }, () => {
  for (const seed of PORTABLE_SEEDS) {
    test(`seed ${seed} on ${ALL.join(", ")}`, async () => {
      check(ALL, await runAll(ALL, `differential-${seed}`));
    });
  }
  for (const seed of LARGE_SEEDS) {
    test(`seed ${seed}, large table, on ${ALL.join(", ")}`, async () => {
      check(ALL, await runAll(ALL, `differential-${seed}-large`), true);
    });
  }
  for (const seed of SPECIAL_SEEDS) {
    test(`seed ${seed} with NaN, +-Infinity and -0 on ${PG.join(", ")}`, async () => {
      check(PG, await runAll(PG, `differential-${seed}-special`));
    });
  }
});
