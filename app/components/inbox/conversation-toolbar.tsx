import { Form } from "@remix-run/react";
import { useT } from "~/lib/i18n";
import { Button } from "../ui/button";

type Props = {
  status: string;
  botActive: boolean;
  assigneeId: string | null;
  me: string;
  members: Array<{ id: string; name: string }>;
  assignError?: string[] | null;
};

/** Assign, resolve/reopen, park as pending, bot on/off: each a small plain form. */
export function ConversationToolbar({ status, botActive, assigneeId, me, members, assignError }: Props) {
  const t = useT();
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Form method="post" className="flex items-center gap-1">
        <input type="hidden" name="intent" value="assign" />
        <label htmlFor="assignee" className="sr-only">
          {t("inbox.assignTo")}
        </label>
        <select id="assignee" name="assigneeId" defaultValue={assigneeId ?? "none"} className="max-w-[10rem] rounded-md border-0 py-1 pl-2 pr-7 text-sm ring-1 ring-slate-300">
          <option value="none">{t("inbox.unassigned")}</option>
          {members.map((member) => (
            <option key={member.id} value={member.id}>
              {member.id === me ? `${member.name} (${t("team.you")})` : member.name}
            </option>
          ))}
        </select>
        <Button type="submit" size="sm" variant="secondary">
          {t("inbox.assign")}
        </Button>
      </Form>
      {assigneeId !== me ? (
        <Form method="post">
          <input type="hidden" name="intent" value="assign" />
          <input type="hidden" name="assigneeId" value="me" />
          <Button type="submit" size="sm" variant="ghost">
            {t("inbox.assignToMe")}
          </Button>
        </Form>
      ) : null}
      {status === "resolved" ? (
        <Form method="post">
          <input type="hidden" name="intent" value="status" />
          <input type="hidden" name="status" value="open" />
          <Button type="submit" size="sm" variant="secondary">
            {t("inbox.reopen")}
          </Button>
        </Form>
      ) : (
        <>
          <Form method="post">
            <input type="hidden" name="intent" value="status" />
            <input type="hidden" name="status" value="resolved" />
            <Button type="submit" size="sm">
              {t("inbox.resolve")}
            </Button>
          </Form>
          {status !== "pending" ? (
            <Form method="post">
              <input type="hidden" name="intent" value="status" />
              <input type="hidden" name="status" value="pending" />
              <Button type="submit" size="sm" variant="ghost">
                {t("inbox.markPending")}
              </Button>
            </Form>
          ) : (
            <Form method="post">
              <input type="hidden" name="intent" value="status" />
              <input type="hidden" name="status" value="open" />
              <Button type="submit" size="sm" variant="ghost">
                {t("inbox.reopen")}
              </Button>
            </Form>
          )}
        </>
      )}
      <Form method="post">
        <input type="hidden" name="intent" value="bot" />
        <input type="hidden" name="active" value={botActive ? "off" : "on"} />
        <Button type="submit" size="sm" variant="ghost" aria-pressed={botActive} data-testid="bot-toggle">
          {botActive ? t("inbox.botOn") : t("inbox.botOff")}
        </Button>
      </Form>
      {assignError?.length ? <p className="w-full text-sm text-red-700">{assignError.join(" ")}</p> : null}
    </div>
  );
}
