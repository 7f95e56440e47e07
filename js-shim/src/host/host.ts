// The reference Durable Object host of the `.global()` store.
//
// One Durable Object instance owns one GlobalCtxDb, so every commit goes through one store
// (which serialises commits and matches them against live queries' read sets). The instance
// keeps nothing that it cannot rebuild: the driver and the store are built lazily, the
// driver is replaced after a dropped connection, and each WebSocket's subscriptions live in
// its serialized attachment, so they are re-registered after hibernation.
import { DurableObject } from "cloudflare:workers";
import { LunoraHyperdriveError, SqlConnectionError, StoreConfigurationError } from "../errors.js";
import { fromDurableObjectSql } from "../adapters/durable-object-sql.js";
import type { SqlExec } from "../global/exec.js";
import { buildDurableObjectSqlExec } from "../global/sqlite-exec.js";
import {
  createHyperdriveGlobalCtxDb,
  type DatabaseReader,
  type DatabaseWriter,
  type GlobalCtxDb,
  type StoreOptions,
} from "../global/store.js";
import { createHyperdrive, type HyperdriveLike } from "../hyperdrive.js";
import type { GenericSchema } from "../schema/schema.js";
import type { SqlClient } from "../sql-client.js";
import { decodeValue, encodeValue } from "../values/wire.js";
import type { HostDriver, HostDriverFactory } from "./drivers.js";
import type { ClientMessage, FunctionKind, RunResponse, ServerMessage, SubscriptionId } from "./protocol.js";

/** What a query sees: a reader, and nothing that does I/O outside the store. */
export interface QueryCtx<S extends GenericSchema = GenericSchema> {
  readonly db: DatabaseReader<S>;
}
/** What a mutation sees: a writer (its writes commit atomically, or not at all). */
export interface MutationCtx<S extends GenericSchema = GenericSchema> {
  readonly db: DatabaseWriter<S>;
}
/**
 * What an action sees: `ctx.sql` (non-deterministic and non-reactive: writes made through it
 * re-run no live query) and the store only through runQuery / runMutation.
 */
export interface ActionCtx<Env = unknown> {
  readonly env: Env;
  readonly sql: SqlClient;
  runQuery<R = any>(name: string, args?: unknown): Promise<R>;
  runMutation<R = any>(name: string, args?: unknown): Promise<R>;
}

export type QueryHandler<S extends GenericSchema = GenericSchema> = (ctx: QueryCtx<S>, args: any) => unknown;
export type MutationHandler<S extends GenericSchema = GenericSchema> = (ctx: MutationCtx<S>, args: any) => unknown;
export type ActionHandler<Env = unknown> = (ctx: ActionCtx<Env>, args: any) => unknown;

/**
 * Where the host keeps the `.global()` tables: Postgres or MySQL through Hyperdrive, or
 * "sqlite": the Durable Object's own SQLite storage (no external database; actions' `ctx.sql`
 * is that storage too).
 */
export type HostEngine = "postgres" | "mysql" | "sqlite";

export interface StoreHostOptions<S extends GenericSchema, Env = unknown> {
  schema: S;
  /** The engine, or a function choosing it from `env` (e.g. a var), once per instance. */
  engine: HostEngine | ((env: Env) => HostEngine);
  /** The Hyperdrive binding's name in `env` (default "HYPERDRIVE"). */
  binding?: string;
  /** `postgresJsDriver(postgres)` or `mysql2Driver(mysql)` (or your own factory); not for "sqlite". */
  driver?: HostDriverFactory<Env>;
  queries?: Record<string, QueryHandler<S>>;
  mutations?: Record<string, MutationHandler<S>>;
  actions?: Record<string, ActionHandler<Env>>;
  /** Connections the driver may hold (default 4; a Durable Object may hold at most 6). */
  maxConnections?: number;
  store?: StoreOptions;
}

/** A request the host refuses; `code` is stable. */
export class StoreHostError extends LunoraHyperdriveError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

