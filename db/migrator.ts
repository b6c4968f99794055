import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";

const migrationFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/**
 * Kysely's FileMigrationProvider imports with the runtime's bare import(), which cannot load .ts under
 * vitest; importing from here lets whichever loader runs this module (tsx, vitest) compile them.
 */
class TypeScriptMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await fs.readdir(migrationFolder)).filter((file) => /^\d{14}_[\w-]+\.ts$/.test(file)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      migrations[file.replace(/\.ts$/, "")] = (await import(pathToFileURL(path.join(migrationFolder, file)).href)) as Migration;
    }
    return migrations;
  }
}

export function createMigrator(db: Kysely<any>) {
  return new Migrator({ db, provider: new TypeScriptMigrationProvider() });
}

export async function migrateToLatest(db: Kysely<any>, log: (line: string) => void = () => {}) {
  const { error, results } = await createMigrator(db).migrateToLatest();
  for (const result of results ?? []) {
    log(`migration ${result.migrationName}: ${result.status}`);
  }
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
