/**
 * @remedy/case-stream: the one way to read a case. It owns the case stream id, reading a case's
 * stream (events upcast, revision, the domain's folds) and sealing/opening personal parts. The
 * folds themselves stay pure in @remedy/case-domain. See README.md.
 */
export * from './stream-id';
export * from './personal';
export * from './case-stream';
