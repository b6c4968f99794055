import { z } from "zod";
import { INVITABLE_ROLES, ROLES } from "./roles";

export const inviteSchema = z.object({
  intent: z.literal("invite"),
  role: z.enum(INVITABLE_ROLES, { error: "validation.required" }),
  email: z.string().trim().toLowerCase().max(254, "validation.tooLong").pipe(z.email("validation.email")).optional(),
});

export const teamActionSchema = z.discriminatedUnion("intent", [
  inviteSchema,
  z.object({ intent: z.literal("revokeInvitation"), invitationId: z.uuid() }),
  z.object({ intent: z.literal("changeRole"), userId: z.uuid(), role: z.enum(ROLES) }),
  z.object({ intent: z.literal("removeMember"), userId: z.uuid() }),
]);
