import { type AuthenticationCreds, type AuthenticationState, BufferJSON, initAuthCreds, proto, type SignalDataSet, type SignalDataTypeMap } from "@whiskeysockets/baileys";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import type { SecretBox } from "~/lib/crypto/secret-box.server";

const CREDS = { type: "creds", id: "creds" } as const;

/**
 * Baileys' AuthenticationState kept in Postgres (baileys_auth), never in files: the creds and every
 * signal key are rows, each value sealed with the secret box and bound to (connection, type, id), so a
 * row copied to another connection or key does not open. Values use Baileys' BufferJSON encoding.
 */
export async function openAuthState(db: Database, connectionId: string, box: SecretBox) {
  const context = (type: string, id: string) => `baileys_auth:${connectionId}:${type}:${id}`;
  const seal = (type: string, id: string, value: unknown) => box.encrypt(JSON.stringify(value, BufferJSON.replacer), context(type, id));
  const open = (type: string, id: string, sealed: string): unknown => JSON.parse(box.decrypt(sealed, context(type, id)), BufferJSON.reviver);

  const stored = await db
    .selectFrom("baileys_auth")
    .select("value")
    .where("connection_id", "=", connectionId)
    .where("key_type", "=", CREDS.type)
    .where("key_id", "=", CREDS.id)
    .executeTakeFirst();
  const creds = stored ? (open(CREDS.type, CREDS.id, stored.value) as AuthenticationCreds) : initAuthCreds();

  // Writes of one connection are applied in call order: Baileys fires creds and key updates without awaiting them.
  let writes: Promise<unknown> = Promise.resolve();
  let closed = false;
  const serialized = (work: () => Promise<void>): Promise<void> => {
    // A closed state drops late writes of a dead socket, which could otherwise resurrect a logged-out session;
    // writes asked for before the close still happen.
    if (closed) return Promise.resolve();
    const next = writes.then(work, work);
    writes = next.catch(() => undefined);
    return next;
  };

  const state: AuthenticationState = {
    creds,
    keys: {
      async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
        const found: { [id: string]: SignalDataTypeMap[T] } = {};
        if (ids.length === 0) return found;
        await writes;
        const rows = await db
          .selectFrom("baileys_auth")
          .select(["key_id", "value"])
          .where("connection_id", "=", connectionId)
          .where("key_type", "=", type)
          .where("key_id", "in", ids)
          .execute();
        for (const row of rows) {
          let value = open(type, row.key_id, row.value);
          if (type === "app-state-sync-key" && value) value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
          found[row.key_id] = value as SignalDataTypeMap[T];
        }
        return found;
      },
      set: (data: SignalDataSet) => serialized(() => writeKeys(data)),
    },
  };

  async function writeKeys(data: SignalDataSet) {
    const upserts: Array<{ connection_id: string; key_type: string; key_id: string; value: string; updated_at: Date }> = [];
    const deletes: Array<{ type: string; id: string }> = [];
    for (const [type, entries] of Object.entries(data)) {
      for (const [id, value] of Object.entries(entries ?? {})) {
        if (value) upserts.push({ connection_id: connectionId, key_type: type, key_id: id, value: seal(type, id, value), updated_at: new Date() });
        else deletes.push({ type, id });
      }
    }
    await inTransaction(db, async (trx) => {
      for (let start = 0; start < upserts.length; start += 500) {
        await trx
          .insertInto("baileys_auth")
          .values(upserts.slice(start, start + 500))
          .onConflict((conflict) => conflict.columns(["connection_id", "key_type", "key_id"]).doUpdateSet((eb) => ({ value: eb.ref("excluded.value"), updated_at: eb.ref("excluded.updated_at") })))
          .execute();
      }
      for (const { type, id } of deletes) {
        await trx.deleteFrom("baileys_auth").where("connection_id", "=", connectionId).where("key_type", "=", type).where("key_id", "=", id).execute();
      }
    });
  }

  return {
    state,
    /** Stops writing (late events of an ended socket are dropped) once pending writes are done. */
    async close() {
      closed = true;
      await writes;
    },
    /** True once a phone has paired this session (a restart then reconnects without a QR). */
    isPaired: () => Boolean(state.creds.me?.id),
    saveCreds: () =>
      serialized(async () => {
        const value = seal(CREDS.type, CREDS.id, state.creds);
        await db
          .insertInto("baileys_auth")
          .values({ connection_id: connectionId, key_type: CREDS.type, key_id: CREDS.id, value, updated_at: new Date() })
          .onConflict((conflict) => conflict.columns(["connection_id", "key_type", "key_id"]).doUpdateSet({ value, updated_at: new Date() }))
          .execute();
      }),
  };
}

export type PostgresAuthState = Awaited<ReturnType<typeof openAuthState>>;

/** Forgets the session (after a logout): the next connect starts from a new QR. */
export async function clearAuthState(db: Database, connectionId: string): Promise<void> {
  await db.deleteFrom("baileys_auth").where("connection_id", "=", connectionId).execute();
}

export async function hasStoredCreds(db: Database, connectionId: string): Promise<boolean> {
  const row = await db.selectFrom("baileys_auth").select("key_id").where("connection_id", "=", connectionId).where("key_type", "=", CREDS.type).executeTakeFirst();
  return Boolean(row);
}
