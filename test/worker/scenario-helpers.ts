// Small helpers the store scenarios share.

/** The error `run` throws, as plain data for the test's JSON answer (null: none). */
export const errorOf = async (run: () => Promise<unknown>) => {
  try {
    await run();
    return null;
  } catch (error: any) {
    return { name: error?.constructor?.name, code: error?.code, message: String(error?.message).slice(0, 400) };
  }
};

/** Waits (at most ~2 s) until `done()` holds: for live queries' deliveries. */
export const until = async (done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
};
