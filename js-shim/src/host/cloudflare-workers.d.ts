// The one piece of workerd's "cloudflare:workers" module the host uses, declared here so the
// package compiles without @cloudflare/workers-types (whose globals clash with the DOM lib).
// Apps that import "@lunora/hyperdrive/host" get the real declaration from workers-types.
declare module "cloudflare:workers" {
  export abstract class DurableObject<Env = unknown> {
    protected ctx: any;
    protected env: Env;
    constructor(ctx: any, env: Env);
  }
}
