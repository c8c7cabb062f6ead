import type { MantineThemeComponents } from '@mantine/core';

/** Names for the calendar's arrows and headings, which Mantine leaves unnamed. */
const CALENDAR_LABELS = {
  previousMonth: 'Previous month',
  nextMonth: 'Next month',
  previousYear: 'Previous year',
  nextYear: 'Next year',
  previousDecade: 'Previous decade',
  nextDecade: 'Next decade',
  monthLevelControl: 'Choose a month',
  yearLevelControl: 'Choose a year',
};

/**
 * Defaults that give every icon-only control a name and put every control in the tab order
 * (WCAG 2.2: 4.1.2 name, role, value; 2.1.1 keyboard), so that no screen has to remember them.
 * Plain objects, not `Component.extend`: importing the components here would pull the dialog and
 * the date picker into every page's bundle, the sign-in page's included.
 */
export const accessibleDefaults: MantineThemeComponents = {
  // The × of every dialog.
  Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } },
  // Mantine takes the show/hide toggle out of the tab order: a keyboard user could not reach it.
  PasswordInput: { defaultProps: { visibilityToggleFocusable: true } },
  // Mantine draws weekend days in red and other months' days faded, both below 4.5:1: plain days instead.
  DateInput: { defaultProps: { clearButtonProps: { 'aria-label': 'Clear date' }, ariaLabels: CALENDAR_LABELS, weekendDays: [], hideOutsideDates: true } },
};
