/** Small builders of intentions for the policy tests. */
import { intentionPrecedence, type Intention, type IntentionPermission } from '../../policy/index.ts';

/** `src → dst` with an action or permissions; `ns/name` strings give namespaces. */
export function ixn(src: string, dst: string, action: 'allow' | 'deny' | IntentionPermission[]): Intention {
  const [sns, sname] = src.includes('/') ? (src.split('/') as [string, string]) : ['default', src];
  const [dns, dname] = dst.includes('/') ? (dst.split('/') as [string, string]) : ['default', dst];
  const out: Intention = {
    ID: '',
    Description: '',
    SourceNS: sns,
    SourceName: sname,
    DestinationNS: dns,
    DestinationName: dname,
    SourceType: 'consul',
    Action: typeof action === 'string' ? action : '',
    Precedence: intentionPrecedence({ namespace: sns, name: sname }, { namespace: dns, name: dname }),
    Meta: {},
    CreateIndex: 0,
    ModifyIndex: 0,
  };
  if (typeof action !== 'string') out.Permissions = action;
  return out;
}

/** Short label of an intention for assertions: `web→api`. */
export function label(i: Intention | undefined): string | undefined {
  if (!i) return undefined;
  const side = (ns: string, n: string): string => (ns === 'default' ? n : `${ns}/${n}`);
  return `${side(i.SourceNS, i.SourceName)}→${side(i.DestinationNS, i.DestinationName)}`;
}
