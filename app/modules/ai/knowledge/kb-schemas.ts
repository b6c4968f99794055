import { z } from "zod";

// Shared by server and browser: knowledge-base forms.
export const knowledgeBaseSchema = z.object({
  name: z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(120, "validation.tooLong"),
  description: z.string().trim().max(500, "validation.tooLong").optional().default(""),
});

const optionalTitle = z
  .string()
  .trim()
  .max(300, "validation.tooLong")
  .optional()
  .transform((value) => value || null);

export const kbDocumentActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("addText"),
    title: z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(300, "validation.tooLong"),
    text: z.string({ error: "validation.required" }).trim().min(1, "validation.required"),
  }),
  z.object({ intent: z.literal("addUrl"), title: optionalTitle, url: z.string({ error: "validation.required" }).trim().min(1, "validation.required") }),
  z.object({ intent: z.literal("update"), name: knowledgeBaseSchema.shape.name, description: knowledgeBaseSchema.shape.description }),
  z.object({ intent: z.literal("deleteDocument"), documentId: z.uuid() }),
  z.object({ intent: z.literal("retryDocument"), documentId: z.uuid() }),
]);

export const uploadTitleSchema = optionalTitle;
