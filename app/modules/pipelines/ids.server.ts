import { notFound } from "../auth/guards.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A route's id parameter; anything that is not a uuid cannot name a record, so it is a 404 (not a database error). */
export function idParam(value: string | undefined): string {
  if (!value || !UUID.test(value)) notFound();
  return value;
}
