export * from './config';
export * from './config.module';
export { SETTINGS, SETTING_KEYS, LOG_LEVELS, OIDC_ALGORITHMS, isValidTimeZone } from './settings';
export type { LogLevel, SettingKey, SettingSpec } from './settings';
export { repoRoot } from './repo-root';
export {
  configTable,
  readmeWithConfigTable,
  writeReadmeConfigTable,
  OTHER_SETTINGS,
} from './config-table';
export {
  DEFAULT_REFERENCE_RATES,
  referenceRatesFromEnvironment,
  referenceRatesShape,
  type ReferenceRates,
} from './reference-rates';
