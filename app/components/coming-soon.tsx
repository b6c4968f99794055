import { useT } from "~/lib/i18n";
import { Card, PageHeader } from "./ui/card";

/** An honest placeholder: says the feature is not built yet, and shows no made-up data. */
export function ComingSoon({ title }: { title: string }) {
  const t = useT();
  return (
    <>
      <PageHeader title={title} />
      <Card>
        <h2 className="font-medium">{t("common.notBuilt")}</h2>
        <p className="mt-1 text-sm text-slate-600">{t("common.notBuiltBody", { feature: title })}</p>
      </Card>
    </>
  );
}
