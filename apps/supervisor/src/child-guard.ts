export {};

/**
 * Preloaded (`node --require`) into every child the supervisor starts: if the supervisor
 * disappears (even by kill -9), the child notices within half a second that its parent changed
 * and shuts itself down (SIGTERM to itself, so the app's own shutdown hooks run; hard exit
 * after 10 s). Plain Node, no dependencies.
 */
const parent = process.ppid;
let leaving = false;

const timer = setInterval(() => {
  if (leaving || process.ppid === parent) return;
  leaving = true;
  clearInterval(timer);
  process.stderr.write(
    `[supervised pid ${process.pid}] supervisor (pid ${parent}) is gone: shutting down\n`,
  );
  setTimeout(() => process.exit(1), 10_000).unref();
  process.kill(process.pid, 'SIGTERM');
}, 500);
timer.unref();
