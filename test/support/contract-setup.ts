import { contractRecords, describeViolations } from './contract';

// Every test file fails when an answer it received (in process or from a child process it
// started) is not what the OpenAPI document declares for that operation, status and content type.
const started = Date.now();
const worker = process.env.JEST_WORKER_ID ?? null;

afterAll(() => {
  const mine = contractRecords().filter((r) => r.worker === worker && r.at >= started);
  const violations = [...new Set(describeViolations(mine))];
  if (violations.length > 0)
    throw new Error(
      `${violations.length} answer(s) differ from the OpenAPI document (libs/api-client/openapi.json):\n` +
        violations.slice(0, 50).join('\n'),
    );
});