// workerd's limit on a WebSocket attachment is 2 KiB; keep a margin for the encoding.
const ATTACHMENT_LIMIT = 1900;
const RESTORE_WAIT_MS = 5000;
const MAX_RETRY_DELAY_MS = 10_000;

interface HostSocket {
  send(message: string): void;
  close(code?: number, reason?: string): void;
  serializeAttachment(value: unknown): void;
  deserializeAttachment(): unknown;
}
declare const WebSocketPair: { new (): { 0: HostSocket; 1: HostSocket } };

/** One subscription as kept in the socket's attachment. */
interface StoredSubscription {
  i: SubscriptionId;  // the client's id
  n: string;          // query name
  a: unknown;         // args, Lunora JSON
  h?: string;         // hash of the last result sent
}
interface Attachment {
  s: string;
  subs: StoredSubscription[];
}
interface LiveSubscription {
  stored: StoredSubscription;
  stop: () => void;
}
interface SocketEntry {
  id: string;
  ws: HostSocket;
  subs: Map<string, LiveSubscription>;
}

const keyOf = (id: SubscriptionId) => `${typeof id}:${id}`;

export function isConnectionError(error: unknown): boolean {
  return error instanceof SqlConnectionError || (error as { code?: unknown } | null)?.code === "SQL_CONNECTION_ERROR";
}

/** The base class `defineStoreHost` returns a subclass of. */
export class StoreHostBase<S extends GenericSchema = GenericSchema, Env = unknown> extends DurableObject<Env> {
  #options: StoreHostOptions<S, Env>;
  #engine: HostEngine;
  #driver: Promise<HostDriver> | undefined;
  #db: GlobalCtxDb<S> | undefined;
  #restoring: Promise<void> | undefined;
  #sockets = new Map<string, SocketEntry>();

  constructor(ctx: any, env: Env, options: StoreHostOptions<S, Env>) {
    super(ctx, env);
    this.#options = options;
    this.#engine = resolveEngine(options, env);
  }

  // ---- HTTP and RPC ----

