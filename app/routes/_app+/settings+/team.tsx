import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { inputProps } from "~/components/conform";
import { Button } from "~/components/ui/button";
import { Alert, Card } from "~/components/ui/card";
import { InputField, SelectField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { type MessageKey, negotiateLocale, translate, useLocale, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { forbidden, notFound, requireOrg } from "~/modules/auth/guards.server";
import { createInvitation, listPendingInvitations, revokeInvitation } from "~/modules/orgs/invitations.server";
import { INVITABLE_ROLES, permissions, ROLES } from "~/modules/orgs/roles";
import { changeMemberRole, listMembers, removeMember } from "~/modules/orgs/team.server";
import { inviteSchema, teamActionSchema } from "~/modules/orgs/team-schemas";

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, role, user } = await requireOrg(request);
  const db = getDb();
  const canManage = permissions.manageTeam(role);
  const members = await listMembers(db, org.id);
  const invitations = canManage ? await listPendingInvitations(db, org.id) : [];
  return json({ members, invitations, canManage, myRole: role, myId: user.id });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, role, user } = await requireOrg(request);
  if (!permissions.manageTeam(role)) forbidden("Only owners and admins can manage the team.");
  const db = getDb();
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  const submission = parseWithZod(await request.formData(), { schema: teamActionSchema });
  if (submission.status !== "success") return json({ result: submission.reply(), inviteUrl: null }, { status: 400 });
  const command = submission.value;
  const actor = { id: user.id, role };

  switch (command.intent) {
    case "invite": {
      const { token } = await createInvitation(db, { orgId: org.id, role: command.role, email: command.email ?? null, invitedBy: user.id });
      return json({ result: submission.reply({ resetForm: true }), inviteUrl: new URL(`/invite/${token}`, getEnv().APP_URL).toString() });
    }
    case "revokeInvitation": {
      if (!(await revokeInvitation(db, org.id, command.invitationId, user.id))) notFound("Invitation not found");
      return redirectWithToast("/settings/team", { kind: "success", message: translate(locale, "team.revoked") });
    }
    case "changeRole":
    case "removeMember": {
      const outcome =
        command.intent === "changeRole"
          ? await changeMemberRole(db, { orgId: org.id, actor, userId: command.userId, role: command.role })
          : await removeMember(db, { orgId: org.id, actor, userId: command.userId });
      if (!outcome.ok) {
        if (outcome.reason === "not_found") notFound("Member not found");
        if (outcome.reason === "forbidden") forbidden("Only owners can change owners and admins.");
        return redirectWithToast("/settings/team", { kind: "error", message: translate(locale, "team.lastOwner") });
      }
      const message = translate(locale, command.intent === "changeRole" ? "team.roleChanged" : "team.removed");
      return redirectWithToast("/settings/team", { kind: "success", message });
    }
  }
}

export default function TeamPage() {
  const { members, invitations, canManage, myId } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errorText = useErrorText();
  const [form, fields] = useForm({ lastResult: actionData?.result, onValidate: ({ formData }) => parseWithZod(formData, { schema: inviteSchema }) });
  const roleLabel = (role: string) => t(`team.role.${role}` as MessageKey);
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium" });

  return (
    <>
      <Card>
        <h2 className="mb-3 font-medium">{t("team.members")}</h2>
        <ul className="divide-y divide-slate-100">
          {members.map((member) => (
            <li key={member.userId} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="member-row">
              <div className="min-w-0">
                <p className="truncate text-sm font-medium">
                  {member.name} {member.userId === myId ? <span className="text-slate-500">({t("team.you")})</span> : null}
                </p>
                <p className="truncate text-xs text-slate-500">{member.email}</p>
              </div>
              {canManage ? (
                <div className="flex flex-wrap items-center gap-2">
                  <Form method="post" className="flex items-center gap-2">
                    <input type="hidden" name="intent" value="changeRole" />
                    <input type="hidden" name="userId" value={member.userId} />
                    <label className="sr-only" htmlFor={`role-${member.userId}`}>
                      {t("team.role")}
                    </label>
                    <select id={`role-${member.userId}`} name="role" defaultValue={member.role} className="rounded-md border-0 py-1.5 pl-2 pr-8 text-sm ring-1 ring-slate-300">
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {roleLabel(role)}
                        </option>
                      ))}
                    </select>
                    <Button type="submit" size="sm" variant="secondary">
                      {t("team.save")}
                    </Button>
                  </Form>
                  <Form method="post">
                    <input type="hidden" name="intent" value="removeMember" />
                    <input type="hidden" name="userId" value={member.userId} />
                    <Button type="submit" size="sm" variant="danger">
                      {t("team.remove")}
                    </Button>
                  </Form>
                </div>
              ) : (
                <span className="text-sm text-slate-600">{roleLabel(member.role)}</span>
              )}
            </li>
          ))}
        </ul>
      </Card>

      {canManage ? (
        <Card>
          <h2 className="font-medium">{t("team.invite")}</h2>
          <p className="mb-4 text-sm text-slate-600">{t("team.inviteHelp")}</p>
          {actionData?.inviteUrl ? (
            <div className="mb-4 space-y-2">
              <Alert kind="success">{t("team.inviteCreated")}</Alert>
              <label className="block text-sm font-medium" htmlFor="invite-url">
                {t("team.inviteLink")}
              </label>
              <input id="invite-url" readOnly value={actionData.inviteUrl} className="w-full rounded-md border-0 bg-slate-50 px-3 py-2 font-mono text-xs ring-1 ring-slate-300" data-testid="invite-url" />
            </div>
          ) : null}
          <Form method="post" className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-end" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="invite" />
            <InputField {...inputProps(fields.email, { type: "email" })} label={t("team.emailOptional")} errors={errorText(fields.email.errors)} />
            <SelectField id={fields.role.id} name={fields.role.name} label={t("team.role")} defaultValue="agent" errors={errorText(fields.role.errors)}>
              {INVITABLE_ROLES.map((role) => (
                <option key={role} value={role}>
                  {roleLabel(role)}
                </option>
              ))}
            </SelectField>
            <Button type="submit">{t("team.invite")}</Button>
          </Form>
          {invitations.length > 0 ? (
            <>
              <h3 className="mb-2 mt-6 text-sm font-medium">{t("team.pendingInvites")}</h3>
              <ul className="divide-y divide-slate-100">
                {invitations.map((invitation) => (
                  <li key={invitation.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                    <span>
                      {invitation.email ?? "—"} · {roleLabel(invitation.role)} · {t("team.expires", { date: date.format(new Date(invitation.expires_at)) })}
                    </span>
                    <Form method="post">
                      <input type="hidden" name="intent" value="revokeInvitation" />
                      <input type="hidden" name="invitationId" value={invitation.id} />
                      <Button type="submit" size="sm" variant="ghost">
                        {t("team.revoke")}
                      </Button>
                    </Form>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </Card>
      ) : null}
    </>
  );
}
