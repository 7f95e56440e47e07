// @lunora/hyperdrive/host: a reference Durable Object host for the `.global()` store, with
// functions run by name over HTTP / RPC and live queries over hibernatable WebSockets.
// workerd only (it imports "cloudflare:workers").
export { defineStoreHost, forwardToStoreHost, isConnectionError, StoreHostBase, StoreHostError } from "./host.js";
export type {
  ActionCtx,
  ActionHandler,
  MutationCtx,
  MutationHandler,
  QueryCtx,
  QueryHandler,
  HostEngine,
  StoreHostOptions,
} from "./host.js";
export { mysql2Driver, postgresJsDriver } from "./drivers.js";
export type { HostDriver, HostDriverContext, HostDriverFactory } from "./drivers.js";
export type { ClientMessage, FunctionKind, RunRequest, RunResponse, ServerMessage, SubscriptionId } from "./protocol.js";
/** Lunora values <-> the JSON the host's HTTP and WebSocket messages carry. */
export { decodeValue, encodeValue } from "../values/wire.js";
