// Shared by server and browser: form schemas of pipelines, stages and leads. Messages are i18n keys.
import { z } from "zod";
import { parseMoneyToCents } from "./money";

export const LEAD_STATUSES = ["open", "won", "lost"] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const ACTOR_TYPES = ["user", "ai", "automation", "api"] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export const STAGE_COLORS = ["#64748b", "#0ea5e9", "#8b5cf6", "#f59e0b", "#10b981", "#ef4444", "#ec4899", "#14b8a6"] as const;

const name = z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(80, "validation.tooLong");
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, "pipelines.stage.colorInvalid");
const id = z.uuid();

export const pipelineCreateSchema = z.object({ name });

export const pipelineSettingsSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("renamePipeline"), name }),
  z.object({ intent: z.literal("deletePipeline"), confirmName: z.string().optional() }),
  z.object({ intent: z.literal("createStage"), name, color: color.default(STAGE_COLORS[0]) }),
  z.object({ intent: z.literal("updateStage"), stageId: id, name, color }),
  z.object({ intent: z.literal("moveStage"), stageId: id, direction: z.enum(["up", "down"]) }),
  z.object({ intent: z.literal("deleteStage"), stageId: id, targetStageId: id.optional() }),
]);

/** The lead form; `locale` is the organization's, used to read the value ("1.234,56" in pt-BR). */
export function leadFormSchema(locale: string) {
  return z.object({
    title: z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(200, "validation.tooLong"),
    contactId: id.optional(),
    value: z
      .string()
      .max(40, "pipelines.value.invalid")
      .optional()
      .transform((input, ctx) => {
        const parsed = parseMoneyToCents(input, locale);
        if (parsed.ok) return parsed.cents;
        ctx.issues.push({ code: "custom", message: parsed.error, input });
        return z.NEVER;
      }),
    ownerId: id.optional(),
    notes: z.string().max(5000, "validation.tooLong").optional().default(""),
    stageId: id.optional(),
    version: z.coerce.number().int().positive().optional(),
  });
}
export type LeadForm = z.infer<ReturnType<typeof leadFormSchema>>;

export const moveLeadSchema = z.object({
  toStageId: id,
  beforeLeadId: id.optional(),
  afterLeadId: id.optional(),
  placement: z.enum(["top", "bottom"]).optional(),
  returnTo: z.string().optional(),
  js: z.literal("1").optional(),
});

export const leadActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("status"), status: z.enum(LEAD_STATUSES) }),
  z.object({ intent: z.literal("delete") }),
]);

/** Board filters from the query string; bad values fall back to "everything". */
export const boardQuerySchema = z.object({
  owner: z.union([id, z.literal("none")]).optional().catch(undefined),
  expand: id.optional().catch(undefined),
  cards: z.coerce.number().int().min(1).max(1000).optional().catch(undefined),
});
