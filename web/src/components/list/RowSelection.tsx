import { Checkbox } from '@mantine/core';

/** Which rows of a list are selected, by key, and how a row is named in its checkbox's label. */
export interface Selection<T> {
  selected: ReadonlySet<string>;
  onChange: (selected: ReadonlySet<string>) => void;
  /** "Select license ABCDE-…": the checkbox's accessible name. */
  rowLabel: (row: T) => string;
}

/** The header's checkbox: selects every row of the page, or clears them; mixed while some are. */
export function SelectAllCheckbox<T>({ selection, rows, rowKey }: { selection: Selection<T>; rows: readonly T[]; rowKey: (row: T) => string }) {
  const keys = rows.map(rowKey);
  const chosen = keys.filter((k) => selection.selected.has(k)).length;
  const all = keys.length > 0 && chosen === keys.length;
  return (
    <Checkbox
      aria-label="Select all on this page"
      checked={all}
      indeterminate={chosen > 0 && !all}
      disabled={keys.length === 0}
      onChange={() => {
        const next = new Set(selection.selected);
        for (const k of keys) {
          if (all) next.delete(k);
          else next.add(k);
        }
        selection.onChange(next);
      }}
    />
  );
}

/** A row's checkbox. */
export function SelectRowCheckbox<T>({ selection, row, id }: { selection: Selection<T>; row: T; id: string }) {
  return (
    <Checkbox
      aria-label={selection.rowLabel(row)}
      checked={selection.selected.has(id)}
      onChange={(event) => {
        const next = new Set(selection.selected);
        if (event.currentTarget.checked) next.add(id);
        else next.delete(id);
        selection.onChange(next);
      }}
    />
  );
}
