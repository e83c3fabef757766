import { CASE_CIPHER, CaseCommandsModule } from '@remedy/case-commands';
import { LegalAidModule, legalAidProjection } from '@remedy/legal-aid';
import type { ApiApp, TestUser } from '../support/api-app';
import { createCommandsApp, type AppPart } from '../cases/commands/support';

export { type ApiApp, type TestUser };
export {
  legalServiceWithStaff,
  organisationWithStaff,
  openCase,
  registerOrganisation,
  type OrganisationWithStaff,
} from '../cases/commands/support';

/** The command side and the legal-aid read API, with their projections running in process. */
export const createLegalAidApp = (part: AppPart = {}) =>
  createCommandsApp(
    {
      modules: [
        LegalAidModule.forRoot({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
      ],
      projections: [legalAidProjection],
    },
    part,
  );

/** POST that must succeed; returns the JSON answer. */
export async function ok(
  api: ApiApp,
  user: TestUser,
  path: string,
  body: object = {},
): Promise<Record<string, any>> {
  const res = await api.post(user, path, body);
  if (res.statusCode >= 300) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Every string value anywhere in a JSON value (keys included), for "never shows" assertions. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsIn(v, out);
    }
  return out;
}
