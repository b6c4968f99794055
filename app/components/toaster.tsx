import { Toast as RadixToast } from "radix-ui";
import { useEffect, useState } from "react";
import { useT } from "~/lib/i18n";
import { Alert } from "./ui/card";
import { useHydrated } from "./use-hydrated";

export type ToastMessage = { kind: "success" | "error" | "info"; message: string };

/** Server-rendered banner without JS; an animated, dismissable Radix toast with it. */
export function Toaster({ toast }: { toast: ToastMessage | null }) {
  const hydrated = useHydrated();
  const t = useT();
  const [open, setOpen] = useState(Boolean(toast));
  useEffect(() => setOpen(Boolean(toast)), [toast]);
  if (!toast) return null;
  if (!hydrated) {
    return (
      <div className="fixed inset-x-0 top-2 z-50 mx-auto w-fit max-w-[90vw]" data-testid="toast">
        <Alert kind={toast.kind}>{toast.message}</Alert>
      </div>
    );
  }
  return (
    <RadixToast.Provider swipeDirection="right" duration={6000} label={t("common.notification")}>
      <RadixToast.Root
        open={open}
        onOpenChange={setOpen}
        data-testid="toast"
        className={`flex items-start gap-3 rounded-md px-4 py-3 text-sm shadow-lg ring-1 ${
          toast.kind === "error" ? "bg-red-50 text-red-900 ring-red-200" : "bg-white text-slate-900 ring-slate-200"
        }`}
      >
        <RadixToast.Description className="flex-1">{toast.message}</RadixToast.Description>
        <RadixToast.Close aria-label={t("common.close")} className="text-slate-500 hover:text-slate-800">
          ×
        </RadixToast.Close>
      </RadixToast.Root>
      <RadixToast.Viewport className="fixed bottom-4 right-4 z-50 flex w-[min(24rem,calc(100vw-2rem))] flex-col gap-2 outline-none" />
    </RadixToast.Provider>
  );
}
