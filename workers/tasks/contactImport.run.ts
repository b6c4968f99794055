import type { Task } from "graphile-worker";
import { z } from "zod";
import { getDb } from "~/lib/db.server";
import { failImport, runContactImport } from "~/modules/imports/run-import.server";

const payloadSchema = z.object({ importId: z.uuid() });

/** Imports an uploaded CSV into contacts; safe to run again after a crash (it resumes after the last committed batch). */
export const contactImportRun: Task = async (payload, helpers) => {
  const { importId } = payloadSchema.parse(payload);
  const db = getDb();
  try {
    const outcome = await runContactImport(db, importId);
    helpers.logger.info(`import ${importId}: ${JSON.stringify(outcome)}`);
  } catch (error) {
    // The last attempt must leave the import in a final state instead of "running" forever.
    if (helpers.job.attempts >= helpers.job.max_attempts) await failImport(db, importId, { key: "imports.failure.gaveUp" });
    throw error;
  }
};
