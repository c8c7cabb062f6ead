import { Center, Loader, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ApiError } from '../../api/client';
import type { ApiData } from '../../lib/useApi';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { ErrorAlert } from '../ErrorAlert';
import { PageHeader } from '../PageHeader';

interface DetailGateProps<T> {
  resource: ApiData<T>;
  /** What the page shows, in lower case: "license". */
  noun: string;
  /** The back link of the page's header, also shown when the resource is not found. */
  back?: ReactNode;
  children: (data: T) => ReactNode;
}

/** A detail page before its resource is there: not found (404), a failed load with a retry, or loading. */
export function DetailGate<T>({ resource, noun, back, children }: DetailGateProps<T>) {
  // Until the page's own header names the tab, say what is loading rather than keep the last page's name.
  useDocumentTitle(resource.data === undefined ? [`Loading ${noun}`] : []);
  if (resource.error instanceof ApiError && resource.error.status === 404) {
    return (
      <>
        <PageHeader title={`${noun[0]!.toUpperCase()}${noun.slice(1)} not found`} before={back} />
        <Text c="dimmed">This {noun} does not exist or was deleted.</Text>
      </>
    );
  }
  if (resource.data === undefined) {
    return resource.error ? (
      <ErrorAlert error={resource.error} onRetry={resource.reload} />
    ) : (
      <Center h={240}>
        <Loader aria-label={`Loading ${noun}`} />
      </Center>
    );
  }
  return <>{children(resource.data)}</>;
}
