import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireWriter } from "~/modules/auth/guards.server";
import { idParam } from "~/modules/pipelines/ids.server";
import { moveLead } from "~/modules/pipelines/leads.server";
import { moveLeadSchema } from "~/modules/pipelines/schemas";

export const loader = ({ params }: LoaderFunctionArgs) => redirect(`/leads/${params.leadId}`);

/** Same-site board and lead pages only: never an open redirect. */
function safeReturn(value: string | undefined, leadId: string) {
  return value && /^\/(pipelines|leads)\/[\w-]+(\/[\w-]*)?(\?[\w=&%.-]*)?$/.test(value) ? value : `/leads/${leadId}`;
}

/**
 * Moves a lead. The board's drag and drop posts with `js=1` and gets JSON back (errors too, so the
 * card can roll back); the "move to" form gets a redirect to where it came from.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  const fromScript = formData.get("js") === "1";
  try {
    const { org, user } = await requireWriter(request);
    const leadId = idParam(params.leadId);
    const parsed = moveLeadSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return json({ ok: false, error: "invalid" }, { status: 400 });
    const { toStageId, beforeLeadId, afterLeadId, placement, returnTo } = parsed.data;
    const result = await moveLead(getDb(), { orgId: org.id, leadId, toStageId, beforeLeadId, afterLeadId, placement, actor: { type: "user", id: user.id } });
    if (!result.ok) notFound(result.reason === "lead_not_found" ? "Lead not found" : "Stage not found");
    if (fromScript) return json({ ok: true, version: result.lead.version });
    const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
    return redirectWithToast(safeReturn(returnTo, leadId), { kind: "success", message: translate(locale, "pipelines.move.done") });
  } catch (error) {
    if (fromScript && error instanceof Response && error.status >= 400) return json({ ok: false, error: error.status === 404 ? "not_found" : "forbidden" }, { status: error.status });
    throw error;
  }
}
