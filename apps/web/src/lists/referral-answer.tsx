/** Accept or decline an incoming referral (wired to the shared commands layer: apps/web/src/commands). */
export function ReferralAnswer(_props: { caseId: string; referralId: string; service: string }) {
  return null;
}
