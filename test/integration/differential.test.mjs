// The differential test: seeded random writes and queries (every index shape, filters,
// take/first/unique/collect/iteration, pagination with writes between pages, reads inside
// mutations) run inside workerd on real PostgreSQL and MariaDB and on SQLite (a D1 database and
// a Durable Object's own storage, real SQLite in Miniflare), each answer checked against the
// core's brute-force reference model (test/worker/differential-scenarios.ts). Every run must
// agree with the model, and the engines must agree with each other step for step.
//
// Replay one run: GET /store/<driver>/differential-<seed>[-special][-large] on the test Worker.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestWorker, uniqueTable } from "../support/worker.mjs";

const PORTABLE_SEEDS = [1, 2, 3, 4];
const SPECIAL_SEEDS = [5];  // adds NaN, +-Infinity, -0 (Postgres only: MySQL and SQLite refuse them)
const LARGE_SEEDS = [6, 7];  // 700 documents and pages of 150..650: SQL batches (500) end inside pages
const PG = ["postgres-js-wrapper", "pg-pool"];
const ALL = [...PG, "mysql2-pool"];
const SQLITE = ["d1", "do-sqlite"];

let worker;
before(async () => {
  worker = await startTestWorker();
});
after(() => worker?.dispose());

// The first run's trace of each scenario, so later engines are compared step for step too.
const firstRuns = new Map();

async function runAll(drivers, scenario) {
  const runs = await Promise.all(drivers.map((driver) => worker.get(`/store/${driver}/${scenario}?table=${uniqueTable("diff")}`)));
  if (!firstRuns.has(scenario) && runs[0]?.trace) firstRuns.set(scenario, { driver: drivers[0], run: runs[0] });
  return runs;
}

/** Runs `drivers` and checks them together with the scenario's first run on the other engines. */
async function runAfterOthers(drivers, scenario, large = false) {
  const runs = await runAll(drivers, scenario);
  const first = firstRuns.get(scenario);
  if (first && !drivers.includes(first.driver)) check([first.driver, ...drivers], [first.run, ...runs], large);
  else check(drivers, runs, large);
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
      check(PG, await runAll(PG, `differential-${seed}`));
    });
  }
});

// SQLite runs after the servers' runs (all in the one workerd process, where the SQLite work
// would otherwise compete with the server drivers' connection timeouts), and is compared step
// for step with their trace of the same seed.
describe("differential: D1 and Durable Object SQLite agree with the model and the servers", { concurrency: true }, () => {
  for (const seed of PORTABLE_SEEDS) {
    test(`seed ${seed} on ${SQLITE.join(", ")}`, () => runAfterOthers(SQLITE, `differential-${seed}`));
  }
  for (const seed of LARGE_SEEDS) {
    test(`seed ${seed}, large table, on ${SQLITE.join(", ")}`, () => runAfterOthers(SQLITE, `differential-${seed}-large`, true));
  }
});