  /** POST /run {kind, name, args} -> RunResponse; a WebSocket upgrade opens a live-query socket. */
  async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") return this.#accept();
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname.endsWith("/run")) {
      let body: { kind?: unknown; name?: unknown; args?: unknown };
      try {
        body = (await request.json()) as typeof body;
      } catch {
        return respond({ ok: false, code: "BAD_REQUEST", message: "the body must be JSON: {kind, name, args}" }, 400);
      }
      try {
        const args = body?.args === undefined ? {} : decodeValue(body.args);
        const value = await this.run(body?.kind as FunctionKind, body?.name as string, args);
        return respond({ ok: true, value: encodeValue(value === undefined ? null : value) }, 200);
      } catch (error) {
        const { code, message } = describe(error);
        return respond({ ok: false, code, message }, statusOf(code));
      }
    }
    return respond({ ok: false, code: "NOT_FOUND", message: "POST /run {kind, name, args}, or open a WebSocket" }, 404);
  }

  /** Runs a function by name (also callable over Durable Object RPC, with plain JS values). */
  async run(kind: FunctionKind, name: string, args: unknown = {}): Promise<unknown> {
    await this.#ensureRestored();
    if (kind === "query") return this.#runQuery(name, args);
    if (kind === "mutation") return this.#runMutation(name, args);
    if (kind === "action") return this.#runAction(name, args);
    throw new StoreHostError("BAD_REQUEST", `kind must be "query", "mutation" or "action", got ${JSON.stringify(kind)}`);
  }

  #handler<H>(kind: FunctionKind, name: string): H {
    const table = (kind === "query" ? this.#options.queries : kind === "mutation" ? this.#options.mutations : this.#options.actions) ?? {};
    const handler = typeof name === "string" && Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
    if (typeof handler !== "function") {
      throw new StoreHostError("UNKNOWN_FUNCTION", `no ${kind} named ${JSON.stringify(String(name).slice(0, 64))}`);
    }
    return handler as H;
  }

  #runQuery(name: string, args: unknown): Promise<unknown> {
    const handler = this.#handler<QueryHandler<S>>("query", name);
    return this.#store().query(async (db) => handler(Object.freeze({ db }), args));
  }

  #runMutation(name: string, args: unknown): Promise<unknown> {
    const handler = this.#handler<MutationHandler<S>>("mutation", name);
    return this.#store().mutation(async (db) => handler(Object.freeze({ db }), args));
  }

  async #runAction(name: string, args: unknown): Promise<unknown> {
    const handler = this.#handler<ActionHandler<Env>>("action", name);
    const ctx: ActionCtx<Env> = Object.freeze({
      env: this.env,
      sql: this.#actionSql(),
      runQuery: (n: string, a: unknown = {}) => this.#runQuery(n, a) as Promise<any>,
      runMutation: (n: string, a: unknown = {}) => this.#runMutation(n, a) as Promise<any>,
    });
    return handler(ctx, args);
  }

  // ---- driver and store, built lazily ----

  #currentDriver(): Promise<HostDriver> {
    if (!this.#driver) {
      const options = this.#options;
      const binding = (this.env as Record<string, unknown>)[options.binding ?? "HYPERDRIVE"] as HyperdriveLike | undefined;
      const engine = this.#engine;
      if (engine === "sqlite" || !options.driver) throw new StoreConfigurationError("this store host has no driver");
      const driver = options.driver;
      const attempt = (async () =>
        driver({ env: this.env, engine, connection: createHyperdrive(binding), maxConnections: options.maxConnections ?? 4 }))();
      this.#driver = attempt;
      attempt.catch(() => {
        if (this.#driver === attempt) this.#driver = undefined;
      });
    }
    return this.#driver;
  }

  /** Forgets a driver that lost its connection; the next statement opens a new one. */
  #dropDriver(driver: HostDriver): void {
    void this.#driver?.then((current) => {
      if (current !== driver) return;
      this.#driver = undefined;
      void driver.close().catch(() => undefined);
    }).catch(() => undefined);
  }

  async #withDriver<R>(fn: (driver: HostDriver) => Promise<R>): Promise<R> {
    const driver = await this.#currentDriver();
    try {
      return await fn(driver);
    } catch (error) {
      if (isConnectionError(error)) this.#dropDriver(driver);
      throw error;
    }
  }

  /**
   * The store's SqlExec: always the current driver. A read that fails on a dropped
   * connection is retried once on a fresh driver (a SELECT wrote nothing); a write is not
   * (it may have landed), its mutation fails and the next one uses the fresh driver.
   */
  #storeExec(): SqlExec {
    if (this.#engine === "sqlite") return buildDurableObjectSqlExec(this.ctx.storage as never);
    const exec: SqlExec = {
      query: async (text, params) => {
        const driver = await this.#currentDriver();
        try {
          return await driver.exec.query(text, params);
        } catch (error) {
          if (!isConnectionError(error)) throw error;
          this.#dropDriver(driver);
          if (!/^\s*select\b/i.test(text)) throw error;
          return (await this.#freshDriver(driver)).exec.query(text, params);
        }
      },
    };
    if (this.#engine === "mysql") {
      exec.transaction = (fn) =>
        this.#withDriver((driver) => {
          if (!driver.exec.transaction) throw new StoreConfigurationError("the host's MySQL driver has no transaction()");
          return driver.exec.transaction(fn);
        });
    }
    return exec;
  }

  async #freshDriver(old: HostDriver): Promise<HostDriver> {
    const current = await this.#currentDriver();
    if (current !== old) return current;
    this.#driver = undefined;
    return this.#currentDriver();
  }

  #actionSql(): SqlClient {
    const dialect = this.#engine;
    if (dialect === "sqlite") return fromDurableObjectSql(this.ctx.storage as never);
    return Object.freeze({
      dialect,
      query: (text: string, params?: readonly unknown[]) => this.#withDriver((d) => d.sql.query(text, params)),
      execute: (text: string, params?: readonly unknown[]) => this.#withDriver((d) => d.sql.execute(text, params)),
      transaction: <R>(fn: (tx: SqlClient) => Promise<R>) => this.#withDriver((d) => d.sql.transaction(fn)),
    }) as SqlClient;
  }

  #store(): GlobalCtxDb<S> {
    this.#db ??= createHyperdriveGlobalCtxDb<S>({
      ...this.#options.store,
      engine: this.#engine,
      schema: this.#options.schema,
      exec: this.#storeExec(),
    });
    return this.#db;
  }

  /**
   * Drops everything the instance holds in memory, exactly as hibernation or eviction does
   * (open sockets and their attachments stay with the runtime). Subclasses may call it, e.g.
   * to test that subscriptions come back.
   */
  protected async resetInstanceState(): Promise<void> {
    for (const entry of this.#sockets.values()) for (const live of entry.subs.values()) live.stop();
    this.#sockets.clear();
    this.#restoring = undefined;
    this.#db = undefined;
    const driver = this.#driver;
    this.#driver = undefined;
    await driver?.then((d) => d.close()).catch(() => undefined);
  }

  // ---- WebSockets (hibernation API) ----

  #accept(): Response {
    const pair = new WebSocketPair();
    const server = pair[1];
    this.ctx.acceptWebSocket(server);
    const entry: SocketEntry = { id: crypto.randomUUID(), ws: server, subs: new Map() };
    this.#sockets.set(entry.id, entry);
    this.#persist(entry);
    return new Response(null, { status: 101, webSocket: pair[0] } as ResponseInit);
  }

  /** After a wake-up: re-registers every socket's subscriptions, waiting for their first runs. */
  #ensureRestored(): Promise<void> {
    this.#restoring ??= (async () => {
      const firsts: Promise<void>[] = [];
      for (const ws of this.ctx.getWebSockets() as HostSocket[]) {
        const attachment = readAttachment(ws);
        if (!attachment || this.#sockets.has(attachment.s)) continue;
        const entry: SocketEntry = { id: attachment.s, ws, subs: new Map() };
        this.#sockets.set(entry.id, entry);
        for (const stored of attachment.subs) firsts.push(this.#start(entry, stored));
      }
      if (firsts.length > 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([Promise.all(firsts), new Promise((r) => (timer = setTimeout(r, RESTORE_WAIT_MS)))]);
        clearTimeout(timer);
      }
    })();
    return this.#restoring;
  }

  #entryFor(ws: HostSocket): SocketEntry | undefined {
    const attachment = readAttachment(ws);
    if (!attachment) return undefined;
    let entry = this.#sockets.get(attachment.s);
    if (!entry) {
      entry = { id: attachment.s, ws, subs: new Map() };
      this.#sockets.set(entry.id, entry);
    }
    return entry;
  }

  async webSocketMessage(ws: HostSocket, message: string | ArrayBuffer): Promise<void> {
    try {
      await this.#ensureRestored();
      const entry = this.#entryFor(ws);
      if (!entry) return send(ws, { type: "error", id: null, code: "BAD_SOCKET", message: "this socket has no host state" });
      let parsed: ClientMessage;
      try {
        if (typeof message !== "string") throw new Error("binary");
        parsed = JSON.parse(message) as ClientMessage;
      } catch {
        return send(ws, { type: "error", id: null, code: "BAD_MESSAGE", message: "messages are JSON text: {type: \"subscribe\" | \"unsubscribe\", ...}" });
      }
      const id = (parsed as { id?: unknown })?.id;
      if (parsed?.type === "ping") return send(ws, { type: "pong" });
      if (typeof id !== "string" && (typeof id !== "number" || !Number.isFinite(id))) {
        return send(ws, { type: "error", id: null, code: "BAD_MESSAGE", message: "a subscription id (string or number) is required" });
      }
      if (parsed.type === "unsubscribe") {
        const live = entry.subs.get(keyOf(id));
        live?.stop();
        entry.subs.delete(keyOf(id));
        this.#persist(entry);
        return send(ws, { type: "unsubscribed", id });
      }
      if (parsed.type !== "subscribe") {
        return send(ws, { type: "error", id, code: "BAD_MESSAGE", message: `unknown message type ${JSON.stringify(String((parsed as { type?: unknown }).type))}` });
      }
      try {
        this.#handler("query", parsed.name);
        const args = parsed.args === undefined ? {} : parsed.args;
        decodeValue(args); // refuse bad args now, not on every run
        entry.subs.get(keyOf(id))?.stop();
        entry.subs.delete(keyOf(id));
        const stored: StoredSubscription = { i: id, n: parsed.name, a: args };
        if (attachmentSize(entry, stored) > ATTACHMENT_LIMIT) {
          throw new StoreHostError("SUBSCRIPTION_LIMIT", "too many (or too large) subscriptions on this socket; open another socket");
        }
        void this.#start(entry, stored);
      } catch (error) {
        const { code, message: text } = describe(error);
        send(ws, { type: "error", id, code, message: text });
      }
    } catch (error) {
      const { code, message: text } = describe(error);
      send(ws, { type: "error", id: null, code, message: text });
    }
  }

  async webSocketClose(ws: HostSocket, code: number, reason: string): Promise<void> {
    this.#closed(ws);
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      /* already closed */
    }
  }

  async webSocketError(ws: HostSocket): Promise<void> {
    this.#closed(ws);
  }

  #closed(ws: HostSocket): void {
    const attachment = readAttachment(ws);
    const entry = attachment && this.#sockets.get(attachment.s);
    if (!entry) return;
    for (const live of entry.subs.values()) live.stop();
    this.#sockets.delete(entry.id);
  }

  /** Starts (or restarts) one subscription; resolves after its first delivery. */
  #start(entry: SocketEntry, stored: StoredSubscription): Promise<void> {
    const key = keyOf(stored.i);
    let firstDone: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (firstDone = resolve));
    let handler: QueryHandler<S>;
    let args: unknown;
    try {
      handler = this.#handler<QueryHandler<S>>("query", stored.n);
      args = decodeValue(stored.a);
    } catch (error) {
      const { code, message } = describe(error);
      send(entry.ws, { type: "error", id: stored.i, code, message });
      this.#persist(entry);
      return Promise.resolve();
    }
    let stopped = false;
    let retryDelay = 100;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let unsubscribe: () => void = () => undefined;
    const live: LiveSubscription = {
      stored,
      stop: () => {
        stopped = true;
        clearTimeout(retryTimer);
        unsubscribe();
      },
    };
    const subscribe = () => {
      unsubscribe = this.#store().subscribe(
        async (db) => handler(Object.freeze({ db }), args),
        (value) => {
          if (stopped) return;
          retryDelay = 100;
          try {
            const encoded = encodeValue(value === undefined ? null : value);
            const hash = fnv1a(JSON.stringify(encoded));
            if (hash !== stored.h) {
              stored.h = hash;
              this.#persist(entry);
              send(entry.ws, { type: "result", id: stored.i, value: encoded });
            }
          } catch (error) {
            const { code, message } = describe(error);
            send(entry.ws, { type: "error", id: stored.i, code, message });
          }
          firstDone();
        },
        (error) => {
          if (stopped) return;
          const { code, message } = describe(error);
          stored.h = undefined; // the next good result is sent even if unchanged
          this.#persist(entry);
          send(entry.ws, { type: "error", id: stored.i, code, message });
          firstDone();
          if (isConnectionError(error)) {
            // Nothing will commit to wake this query while the database is away: re-run it.
            unsubscribe();
            retryTimer = setTimeout(() => {
              if (!stopped) subscribe();
            }, retryDelay);
            retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY_MS);
          }
        },
      );
    };
    entry.subs.set(key, live);
    this.#persist(entry);
    subscribe();
    return first;
  }

  #persist(entry: SocketEntry): void {
    const attachment: Attachment = { s: entry.id, subs: [...entry.subs.values()].map((live) => live.stored) };
    try {
      entry.ws.serializeAttachment(attachment);
    } catch {
      /* socket closing */
    }
  }
}

