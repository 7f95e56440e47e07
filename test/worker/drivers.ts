// Builds each driver the contract names from a Hyperdrive binding, the way a user would in
// an action, and wraps it with the matching adapter.
import { createHyperdrive, fromMysql2, fromNodePg, fromPostgresJs, type SqlClient } from "@lunora/hyperdrive";
import mysql from "mysql2/promise";
import pg from "pg";
import postgres from "postgres";

export type DriverName = "postgres-js" | "pg-pool" | "pg-client" | "mysql2-pool" | "mysql2-conn";

export interface OpenClient {
  sql: SqlClient;
  close(): Promise<void>;
}

export async function openClient(driver: DriverName, binding: Hyperdrive, connectTimeoutMs = 10_000): Promise<OpenClient> {
  const { connectionString } = createHyperdrive(binding);
  const seconds = Math.max(1, Math.round(connectTimeoutMs / 1000));
  switch (driver) {
    case "postgres-js": {
      const sql = postgres(connectionString, { fetch_types: false, max: 4, connect_timeout: seconds });
      return { sql: fromPostgresJs(sql), close: () => sql.end({ timeout: 1 }) };
    }
    case "pg-pool": {
      const pool = new pg.Pool({ connectionString, max: 4, connectionTimeoutMillis: connectTimeoutMs });
      return { sql: fromNodePg(pool), close: () => pool.end() };
    }
    case "pg-client": {
      const client = new pg.Client({ connectionString, connectionTimeoutMillis: connectTimeoutMs });
      await client.connect();
      return { sql: fromNodePg(client), close: () => client.end() };
    }
    case "mysql2-pool": {
      const pool = mysql.createPool({ uri: connectionString, disableEval: true, connectionLimit: 4, connectTimeout: connectTimeoutMs });
      return { sql: fromMysql2(pool), close: () => pool.end() };
    }
    case "mysql2-conn": {
      const conn = await mysql.createConnection({ uri: connectionString, disableEval: true, connectTimeout: connectTimeoutMs });
      return { sql: fromMysql2(conn), close: () => conn.end() };
    }
  }
}

export const isMysql = (driver: DriverName) => driver.startsWith("mysql2");
