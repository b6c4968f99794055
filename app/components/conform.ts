import { type FieldMetadata, getInputProps } from "@conform-to/react";

type InputOptions = Parameters<typeof getInputProps>[1];

/** conform's input props without `key` (React warns when a spread object carries one). */
export function inputProps<Schema>(field: FieldMetadata<Schema>, options: InputOptions) {
  const { key: _key, ...props } = getInputProps(field, options);
  return { ...props, id: field.id };
}
