import type { License } from '../api/types';
import { shortKeyCode } from '../lib/keys';

/** The question of a license's delete dialog, naming it as people know it: "Delete the license for Hooli (key ABCDE-…)?" */
export function LicenseDeleteTitle({ license }: { license: License }) {
  const key = license.keys[0];
  return (
    <>
      Delete the license for {license.customerName}
      {key ? ` (key ${shortKeyCode(key)})` : ''}?
    </>
  );
}
