import { z } from "zod";
import { parseKeywords } from "../bot/persona-schema";

// The per-pipeline AI settings form: one switch, one threshold, criteria for each stage.

export const pipelineAiSettingsSchema = z.object({
  intent: z.literal("settings"),
  aiEnabled: z.boolean().optional(),
  threshold: z.number({ error: "aiBot.validation.number" }).min(0, "aiBot.validation.fraction").max(1, "aiBot.validation.fraction"),
  allowBackwards: z.boolean().optional(),
  stages: z
    .array(
      z.object({
        id: z.uuid(),
        criteria: z.string().trim().max(1000, "validation.tooLong").optional(),
        keywords: z
          .string()
          .max(500, "validation.tooLong")
          .optional()
          .refine((text) => parseKeywords(text ?? "").length <= 20, "aiBot.validation.tooManyKeywords"),
      }),
    )
    .max(50)
    .optional(),
});

export type PipelineAiSettingsInput = z.infer<typeof pipelineAiSettingsSchema>;

export const undoDecisionSchema = z.object({ intent: z.literal("undo"), decisionId: z.uuid() });
