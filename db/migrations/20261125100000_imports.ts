import { type Kysely, sql } from "kysely";

/**
 * The uploaded CSV lives in Postgres, in ~1 MB chunks written while the upload streams in, so the
 * web process that received it and the worker that imports it may be different machines.
 * An import is `uploading` until its last chunk is stored.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("contact_import_chunks")
    .addColumn("import_id", "uuid", (c) => c.notNull().references("contact_imports.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("data", "bytea", (c) => c.notNull())
    .addPrimaryKeyConstraint("contact_import_chunks_pkey", ["import_id", "seq"])
    .execute();
  // Uncompressed TOAST: no pglz work on the upload and the job's hot paths, and the preview can read a slice of chunk 0.
  await sql`ALTER TABLE contact_import_chunks ALTER COLUMN data SET STORAGE EXTERNAL`.execute(db);

  await sql`ALTER TABLE contact_imports DROP CONSTRAINT contact_imports_status_check`.execute(db);
  await sql`ALTER TABLE contact_imports ADD CONSTRAINT contact_imports_status_check
    CHECK (status IN ('uploading', 'uploaded', 'queued', 'running', 'completed', 'failed'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("contact_import_chunks").ifExists().execute();
  await sql`DELETE FROM contact_imports WHERE status = 'uploading'`.execute(db);
  await sql`ALTER TABLE contact_imports DROP CONSTRAINT contact_imports_status_check`.execute(db);
  await sql`ALTER TABLE contact_imports ADD CONSTRAINT contact_imports_status_check
    CHECK (status IN ('uploaded', 'queued', 'running', 'completed', 'failed'))`.execute(db);
}
