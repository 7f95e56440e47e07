// Store scenarios by route name (/store/<driver>/<name>), shared by the Worker and the
// SQLite Durable Object host.
import { differentialScenario } from "./differential-scenarios";
import { queryScenarios, reactivityScenarios, storeScenarios, type Opened } from "./store-scenarios";

export function findStoreScenario(name: string): ((d: Opened, table: string) => Promise<unknown>) | undefined {
  return storeScenarios[name] ?? queryScenarios[name] ?? reactivityScenarios[name] ?? differentialScenario(name);
}