/** Returns the Durable Object class hosting a `.global()` store (export it from your Worker). */
export function defineStoreHost<S extends GenericSchema, Env = unknown>(options: StoreHostOptions<S, Env>): {
  new (ctx: any, env: Env): StoreHostBase<S, Env>;
} {
  if (!options || typeof options !== "object") throw new StoreConfigurationError("defineStoreHost() expects an options object");
  if (typeof options.engine !== "function") checkEngine(options, options.engine);
  const max = options.maxConnections ?? 4;
  if (!Number.isInteger(max) || max < 1 || max > 5) {
    throw new StoreConfigurationError("defineStoreHost(): maxConnections must be 1..5 (a Durable Object holds at most 6 connections; one is kept for a rebuild)");
  }
  for (const kind of ["queries", "mutations", "actions"] as const) {
    for (const [name, fn] of Object.entries(options[kind] ?? {})) {
      if (typeof fn !== "function") throw new StoreConfigurationError(`defineStoreHost(): ${kind}.${name} is not a function`);
    }
  }
  return class StoreHost extends StoreHostBase<S, Env> {
    constructor(ctx: any, env: Env) {
      super(ctx, env, options);
    }
  };
}

function resolveEngine<S extends GenericSchema, Env>(options: StoreHostOptions<S, Env>, env: Env): HostEngine {
  const engine = typeof options.engine === "function" ? options.engine(env) : options.engine;
  checkEngine(options, engine);
  return engine;
}

