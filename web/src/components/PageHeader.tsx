import { Group, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import { useDocumentTitle } from '../lib/useDocumentTitle';

export interface PageHeaderProps {
  /** The page's one h1. */
  title: ReactNode;
  /**
   * The browser tab's title, most specific first, without the app's name: ["Hooli", "Customers"].
   * Defaults to the title when it is a string.
   */
  documentTitle?: readonly (string | null | undefined)[];
  description?: ReactNode;
  actions?: ReactNode;
  before?: ReactNode;
}

export function PageHeader({ title, documentTitle, description, actions, before }: PageHeaderProps) {
  useDocumentTitle(documentTitle ?? (typeof title === 'string' ? [title] : []));
  const heading = useFocusAfterNavigation();
  return (
    <Group justify="space-between" align="flex-start" mb="lg" wrap="wrap" gap="sm">
      <Stack gap={4}>
        {before}
        <Title order={1} size="h2" ref={heading} tabIndex={-1} style={{ outlineOffset: 4 }}>
          {title}
        </Title>
        {description && (
          <Text c="dimmed" size="sm" component="div">
            {description}
          </Text>
        )}
      </Stack>
      {actions && <Group gap="sm">{actions}</Group>}
    </Group>
  );
}

/**
 * Moves focus to the heading when the page is reached by a navigation inside the app, so that a
 * keyboard or screen-reader user starts at the new page instead of wherever the old one left
 * focus (often the body). Not on the first page the browser loads: focus stays where it starts.
 */
function useFocusAfterNavigation() {
  const ref = useRef<HTMLHeadingElement>(null);
  const { key, pathname } = useLocation();
  const navigated = key !== 'default';
  useEffect(() => {
    if (navigated) ref.current?.focus({ preventScroll: true });
    // Only a new path moves focus: a list's query string changes while one types a search.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pathname]);
  return ref;
}
