// The wire protocol of the reference store host (HTTP and WebSocket). Values inside `args`
// and `value` are Lunora JSON (encodeValue / decodeValue): int64 as {"$integer"}, bytes as
// {"$bytes"}, NaN/Infinity/-0 as {"$float"}; everything else is plain JSON.

export type FunctionKind = "query" | "mutation" | "action";

/** POST /run body. */
export interface RunRequest {
  kind: FunctionKind;
  name: string;
  args?: unknown;
}

/** POST /run response (status 200 when ok, 4xx/5xx otherwise). */
export type RunResponse = { ok: true; value: unknown } | { ok: false; code: string; message: string };

export type SubscriptionId = string | number;

/** Client -> host over the WebSocket. */
export type ClientMessage =
  | { type: "subscribe"; id: SubscriptionId; name: string; args?: unknown }
  | { type: "unsubscribe"; id: SubscriptionId }
  | { type: "ping" };

/**
 * Host -> client. `result` comes first after a subscribe and then whenever the query's
 * result changes; `error` reports a failed run (or a bad message, with `id: null`); the
 * subscription stays active after an error and the socket stays open.
 */
export type ServerMessage =
  | { type: "result"; id: SubscriptionId; value: unknown }
  | { type: "error"; id: SubscriptionId | null; code: string; message: string }
  | { type: "unsubscribed"; id: SubscriptionId }
  | { type: "pong" };
