import { type Kysely, sql } from "kysely";

/**
 * Contact search ignores accents: "joao" finds "João", "conceicao" finds "Conceição". translate() is
 * immutable (unlike unaccent()), so the folded text stays a stored generated column under the same
 * trigram index; search terms are folded the same way in contact-filter.server.ts.
 */
const FOLD_FROM = "áàâãäåéèêëíìîïóòôõöúùûüçñýÿ";
const FOLD_TO = "aaaaaaeeeeiiiiooooouuuucnyy";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS contacts_search_trgm_idx`.execute(db);
  await sql`ALTER TABLE contacts DROP COLUMN search_text`.execute(db);
  await sql`
    ALTER TABLE contacts ADD COLUMN search_text text GENERATED ALWAYS AS (
      translate(lower(coalesce(name, '') || ' ' || coalesce(phone, '') || ' ' || coalesce(email::text, '')), ${sql.lit(FOLD_FROM)}, ${sql.lit(FOLD_TO)})
    ) STORED`.execute(db);
  await sql`CREATE INDEX contacts_search_trgm_idx ON contacts USING gin (search_text gin_trgm_ops)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS contacts_search_trgm_idx`.execute(db);
  await sql`ALTER TABLE contacts DROP COLUMN search_text`.execute(db);
  await sql`
    ALTER TABLE contacts ADD COLUMN search_text text GENERATED ALWAYS AS (
      lower(coalesce(name, '') || ' ' || coalesce(phone, '') || ' ' || coalesce(email::text, ''))
    ) STORED`.execute(db);
  await sql`CREATE INDEX contacts_search_trgm_idx ON contacts USING gin (search_text gin_trgm_ops)`.execute(db);
}
