import { createContext } from 'react';

/**
 * How a form inside a FormModal tells the dialog whether it holds unsaved changes, so that closing
 * the dialog by Esc, × or a click outside asks before it drops them (Cancel is a choice, not a slip).
 */
export const ReportDirty = createContext<((dirty: boolean) => void) | null>(null);
