import { Button } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { buildUrl, type QueryValue } from '../../api/client';

/**
 * Downloads a list as CSV with its current filters and sort: a plain link to the export endpoint,
 * which the browser fetches with the session cookie (a read needs no CSRF token) and saves under
 * the name the server gives. The export has every matching row, not just the page shown.
 */
export function ExportButton({ path, query }: { path: string; query: Record<string, QueryValue> }) {
  return (
    <Button component="a" href={buildUrl(path, query)} download variant="default" leftSection={<IconDownload size={16} aria-hidden="true" />}>
      Export CSV
    </Button>
  );
}
