import type { Kysely, Transaction } from "kysely";

/** Runs `work` in a transaction, joining the caller's when `db` already is one (Kysely cannot nest them). */
export function inTransaction<DB, T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<DB>) : db.transaction().execute(work);
}
