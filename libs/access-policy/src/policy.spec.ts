import type { Role } from '@remedy/auth';
import type { CaseReach } from '@remedy/case-domain';
import {
  LEGAL_AID_CASE_FIELDS,
  caseActorRoleOf,
  decideAccess,
  decideCase,
  decideOrganisation,
  pickPermitted,
  reachesOnlyStatistics,
} from './policy';

const as = (...roles: Role[]) => ({ roles });
const REACHES: (CaseReach | undefined)[] = [undefined, 'holder', 'referral', 'legal_aid'];

describe('access policy (CASL): who may do what', () => {
  it('organisation-wide subjects: the roles decide', () => {
    expect(decideAccess(as('admin'), 'create', 'Organisation')).toBe('allowed');
    expect(decideAccess(as('supervisor'), 'create', 'Organisation')).toBe('forbidden');
    expect(decideAccess(as('legal_aid'), 'list', 'Organisation')).toBe('allowed');
    expect(decideAccess(as('rapporteur'), 'list', 'Organisation')).toBe('forbidden');
    expect(decideAccess(as('rapporteur'), 'read', 'StatisticsCatalogue')).toBe('allowed');
    expect(decideAccess(as('admin'), 'export', 'AuditTrail')).toBe('allowed');
    expect(decideAccess(as('supervisor'), 'export', 'AuditTrail')).toBe('forbidden');
    expect(decideAccess(as('admin'), 'use', 'QueueDashboard')).toBe('allowed');
    expect(decideAccess(as('caseworker'), 'use', 'QueueDashboard')).toBe('forbidden');
    expect(decideAccess(as('rapporteur'), 'request', 'StatisticsRelease')).toBe('allowed');
    expect(decideAccess(as('supervisor'), 'request', 'StatisticsRelease')).toBe('forbidden');
    expect(decideAccess(as('supervisor'), 'export', 'HtcdsExport')).toBe('allowed');
    expect(decideAccess(as('caseworker'), 'export', 'HtcdsExport')).toBe('forbidden');
    expect(decideAccess(as('caseworker'), 'search', 'PersonSearch')).toBe('allowed');
    expect(decideAccess(as('legal_aid'), 'search', 'PersonSearch')).toBe('forbidden');
  });

  it('administrators and rapporteurs read no case content, whatever the reach', () => {
    for (const role of ['admin', 'rapporteur'] as const) {
      for (const subject of ['CaseList', 'Referral', 'Reminder', 'LegalAidPortfolio'] as const)
        expect(decideAccess(as(role), 'list', subject)).toBe('forbidden');
      expect(decideCase(as(role), 'read', 'Case', 'holder')).toBe('forbidden');
      expect(decideCase(as(role), 'command', 'Case', 'holder')).toBe('forbidden');
      expect(decideCase(as(role), 'read', 'LegalAidCase', 'holder')).toBe('forbidden');
      expect(decideCase(as(role), 'read', 'AccessHistory', 'holder')).toBe('forbidden');
    }
  });

  it('a case the organisation does not reach on the route is unknown (404), never 403', () => {
    for (const roles of [['caseworker'], ['admin'], ['rapporteur'], ['legal_aid']] as Role[][]) {
      expect(decideCase({ roles }, 'read', 'Case', undefined)).toBe('not_found');
      expect(decideCase({ roles }, 'command', 'Case', undefined)).toBe('not_found');
    }
    // legal-aid reach: the legal-aid view and commands, not the full case read
    expect(decideCase(as('legal_aid'), 'read', 'Case', 'legal_aid')).toBe('not_found');
    expect(decideCase(as('legal_aid'), 'read', 'LegalAidCase', 'legal_aid')).toBe('allowed');
    expect(decideCase(as('legal_aid'), 'command', 'Case', 'legal_aid')).toBe('allowed');
    // referral reach: the full read, not the legal-aid view; only the holder sees access history
    expect(decideCase(as('caseworker'), 'read', 'Case', 'referral')).toBe('allowed');
    expect(decideCase(as('caseworker'), 'read', 'LegalAidCase', 'referral')).toBe('not_found');
    expect(decideCase(as('supervisor'), 'read', 'AccessHistory', 'referral')).toBe('not_found');
    expect(decideCase(as('supervisor'), 'read', 'AccessHistory', 'holder')).toBe('allowed');
    expect(decideCase(as('caseworker'), 'read', 'AccessHistory', 'holder')).toBe('forbidden');
  });

  it('every case role reads and commands the cases its organisation holds', () => {
    for (const role of ['caseworker', 'supervisor', 'legal_aid'] as const)
      for (const reach of REACHES.filter((r) => r === 'holder' || r === 'referral'))
        expect(decideCase(as(role), 'read', 'Case', reach)).toBe('allowed');
  });

  it('field-level limits: a legal-aid organisation reads only the listed fields', () => {
    const view = {
      caseId: 'c',
      reference: 'R',
      access: 'legal_aid',
      person: {},
      profile: {},
      identification: {},
      nonPunishmentFlags: [],
      remedies: [],
      revision: '1',
      claims: [],
      totals: {},
      address: 'hidden',
      notes: ['hidden'],
      referrals: ['hidden'],
      assistance: ['hidden'],
    };
    const lawyer = pickPermitted(as('legal_aid'), 'LegalAidCase', 'legal_aid', view);
    expect(Object.keys(lawyer).sort()).toEqual([...LEGAL_AID_CASE_FIELDS].sort());
    const holder = pickPermitted(as('caseworker'), 'LegalAidCase', 'holder', view);
    expect(Object.keys(holder).sort()).toEqual(Object.keys(view).sort());
    expect(pickPermitted(as('admin'), 'LegalAidCase', 'holder', view)).toEqual({});
  });

  it("an organisation's retention schedule: its supervisors and administrators; access requests: the holder's supervisors", () => {
    expect(decideOrganisation(as('supervisor'), 'update', 'RetentionSchedule', true)).toBe(
      'allowed',
    );
    expect(decideOrganisation(as('supervisor'), 'update', 'RetentionSchedule', false)).toBe(
      'forbidden',
    );
    expect(decideOrganisation(as('admin'), 'update', 'RetentionSchedule', false)).toBe('allowed');
    expect(decideOrganisation(as('caseworker'), 'read', 'RetentionSchedule', true)).toBe(
      'forbidden',
    );
    expect(decideCase(as('supervisor'), 'export', 'AccessRequestExport', 'holder')).toBe('allowed');
    expect(decideCase(as('supervisor'), 'export', 'AccessRequestExport', 'referral')).toBe(
      'forbidden',
    );
    expect(decideCase(as('caseworker'), 'export', 'AccessRequestExport', 'holder')).toBe(
      'forbidden',
    );
    expect(decideCase(as('supervisor'), 'export', 'AccessRequestExport', undefined)).toBe(
      'not_found',
    );
  });

  it('rapporteurs alone reach only the statistics; the domain role of case roles', () => {
    expect(reachesOnlyStatistics(as('rapporteur'))).toBe(true);
    expect(reachesOnlyStatistics(as('rapporteur', 'admin'))).toBe(false);
    expect(reachesOnlyStatistics(as('rapporteur', 'caseworker'))).toBe(false);
    expect(reachesOnlyStatistics(as('admin'))).toBe(false);
    expect(caseActorRoleOf(['caseworker', 'supervisor'])).toBe('supervisor');
    expect(caseActorRoleOf(['legal_aid'])).toBe('legal_aid_lawyer');
    expect(caseActorRoleOf(['admin', 'rapporteur'])).toBeUndefined();
  });
});
