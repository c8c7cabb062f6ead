import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/** WCAG 2.2 A and AA, the level Leasehold's web app keeps to. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** A violation that fails the build: axe's two highest impacts. */
const BLOCKING = new Set(['serious', 'critical']);

export interface Finding {
  screen: string;
  rule: string;
  impact: string;
  nodes: number;
  /** The first few offending elements, enough to find them. */
  targets: string[];
}

/** Runs axe on the page as it is now (with whatever dialog is open) and answers its serious and critical violations. */
export async function blockingViolations(page: Page, screen: string): Promise<Finding[]> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return results.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map((v) => ({ screen, rule: v.id, impact: v.impact ?? '', nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} (${why(n)})`) }));
}

/** axe's own words for a node, such as the colours and the ratio of a contrast failure. */
const why = (node: { any: { message: string }[]; all: { message: string }[]; none: { message: string }[] }) => [...node.any, ...node.all, ...node.none].map((check) => check.message).join('; ');

/** One line per finding, for the failure message. */
export const describeFindings = (findings: Finding[]) => findings.map((f) => `${f.screen}: ${f.rule} (${f.impact}, ${f.nodes} nodes) ${f.targets.join(' | ')}`).join('\n');
