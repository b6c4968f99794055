import { type RawBuilder, sql } from "kysely";
import { z } from "zod";

/** A position in a (timestamp DESC, id DESC) order. `at` keeps Postgres' microseconds, which a JS Date would round away. */
export type Cursor = { at: string; id: string };

const cursorSchema = z.object({ at: z.iso.datetime(), id: z.uuid() });

/** The column as an exact UTC ISO string, selected next to each row so it can become a cursor. */
export function exactTimestamp(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.at}|${cursor.id}`).toString("base64url");
}

/** Undefined for anything that is not a cursor we made (a tampered URL shows the first page). */
export function decodeCursor(value: string | null | undefined): Cursor | undefined {
  if (!value || value.length > 200) return undefined;
  const [at, id] = Buffer.from(value, "base64url").toString("utf8").split("|");
  const parsed = cursorSchema.safeParse({ at, id });
  return parsed.success ? parsed.data : undefined;
}
