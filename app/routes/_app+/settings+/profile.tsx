import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { SelectField } from "~/components/ui/field";
import { getDb } from "~/lib/db.server";
import { LOCALES, translate, useLocale, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { requireUser } from "~/modules/auth/guards.server";
import { setUserLocale } from "~/modules/auth/users.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireUser(request);
  return json({ name: user.name, email: user.email });
}

export async function action({ request }: ActionFunctionArgs) {
  const { user } = await requireUser(request);
  const parsed = z.object({ locale: z.enum(LOCALES) }).safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ error: "validation.required" }, { status: 400 });
  await setUserLocale(getDb(), user.id, parsed.data.locale);
  return redirectWithToast("/settings/profile", { kind: "success", message: translate(parsed.data.locale, "profile.saved") });
}

export default function ProfilePage() {
  const { name, email } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <Card>
        <p className="text-sm font-medium">{name}</p>
        <p className="mb-4 text-sm text-slate-500">{email}</p>
        <Form method="post" className="flex max-w-md flex-wrap items-end gap-3">
          <div className="min-w-48 flex-1">
            <SelectField id="locale" name="locale" defaultValue={locale} label={t("profile.language")}>
              <option value="pt-BR">Português (Brasil)</option>
              <option value="en">English</option>
            </SelectField>
          </div>
          <Button type="submit">{t("common.save")}</Button>
        </Form>
      </Card>
      <Card>
        <h2 className="font-medium">{t("auth.signOutEverywhere")}</h2>
        <p className="mb-3 text-sm text-slate-600">{t("auth.signOutEverywhere.help")}</p>
        <Form method="post" action="/logout">
          <input type="hidden" name="intent" value="everywhere" />
          <Button type="submit" variant="danger">
            {t("auth.signOutEverywhere")}
          </Button>
        </Form>
      </Card>
    </>
  );
}
