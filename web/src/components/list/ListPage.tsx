import { Card } from '@mantine/core';
import type { ReactNode } from 'react';
import { PageHeader } from '../PageHeader';

export interface ListPageProps {
  title: string;
  description: ReactNode;
  /** Buttons beside the title, such as "New customer". */
  actions?: ReactNode;
  /** The search box and filters above the list. */
  toolbar: ReactNode;
  /** The list (with its failure and footer: PagedList or ResourceList), and the dialogs it opens. */
  children: ReactNode;
}

/** A page that is one list: the header, then a card with the filters and the list. */
export function ListPage({ title, description, actions, toolbar, children }: ListPageProps) {
  return (
    <>
      <PageHeader title={title} description={description} actions={actions} />
      <Card withBorder padding="md" radius="md">
        {toolbar}
        {children}
      </Card>
    </>
  );
}
