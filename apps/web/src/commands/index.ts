/**
 * The one way the console sends a command (If-Match, Idempotency-Key, Accept-Language; 409/412
 * "the case changed", 422 the rule in the person's language, 503 retried, 400 on the fields), and
 * the generic command form over it.
 */
export * from './send';
export * from './use-command';
export * from './read-your-writes';
export * from './code-lists';
export * from './fields';
export { CommandNotice } from './command-notice';
export { CommandForm, type CommandFormProps } from './command-form';
