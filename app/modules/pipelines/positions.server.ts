import { generateKeyBetween } from "fractional-indexing";
import { sql, type Transaction } from "kysely";
import type { DB } from "#db/index.js";

/** A fractional-index key strictly between two neighbours (null = open end). Keys compare byte-wise (COLLATE "C"). */
export function keyBetween(lower: string | null | undefined, upper: string | null | undefined): string {
  return generateKeyBetween(lower ?? null, upper ?? null);
}

/**
 * Like keyBetween, but one of 16 keys in the gap chosen at random: used on retries, so writers that
 * all lost the same race to one key do not all pick the same next key again.
 */
export function scatteredKeyBetween(lower: string | null | undefined, upper: string | null | undefined): string {
  let [low, high] = [lower ?? null, upper ?? null];
  let key = keyBetween(low, high);
  for (let split = 0; split < 4; split++) {
    if (Math.random() < 0.5) [high, key] = [key, keyBetween(low, key)];
    else [low, key] = [key, keyBetween(key, high)];
  }
  return key;
}

const MAX_ATTEMPTS = 12;

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const pgError = error as { code?: string; constraint?: string };
  return pgError?.code === "23505" && pgError.constraint === constraint;
}

type KeyPicker = typeof keyBetween;

/**
 * Runs `write` (which computes a fresh key from the rows as they are now, with the given picker) inside
 * a savepoint and retries when a concurrent transaction committed the same key first. The retry re-reads
 * the neighbours, which by then include the winner's key, and scatters its pick so that many losers of
 * one race do not collide again. Works inside a caller's transaction.
 */
export async function withPositionRetry<T>(trx: Transaction<DB>, constraint: string, write: (pickKey: KeyPicker) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await sql`SAVEPOINT position_write`.execute(trx);
    try {
      const result = await write(attempt === 1 ? keyBetween : scatteredKeyBetween);
      await sql`RELEASE SAVEPOINT position_write`.execute(trx);
      return result;
    } catch (error) {
      await sql`ROLLBACK TO SAVEPOINT position_write`
        .execute(trx)
        .catch(() => {
          throw error;
        });
      if (!isUniqueViolation(error, constraint) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
