import { openPersonalView, type PersonalDecrypter } from '@remedy/case-stream';
import type { LegalAidPersonal } from './views';

export { LegalAidPersonal } from './views';

export function pickLegalAidPersonal(opened: unknown): Omit<LegalAidPersonal, 'erased'> {
  if (!opened || typeof opened !== 'object') return {};
  const { fullName, contacts } = opened as { fullName?: unknown; contacts?: unknown };
  return {
    ...(typeof fullName === 'string' ? { fullName } : {}),
    ...(Array.isArray(contacts)
      ? { contacts: contacts.filter((c): c is string => typeof c === 'string') }
      : {}),
  };
}

export async function openLegalAidPersonal(
  cipher: PersonalDecrypter,
  caseId: string,
  sealedOpening: string | null,
  erased: boolean,
): Promise<LegalAidPersonal> {
  if (erased) return { erased: true };
  const view = await openPersonalView(cipher, caseId, sealedOpening);
  if (!view) return { erased: false };
  if (view.erased) return { erased: true };
  return { erased: false, ...pickLegalAidPersonal(view.value) };
}
