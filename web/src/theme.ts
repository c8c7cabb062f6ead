import { createTheme } from '@mantine/core';
import { accessibleDefaults } from './accessibleDefaults';

export const theme = createTheme({
  primaryColor: 'blue',
  // White on blue-8 is 5.02:1 (blue-6, Mantine's default in light, is 3.56:1): docs/accessibility.md.
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'md',
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  headings: { fontWeight: '700' },
  components: {
    ...accessibleDefaults,
    Table: { defaultProps: { verticalSpacing: 'sm', highlightOnHover: true } },
    Tooltip: { defaultProps: { openDelay: 300 } },
  },
});