function checkEngine<S extends GenericSchema, Env>(options: StoreHostOptions<S, Env>, engine: unknown): asserts engine is HostEngine {
  if (engine !== "postgres" && engine !== "mysql" && engine !== "sqlite") {
    throw new StoreConfigurationError(`defineStoreHost(): engine must be "postgres", "mysql" or "sqlite", got ${JSON.stringify(engine)}`);
  }
  if (engine !== "sqlite" && typeof options.driver !== "function") {
    throw new StoreConfigurationError(
      "defineStoreHost(): pass driver: postgresJsDriver(postgres) (import postgres from \"postgres\") or " +
        "mysql2Driver(mysql) (import mysql from \"mysql2/promise\"); the package bundles no driver",
    );
  }
}

/** Forwards a request to the store's single Durable Object instance (all commits meet there). */
export function forwardToStoreHost(
  request: Request,
  namespace: { idFromName(name: string): unknown; get(id: any): { fetch(request: Request): Promise<Response> } },
  instanceName = "global",
): Promise<Response> {
  return namespace.get(namespace.idFromName(instanceName)).fetch(request);
}

function readAttachment(ws: HostSocket): Attachment | undefined {
  try {
    const value = ws.deserializeAttachment() as Attachment | null;
    return value && typeof value.s === "string" && Array.isArray(value.subs) ? value : undefined;
  } catch {
    return undefined;
  }
}

function attachmentSize(entry: SocketEntry, extra: StoredSubscription): number {
  const subs = [...entry.subs.values()].map((live) => live.stored);
  return new TextEncoder().encode(JSON.stringify({ s: entry.id, subs: [...subs, { ...extra, h: "00000000" }] })).length;
}

function send(ws: HostSocket, message: ServerMessage): void {
  try {
    ws.send(JSON.stringify(message));
  } catch {
    /* the socket is closing; its close handler cleans up */
  }
}

function respond(body: RunResponse, status: number): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function describe(error: unknown): { code: string; message: string } {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "string" && e.code ? e.code : "FUNCTION_FAILED";
  const message = typeof e?.message === "string" ? e.message : String(error);
  return { code, message };
}

function statusOf(code: string): number {
  switch (code) {
    case "UNKNOWN_FUNCTION":
      return 404;
    case "BAD_REQUEST":
    case "VALIDATION_FAILED":
    case "INVALID_VALUE":
    case "NOT_FOUND":
    case "INVALID_CURSOR":
    case "UNSUPPORTED_VALUE":
      return 400;
    case "CONFLICT":
      return 409;
    case "SQL_ERROR":
    case "SQL_CONNECTION_ERROR":
      return 502;
    default:
      return 500;
  }
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
