import { Label } from "radix-ui";
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";
import { cn } from "./cn";

const controlClass =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-brand-600";

type FieldShellProps = { id: string; label: ReactNode; errors?: string[] | null; hint?: ReactNode; children: ReactNode };

/** Label, control and the server's (or client's) errors right below it, wired with aria-describedby. */
export function FieldShell({ id, label, errors, hint, children }: FieldShellProps) {
  return (
    <div className="space-y-1">
      <Label.Root htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </Label.Root>
      {children}
      {hint ? <p className="text-xs text-slate-500">{hint}</p> : null}
      <FieldErrors id={`${id}-error`} errors={errors} />
    </div>
  );
}

export function FieldErrors({ id, errors }: { id: string; errors?: string[] | null }) {
  if (!errors?.length) return null;
  return (
    <ul id={id} className="text-sm text-red-700" role="alert">
      {errors.map((error) => (
        <li key={error}>{error}</li>
      ))}
    </ul>
  );
}

type InputFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & { id: string; label: ReactNode; errors?: string[] | null; hint?: ReactNode };

export function InputField({ id, label, errors, hint, className, ...props }: InputFieldProps) {
  const invalid = Boolean(errors?.length);
  return (
    <FieldShell id={id} label={label} errors={errors} hint={hint}>
      <input
        id={id}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-error` : undefined}
        className={cn(controlClass, invalid && "ring-red-500", className)}
        {...props}
      />
    </FieldShell>
  );
}

type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> & { id: string; label: ReactNode; errors?: string[] | null };

export function SelectField({ id, label, errors, className, children, ...props }: SelectFieldProps) {
  const invalid = Boolean(errors?.length);
  return (
    <FieldShell id={id} label={label} errors={errors}>
      <select id={id} aria-invalid={invalid || undefined} aria-describedby={invalid ? `${id}-error` : undefined} className={cn(controlClass, className)} {...props}>
        {children}
      </select>
    </FieldShell>
  );
}
