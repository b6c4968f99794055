import { z } from "zod";
import type { Database } from "#db/index.js";
import { publishLiveEvent } from "~/lib/events/publisher.server";
import { LiveEventTypes } from "~/lib/events/types";
import { notFound } from "../auth/guards.server";
import { readPreview } from "./import-file.server";
import { type ContactImport, findEarlierImportOfFile, findImport, listCustomFields, listImportErrors, listTagsForImport, startImport } from "./imports.server";
import { guessTargets, mappingFormSchema, readMappingForm } from "./mapping";

export const ERRORS_ON_PAGE = 20;

/** A malformed id is as unknown as another organization's: 404 either way. */
export function parseImportId(value: string | undefined): string {
  const parsed = z.uuid().safeParse(value);
  return parsed.success ? parsed.data : notFound("Import not found");
}

export async function findVisibleImport(db: Database, orgId: string, importId: string): Promise<ContactImport> {
  const upload = await findImport(db, orgId, importId);
  return upload && upload.status !== "uploading" ? upload : notFound("Import not found");
}

/** The import, plus what its current step shows: the mapping form before it starts, the report after. */
export async function loadImportPage(db: Database, orgId: string, importId: string) {
  const upload = await findVisibleImport(db, orgId, importId);
  if (upload.status === "uploaded") {
    const [preview, customFields, tags, earlier] = await Promise.all([
      readPreview(db, upload),
      listCustomFields(db, orgId),
      listTagsForImport(db, orgId),
      findEarlierImportOfFile(db, orgId, upload),
    ]);
    return {
      upload,
      mapping: {
        preview,
        guesses: guessTargets(upload.headers, customFields),
        customFields: customFields.map(({ key, label }) => ({ key, label })),
        tags,
        earlier: earlier ? { id: earlier.id, createdAt: new Date(earlier.created_at).toISOString() } : null,
      },
      report: null,
    };
  }
  const [errors, tags] = await Promise.all([
    upload.errorCount ? listImportErrors(db, orgId, importId, { limit: ERRORS_ON_PAGE }) : [],
    upload.tagIds.length ? db.selectFrom("tags").select("name").where("org_id", "=", orgId).where("id", "in", upload.tagIds).orderBy("name").execute() : [],
  ]);
  return {
    upload,
    mapping: null,
    report: { errors: errors.map((error) => ({ rowNumber: error.row_number, message: error.message })), tagNames: tags.map((tag) => tag.name) },
  };
}

export type MappingSubmission =
  | { ok: true }
  | { ok: false; fieldErrors: Record<string, string[]>; values: ReturnType<typeof readMappingForm> };

/** The mapping form's submit: validates it against this file and this organization, then queues the job. */
export async function submitMapping(db: Database, orgId: string, upload: ContactImport, form: FormData): Promise<MappingSubmission> {
  const customFields = await listCustomFields(db, orgId);
  const values = readMappingForm(form, upload.headers);
  const parsed = mappingFormSchema(upload.headers, customFields.map((field) => field.key)).safeParse(values);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[issue.path.join(".")] ??= []).push(issue.message);
    return { ok: false, fieldErrors, values };
  }
  const started = await startImport(db, { orgId, importId: upload.id, headers: upload.headers, ...parsed.data });
  if (!started.ok) return { ok: false, fieldErrors: { tagIds: ["imports.mapping.invalidTag"] }, values };
  if (started.started) await publishLiveEvent({ orgId, type: LiveEventTypes.importProgress, ids: { importId: upload.id } });
  return { ok: true };
}
